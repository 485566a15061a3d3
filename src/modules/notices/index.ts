export {
  NoticeService,
  MAIL_WITHIN_MS,
  CASE_NOTICE_KINDS,
  isCaseNoticeKind,
  renderNoticeJob,
  type CaseNoticeKind,
  type CaseDocument,
  type DocumentFile,
} from './service.js';
export { documentLabel, sendDocument } from './http.js';
export { renderCaseNotice } from './pdf.js';
