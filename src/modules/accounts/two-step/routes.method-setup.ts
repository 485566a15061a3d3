import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { Forbidden } from '../../../platform/http/http-errors.js';
import { fields, text, type App } from '../../../platform/http/inputs.js';
import type { RoutePolicy } from '../../../platform/http/policies.js';
import type { FieldError } from '../../../platform/views/components.js';
import { timeOf, uuidOrUndefined } from '../route-support.js';
import { describeUserAgent, type AccountService } from '../service.js';
import { codeError } from '../sign-in/routes.second-step.js';
import { emailMethodPage, phoneFormPage, setupCodePage, type SetupFrame } from '../views/two-step.js';
import { maskEmail, maskPhone } from './one-time-codes.js';
import type { TwoStepService } from './two-step.js';

/**
 * Setting up a text-message phone or email codes, the same steps at sign-up (the first method, sign-up/) and from
 * the account's methods page (routes.manage.ts): each flow gives its base path, policy, frame and ending.
 */
export interface SetupFlow {
  base: '/account/sign-up' | '/account/two-step';
  policy: RoutePolicy;
  preHandler?: preHandlerHookHandler;
  frame(request: FastifyRequest, csrf: string): SetupFrame;
  /** The method was confirmed. */
  confirmed(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/** What the setup forms send (ADR 15). */
const inputs = {
  phone: fields({ phone: text(100), label: text(100) }),
  phoneId: fields({ phone: text(40) }),
  phoneCode: fields({ phone: text(40), code: text(20) }),
  code: fields({ code: text(20) }),
};

export interface MethodSetupDeps {
  accounts: AccountService;
  twoStep: TwoStepService;
  timeZone: string;
}

/** The authenticator app's secret and its QR code, for a new authenticator. */
export const authenticatorSetup = async (accounts: AccountService, accountId: string) => {
  const { secret, otpauthUrl } = await accounts.beginAuthenticator(accountId);
  return {
    secret,
    qrSvg: await (
      await import('qrcode')
    ).default.toString(otpauthUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }),
  };
};

/** What the form that adds a passkey sends: the browser's answer (sign-up and the methods page). */
export const passkeyInput = fields({ response: text(20_000) });

/** Registers the passkey the browser created (its `response`) for the account; answers the errors to show, if any. */
export async function addPasskey(
  twoStep: TwoStepService,
  request: FastifyRequest,
  accountId: string,
  response: string,
): Promise<FieldError[]> {
  const device = describeUserAgent(request.headers['user-agent']);
  const result = await twoStep.registerPasskey(request.session!.id_hash, accountId, response, device, request.ip);
  return result.ok ? [] : [{ field: 'passkey', message: request.t(`two_step:passkey.${result.reason}`) }];
}

const sendError = (
  request: FastifyRequest,
  timeZone: string,
  sent: { reason: 'too_soon' | 'locked'; retryAt: Date },
): FieldError => {
  const time = timeOf(sent.retryAt, request.lang, timeZone);
  return {
    field: 'code',
    message:
      sent.reason === 'locked'
        ? request.t('accounts:sign_in.code_locked', { time })
        : request.t('two_step:code.too_soon', { time }),
  };
};

/** Route options and the page frame of a setup flow. Staff use only an authenticator app or a passkey (issue 3 item 9). */
function setupKit(deps: MethodSetupDeps, flow: SetupFlow) {
  const notStaff: preHandlerHookHandler = async (request) => {
    if ((await deps.accounts.findAccount(request.session!.account_id))?.kind === 'staff') {
      throw new Forbidden('Staff use an authenticator app or a passkey');
    }
  };
  const opts = {
    config: { policy: flow.policy },
    preHandler: [...(flow.preHandler ? [flow.preHandler] : []), notStaff],
  };
  const frame = (request: FastifyRequest, reply: FastifyReply) => {
    const csrf = reply.generateCsrf();
    return { csrf, f: flow.frame(request, csrf) };
  };
  return { opts, frame };
}

/** The page that asks for the code sent to a new phone (or back to the phone form when there is none to confirm). */
function phoneCodePageOf(twoStep: TwoStepService, flow: SetupFlow, frame: ReturnType<typeof setupKit>['frame']) {
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
    phoneId: string | undefined,
    errors: FieldError[] = [],
    status = 200,
  ) => {
    const phone = phoneId ? await twoStep.findPhone(request.session!.account_id, phoneId) : undefined;
    if (!phone || phone.verified_at) return reply.redirect(`${flow.base}/phone`, 303);
    const { csrf, f } = frame(request, reply);
    const action = `${flow.base}/phone/confirm`;
    return reply.html(
      setupCodePage(request.page(), f, {
        csrf,
        action,
        resendAction: `${flow.base}/phone/resend`,
        sentTo: { phone: maskPhone(phone.e164) },
        hidden: { phone: phone.id },
        errors,
      }),
      status,
    );
  };
}

/** A phone for text-message codes: the number, then the code sent to it. */
export function registerPhoneSetupRoutes(app: App, deps: MethodSetupDeps, flow: SetupFlow): void {
  const { twoStep } = deps;
  const { opts, frame } = setupKit(deps, flow);
  const phoneCodePage = phoneCodePageOf(twoStep, flow, frame);

  app.get(`${flow.base}/phone`, opts, async (request, reply) => {
    const { csrf, f } = frame(request, reply);
    return reply.html(phoneFormPage(request.page(), f, { csrf }));
  });

  app.post(`${flow.base}/phone`, { ...opts, schema: { body: inputs.phone } }, async (request, reply) => {
    const phone = request.body.phone;
    const label = request.body.label;
    const result = await twoStep.addPhone(request.session!.account_id, phone, label, request.ip);
    if (!result.ok) {
      const { csrf, f } = frame(request, reply);
      const field = result.problem === 'label_too_long' ? 'label' : 'phone';
      return reply.html(
        phoneFormPage(request.page(), f, {
          csrf,
          phone,
          label,
          errors: [{ field, message: request.t(`two_step:phone.errors.${result.problem}`) }],
        }),
        400,
      );
    }
    if (!result.sent.ok && result.sent.reason !== 'unknown')
      return phoneCodePage(request, reply, result.phoneId, [sendError(request, deps.timeZone, result.sent)], 429);
    return reply.redirect(`${flow.base}/phone/confirm?phone=${result.phoneId}`, 303);
  });

  app.get(`${flow.base}/phone/confirm`, { ...opts, schema: { querystring: inputs.phoneId } }, async (request, reply) =>
    phoneCodePage(request, reply, uuidOrUndefined(request.query.phone)),
  );

  app.post(`${flow.base}/phone/confirm`, { ...opts, schema: { body: inputs.phoneCode } }, async (request, reply) => {
    const phoneId = uuidOrUndefined(request.body.phone);
    if (!phoneId) return reply.redirect(`${flow.base}/phone`, 303);
    const result = await twoStep.confirmPhone(request.session!.account_id, phoneId, request.body.code, request.ip);
    if (!result.ok)
      return phoneCodePage(
        request,
        reply,
        phoneId,
        [codeError(request, deps.timeZone, result)],
        result.reason === 'locked' ? 429 : 400,
      );
    return flow.confirmed(request, reply);
  });

  app.post(`${flow.base}/phone/resend`, { ...opts, schema: { body: inputs.phoneId } }, async (request, reply) => {
    const phoneId = uuidOrUndefined(request.body.phone);
    if (!phoneId) return reply.redirect(`${flow.base}/phone`, 303);
    const sent = await twoStep.sendCode(
      request.session!.account_id,
      { purpose: 'verify_phone', channel: 'sms', phoneId },
      request.ip,
    );
    if (!sent.ok && sent.reason !== 'unknown')
      return phoneCodePage(request, reply, phoneId, [sendError(request, deps.timeZone, sent)], 429);
    return reply.redirect(`${flow.base}/phone/confirm?phone=${phoneId}`, 303);
  });
}

/** Email codes: a code sent to the account's email turns them on. */
export function registerEmailSetupRoutes(app: App, deps: MethodSetupDeps, flow: SetupFlow): void {
  const { accounts, twoStep } = deps;
  const { opts, frame } = setupKit(deps, flow);
  const emailAddress = async (request: FastifyRequest) =>
    (await accounts.findAccount(request.session!.account_id))?.email ?? '';

  app.get(`${flow.base}/email`, opts, async (request, reply) => {
    if (await twoStep.hasEmailCodes(request.session!.account_id))
      return reply.redirect(
        flow.base === '/account/two-step' ? '/account/two-step' : '/account/sign-up/authenticator',
        303,
      );
    const { csrf, f } = frame(request, reply);
    return reply.html(emailMethodPage(request.page(), f, { csrf, email: maskEmail(await emailAddress(request)) }));
  });

  const emailCodePage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
    status = 200,
  ) => {
    const { csrf, f } = frame(request, reply);
    const sentTo = { email: maskEmail(await emailAddress(request)) };
    return reply.html(
      setupCodePage(request.page(), f, {
        csrf,
        action: `${flow.base}/email/confirm`,
        resendAction: `${flow.base}/email`,
        sentTo,
        errors,
      }),
      status,
    );
  };

  // Sending (and sending again) the code that turns email codes on.
  app.post(`${flow.base}/email`, opts, async (request, reply) => {
    const sent = await twoStep.sendCode(
      request.session!.account_id,
      { purpose: 'verify_email', channel: 'email' },
      request.ip,
    );
    if (!sent.ok && sent.reason !== 'unknown')
      return emailCodePage(request, reply, [sendError(request, deps.timeZone, sent)], 429);
    return reply.redirect(`${flow.base}/email/confirm`, 303);
  });

  app.get(`${flow.base}/email/confirm`, opts, async (request, reply) => emailCodePage(request, reply));

  app.post(`${flow.base}/email/confirm`, { ...opts, schema: { body: inputs.code } }, async (request, reply) => {
    const result = await twoStep.confirmEmailCodes(request.session!.account_id, request.body.code, request.ip);
    if (!result.ok)
      return emailCodePage(
        request,
        reply,
        [codeError(request, deps.timeZone, result)],
        result.reason === 'locked' ? 429 : 400,
      );
    return flow.confirmed(request, reply);
  });
}
