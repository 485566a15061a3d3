import type { SessionRow, SessionStage } from '../tables.js';
import type { RoutePolicy } from '../../../platform/http/policies.js';

/**
 * The sign-in journey in one place: its states, the events that move a person between them, and where each
 * transition sends the person (a redirect) or what it answers (the same page again, with its status).
 *
 * The routes follow this table: they ask `transition(state, event)` where to go next, the account guards ask
 * `admits(policy, session)` whether a step is allowed, and the re-authentication hook and pages ask `stateOf`.
 * `journey.test.ts` walks it against the app: every state reached, every transition made through HTTP, and
 * every redirect compared with the table.
 *
 * A state is read from the session row (its stage and its authentication times) and, where no session says
 * it, from the account's lockouts (`AccountService.lockState`):
 *
 * | state                    | session                                    | meaning                                             |
 * | ------------------------ | ------------------------------------------ | --------------------------------------------------- |
 * | `signed_out`             | none                                       | nobody signed in                                    |
 * | `locked`                 | none                                       | the email is throttled after wrong passwords        |
 * | `setup`                  | stage `setup`                              | signing up: email confirmed, account not finished   |
 * | `second_step_due`        | stage `password`                           | password right, a second step is owed               |
 * | `second_step_locked`     | stage `password`                           | ... and too many wrong codes: no method accepted    |
 * | `signed_in`              | stage `full`, authenticated < 15 min ago   | signed in; sensitive changes allowed                |
 * | `reauth_due`             | stage `full`, authenticated ≥ 15 min ago   | signed in; a sensitive change asks for both factors |
 * | `reauth_second_step_due` | ... and the password given again < 5 min   | re-authenticating: the second factor is owed        |
 */
export type JourneyState =
  | 'signed_out'
  | 'locked'
  | 'setup'
  | 'second_step_due'
  | 'second_step_locked'
  | 'signed_in'
  | 'reauth_due'
  | 'reauth_second_step_due';

export type JourneyEvent =
  // Sign-up (its email link, password, first method and backup codes)
  | 'sign_up_email_confirmed'
  | 'sign_up_password_set'
  | 'sign_up_finished'
  // The password step of sign-in, and the link by email that signs in while the email is throttled
  | 'password_ok'
  | 'password_wrong'
  | 'password_throttled'
  | 'unlock_link_password_ok'
  | 'password_reset'
  // The second step (an authenticator, text or email code, or a passkey; a backup code)
  | 'second_step_ok'
  | 'backup_code_ok'
  | 'code_wrong'
  | 'code_refused_locked'
  // Sign-in through the external provider (ADR 8)
  | 'external_ok'
  | 'external_account_created'
  // Re-authentication before a sensitive change
  | 'sensitive_change'
  | 'reauth_password_ok'
  | 'reauth_password_wrong'
  | 'reauth_password_throttled'
  | 'reauth_code_without_password'
  | 'reauth_code_ok'
  | 'reauth_code_wrong'
  // Leaving
  | 'sign_out'
  // Time passing (no request: the next one finds the new state)
  | 'idle_timeout'
  | 'authentication_ages'
  | 'reauth_password_step_expires'
  | 'lockout_ends'
  | 'throttle_ends';

/** Where a transition leads: the next state, and the redirect (`go`) or the status of the page answered again. */
export interface Transition {
  readonly to: JourneyState;
  /** A redirect (303) target; `{name}` is filled from the route's parameters (already encoded where needed). */
  readonly go?: string;
  /** The status of the page answered instead of a redirect (a form shown again with its error). */
  readonly status?: number;
}

export const SIGN_IN_PATH = '/account/sign-in';
export const SECOND_STEP_PATH = '/account/sign-in/code';
export const REAUTH_PATH = '/account/reauthenticate';
export const SIGN_UP_PATH = '/account/sign-up';

const HOME = '/account';
/** Where a password that was given again goes next: the re-authentication's second step, keeping `next`. */
const REAUTH_CODE = `${REAUTH_PATH}/code?next={next}`;
/** Back to the re-authentication's password (`next` encoded). */
const REAUTH_PASSWORD = `${REAUTH_PATH}?next={next}`;
/** The re-authentication page a sensitive change sends to (`query` holds `next`, and `again` after a form post). */
const REAUTH_ASK = `${REAUTH_PATH}?{query}`;

/** Re-authentication's password step, the same from every signed-in state: right, it opens the second step. */
const reauthPasswordStep = (state: JourneyState) =>
  ({
    reauth_password_ok: { to: state === 'signed_in' ? 'signed_in' : 'reauth_second_step_due', go: REAUTH_CODE },
    reauth_password_wrong: { to: state, status: 400 },
    reauth_password_throttled: { to: state, status: 429 },
  }) satisfies { [E in JourneyEvent]?: Transition };

/** The journey. A missing entry is a step the state does not allow. */
export const SIGN_IN_JOURNEY: { readonly [S in JourneyState]: { readonly [E in JourneyEvent]?: Transition } } = {
  signed_out: {
    sign_up_email_confirmed: { to: 'setup', go: `${SIGN_UP_PATH}/password` },
    password_ok: { to: 'second_step_due', go: SECOND_STEP_PATH },
    password_wrong: { to: 'signed_out', status: 400 },
    password_throttled: { to: 'locked', status: 429 },
    unlock_link_password_ok: { to: 'second_step_due', go: SECOND_STEP_PATH },
    password_reset: { to: 'signed_out', go: `${SIGN_IN_PATH}?reset=1` },
    external_ok: { to: 'signed_in', go: HOME },
    external_account_created: { to: 'signed_in', go: `${HOME}?welcome=1` },
  },
  locked: {
    password_throttled: { to: 'locked', status: 429 },
    unlock_link_password_ok: { to: 'second_step_due', go: SECOND_STEP_PATH },
    password_reset: { to: 'signed_out', go: `${SIGN_IN_PATH}?reset=1` },
    throttle_ends: { to: 'signed_out' },
  },
  setup: {
    sign_up_password_set: { to: 'setup', go: `${SIGN_UP_PATH}/authenticator` },
    sign_up_finished: { to: 'signed_in', go: `${HOME}?welcome=1` },
    idle_timeout: { to: 'signed_out', go: SIGN_UP_PATH },
  },
  second_step_due: {
    second_step_ok: { to: 'signed_in', go: HOME },
    backup_code_ok: { to: 'signed_in', go: `${HOME}?backup_codes_left={left}` },
    code_wrong: { to: 'second_step_due', status: 400 },
    code_refused_locked: { to: 'second_step_locked', status: 429 },
    idle_timeout: { to: 'signed_out', go: SIGN_IN_PATH },
  },
  second_step_locked: {
    code_refused_locked: { to: 'second_step_locked', status: 429 },
    lockout_ends: { to: 'second_step_due' },
    idle_timeout: { to: 'signed_out', go: SIGN_IN_PATH },
  },
  signed_in: {
    // A re-authentication asked for although the last one is recent (the page is open to every signed-in person).
    ...reauthPasswordStep('signed_in'),
    reauth_code_without_password: { to: 'signed_in', go: REAUTH_PASSWORD },
    reauth_code_ok: { to: 'signed_in', go: '{next}' },
    reauth_code_wrong: { to: 'signed_in', status: 400 },
    code_refused_locked: { to: 'signed_in', status: 429 },
    sign_out: { to: 'signed_out', go: '/survey/exit' },
    idle_timeout: { to: 'signed_out', go: SIGN_IN_PATH },
    authentication_ages: { to: 'reauth_due' },
  },
  reauth_due: {
    sensitive_change: { to: 'reauth_due', go: REAUTH_ASK },
    ...reauthPasswordStep('reauth_due'),
    reauth_code_without_password: { to: 'reauth_due', go: REAUTH_PASSWORD },
    sign_out: { to: 'signed_out', go: '/survey/exit' },
    idle_timeout: { to: 'signed_out', go: SIGN_IN_PATH },
  },
  reauth_second_step_due: {
    sensitive_change: { to: 'reauth_second_step_due', go: REAUTH_ASK },
    ...reauthPasswordStep('reauth_second_step_due'),
    reauth_code_ok: { to: 'signed_in', go: '{next}' },
    reauth_code_wrong: { to: 'reauth_second_step_due', status: 400 },
    code_refused_locked: { to: 'reauth_second_step_due', status: 429 },
    reauth_password_step_expires: { to: 'reauth_due', go: REAUTH_PASSWORD },
    sign_out: { to: 'signed_out', go: '/survey/exit' },
    idle_timeout: { to: 'signed_out', go: SIGN_IN_PATH },
  },
};

/** The transition for `event` in `state`; throws when the table does not allow it (a route asked out of turn). */
export function transition(state: JourneyState, event: JourneyEvent): Transition {
  const found = SIGN_IN_JOURNEY[state][event];
  if (!found) throw new Error(`The sign-in journey has no "${event}" in the state "${state}"`);
  return found;
}

/** Where `event` in `state` sends the person, its `{name}` placeholders filled from `params`. */
export function goTo(state: JourneyState, event: JourneyEvent, params: Record<string, string | number> = {}): string {
  const go = transition(state, event).go;
  if (go === undefined) throw new Error(`"${event}" in the state "${state}" answers a page, it does not redirect`);
  return go.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`"${event}" needs the parameter "${name}"`);
    return String(value);
  });
}

/** The status of the page that `event` in `state` answers (a form shown again). */
export function statusOf(state: JourneyState, event: JourneyEvent): number {
  const status = transition(state, event).status;
  if (status === undefined) throw new Error(`"${event}" in the state "${state}" redirects, it answers no page`);
  return status;
}

/** Re-authentication: the last full authentication opens sensitive changes for this long (issue 3 item 6). */
export const REAUTH_MAX_AGE_MS = 15 * 60_000;
/** Re-authentication: the second factor must follow the password within this time. */
export const REAUTH_PASSWORD_STEP_MS = 5 * 60_000;

/** Whether the session's last full authentication is recent enough for a sensitive change. */
export function recentlyAuthenticated(authenticatedAt: Date | null | undefined, now: Date): boolean {
  return Boolean(authenticatedAt) && now.getTime() - authenticatedAt!.getTime() <= REAUTH_MAX_AGE_MS;
}

/** Whether the password was given again recently enough for the re-authentication's second step. */
export function reauthPasswordRecent(reauthPasswordAt: Date | null | undefined, now: Date): boolean {
  return Boolean(reauthPasswordAt) && now.getTime() - reauthPasswordAt!.getTime() <= REAUTH_PASSWORD_STEP_MS;
}

const STATE_OF_STAGE: Record<SessionStage, JourneyState> = {
  setup: 'setup',
  password: 'second_step_due',
  full: 'signed_in',
};

/**
 * The state of a live session (or of its absence). `locks` (from `AccountService.lockState`) tells the locked
 * states apart where the session alone cannot.
 */
export function stateOf(
  session: Pick<SessionRow, 'stage' | 'authenticated_at' | 'reauth_password_at'> | undefined,
  now: Date,
  locks: { passwordUntil?: Date; codesUntil?: Date } = {},
): JourneyState {
  if (!session) return locks.passwordUntil ? 'locked' : 'signed_out';
  const state = STATE_OF_STAGE[session.stage];
  if (state === 'second_step_due' && locks.codesUntil) return 'second_step_locked';
  if (state !== 'signed_in' || recentlyAuthenticated(session.authenticated_at, now)) return state;
  return reauthPasswordRecent(session.reauth_password_at, now) ? 'reauth_second_step_due' : 'reauth_due';
}

/** The states each account policy admits, and where a request in another state is sent (GET; other methods get 401). */
export const POLICY_STATES: Record<
  Extract<RoutePolicy, 'account' | 'account-setup' | 'account-pending'>,
  { stage: SessionStage; states: readonly JourneyState[]; elsewhere: string }
> = {
  'account-setup': { stage: 'setup', states: ['setup'], elsewhere: SIGN_UP_PATH },
  'account-pending': { stage: 'password', states: ['second_step_due', 'second_step_locked'], elsewhere: SIGN_IN_PATH },
  account: { stage: 'full', states: ['signed_in', 'reauth_due', 'reauth_second_step_due'], elsewhere: SIGN_IN_PATH },
};

/** Whether a session may use a route of `policy`: undefined if so, otherwise where a GET is sent. */
export function admits(
  policy: keyof typeof POLICY_STATES,
  session: Pick<SessionRow, 'stage'> | undefined,
): string | undefined {
  const rule = POLICY_STATES[policy];
  return session?.stage === rule.stage ? undefined : rule.elsewhere;
}
