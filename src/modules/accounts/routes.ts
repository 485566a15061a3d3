import type { App } from '../../platform/http/inputs.js';
import type { Clock } from '../../platform/clock.js';
import { registerPasswordResetRoutes } from './recovery/routes.password-reset.js';
import { registerUnlockRoutes } from './recovery/routes.unlock.js';
import type { AddressLimit } from './route-support.js';
import type { AccountService } from './service.js';
import { recentAuthRequired } from './sign-in/reauth.js';
import { registerReauthRoutes } from './sign-in/routes.reauth.js';
import { registerSignInSecondStepRoutes } from './sign-in/routes.second-step.js';
import { registerSessionRoutes } from './sign-in/routes.sessions.js';
import { registerSignInRoutes } from './sign-in/routes.sign-in.js';
import type { SessionStore } from './sign-in/sessions.js';
import { registerFirstMethodRoutes, registerSignUpFinishRoutes } from './sign-up/routes.first-method.js';
import { registerSignUpPasswordRoutes, registerSignUpRoutes } from './sign-up/routes.js';
import type { PasskeyService } from './two-step/passkeys.js';
import { registerAddMethodRoutes } from './two-step/routes.add-method.js';
import { registerManageRoutes, registerPasskeyRenameRoutes } from './two-step/routes.manage.js';
import type { TwoStepService } from './two-step/two-step.js';

/**
 * The accounts routes, by journey (each sub-module has its own route files; the sign-in journey's states and
 * transitions: sign-in/journey.ts):
 *
 * - sign-up/:   the email and its link, the password, the first two-step method and the backup codes
 * - sign-in/:   the password, the second step, re-authentication, devices, signing out (the account home:
 *               the account-home module)
 * - recovery/:  a forgotten password, and signing in by a link while the email is throttled
 * - two-step/:  the account's two-step methods (adding, removing, renaming, new backup codes)
 * - profile/:   the profile and the settings, with the email changes (registerProfileRoutes)
 * - external/:  sign-in through the external OpenID Connect provider (registerExternalSignInRoutes)
 */
export interface AccountRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  timeZone: string;
  /** Per-address limiter for sign-in and sign-up posts: seconds to wait when over the limit. */
  limit: AddressLimit;
  /** External sign-in's provider (a "Sign in with Login.gov" button on the sign-in page); absent when not configured. */
  externalSignIn?: { name: string };
  /** Sign-in, sign-up and forgot-password take at least this long, account or not (timing.ts). */
  minimumMs: number;
}

/** Sign-up (its first steps), sign-in's password step, recovery and the account's sessions. */
export function registerAccountRoutes(app: App, deps: AccountRoutesDeps): void {
  registerSignUpRoutes(app, deps);
  registerSignUpPasswordRoutes(app, deps);
  registerSignInRoutes(app, deps);
  registerUnlockRoutes(app, deps);
  registerPasswordResetRoutes(app, deps);
  registerSessionRoutes(app, deps);
}

export interface TwoStepRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  twoStep: TwoStepService;
  passkeys: PasskeyService;
  clock: Clock;
  timeZone: string;
  /** Per-address limiter for password posts: seconds to wait when over the limit. */
  limit: AddressLimit;
}

/**
 * Everything that uses the two-step methods: the second step of sign-in and of re-authentication (sign-in/), the
 * first method at sign-up (sign-up/), and the account's methods page (two-step/), whose changes need a recent
 * authentication (sign-in/reauth.ts).
 */
export function registerTwoStepRoutes(app: App, deps: TwoStepRoutesDeps): void {
  registerSignInSecondStepRoutes(app, deps);
  registerReauthRoutes(app, deps);
  registerFirstMethodRoutes(app, deps);
  registerSignUpFinishRoutes(app, deps);
  const manage = { ...deps, recentAuth: recentAuthRequired(deps.sessions, deps.clock) };
  registerManageRoutes(app, manage);
  registerPasskeyRenameRoutes(app, manage);
  registerAddMethodRoutes(app, manage);
}
