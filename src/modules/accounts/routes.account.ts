import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { SessionStage } from '../../platform/db/tables.js';
import { withMinimumDuration } from '../../platform/http/timing.js';
import type { FieldError } from '../../platform/views/components.js';
import { linkInvalidPage } from '../../platform/views/frame.js';
import type { SafeHtml } from '../../platform/views/html.js';
import { dateTimeFormatter, formatDate } from '../../platform/format.js';
import { describeUserAgent, emailSchema, type AccountService } from './service.js';
import type { RepresentativeStatus } from './profile/profile.js';
import { SESSION_IDLE_MS, type SessionStore } from './sign-in/sessions.js';
import {
  accountHomePage, checkEmailPage, confirmEmailPage, forgotPasswordPage, newPasswordPage,
  passwordPage, resetSentPage, sessionsPage, signInPage, signUpPage, unlockLinkInvalidPage, unlockLinkPage, unlockRequestPage, unlockSentPage,
} from './views/pages.js';

export interface AccountRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  timeZone: string;
  /** Per-address limiter for sign-in and sign-up posts: seconds to wait when over the limit. */
  limit(request: FastifyRequest): Promise<number | undefined>;
  /** Whether a representative account must first complete its profile (ProfileService, routes.profile.ts). */
  representativeStatus(accountId: string): Promise<RepresentativeStatus>;
  /** External sign-in's provider (a "Sign in with Login.gov" button on the sign-in page); absent when not configured. */
  externalSignIn?: { name: string };
  /** Sign-in, sign-up and forgot-password take at least this long, account or not (timing.ts). */
  minimumMs: number;
}

type Form = Record<string, unknown>;

/** A long-lived random id for the browser, so a sign-in from a new device can be noticed (and emailed). */
export const DEVICE_COOKIE = 'casedesk_device';
const str = (body: unknown, name: string): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

/**
 * The page a link from an email opens: a form that carries the single-use token, or 410 when the link is spent
 * or expired (`invalid` says what to do then). Only the form's POST uses the token, so mail scanners that open
 * links cannot spend it. Used by sign-up, password reset and the settings' address changes (routes.profile.ts).
 */
export const linkLanding =
  (
    usable: (token: string) => Promise<boolean>,
    render: (ctx: ReturnType<FastifyRequest['page']>, p: { csrf: string; token: string }) => SafeHtml,
    invalid: (ctx: ReturnType<FastifyRequest['page']>) => SafeHtml = linkInvalidPage,
  ) =>
  async (request: FastifyRequest, reply: FastifyReply) => {
    const token = str(request.query, 'token').slice(0, 200);
    if (!token || !(await usable(token))) return reply.html(invalid(request.page()), 410);
    reply.header('referrer-policy', 'no-referrer');
    return reply.html(render(request.page(), { csrf: reply.generateCsrf(), token }));
  };

/** Guards for the three account policies: each needs a live session at its stage. */
export function accountGuards(sessions: SessionStore, kindOf?: (accountId: string) => Promise<string | undefined>): Record<'account' | 'account-setup' | 'account-pending', preHandlerHookHandler> {
  const guard = (stage: SessionStage): preHandlerHookHandler => async (request, reply) => {
    const session = await sessions.load(request);
    if (!session || session.stage !== stage) {
      if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect(stage === 'setup' ? '/account/sign-up' : '/account/sign-in', 303);
      return reply.code(401).html(signInPage(request.page(), { csrf: reply.generateCsrf() }), 401);
    }
    // Staff on the account pages they share with everyone (devices, two-step verification) get their own menu.
    if (stage === 'full' && kindOf && (request.method === 'GET' || request.method === 'HEAD')) request.staffViewer = (await kindOf(session.account_id)) === 'staff';
  };
  return { account: guard('full'), 'account-setup': guard('setup'), 'account-pending': guard('password') };
}

/**
 * A full sign-in, the one way every sign-in ends (password and second factor, sign-up finished, external provider):
 * a new session at the full stage, and the device noted (a new one gets the account holder an email).
 */
export async function startFullSignIn(deps: { accounts: AccountService; sessions: SessionStore }, request: FastifyRequest, reply: FastifyReply, accountId: string): Promise<void> {
  await deps.sessions.start(request, reply, accountId, 'full');
  let device = request.cookies[DEVICE_COOKIE];
  if (!device || device.length > 100) {
    device = randomBytes(16).toString('base64url');
    reply.setCookie(DEVICE_COOKIE, device, { path: '/', httpOnly: true, secure: true, sameSite: 'lax', maxAge: 2 * 365 * 86_400 });
  }
  await deps.accounts.recordDevice(accountId, device, request.headers['user-agent'], request.ip);
}

export function timeOf(date: Date, lang: 'en' | 'es', timeZone: string): string {
  return formatDate(date, lang, timeZone, 'time');
}

/** Sign-up (email, password, authenticator app, backup codes), sign-in with two steps, sign-out, account home. */
export function registerAccountRoutes(app: FastifyInstance, deps: AccountRoutesDeps): void {
  const { accounts, sessions } = deps;

  /** Over the per-address limit: answers 429 (through the one error handler) with Retry-After. */
  const tooMany = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const wait = await deps.limit(request);
    if (wait === undefined) return;
    reply.header('retry-after', String(wait));
    throw Object.assign(new Error('Too many requests from this address'), { statusCode: 429 });
  };

  app.get('/account/sign-up', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(signUpPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  app.post('/account/sign-up', { config: { policy: 'public' } }, async (request, reply) => {
    await tooMany(request, reply);
    const rawEmail = str(request.body, 'email').slice(0, 300);
    const kind = str(request.body, 'kind');
    const email = emailSchema.safeParse(rawEmail);
    const errors: FieldError[] = [];
    if (!email.success) errors.push({ field: 'email', message: request.t(rawEmail.trim() ? 'accounts:sign_up.errors.email_invalid' : 'accounts:sign_up.errors.email_required') });
    if (kind !== 'applicant' && kind !== 'representative') errors.push({ field: 'kind', message: request.t('accounts:sign_up.errors.kind_required') });
    if (errors.length || !email.success) return reply.html(signUpPage(request.page(), { csrf: reply.generateCsrf(), email: rawEmail, kind, errors }), 400);
    await withMinimumDuration(deps.minimumMs, () => accounts.startSignUp({ email: email.data, kind: kind as 'applicant' | 'representative', language: request.lang, ip: request.ip }));
    return reply.redirect(`/account/sign-up/check-email?email=${encodeURIComponent(email.data)}`, 303);
  });

  app.get('/account/sign-up/check-email', { config: { policy: 'public' } }, async (request, reply) => {
    const email = emailSchema.safeParse((request.query as Form).email);
    return reply.html(checkEmailPage(request.page(), email.success ? email.data : ''));
  });

  app.get('/account/sign-up/confirm', { config: { policy: 'public' } }, linkLanding((token) => accounts.verificationLinkUsable(token), confirmEmailPage));

  app.post('/account/sign-up/confirm', { config: { policy: 'public' } }, async (request, reply) => {
    const account = await accounts.confirmEmail(str(request.body, 'token').slice(0, 200));
    if (!account) return reply.html(linkInvalidPage(request.page()), 410);
    await sessions.start(request, reply, account.id, 'setup');
    return reply.redirect('/account/sign-up/password', 303);
  });

  app.get('/account/sign-up/password', { config: { policy: 'account-setup' } }, async (request, reply) =>
    reply.html(passwordPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  app.post('/account/sign-up/password', { config: { policy: 'account-setup' } }, async (request, reply) => {
    const password = str(request.body, 'password');
    const confirmation = str(request.body, 'password_confirmation');
    const errors: FieldError[] = [];
    if (!password) errors.push({ field: 'password', message: request.t('accounts:password.errors.required') });
    else if (password !== confirmation) errors.push({ field: 'password_confirmation', message: request.t('accounts:password.errors.mismatch') });
    else {
      const result = await accounts.setPassword(request.session!.account_id, password);
      if (!result.ok) errors.push({ field: 'password', message: request.t(`accounts:password.errors.${result.problem}`) });
    }
    if (errors.length) return reply.html(passwordPage(request.page(), { csrf: reply.generateCsrf(), errors }), 400);
    return reply.redirect('/account/sign-up/authenticator', 303);
  });

  // Choosing and setting up two-step verification, the backup codes, and the second step of sign-in: routes.two-step.ts.

  app.get('/account/sign-in', { config: { policy: 'public' } }, async (request, reply) => {
    const query = request.query as Form;
    const notice = query.reset === '1' ? request.t('accounts:reset.done') : query.timeout === '1' ? request.t('accounts:timeout.timed_out') : undefined;
    return reply.html(signInPage(request.page(), { csrf: reply.generateCsrf(), notice, external: deps.externalSignIn }));
  });

  app.post('/account/sign-in', { config: { policy: 'public' } }, async (request, reply) => {
    await tooMany(request, reply);
    const email = str(request.body, 'email').slice(0, 300);
    const result = await withMinimumDuration(deps.minimumMs, () => accounts.signIn(email, str(request.body, 'password').slice(0, 1000), request.ip));
    if (!result.ok) {
      // The same page for every email once throttled, with an account or not: the wait, and the offer of a link.
      const throttled = result.reason === 'throttled';
      const message = throttled
        ? request.t('accounts:sign_in.throttled_unlock', { time: timeOf(result.retryAt, request.lang, deps.timeZone) })
        : request.t('accounts:sign_in.invalid');
      return reply.html(signInPage(request.page(), { csrf: reply.generateCsrf(), email, errors: [{ field: 'email', message }], external: deps.externalSignIn, unlockOffer: throttled }), throttled ? 429 : 400);
    }
    await sessions.start(request, reply, result.account.id, 'password');
    return reply.redirect('/account/sign-in/code', 303);
  });

  // ---- Signing in while the email is throttled: a link by email, then the password and the second step -------------
  app.get('/account/sign-in/unlock', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(unlockRequestPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  app.post('/account/sign-in/unlock', { config: { policy: 'public' } }, async (request, reply) => {
    await tooMany(request, reply);
    const raw = str(request.body, 'email').slice(0, 300);
    const email = emailSchema.safeParse(raw);
    if (!email.success) {
      const message = request.t(raw.trim() ? 'accounts:sign_up.errors.email_invalid' : 'accounts:sign_up.errors.email_required');
      return reply.html(unlockRequestPage(request.page(), { csrf: reply.generateCsrf(), email: raw, errors: [{ field: 'email', message }] }), 400);
    }
    await withMinimumDuration(deps.minimumMs, () => accounts.requestSignInUnlock(email.data, request.ip));
    return reply.redirect(`/account/sign-in/unlock/sent?email=${encodeURIComponent(email.data)}`, 303);
  });

  app.get('/account/sign-in/unlock/sent', { config: { policy: 'public' } }, async (request, reply) => {
    const email = emailSchema.safeParse((request.query as Form).email);
    return reply.html(unlockSentPage(request.page(), email.success ? email.data : ''));
  });

  // Opening the link shows the form (mail scanners that open links spend nothing); only its POST uses the link.
  app.get('/account/sign-in/unlock/link', { config: { policy: 'public' } }, async (request, reply) => {
    const token = str(request.query, 'token').slice(0, 200);
    const email = token ? await accounts.unlockLinkEmail(token) : undefined;
    if (!email) return reply.html(unlockLinkInvalidPage(request.page()), 410);
    reply.header('referrer-policy', 'no-referrer');
    return reply.html(unlockLinkPage(request.page(), { csrf: reply.generateCsrf(), token, email }));
  });

  app.post('/account/sign-in/unlock/link', { config: { policy: 'public' } }, async (request, reply) => {
    await tooMany(request, reply);
    const token = str(request.body, 'token').slice(0, 200);
    const password = str(request.body, 'password').slice(0, 1000);
    const result = token ? await accounts.signInWithUnlockLink(token, password, request.ip) : ({ ok: false, reason: 'link_invalid' } as const);
    if (!result.ok && result.reason === 'link_invalid') return reply.html(unlockLinkInvalidPage(request.page()), 410);
    if (!result.ok) {
      const email = (await accounts.unlockLinkEmail(token)) ?? '';
      if (!email) return reply.html(unlockLinkInvalidPage(request.page()), 410);
      const errors = [{ field: 'password', message: request.t('accounts:unlock.password_invalid') }];
      return reply.html(unlockLinkPage(request.page(), { csrf: reply.generateCsrf(), token, email, errors }), 400);
    }
    await sessions.start(request, reply, result.account.id, 'password');
    return reply.redirect('/account/sign-in/code', 303);
  });

  app.get('/account/forgot-password', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(forgotPasswordPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  app.post('/account/forgot-password', { config: { policy: 'public' } }, async (request, reply) => {
    await tooMany(request, reply);
    const raw = str(request.body, 'email').slice(0, 300);
    const email = emailSchema.safeParse(raw);
    if (!email.success) {
      const message = request.t(raw.trim() ? 'accounts:sign_up.errors.email_invalid' : 'accounts:sign_up.errors.email_required');
      return reply.html(forgotPasswordPage(request.page(), { csrf: reply.generateCsrf(), email: raw, errors: [{ field: 'email', message }] }), 400);
    }
    await withMinimumDuration(deps.minimumMs, () => accounts.requestPasswordReset(email.data, request.ip));
    return reply.redirect(`/account/forgot-password/sent?email=${encodeURIComponent(email.data)}`, 303);
  });

  app.get('/account/forgot-password/sent', { config: { policy: 'public' } }, async (request, reply) => {
    const email = emailSchema.safeParse((request.query as Form).email);
    return reply.html(resetSentPage(request.page(), email.success ? email.data : ''));
  });

  app.get('/account/reset-password', { config: { policy: 'public' } }, linkLanding((token) => accounts.resetLinkUsable(token), (ctx, p) => newPasswordPage(ctx, p)));

  app.post('/account/reset-password', { config: { policy: 'public' } }, async (request, reply) => {
    await tooMany(request, reply);
    const token = str(request.body, 'token').slice(0, 200);
    const password = str(request.body, 'password');
    const again = (errors: FieldError[]) => reply.html(newPasswordPage(request.page(), { csrf: reply.generateCsrf(), token, errors }), 400);
    if (!password) return again([{ field: 'password', message: request.t('accounts:password.errors.required') }]);
    if (password !== str(request.body, 'password_confirmation')) return again([{ field: 'password_confirmation', message: request.t('accounts:password.errors.mismatch') }]);
    const result = await accounts.resetPassword(token, password, request.ip);
    if (!result) return reply.html(linkInvalidPage(request.page()), 410);
    if (!result.ok) return again([{ field: 'password', message: request.t(`accounts:password.errors.${result.problem}`) }]);
    await sessions.end(request, reply);
    return reply.redirect('/account/sign-in?reset=1', 303);
  });

  app.get('/account', { config: { policy: 'account' } }, async (request, reply) => {
    const account = await accounts.findAccount(request.session!.account_id);
    if (!account) return reply.redirect('/account/sign-in', 303);
    // A representative completes its profile first (issue 3 item 1; REP-3 matches paper G-28s against it).
    const representative = await deps.representativeStatus(account.id);
    if (representative === 'missing' || representative === 'expired') return reply.redirect(`/account/profile/representative?required=${representative}`, 303);
    // Staff accounts have no public account home: their home is the staff workspace.
    if (account.kind === 'staff') return reply.redirect('/staff', 303);
    const left = Number((request.query as Form).backup_codes_left);
    return reply.html(accountHomePage(request.page(), {
      csrf: reply.generateCsrf(),
      idleSeconds: SESSION_IDLE_MS / 1000,
      email: account.email,
      onlineAccountNumber: account.online_account_number,
      backupCodesRemaining: Number.isInteger(left) && left >= 0 && left <= 10 ? left : undefined,
      welcomeSurvey: (request.query as Form).welcome === '1',
    }));
  });

  app.get('/account/sessions', { config: { policy: 'account' } }, async (request, reply) => {
    const current = request.session!;
    const when = dateTimeFormatter(request.lang, deps.timeZone);
    const list = (await accounts.activeSessions(current.account_id)).map((s) => ({
      current: s.id_hash === current.id_hash,
      device: describeUserAgent(s.user_agent ?? undefined),
      signedIn: when(s.created_at),
      lastActive: when(s.last_seen_at),
    }));
    return reply.html(sessionsPage(request.page(), { csrf: reply.generateCsrf(), idleSeconds: SESSION_IDLE_MS / 1000, sessions: list, done: (request.query as Form).done === '1' }));
  });

  // "Stay signed in" in the idle warning: loading the session (the guard did) already counts as activity.
  app.post('/account/session/extend', { config: { policy: 'account' } }, async (_request, reply) => reply.code(204).send());

  app.post('/account/sessions/sign-out-others', { config: { policy: 'account' } }, async (request, reply) => {
    await accounts.signOutOtherSessions(request.session!.account_id, request.session!.id_hash, request.ip);
    return reply.redirect('/account/sessions?done=1', 303);
  });

  app.post('/account/sign-out', { config: { policy: 'account' } }, async (request, reply) => {
    await sessions.end(request, reply);
    return reply.redirect('/survey/exit', 303);
  });
}
