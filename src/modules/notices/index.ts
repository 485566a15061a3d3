export { NoticeService, MAIL_WITHIN_MS, CASE_NOTICE_KINDS, isCaseNoticeKind, renderNoticeJob, type CaseNoticeKind, type CaseDocument, type DocumentFile } from './service.js';
export { renderAccountAcceptanceNotice, renderCaseNotice } from './pdf.js';
export { documentLabel, sendDocument } from './http.js';
