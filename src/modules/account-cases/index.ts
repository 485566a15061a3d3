export { AccountCaseService } from './service.js';
export { registerAccountCaseRoutes } from './routes.js';
export { IdentityVerificationService } from './identity.js';
export { suspendedLinksOf, confirmLink, removeSuspendedLink, type SuspendedLinkRow } from './repository.js';
// The change of address applies to the cases an account holds (issue 17 point 4).
export { casesForAddressChange } from './repository.js';
export {
  ACCESS_CODE_TTL_MS,
  accessCodeHash,
  generateOnlineAccessCode,
  normalizeOnlineAccessCode,
} from './access-codes.js';
// What case events record in the cases of accounts, and who holds a case (for its status notifications).
export { activeHoldersOf, insertNoticeAccessCodes, linkOnlineFilings, reviewReceiptNumberLinks } from './repository.js';
