/** Accounts: applicant and representative sign-up, passwords, two-step verification, sessions. */
export { AccountService, emailSchema } from './service.js';
export { SessionStore, SESSION_COOKIE } from './sign-in/sessions.js';
export { registerAccountRoutes, registerTwoStepRoutes } from './routes.js';
export { accountGuards } from './sign-in/guards.js';
export { preparePasswordChecks } from './passwords.js';
export { ProfileService } from './profile/profile.js';
export { registerProfileRoutes } from './profile/routes.js';
export { ExternalSignInService } from './external/external-sign-in.js';
export { TwoStepService } from './two-step/two-step.js';
export { PasskeyService } from './two-step/passkeys.js';
export { registerExternalSignInRoutes } from './external/routes.js';
// For the modules that act on accounts (staff, help desk, cases of an account) and the pages built on the account layout.
export {
  countSecurityEventsSince,
  deleteSessionsOf,
  findAccountByEmail,
  findAccountById,
  insertAccount,
  lockedUntil,
  recordSecurityEvent,
  UNLOCKED_EVENT,
} from './repository.js';
// What other modules may ask about accounts (they never query the account tables themselves).
export {
  accountIdBy,
  accountsByAnyEmail,
  accountStanding,
  countActiveAccounts,
  setStaffDisabled,
  staffAccounts,
  accountsByOnlineAccountNumber,
  recentSecurityEvents,
  removeCredentials,
  setVerifiedPrimaryEmail,
  twoStepSummary,
  verifiedPhoneNumbers,
  applicantIdsByOnlineAccountNumber,
  contactsOf,
  identityVerifiedAt,
  markIdentityVerified,
  notificationRecipients,
  peopleBy,
} from './directory.js';
export type { AccountRow } from './tables.js';
export { OTP_MAX_FAILURES } from './service.js';
