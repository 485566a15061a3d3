/** Cases: receipt numbers, forms, offices, the status catalog, Case Status Online and the case status API. */
export {
  parseReceiptNumber,
  receiptProblemMessage,
  RECEIPT_PREFIXES,
  type ReceiptNumberProblem,
} from './receipt-number.js';
export { FORMS, findForm, formLongName } from './forms.js';
export {
  FORM_CATEGORIES,
  MY_PROGRESS_FORMS,
  categoriesOf,
  effectiveCategory,
  findFormCategory,
} from './form-categories.js';
export { OFFICES, findOffice, officeName, officeForPrefix, officeTimeZone } from './offices.js';
export { findStatus, statusKey } from './statuses.js';
export {
  CaseStatusService,
  CaseStatusNotFound,
  InvalidReceiptNumber,
  describeCase,
  type CaseStatusView,
} from './service.js';
export { SANDBOX_RECEIPTS } from './demo-data.js';
export { statusDescriptionHtml, statusDescriptionText } from './views/status-text.js';
export {
  casesForDemoItems,
  countCases,
  findWithHistoryByReceiptNumber,
  sampleCaseToAddByReceiptNumber,
  sampleReceiptNumbers,
} from './repository.js';
export {
  applicantOfCase,
  caseForNewCode,
  caseForRoutingForShare,
  caseIdByReceiptNumber,
  caseProtectionById,
  caseSummaryByReceiptNumber,
  findCaseForAdding,
  findCaseForRequest,
  section1367OfCase,
  type RequestCase,
} from './repository.js';
export { caseTimelines, MILESTONE_STATUSES, type CaseTimeline, type Milestone } from './timelines.js';
export { registerCasesPublicRoutes } from './routes.public.js';
export { registerCaseStatusApiRoutes } from './routes.api.js';
export { seedDemoData, bulkLoadDemoCases } from './seed.js';
export {
  caseFeatures,
  howToAdd,
  mayChangeAddressOnline,
  mayLinkByReceiptNumber,
  maySeeCase,
  type CaseFeature,
} from './capabilities.js';
// The state case events derive into cases (only case-events calls these).
export {
  casesByIds,
  findCases,
  insertEventCases,
  recomputeStatus,
  setFilingChannel,
  setSection1367,
  setStatuses,
  updateFacts,
  upsertApplicants,
  type StoredCase,
} from './events-repository.js';
