import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { formatDate } from '../../../platform/format.js';
import { fields, params, text, type App } from '../../../platform/http/inputs.js';
import type { FieldError } from '../../../platform/views/components.js';
import { signedInView, uuidOrUndefined } from '../route-support.js';
import type { AccountService } from '../service.js';
import { manageTwoStepPage, newBackupCodesPage, renamePasskeyPage, type MethodLine } from '../views/two-step.js';
import { maskEmail, maskPhone } from './one-time-codes.js';
import type { PasskeyService } from './passkeys.js';
import type { TwoStepService } from './two-step.js';

export interface ManageRoutesDeps {
  accounts: AccountService;
  twoStep: TwoStepService;
  passkeys: PasskeyService;
  timeZone: string;
  /** The re-authentication hook (sign-in/reauth.ts): every change needs a recent full authentication. */
  recentAuth: preHandlerHookHandler;
}

/** What the methods page reads (ADR 15). The `done` notice is read by every route that may answer the page. */
export const manageInputs = { done: fields({ done: text(20) }) };
const inputs = {
  remove: fields({ method: text(20), id: text(40) }),
  passkey: params({ id: text(40) }),
  rename: fields({ name: text(200) }),
};

/** The methods page's content: every method the account has, strongest first, and what may be added. */
export function managePageOf(deps: ManageRoutesDeps) {
  const day = (request: FastifyRequest, date: Date) => formatDate(date, request.lang, deps.timeZone);
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
    done: string,
    errors: FieldError[] = [],
    status = 200,
  ) => {
    const accountId = request.session!.account_id;
    const o = await deps.twoStep.overview(accountId);
    const staff = (await deps.accounts.findAccount(accountId))?.kind === 'staff';
    const t = request.t;
    const lines: MethodLine[] = [
      ...o.passkeys.map((p): MethodLine => ({
        method: 'passkey',
        id: p.id,
        name: p.name,
        details: t('two_step:methods.passkey'),
        added: day(request, p.created_at),
        lastUsed: p.last_used_at ? day(request, p.last_used_at) : undefined,
      })),
      ...(o.totp
        ? [
            {
              method: 'totp' as const,
              name: t('two_step:methods.totp'),
              details: '',
              added: day(request, o.totp.confirmedAt),
            },
          ]
        : []),
      ...o.phones.map((p): MethodLine => ({
        method: 'sms',
        id: p.id,
        name: p.label ?? t('two_step:methods.sms'),
        details: `${t('two_step:methods.sms')}: ${maskPhone(p.e164)}`,
        added: day(request, p.verified_at ?? p.created_at),
      })),
      ...(o.email
        ? [
            {
              method: 'email' as const,
              name: t('two_step:methods.email'),
              details: maskEmail(o.email.address),
              added: day(request, o.email.enabledAt),
            },
          ]
        : []),
    ];
    const csrf = reply.generateCsrf();
    return reply.html(
      manageTwoStepPage(request.page(), {
        csrf,
        signedIn: signedInView(csrf),
        lines,
        canAdd: { totp: !o.totp, email: !o.email && !staff, phone: !staff },
        backupCodesLeft: o.backupCodesLeft,
        done: done === 'added' || done === 'removed' || done === 'renamed' ? done : undefined,
        errors,
      }),
      status,
    );
  };
}

/** The account's methods page (`/account/two-step`): removing a method and new backup codes (renaming a passkey: below). */
export function registerManageRoutes(app: App, deps: ManageRoutesDeps): void {
  const { twoStep } = deps;
  const change = { config: { policy: 'account' as const }, preHandler: deps.recentAuth };
  const managePage = managePageOf(deps);

  app.get(
    '/account/two-step',
    { config: { policy: 'account' }, schema: { querystring: manageInputs.done } },
    async (request, reply) => managePage(request, reply, request.query.done),
  );

  app.post(
    '/account/two-step/remove',
    { ...change, schema: { querystring: manageInputs.done, body: inputs.remove } },
    async (request, reply) => {
      const method = request.body.method;
      if (method !== 'passkey' && method !== 'totp' && method !== 'sms' && method !== 'email')
        return managePage(
          request,
          reply,
          request.query.done,
          [{ field: 'methods', message: request.t('two_step:manage.errors.unknown') }],
          400,
        );
      const result = await twoStep.remove(
        request.session!.account_id,
        method,
        uuidOrUndefined(request.body.id),
        request.ip,
      );
      if (!result.ok)
        return managePage(
          request,
          reply,
          request.query.done,
          [{ field: 'methods', message: request.t(`two_step:manage.errors.${result.reason}`) }],
          result.reason === 'last' ? 409 : 400,
        );
      return reply.redirect('/account/two-step?done=removed', 303);
    },
  );

  app.post('/account/two-step/backup-codes', change, async (request, reply) => {
    const codes = await twoStep.regenerateBackupCodes(request.session!.account_id, request.ip);
    const csrf = reply.generateCsrf();
    reply.header('cache-control', 'no-store');
    return reply.html(newBackupCodesPage(request.page(), { signedIn: signedInView(csrf), codes }));
  });
}

/** Renaming a passkey (the name the methods page shows). */
export function registerPasskeyRenameRoutes(app: App, deps: ManageRoutesDeps): void {
  const { twoStep, passkeys } = deps;
  const change = { config: { policy: 'account' as const }, preHandler: deps.recentAuth };

  const renameForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    name?: string,
    errors: FieldError[] = [],
    status = 200,
  ) => {
    const passkey = (await passkeys.list(request.session!.account_id)).find((p) => p.id === id);
    if (!passkey) return reply.callNotFound();
    const csrf = reply.generateCsrf();
    return reply.html(
      renamePasskeyPage(request.page(), {
        csrf,
        signedIn: signedInView(csrf),
        id: passkey.id,
        name: name ?? passkey.name,
        errors,
      }),
      status,
    );
  };

  app.get(
    '/account/two-step/passkeys/:id/rename',
    { ...change, schema: { params: inputs.passkey } },
    async (request, reply) => renameForm(request, reply, request.params.id),
  );

  app.post(
    '/account/two-step/passkeys/:id/rename',
    { ...change, schema: { params: inputs.passkey, body: inputs.rename } },
    async (request, reply) => {
      const name = request.body.name;
      const result = await twoStep.renamePasskey(request.session!.account_id, request.params.id, name, request.ip);
      if (!result.ok) {
        if (result.problem === 'unknown') return reply.callNotFound();
        return renameForm(
          request,
          reply,
          request.params.id,
          name,
          [{ field: 'name', message: request.t(`two_step:manage.rename_errors.${result.problem}`) }],
          400,
        );
      }
      return reply.redirect('/account/two-step?done=renamed', 303);
    },
  );
}
