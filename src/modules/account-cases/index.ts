export { AccountCaseService, OAC_MAX_FAILURES, OAC_LOCK_MS, type AddResult } from './service.js';
export { registerAccountCaseRoutes } from './routes.js';
export { IdentityVerificationService, questionsFor, IDENTITY_MAX_FAILURES, IDENTITY_WINDOW_MS } from './identity.js';
export {
  suspendedLinksOf,
  confirmLink,
  removeSuspendedLink,
  insertAccessCodes,
  linkOnlineFilings,
  reviewReceiptNumberLinks,
  type SuspendedLinkRow,
} from './repository.js';
