/** Accounts: applicant and representative sign-up, passwords, two-step verification, sessions. */
export { AccountService, emailSchema, sha256, OTP_MAX_FAILURES, OTP_LOCKOUT_MS, SIGN_IN_FREE_FAILURES } from './service.js';
export { SessionStore, SESSION_COOKIE, SESSION_IDLE_MS, SESSION_MAX_MS } from './sessions.js';
export { registerAccountRoutes, accountGuards } from './routes.account.js';
export { preparePasswordChecks, checkPassword, PASSWORD_MIN, PASSWORD_MAX, ARGON2_PARAMS } from './passwords.js';
export { ExternalSignInService } from './external-sign-in.js';
export { registerExternalSignInRoutes } from './routes.external.js';
