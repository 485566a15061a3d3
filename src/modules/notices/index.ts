export { NoticeService, MAIL_WITHIN_MS } from './service.js';
export { renderAccountAcceptanceNotice, renderCaseNotice } from './pdf.js';
