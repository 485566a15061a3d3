import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { formatDate } from '../../../platform/format.js';
import type { FieldError } from '../../../platform/views/components.js';
import { signedInView, str, uuidOrUndefined } from '../route-support.js';
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

/** The methods page's content: every method the account has, strongest first, and what may be added. */
export function managePageOf(deps: ManageRoutesDeps) {
  const day = (request: FastifyRequest, date: Date) => formatDate(date, request.lang, deps.timeZone);
  return async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], status = 200) => {
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
    const done = str(request.query, 'done', 20);
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

/** The account's methods page (`/account/two-step`): removing a method, renaming a passkey, new backup codes. */
export function registerManageRoutes(app: FastifyInstance, deps: ManageRoutesDeps): void {
  const { twoStep, passkeys } = deps;
  const change = { config: { policy: 'account' as const }, preHandler: deps.recentAuth };
  const managePage = managePageOf(deps);

  app.get('/account/two-step', { config: { policy: 'account' } }, async (request, reply) => managePage(request, reply));

  app.post('/account/two-step/remove', change, async (request, reply) => {
    const method = str(request.body, 'method', 20);
    if (method !== 'passkey' && method !== 'totp' && method !== 'sms' && method !== 'email')
      return managePage(
        request,
        reply,
        [{ field: 'methods', message: request.t('two_step:manage.errors.unknown') }],
        400,
      );
    const result = await twoStep.remove(
      request.session!.account_id,
      method,
      uuidOrUndefined(str(request.body, 'id', 40)),
      request.ip,
    );
    if (!result.ok)
      return managePage(
        request,
        reply,
        [{ field: 'methods', message: request.t(`two_step:manage.errors.${result.reason}`) }],
        result.reason === 'last' ? 409 : 400,
      );
    return reply.redirect('/account/two-step?done=removed', 303);
  });

  app.post('/account/two-step/backup-codes', change, async (request, reply) => {
    const codes = await twoStep.regenerateBackupCodes(request.session!.account_id, request.ip);
    const csrf = reply.generateCsrf();
    reply.header('cache-control', 'no-store');
    return reply.html(newBackupCodesPage(request.page(), { signedIn: signedInView(csrf), codes }));
  });
}

/** Renaming a passkey (the name the methods page shows). */
export function registerPasskeyRenameRoutes(app: FastifyInstance, deps: ManageRoutesDeps): void {
  const { twoStep, passkeys } = deps;
  const change = { config: { policy: 'account' as const }, preHandler: deps.recentAuth };

  const renameForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    name?: string,
    errors: FieldError[] = [],
    status = 200,
  ) => {
    const id = str(request.params, 'id', 40);
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

  app.get('/account/two-step/passkeys/:id/rename', change, async (request, reply) => renameForm(request, reply));

  app.post('/account/two-step/passkeys/:id/rename', change, async (request, reply) => {
    const name = str(request.body, 'name', 200);
    const result = await twoStep.renamePasskey(
      request.session!.account_id,
      str(request.params, 'id', 40),
      name,
      request.ip,
    );
    if (!result.ok) {
      if (result.problem === 'unknown') return reply.callNotFound();
      return renameForm(
        request,
        reply,
        name,
        [{ field: 'name', message: request.t(`two_step:manage.rename_errors.${result.problem}`) }],
        400,
      );
    }
    return reply.redirect('/account/two-step?done=renamed', 303);
  });
}
