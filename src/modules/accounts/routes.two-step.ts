import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { RoutePolicy } from '../../platform/http/policies.js';
import type { FieldError } from '../../platform/views/components.js';
import { maskEmail, maskPhone } from './two-step/one-time-codes.js';
import type { PasskeyService } from './two-step/passkeys.js';
import { recentAuthRequired, REAUTH_PATH, safeAccountNext } from './sign-in/reauth.js';
import { startFullSignIn, timeOf } from './routes.account.js';
import { describeUserAgent, type AccountService, type SecondFactorResult } from './service.js';
import { SESSION_IDLE_MS, type SessionStore } from './sign-in/sessions.js';
import type { SecondStepOption, TwoStepService } from './two-step/two-step.js';
import type { SignedIn } from '../../platform/views/frame.js';
import { formatDate } from '../../platform/format.js';
import { backupCodesPage, signUpSteps } from './views/pages.js';
import {
  chooseMethodPage, emailMethodPage, manageAuthenticatorPage, manageTwoStepPage, newBackupCodesPage, phoneFormPage, reauthPasswordPage, renamePasskeyPage,
  secondStepPage, setupCodePage, type MethodLine, type SetupFrame, type StepLink, type StepMethod,
} from './views/two-step.js';

/**
 * Two-step verification routes: choosing and setting up the first method at sign-up, the second step of sign-in
 * and of re-authentication (every method the account has, strongest first), and the account's methods page
 * (`/account/two-step`), whose changes need a recent authentication (reauth.ts).
 */
export interface TwoStepRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  twoStep: TwoStepService;
  passkeys: PasskeyService;
  clock: Clock;
  timeZone: string;
  /** Per-address limiter for password posts: seconds to wait when over the limit. */
  limit(request: FastifyRequest): Promise<number | undefined>;
}

/** Re-authentication: the second factor must follow the password within this time. */
export const REAUTH_PASSWORD_STEP_MS = 5 * 60_000;

type Form = Record<string, unknown>;
const str = (source: unknown, name: string, max = 200): string => {
  const value = (source as Form | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const uuidOrUndefined = (value: string) => (UUID.test(value) ? value : undefined);

const signedInView = (csrf: string): SignedIn => ({ csrf, idleSeconds: SESSION_IDLE_MS / 1000 });

export function registerTwoStepRoutes(app: FastifyInstance, deps: TwoStepRoutesDeps): void {
  const { accounts, sessions, twoStep, passkeys } = deps;
  const recentAuth = recentAuthRequired(sessions, deps.clock);
  const when = (request: FastifyRequest, date: Date) => timeOf(date, request.lang, deps.timeZone);
  const day = (request: FastifyRequest, date: Date) => formatDate(date, request.lang, deps.timeZone);

  const tooMany = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const wait = await deps.limit(request);
    if (wait === undefined) return;
    reply.header('retry-after', String(wait));
    throw Object.assign(new Error('Too many requests from this address'), { statusCode: 429 });
  };

  /** The error message for a code that was not accepted. */
  const codeError = (request: FastifyRequest, result: { reason: 'invalid' } | { reason: 'locked'; retryAt: Date }): FieldError => ({
    field: 'code',
    message: result.reason === 'locked' ? request.t('accounts:sign_in.code_locked', { time: when(request, result.retryAt) }) : request.t('two_step:code.invalid'),
  });

  // ---------------------------------------------------------------------------------------------------------------
  // The second step (sign-in and re-authentication)
  // ---------------------------------------------------------------------------------------------------------------

  interface StepFlow {
    base: '/account/sign-in' | '/account/reauthenticate';
    policy: RoutePolicy;
    /** Undefined when the flow may go on; otherwise where to send the person. */
    notReady(request: FastifyRequest): string | undefined;
    next(source: unknown): string | undefined;
    frame(request: FastifyRequest, csrf: string): { heading?: string; intro?: string; signedIn?: SignedIn };
    done(request: FastifyRequest, reply: FastifyReply, result: { method: string; remainingBackupCodes?: number }, next: string | undefined): Promise<unknown>;
  }

  const toLink = (o: SecondStepOption): StepLink => (o.method === 'sms' ? { method: 'sms', phoneId: o.phoneId, masked: o.masked } : o.method === 'email' ? { method: 'email', masked: o.masked } : { method: o.method });

  /** Which method the page shows: the one asked for if the account has it, else the strongest it has. */
  const chooseMethod = (options: SecondStepOption[], asked: string, phone: string): { method: StepMethod; option?: SecondStepOption } => {
    if (asked === 'backup') return { method: 'backup' };
    const match = options.find((o) => o.method === asked && (o.method !== 'sms' || !phone || o.phoneId === phone));
    const option = match ?? options[0];
    return option ? { method: option.method, option } : { method: 'backup' };
  };

  function registerSecondStep(flow: StepFlow): void {
    const render = async (request: FastifyRequest, reply: FastifyReply, asked: string, phone: string, next: string | undefined, errors: FieldError[] = [], status = 200) => {
      const accountId = request.session!.account_id;
      const options = await twoStep.secondStepOptions(accountId);
      const { method, option } = chooseMethod(options, asked, phone);
      let target: { phoneId?: string; masked: string; sent: boolean } | undefined;
      if (option?.method === 'sms' || option?.method === 'email') {
        const live = await twoStep.liveCode(accountId);
        const sent = live?.purpose === 'authenticate' && live.channel === option.method && (option.method === 'email' || live.phoneId === option.phoneId);
        target = { phoneId: option.method === 'sms' ? option.phoneId : undefined, masked: option.masked, sent };
      }
      const others: StepLink[] = options.filter((o) => o !== option).map(toLink);
      if (method !== 'backup') others.push({ method: 'backup' });
      const csrf = reply.generateCsrf();
      return reply.html(secondStepPage(request.page(), { csrf, base: flow.base, method, target, others, next, errors, ...flow.frame(request, csrf) }), status);
    };

    app.get(`${flow.base}/code`, { config: { policy: flow.policy } }, async (request, reply) => {
      const stop = flow.notReady(request);
      if (stop) return reply.redirect(stop, 303);
      const q = request.query as Form;
      return render(request, reply, str(q, 'method', 20), str(q, 'phone', 40), flow.next(q.next));
    });

    app.post(`${flow.base}/code`, { config: { policy: flow.policy } }, async (request, reply) => {
      const stop = flow.notReady(request);
      if (stop) return reply.redirect(stop, 303);
      const asked = str(request.body, 'method', 20);
      const method = asked === 'sms' || asked === 'email' || asked === 'backup' ? asked : 'totp';
      const next = flow.next((request.body as Form | undefined)?.next);
      const result: SecondFactorResult = await accounts.verifySecondFactor(request.session!.account_id, str(request.body, 'code', 40), request.ip, method);
      if (!result.ok) return render(request, reply, asked, '', next, [codeError(request, result)], result.reason === 'locked' ? 429 : 400);
      return flow.done(request, reply, result, next);
    });

    app.post(`${flow.base}/code/send`, { config: { policy: flow.policy } }, async (request, reply) => {
      const stop = flow.notReady(request);
      if (stop) return reply.redirect(stop, 303);
      const channel = str(request.body, 'method', 20) === 'sms' ? 'sms' : 'email';
      const phone = uuidOrUndefined(str(request.body, 'phone', 40));
      const next = flow.next((request.body as Form | undefined)?.next);
      const sent = await twoStep.sendCode(request.session!.account_id, { purpose: 'authenticate', channel, phoneId: channel === 'sms' ? phone : undefined }, request.ip);
      if (!sent.ok && sent.reason !== 'unknown') {
        const message = sent.reason === 'locked'
          ? request.t('accounts:sign_in.code_locked', { time: when(request, sent.retryAt) })
          : request.t('two_step:code.too_soon', { time: when(request, sent.retryAt) });
        return render(request, reply, channel, phone ?? '', next, [{ field: 'send', message }], 429);
      }
      const q = new URLSearchParams({ method: channel });
      if (phone && channel === 'sms') q.set('phone', phone);
      if (next) q.set('next', next);
      return reply.redirect(`${flow.base}/code?${q.toString()}`, 303);
    });

    app.post(`${flow.base}/passkey/options`, { config: { policy: flow.policy } }, async (request, reply) => {
      if (flow.notReady(request)) return reply.code(409).send({ error: 'not_ready' });
      const options = await passkeys.authenticationOptions(request.session!.id_hash, request.session!.account_id);
      if (!options.allowCredentials?.length) return reply.code(404).send({ error: 'no_passkey' });
      return reply.header('cache-control', 'no-store').send(options);
    });

    app.post(`${flow.base}/passkey`, { config: { policy: flow.policy } }, async (request, reply) => {
      const stop = flow.notReady(request);
      if (stop) return reply.redirect(stop, 303);
      const next = flow.next((request.body as Form | undefined)?.next);
      const result = await passkeys.authenticate(request.session!.id_hash, request.session!.account_id, str(request.body, 'response', 20_000), request.ip);
      if (!result.ok) {
        const message = result.reason === 'locked'
          ? request.t('accounts:sign_in.code_locked', { time: when(request, result.retryAt) })
          : request.t(result.reason === 'expired' ? 'two_step:passkey.expired' : 'two_step:passkey.invalid');
        return render(request, reply, 'passkey', '', next, [{ field: 'passkey', message }], result.reason === 'locked' ? 429 : 400);
      }
      return flow.done(request, reply, { method: 'passkey' }, next);
    });
  }

  registerSecondStep({
    base: '/account/sign-in',
    policy: 'account-pending',
    notReady: () => undefined,
    next: () => undefined,
    frame: () => ({}),
    done: async (request, reply, result) => {
      await startFullSignIn({ accounts, sessions }, request, reply, request.session!.account_id);
      return reply.redirect(result.method === 'backup_code' ? `/account?backup_codes_left=${result.remainingBackupCodes}` : '/account', 303);
    },
  });

  // Re-authentication (reauth.ts sends people here): the password again, then any second factor.
  const reauthNext = (source: unknown) => safeAccountNext(source) ?? '/account';
  const passwordRecent = (request: FastifyRequest) => {
    const at = request.session?.reauth_password_at;
    return Boolean(at) && deps.clock.now().getTime() - at!.getTime() <= REAUTH_PASSWORD_STEP_MS;
  };

  registerSecondStep({
    base: REAUTH_PATH,
    policy: 'account',
    notReady: (request) => (passwordRecent(request) ? undefined : `${REAUTH_PATH}?next=${encodeURIComponent(reauthNext((request.query as Form)?.next ?? (request.body as Form | undefined)?.next))}`),
    next: reauthNext,
    frame: (request, csrf) => ({ heading: request.t('two_step:reauth.title'), intro: request.t('two_step:reauth.code_intro'), signedIn: signedInView(csrf) }),
    done: async (request, reply, _result, next) => {
      await sessions.markAuthenticated(request);
      return reply.redirect(next ?? '/account', 303);
    },
  });

  app.get(REAUTH_PATH, { config: { policy: 'account' } }, async (request, reply) => {
    const q = request.query as Form;
    const csrf = reply.generateCsrf();
    return reply.html(reauthPasswordPage(request.page(), { csrf, signedIn: signedInView(csrf), next: reauthNext(q.next), again: q.again === '1' }));
  });

  app.post(REAUTH_PATH, { config: { policy: 'account' } }, async (request, reply) => {
    await tooMany(request, reply);
    const next = reauthNext((request.body as Form | undefined)?.next);
    const result = await accounts.reverifyPassword(request.session!.account_id, str(request.body, 'password', 1000), request.ip);
    if (!result.ok) {
      const message = result.reason === 'throttled'
        ? request.t('accounts:sign_in.throttled', { time: when(request, result.retryAt) })
        : request.t('accounts:sign_in.invalid');
      const csrf = reply.generateCsrf();
      return reply.html(reauthPasswordPage(request.page(), { csrf, signedIn: signedInView(csrf), next, again: false, errors: [{ field: 'password', message }] }), result.reason === 'throttled' ? 429 : 400);
    }
    await sessions.markPasswordReverified(request);
    return reply.redirect(`${REAUTH_PATH}/code?next=${encodeURIComponent(next)}`, 303);
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Setting up a method: at sign-up (the first one, then backup codes) and from the account's settings
  // ---------------------------------------------------------------------------------------------------------------

  interface SetupFlow {
    base: '/account/sign-up' | '/account/two-step';
    policy: RoutePolicy;
    preHandler?: preHandlerHookHandler;
    frame(request: FastifyRequest, csrf: string): SetupFrame;
    /** The method was confirmed. */
    confirmed(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
  }

  const authenticatorSetup = async (accountId: string) => {
    const { secret, otpauthUrl } = await accounts.beginAuthenticator(accountId);
    return { secret, qrSvg: await (await import('qrcode')).default.toString(otpauthUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) };
  };

  function registerMethodSetup(flow: SetupFlow): void {
    // Staff use only an authenticator app or a passkey (issue 3 item 9): text and email codes are refused to them.
    const notStaff: preHandlerHookHandler = async (request) => {
      if ((await accounts.findAccount(request.session!.account_id))?.kind === 'staff') {
        throw Object.assign(new Error('Staff use an authenticator app or a passkey'), { statusCode: 403 });
      }
    };
    const opts = { config: { policy: flow.policy }, preHandler: [...(flow.preHandler ? [flow.preHandler] : []), notStaff] };
    const frame = (request: FastifyRequest, reply: FastifyReply) => {
      const csrf = reply.generateCsrf();
      return { csrf, f: flow.frame(request, csrf) };
    };

    app.get(`${flow.base}/phone`, opts, async (request, reply) => {
      const { csrf, f } = frame(request, reply);
      return reply.html(phoneFormPage(request.page(), f, { csrf }));
    });

    app.post(`${flow.base}/phone`, opts, async (request, reply) => {
      const phone = str(request.body, 'phone', 100);
      const label = str(request.body, 'label', 100);
      const result = await twoStep.addPhone(request.session!.account_id, phone, label, request.ip);
      if (!result.ok) {
        const { csrf, f } = frame(request, reply);
        const field = result.problem === 'label_too_long' ? 'label' : 'phone';
        return reply.html(phoneFormPage(request.page(), f, { csrf, phone, label, errors: [{ field, message: request.t(`two_step:phone.errors.${result.problem}`) }] }), 400);
      }
      if (!result.sent.ok && result.sent.reason !== 'unknown') return phoneCodePage(request, reply, result.phoneId, [sendError(request, result.sent)], 429);
      return reply.redirect(`${flow.base}/phone/confirm?phone=${result.phoneId}`, 303);
    });

    const sendError = (request: FastifyRequest, sent: { reason: 'too_soon' | 'locked'; retryAt: Date }): FieldError => ({
      field: 'code',
      message: sent.reason === 'locked'
        ? request.t('accounts:sign_in.code_locked', { time: when(request, sent.retryAt) })
        : request.t('two_step:code.too_soon', { time: when(request, sent.retryAt) }),
    });

    const phoneCodePage = async (request: FastifyRequest, reply: FastifyReply, phoneId: string | undefined, errors: FieldError[] = [], status = 200) => {
      const phone = phoneId ? await twoStep.findPhone(request.session!.account_id, phoneId) : undefined;
      if (!phone || phone.verified_at) return reply.redirect(`${flow.base}/phone`, 303);
      const { csrf, f } = frame(request, reply);
      return reply.html(setupCodePage(request.page(), f, {
        csrf,
        action: `${flow.base}/phone/confirm`,
        resendAction: `${flow.base}/phone/resend`,
        sentTo: { phone: maskPhone(phone.e164) },
        hidden: { phone: phone.id },
        errors,
      }), status);
    };

    app.get(`${flow.base}/phone/confirm`, opts, async (request, reply) => phoneCodePage(request, reply, uuidOrUndefined(str(request.query, 'phone', 40))));

    app.post(`${flow.base}/phone/confirm`, opts, async (request, reply) => {
      const phoneId = uuidOrUndefined(str(request.body, 'phone', 40));
      if (!phoneId) return reply.redirect(`${flow.base}/phone`, 303);
      const result = await twoStep.confirmPhone(request.session!.account_id, phoneId, str(request.body, 'code', 20), request.ip);
      if (!result.ok) return phoneCodePage(request, reply, phoneId, [codeError(request, result)], result.reason === 'locked' ? 429 : 400);
      return flow.confirmed(request, reply);
    });

    app.post(`${flow.base}/phone/resend`, opts, async (request, reply) => {
      const phoneId = uuidOrUndefined(str(request.body, 'phone', 40));
      if (!phoneId) return reply.redirect(`${flow.base}/phone`, 303);
      const sent = await twoStep.sendCode(request.session!.account_id, { purpose: 'verify_phone', channel: 'sms', phoneId }, request.ip);
      if (!sent.ok && sent.reason !== 'unknown') return phoneCodePage(request, reply, phoneId, [sendError(request, sent)], 429);
      return reply.redirect(`${flow.base}/phone/confirm?phone=${phoneId}`, 303);
    });

    const emailAddress = async (request: FastifyRequest) => (await accounts.findAccount(request.session!.account_id))?.email ?? '';

    app.get(`${flow.base}/email`, opts, async (request, reply) => {
      if (await twoStep.hasEmailCodes(request.session!.account_id)) return reply.redirect(flow.base === '/account/two-step' ? '/account/two-step' : '/account/sign-up/authenticator', 303);
      const { csrf, f } = frame(request, reply);
      return reply.html(emailMethodPage(request.page(), f, { csrf, email: maskEmail(await emailAddress(request)) }));
    });

    const emailCodePage = async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], status = 200) => {
      const { csrf, f } = frame(request, reply);
      return reply.html(setupCodePage(request.page(), f, {
        csrf,
        action: `${flow.base}/email/confirm`,
        resendAction: `${flow.base}/email`,
        sentTo: { email: maskEmail(await emailAddress(request)) },
        errors,
      }), status);
    };

    // Sending (and sending again) the code that turns email codes on.
    app.post(`${flow.base}/email`, opts, async (request, reply) => {
      const sent = await twoStep.sendCode(request.session!.account_id, { purpose: 'verify_email', channel: 'email' }, request.ip);
      if (!sent.ok && sent.reason !== 'unknown') return emailCodePage(request, reply, [sendError(request, sent)], 429);
      return reply.redirect(`${flow.base}/email/confirm`, 303);
    });

    app.get(`${flow.base}/email/confirm`, opts, async (request, reply) => emailCodePage(request, reply));

    app.post(`${flow.base}/email/confirm`, opts, async (request, reply) => {
      const result = await twoStep.confirmEmailCodes(request.session!.account_id, str(request.body, 'code', 20), request.ip);
      if (!result.ok) return emailCodePage(request, reply, [codeError(request, result)], result.reason === 'locked' ? 429 : 400);
      return flow.confirmed(request, reply);
    });
  }

  // Sign-up -----------------------------------------------------------------------------------------------------

  /** Sign-up's last step: the backup codes, issued with the first method and shown once. */
  const signUpBackupCodes = async (request: FastifyRequest, reply: FastifyReply, codes?: string[]) => {
    const backupCodes = codes ?? (await accounts.issueBackupCodes(request.session!.account_id));
    return reply.html(backupCodesPage(request.page(), { csrf: reply.generateCsrf(), codes: backupCodes }));
  };

  const signUpMethodsPage = async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], status = 200) => {
    const account = await accounts.findAccount(request.session!.account_id);
    if (!account?.password_hash) return reply.redirect('/account/sign-up/password', 303);
    const csrf = reply.generateCsrf();
    return reply.html(chooseMethodPage(request.page(), { csrf, steps: signUpSteps(request.page(), 2), authenticator: await authenticatorSetup(account.id), errors, strongOnly: account.kind === 'staff' }), status);
  };

  app.get('/account/sign-up/authenticator', { config: { policy: 'account-setup' } }, async (request, reply) => signUpMethodsPage(request, reply));

  app.post('/account/sign-up/authenticator', { config: { policy: 'account-setup' } }, async (request, reply) => {
    const result = await accounts.confirmAuthenticator(request.session!.account_id, str(request.body, 'code', 20));
    if (!result.ok) return signUpMethodsPage(request, reply, [{ field: 'code', message: request.t('accounts:authenticator.errors.invalid') }], 400);
    // The codes are shown once, now, and never stored in clear.
    return signUpBackupCodes(request, reply, result.backupCodes);
  });

  app.post('/account/sign-up/passkey/options', { config: { policy: 'account-setup' } }, async (request, reply) => {
    const account = await accounts.findAccount(request.session!.account_id);
    if (!account?.password_hash) return reply.code(409).send({ error: 'password_first' });
    return reply.header('cache-control', 'no-store').send(await passkeys.registrationOptions(request.session!.id_hash, account));
  });

  app.post('/account/sign-up/passkey', { config: { policy: 'account-setup' } }, async (request, reply) => {
    const account = await accounts.findAccount(request.session!.account_id);
    if (!account?.password_hash) return reply.redirect('/account/sign-up/password', 303);
    const result = await twoStep.registerPasskey(request.session!.id_hash, account.id, str(request.body, 'response', 20_000), describeUserAgent(request.headers['user-agent']), request.ip);
    if (!result.ok) return signUpMethodsPage(request, reply, [{ field: 'passkey', message: request.t(`two_step:passkey.${result.reason}`) }], 400);
    return signUpBackupCodes(request, reply);
  });

  registerMethodSetup({
    base: '/account/sign-up',
    policy: 'account-setup',
    frame: (request) => ({ base: '/account/sign-up', steps: signUpSteps(request.page(), 2) }),
    confirmed: (request, reply) => signUpBackupCodes(request, reply),
  });

  app.post('/account/sign-up/backup-codes', { config: { policy: 'account-setup' } }, async (request, reply) => {
    const accountId = request.session!.account_id;
    const account = await accounts.findAccount(accountId);
    if (!account?.password_hash) return reply.redirect('/account/sign-up/password', 303);
    // Two-step verification is required (ACC-3): no account is finished without a confirmed method.
    if ((await twoStep.overview(accountId)).count === 0) return reply.redirect('/account/sign-up/authenticator', 303);
    await accounts.activate(accountId);
    await startFullSignIn({ accounts, sessions }, request, reply, accountId);
    return reply.redirect('/account?welcome=1', 303);
  });

  // The account's methods -----------------------------------------------------------------------------------------

  const change = { config: { policy: 'account' as const }, preHandler: recentAuth };

  const managePage = async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], status = 200) => {
    const accountId = request.session!.account_id;
    const o = await twoStep.overview(accountId);
    const staff = (await accounts.findAccount(accountId))?.kind === 'staff';
    const t = request.t;
    const lines: MethodLine[] = [
      ...o.passkeys.map((p): MethodLine => ({ method: 'passkey', id: p.id, name: p.name, details: t('two_step:methods.passkey'), added: day(request, p.created_at), lastUsed: p.last_used_at ? day(request, p.last_used_at) : undefined })),
      ...(o.totp ? [{ method: 'totp' as const, name: t('two_step:methods.totp'), details: '', added: day(request, o.totp.confirmedAt) }] : []),
      ...o.phones.map((p): MethodLine => ({ method: 'sms', id: p.id, name: p.label ?? t('two_step:methods.sms'), details: `${t('two_step:methods.sms')}: ${maskPhone(p.e164)}`, added: day(request, p.verified_at ?? p.created_at) })),
      ...(o.email ? [{ method: 'email' as const, name: t('two_step:methods.email'), details: maskEmail(o.email.address), added: day(request, o.email.enabledAt) }] : []),
    ];
    const done = str(request.query, 'done', 20);
    const csrf = reply.generateCsrf();
    return reply.html(manageTwoStepPage(request.page(), {
      csrf,
      signedIn: signedInView(csrf),
      lines,
      canAdd: { totp: !o.totp, email: !o.email && !staff, phone: !staff },
      backupCodesLeft: o.backupCodesLeft,
      done: done === 'added' || done === 'removed' || done === 'renamed' ? done : undefined,
      errors,
    }), status);
  };

  app.get('/account/two-step', { config: { policy: 'account' } }, async (request, reply) => managePage(request, reply));

  app.post('/account/two-step/remove', change, async (request, reply) => {
    const method = str(request.body, 'method', 20);
    if (method !== 'passkey' && method !== 'totp' && method !== 'sms' && method !== 'email') return managePage(request, reply, [{ field: 'methods', message: request.t('two_step:manage.errors.unknown') }], 400);
    const result = await twoStep.remove(request.session!.account_id, method, uuidOrUndefined(str(request.body, 'id', 40)), request.ip);
    if (!result.ok) return managePage(request, reply, [{ field: 'methods', message: request.t(`two_step:manage.errors.${result.reason}`) }], result.reason === 'last' ? 409 : 400);
    return reply.redirect('/account/two-step?done=removed', 303);
  });

  const renameForm = async (request: FastifyRequest, reply: FastifyReply, name?: string, errors: FieldError[] = [], status = 200) => {
    const id = str(request.params, 'id', 40);
    const passkey = (await passkeys.list(request.session!.account_id)).find((p) => p.id === id);
    if (!passkey) return reply.callNotFound();
    const csrf = reply.generateCsrf();
    return reply.html(renamePasskeyPage(request.page(), { csrf, signedIn: signedInView(csrf), id: passkey.id, name: name ?? passkey.name, errors }), status);
  };

  app.get('/account/two-step/passkeys/:id/rename', change, async (request, reply) => renameForm(request, reply));

  app.post('/account/two-step/passkeys/:id/rename', change, async (request, reply) => {
    const name = str(request.body, 'name', 200);
    const result = await twoStep.renamePasskey(request.session!.account_id, str(request.params, 'id', 40), name, request.ip);
    if (!result.ok) {
      if (result.problem === 'unknown') return reply.callNotFound();
      return renameForm(request, reply, name, [{ field: 'name', message: request.t(`two_step:manage.rename_errors.${result.problem}`) }], 400);
    }
    return reply.redirect('/account/two-step?done=renamed', 303);
  });

  app.post('/account/two-step/backup-codes', change, async (request, reply) => {
    const codes = await twoStep.regenerateBackupCodes(request.session!.account_id, request.ip);
    const csrf = reply.generateCsrf();
    reply.header('cache-control', 'no-store');
    return reply.html(newBackupCodesPage(request.page(), { signedIn: signedInView(csrf), codes }));
  });

  const manageAuthenticator = async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], status = 200) => {
    const accountId = request.session!.account_id;
    if ((await twoStep.overview(accountId)).totp) return reply.redirect('/account/two-step', 303);
    const csrf = reply.generateCsrf();
    return reply.html(manageAuthenticatorPage(request.page(), { csrf, signedIn: signedInView(csrf), authenticator: await authenticatorSetup(accountId), errors }), status);
  };

  app.get('/account/two-step/authenticator', change, async (request, reply) => manageAuthenticator(request, reply));

  app.post('/account/two-step/authenticator', change, async (request, reply) => {
    const accountId = request.session!.account_id;
    if ((await twoStep.overview(accountId)).totp) return reply.redirect('/account/two-step', 303);
    const result = await accounts.confirmAuthenticator(accountId, str(request.body, 'code', 20), { issueBackupCodes: false });
    if (!result.ok) return manageAuthenticator(request, reply, [{ field: 'code', message: request.t('accounts:authenticator.errors.invalid') }], 400);
    await twoStep.authenticatorAdded(accountId, request.ip);
    return reply.redirect('/account/two-step?done=added', 303);
  });

  app.post('/account/two-step/passkey/options', change, async (request, reply) => {
    const account = await accounts.findAccount(request.session!.account_id);
    if (!account) return reply.code(404).send({ error: 'no_account' });
    return reply.header('cache-control', 'no-store').send(await passkeys.registrationOptions(request.session!.id_hash, account));
  });

  app.post('/account/two-step/passkey', change, async (request, reply) => {
    const result = await twoStep.registerPasskey(request.session!.id_hash, request.session!.account_id, str(request.body, 'response', 20_000), describeUserAgent(request.headers['user-agent']), request.ip);
    if (!result.ok) return managePage(request, reply, [{ field: 'passkey', message: request.t(`two_step:passkey.${result.reason}`) }], 400);
    return reply.redirect('/account/two-step?done=added', 303);
  });

  registerMethodSetup({
    base: '/account/two-step',
    policy: 'account',
    preHandler: recentAuth,
    frame: (_request, csrf) => ({ base: '/account/two-step', signedIn: signedInView(csrf) }),
    confirmed: async (_request, reply) => reply.redirect('/account/two-step?done=added', 303),
  });
}

