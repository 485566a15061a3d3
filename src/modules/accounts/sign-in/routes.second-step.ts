import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, text, type App } from '../../../platform/http/inputs.js';
import type { RoutePolicy } from '../../../platform/http/policies.js';
import type { FieldError } from '../../../platform/views/components.js';
import type { SignedIn } from '../../../platform/views/frame.js';
import { asSent, timeOf, uuidOrUndefined } from '../route-support.js';
import type { AccountService, SecondFactorResult } from '../service.js';
import type { PasskeyService } from '../two-step/passkeys.js';
import type { SecondStepOption, TwoStepService } from '../two-step/two-step.js';
import { secondStepPage, type StepLink, type StepMethod } from '../views/two-step.js';
import { goTo, statusOf } from './journey.js';
import { startFullSignIn } from './guards.js';
import type { SessionStore } from './sessions.js';

/**
 * The second step, of sign-in and of re-authentication (routes.reauth.ts): every method the account has,
 * strongest first, and a backup code. The same routes serve both, under their own `base`.
 */
export interface SecondStepDeps {
  accounts: AccountService;
  sessions: SessionStore;
  twoStep: TwoStepService;
  passkeys: PasskeyService;
  timeZone: string;
}

export interface StepFlow {
  base: '/account/sign-in' | '/account/reauthenticate';
  policy: RoutePolicy;
  /** Undefined when the flow may go on; otherwise where to send the person. */
  notReady(request: FastifyRequest, next: unknown): string | undefined;
  next(source: unknown): string | undefined;
  frame(request: FastifyRequest, csrf: string): { heading?: string; intro?: string; signedIn?: SignedIn };
  /** The status of the page again after a refused code (journey.ts): `locked` when two-step verification is locked. */
  refused(request: FastifyRequest, locked: boolean): number;
  done(
    request: FastifyRequest,
    reply: FastifyReply,
    result: { method: string; remainingBackupCodes?: number },
    next: string | undefined,
  ): Promise<unknown>;
}

/** What the second step's pages and forms send (ADR 15); `next` is checked by the flow (safeAccountNext). */
const inputs = {
  page: fields({ method: text(20), phone: text(40), next: asSent() }),
  next: fields({ next: asSent() }),
  code: fields({ method: text(20), code: text(40), next: asSent() }),
  send: fields({ method: text(20), phone: text(40), next: asSent() }),
  passkey: fields({ response: text(20_000), next: asSent() }),
};

/** The error message for a code that was not accepted. */
export const codeError = (
  request: FastifyRequest,
  timeZone: string,
  result: { reason: 'invalid' } | { reason: 'locked'; retryAt: Date },
): FieldError => ({
  field: 'code',
  message:
    result.reason === 'locked'
      ? request.t('accounts:sign_in.code_locked', { time: timeOf(result.retryAt, request.lang, timeZone) })
      : request.t('two_step:code.invalid'),
});

const toLink = (o: SecondStepOption): StepLink =>
  o.method === 'sms'
    ? { method: 'sms', phoneId: o.phoneId, masked: o.masked }
    : o.method === 'email'
      ? { method: 'email', masked: o.masked }
      : { method: o.method };

/** Which method the page shows: the one asked for if the account has it, else the strongest it has. */
const chooseMethod = (
  options: SecondStepOption[],
  asked: string,
  phone: string,
): { method: StepMethod; option?: SecondStepOption } => {
  if (asked === 'backup') return { method: 'backup' };
  const match = options.find((o) => o.method === asked && (o.method !== 'sms' || !phone || o.phoneId === phone));
  const option = match ?? options[0];
  return option ? { method: option.method, option } : { method: 'backup' };
};

type Render = (
  request: FastifyRequest,
  reply: FastifyReply,
  asked: string,
  phone: string,
  next: string | undefined,
  errors?: FieldError[],
  status?: number,
) => Promise<unknown>;

/** The second step's page: the method asked for (or the strongest), whether its code was sent, the other methods. */
function stepPage(deps: SecondStepDeps, flow: StepFlow): Render {
  return async (request, reply, asked, phone, next, errors = [], status = 200) => {
    const accountId = request.session!.account_id;
    const options = await deps.twoStep.secondStepOptions(accountId);
    const { method, option } = chooseMethod(options, asked, phone);
    let target: { phoneId?: string; masked: string; sent: boolean } | undefined;
    if (option?.method === 'sms' || option?.method === 'email') {
      const live = await deps.twoStep.liveCode(accountId);
      const sent =
        live?.purpose === 'authenticate' &&
        live.channel === option.method &&
        (option.method === 'email' || live.phoneId === option.phoneId);
      target = { phoneId: option.method === 'sms' ? option.phoneId : undefined, masked: option.masked, sent };
    }
    const others: StepLink[] = options.filter((o) => o !== option).map(toLink);
    if (method !== 'backup') others.push({ method: 'backup' });
    const csrf = reply.generateCsrf();
    return reply.html(
      secondStepPage(request.page(), {
        csrf,
        base: flow.base,
        method,
        target,
        others,
        next,
        errors,
        ...flow.frame(request, csrf),
      }),
      status,
    );
  };
}

/** The code routes of a second step: the page, a code, and sending a text or email code. */
export function registerSecondStepCodeRoutes(app: App, deps: SecondStepDeps, flow: StepFlow): void {
  const render = stepPage(deps, flow);
  const when = (request: FastifyRequest, date: Date) => timeOf(date, request.lang, deps.timeZone);

  const config = { policy: flow.policy };
  app.get(`${flow.base}/code`, { config, schema: { querystring: inputs.page } }, async (request, reply) => {
    const stop = flow.notReady(request, request.query.next);
    if (stop) return reply.redirect(stop, 303);
    return render(request, reply, request.query.method, request.query.phone, flow.next(request.query.next));
  });

  app.post(
    `${flow.base}/code`,
    { config, schema: { querystring: inputs.next, body: inputs.code } },
    async (request, reply) => {
      const stop = flow.notReady(request, request.query.next ?? request.body.next);
      if (stop) return reply.redirect(stop, 303);
      const asked = request.body.method;
      const method = asked === 'sms' || asked === 'email' || asked === 'backup' ? asked : 'totp';
      const next = flow.next(request.body.next);
      const result: SecondFactorResult = await deps.accounts.verifySecondFactor(
        request.session!.account_id,
        request.body.code,
        request.ip,
        method,
      );
      if (!result.ok)
        return render(
          request,
          reply,
          asked,
          '',
          next,
          [codeError(request, deps.timeZone, result)],
          flow.refused(request, result.reason === 'locked'),
        );
      return flow.done(request, reply, result, next);
    },
  );

  app.post(
    `${flow.base}/code/send`,
    { config, schema: { querystring: inputs.next, body: inputs.send } },
    async (request, reply) => {
      const stop = flow.notReady(request, request.query.next ?? request.body.next);
      if (stop) return reply.redirect(stop, 303);
      const channel = request.body.method === 'sms' ? 'sms' : 'email';
      const phone = uuidOrUndefined(request.body.phone);
      const next = flow.next(request.body.next);
      const sent = await deps.twoStep.sendCode(
        request.session!.account_id,
        { purpose: 'authenticate', channel, phoneId: channel === 'sms' ? phone : undefined },
        request.ip,
      );
      if (!sent.ok && sent.reason !== 'unknown') {
        const message =
          sent.reason === 'locked'
            ? request.t('accounts:sign_in.code_locked', { time: when(request, sent.retryAt) })
            : request.t('two_step:code.too_soon', { time: when(request, sent.retryAt) });
        return render(request, reply, channel, phone ?? '', next, [{ field: 'send', message }], 429);
      }
      const q = new URLSearchParams({ method: channel });
      if (phone && channel === 'sms') q.set('phone', phone);
      if (next) q.set('next', next);
      return reply.redirect(`${flow.base}/code?${q.toString()}`, 303);
    },
  );
}

/** The passkey routes of a second step: the browser's challenge, then its answer. */
export function registerSecondStepPasskeyRoutes(app: App, deps: SecondStepDeps, flow: StepFlow): void {
  const render = stepPage(deps, flow);

  const config = { policy: flow.policy };
  const optionsInput = { querystring: inputs.next, body: inputs.next };
  app.post(`${flow.base}/passkey/options`, { config, schema: optionsInput }, async (request, reply) => {
    if (flow.notReady(request, request.query.next ?? request.body.next))
      return reply.code(409).send({ error: 'not_ready' });
    const options = await deps.passkeys.authenticationOptions(request.session!.id_hash, request.session!.account_id);
    if (!options.allowCredentials?.length) return reply.code(404).send({ error: 'no_passkey' });
    return reply.header('cache-control', 'no-store').send(options);
  });

  app.post(
    `${flow.base}/passkey`,
    { config, schema: { querystring: inputs.next, body: inputs.passkey } },
    async (request, reply) => {
      const stop = flow.notReady(request, request.query.next ?? request.body.next);
      if (stop) return reply.redirect(stop, 303);
      const next = flow.next(request.body.next);
      const result = await deps.passkeys.authenticate(
        request.session!.id_hash,
        request.session!.account_id,
        request.body.response,
        request.ip,
      );
      if (!result.ok) {
        const message =
          result.reason === 'locked'
            ? request.t('accounts:sign_in.code_locked', { time: timeOf(result.retryAt, request.lang, deps.timeZone) })
            : request.t(result.reason === 'expired' ? 'two_step:passkey.expired' : 'two_step:passkey.invalid');
        return render(
          request,
          reply,
          'passkey',
          '',
          next,
          [{ field: 'passkey', message }],
          flow.refused(request, result.reason === 'locked'),
        );
      }
      return flow.done(request, reply, { method: 'passkey' }, next);
    },
  );
}

/** The second step of sign-in (session stage 'password'): a method or a backup code ends it with a full sign-in. */
export function registerSignInSecondStepRoutes(app: App, deps: SecondStepDeps): void {
  const flow: StepFlow = {
    base: '/account/sign-in',
    policy: 'account-pending',
    notReady: () => undefined,
    next: () => undefined,
    frame: () => ({}),
    refused: (_request, locked) => statusOf('second_step_due', locked ? 'code_refused_locked' : 'code_wrong'),
    done: async (request, reply, result) => {
      await startFullSignIn(deps, request, reply, request.session!.account_id);
      const go =
        result.method === 'backup_code'
          ? goTo('second_step_due', 'backup_code_ok', { left: String(result.remainingBackupCodes) })
          : goTo('second_step_due', 'second_step_ok');
      return reply.redirect(go, 303);
    },
  };
  registerSecondStepCodeRoutes(app, deps, flow);
  registerSecondStepPasskeyRoutes(app, deps, flow);
}
