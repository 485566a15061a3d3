/** Cases: receipt numbers, forms, offices, the status catalog, Case Status Online and the case status API. */
export { parseReceiptNumber, normalizeReceiptNumber, receiptProblemMessage, RECEIPT_PREFIXES, type ReceiptNumberProblem } from './receipt-number.js';
export { FORMS, findForm, formLongName } from './forms.js';
export { OFFICES, findOffice, officeName, officeForPrefix } from './offices.js';
export { allStatuses, findStatus, fillTemplate, statusKey, type CaseStatus } from './statuses.js';
export { CaseStatusService, CaseStatusNotFound, InvalidReceiptNumber, describeCase, type CaseStatusView } from './service.js';
export { generateDemoCases, SANDBOX_RECEIPTS, unknownDemoStatusKeys } from './demo-data.js';
export { countCases, findWithHistoryByReceiptNumber, historyOf, HISTORY_ORDER, insertCases, sampleReceiptNumbers, resetCaseSequences, type NewCaseWithHistory } from './repository.js';
export {
  applicantOfCase, caseForNewCode, caseForRoutingForShare, caseIdByReceiptNumber, caseProtectionById, caseSummaryByReceiptNumber, findCaseForAdding, findCaseForRequest, section1367OfCase,
  type CaseApplicantRow, type RequestCase,
} from './repository.js';
export { registerCasesPublicRoutes } from './routes.public.js';
export { registerCaseStatusApiRoutes, agencyCaseStatusBody, AGENCY_CASE_MESSAGES } from './routes.api.js';
export { seedDemoData, bulkLoadDemoCases } from './seed.js';
export { caseFeatures, howToAdd, isIoe, mayLinkByReceiptNumber, maySeeCase, CASE_FEATURES, maySeeProtectedCases, type CaseFeature, type CaseViewer } from './capabilities.js';
// The state case events derive into cases (only case-events calls these).
export {
  casesByIds, findCases, insertEventCases, recomputeStatus, setFilingChannel, setSection1367, setStatuses, updateFacts, upsertApplicants, type NewEventCase, type StoredCase,
} from './events-repository.js';
