import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, text, type App } from '../../../platform/http/inputs.js';
import type { FieldError } from '../../../platform/views/components.js';
import { signedInView } from '../route-support.js';
import { manageAuthenticatorPage } from '../views/two-step.js';
import { manageInputs, managePageOf, type ManageRoutesDeps } from './routes.manage.js';
import {
  addPasskey,
  authenticatorSetup,
  passkeyInput,
  registerEmailSetupRoutes,
  registerPhoneSetupRoutes,
} from './routes.method-setup.js';

/** What the forms that add a method send (ADR 15). */
const inputs = {
  code: fields({ code: text(20) }),
};

/** The page that adds an authenticator app (back to the methods page when the account has one). */
function authenticatorPageOf(deps: ManageRoutesDeps) {
  return async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], status = 200) => {
    const accountId = request.session!.account_id;
    if ((await deps.twoStep.overview(accountId)).totp) return reply.redirect('/account/two-step', 303);
    const csrf = reply.generateCsrf();
    return reply.html(
      manageAuthenticatorPage(request.page(), {
        csrf,
        signedIn: signedInView(csrf),
        authenticator: await authenticatorSetup(deps.accounts, accountId),
        errors,
      }),
      status,
    );
  };
}

/** Adding a method from the account's methods page: an authenticator app, a passkey, a phone, email codes. */
export function registerAddMethodRoutes(app: App, deps: ManageRoutesDeps): void {
  const { accounts, twoStep, passkeys } = deps;
  const change = { config: { policy: 'account' as const }, preHandler: deps.recentAuth };
  const managePage = managePageOf(deps);
  const manageAuthenticator = authenticatorPageOf(deps);

  app.get('/account/two-step/authenticator', change, async (request, reply) => manageAuthenticator(request, reply));

  app.post('/account/two-step/authenticator', { ...change, schema: { body: inputs.code } }, async (request, reply) => {
    const accountId = request.session!.account_id;
    if ((await twoStep.overview(accountId)).totp) return reply.redirect('/account/two-step', 303);
    const result = await accounts.confirmAuthenticator(accountId, request.body.code, {
      issueBackupCodes: false,
    });
    if (!result.ok)
      return manageAuthenticator(
        request,
        reply,
        [{ field: 'code', message: request.t('accounts:authenticator.errors.invalid') }],
        400,
      );
    await twoStep.authenticatorAdded(accountId, request.ip);
    return reply.redirect('/account/two-step?done=added', 303);
  });

  app.post('/account/two-step/passkey/options', change, async (request, reply) => {
    const account = await accounts.findAccount(request.session!.account_id);
    if (!account) return reply.code(404).send({ error: 'no_account' });
    return reply
      .header('cache-control', 'no-store')
      .send(await passkeys.registrationOptions(request.session!.id_hash, account));
  });

  app.post(
    '/account/two-step/passkey',
    { ...change, schema: { querystring: manageInputs.done, body: passkeyInput } },
    async (request, reply) => {
      const errors = await addPasskey(twoStep, request, request.session!.account_id, request.body.response);
      if (errors.length) return managePage(request, reply, request.query.done, errors, 400);
      return reply.redirect('/account/two-step?done=added', 303);
    },
  );

  const flow = {
    base: '/account/two-step',
    policy: 'account',
    preHandler: deps.recentAuth,
    frame: (_request: FastifyRequest, csrf: string) => ({ base: '/account/two-step', signedIn: signedInView(csrf) }),
    confirmed: async (_request: FastifyRequest, reply: FastifyReply) =>
      reply.redirect('/account/two-step?done=added', 303),
  } as const;
  registerPhoneSetupRoutes(app, deps, flow);
  registerEmailSetupRoutes(app, deps, flow);
}
