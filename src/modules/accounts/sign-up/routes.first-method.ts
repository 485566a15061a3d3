import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, text, type App } from '../../../platform/http/inputs.js';
import type { FieldError } from '../../../platform/views/components.js';
import type { AccountService } from '../service.js';
import { startFullSignIn } from '../sign-in/guards.js';
import { goTo } from '../sign-in/journey.js';
import type { SessionStore } from '../sign-in/sessions.js';
import type { PasskeyService } from '../two-step/passkeys.js';
import {
  addPasskey,
  authenticatorSetup,
  passkeyInput,
  registerEmailSetupRoutes,
  registerPhoneSetupRoutes,
  type SetupFlow,
} from '../two-step/routes.method-setup.js';
import type { TwoStepService } from '../two-step/two-step.js';
import { backupCodesAgainPage, backupCodesPage, signUpSteps } from '../views/pages.js';
import { chooseMethodPage } from '../views/two-step.js';

export interface FirstMethodRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  twoStep: TwoStepService;
  passkeys: PasskeyService;
  timeZone: string;
}

/** What the forms of the first method send (ADR 15). */
const inputs = {
  code: fields({ code: text(20) }),
};

/**
 * Sign-up's last step: the backup codes, issued with the first method and shown once. The account is set up from
 * here (the second step is verified): someone who leaves now signs in with the password and that method, and
 * gets new codes from two-step verification.
 */
const backupCodesOf =
  (accounts: AccountService) => async (request: FastifyRequest, reply: FastifyReply, codes?: string[]) => {
    const accountId = request.session!.account_id;
    await activateOnce(accounts, accountId);
    const backupCodes = codes ?? (await accounts.issueBackupCodes(accountId));
    return reply.html(backupCodesPage(request.page(), { csrf: reply.generateCsrf(), codes: backupCodes }));
  };

/** Marks the account set up, once (later calls keep its first activation). */
async function activateOnce(accounts: AccountService, accountId: string): Promise<void> {
  if (!(await accounts.findAccount(accountId))?.activated_at) await accounts.activate(accountId);
}

/** The page that offers the first method (the authenticator app's QR code first), with its errors. */
const methodsPageOf =
  (accounts: AccountService) =>
  async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], status = 200) => {
    const account = await accounts.findAccount(request.session!.account_id);
    if (!account?.password_hash) return reply.redirect('/account/sign-up/password', 303);
    const csrf = reply.generateCsrf();
    const authenticator = await authenticatorSetup(accounts, account.id);
    return reply.html(
      chooseMethodPage(request.page(), {
        csrf,
        steps: signUpSteps(request.page(), 2),
        authenticator,
        errors,
        strongOnly: account.kind === 'staff',
      }),
      status,
    );
  };

/**
 * Sign-up's last steps (session stage 'setup'): the first two-step method (an authenticator app, a passkey, a
 * phone or email codes), then the backup codes, shown once; finishing them is the first full sign-in.
 */
export function registerFirstMethodRoutes(app: App, deps: FirstMethodRoutesDeps): void {
  const { accounts, twoStep, passkeys } = deps;
  const signUpBackupCodes = backupCodesOf(accounts);
  const signUpMethodsPage = methodsPageOf(accounts);

  // Back here once a method is verified: no new authenticator key (it would replace the one in use), but the page
  // that offers new backup codes and the way on.
  app.get('/account/sign-up/authenticator', { config: { policy: 'account-setup' } }, async (request, reply) =>
    (await twoStep.overview(request.session!.account_id)).count > 0
      ? reply.redirect('/account/sign-up/backup-codes', 303)
      : signUpMethodsPage(request, reply),
  );

  const setup = { policy: 'account-setup' as const };
  app.post(
    '/account/sign-up/authenticator',
    { config: setup, schema: { body: inputs.code } },
    async (request, reply) => {
      const result = await accounts.confirmAuthenticator(request.session!.account_id, request.body.code);
      if (!result.ok)
        return signUpMethodsPage(
          request,
          reply,
          [{ field: 'code', message: request.t('accounts:authenticator.errors.invalid') }],
          400,
        );
      // The codes are shown once, now, and never stored in clear.
      return signUpBackupCodes(request, reply, result.backupCodes);
    },
  );

  app.post('/account/sign-up/passkey/options', { config: { policy: 'account-setup' } }, async (request, reply) => {
    const account = await accounts.findAccount(request.session!.account_id);
    if (!account?.password_hash) return reply.code(409).send({ error: 'password_first' });
    return reply
      .header('cache-control', 'no-store')
      .send(await passkeys.registrationOptions(request.session!.id_hash, account));
  });

  app.post('/account/sign-up/passkey', { config: setup, schema: { body: passkeyInput } }, async (request, reply) => {
    const account = await accounts.findAccount(request.session!.account_id);
    if (!account?.password_hash) return reply.redirect('/account/sign-up/password', 303);
    const errors = await addPasskey(twoStep, request, account.id, request.body.response);
    if (errors.length) return signUpMethodsPage(request, reply, errors, 400);
    return signUpBackupCodes(request, reply);
  });
}

/** The phone or email codes as the first method, then the backup codes' page, which finishes the sign-up. */
export function registerSignUpFinishRoutes(app: App, deps: FirstMethodRoutesDeps): void {
  const { accounts, sessions, twoStep } = deps;
  const signUpBackupCodes = backupCodesOf(accounts);

  const flow: SetupFlow = {
    base: '/account/sign-up',
    policy: 'account-setup',
    frame: (request) => ({ base: '/account/sign-up', steps: signUpSteps(request.page(), 2) }),
    confirmed: (request, reply) => signUpBackupCodes(request, reply),
  };
  registerPhoneSetupRoutes(app, deps, flow);
  registerEmailSetupRoutes(app, deps, flow);

  // The codes again, after leaving the page that showed them: a new set on request (a POST; the old set stops working).
  app.get('/account/sign-up/backup-codes', { config: { policy: 'account-setup' } }, async (request, reply) => {
    if ((await twoStep.overview(request.session!.account_id)).count === 0)
      return reply.redirect('/account/sign-up/authenticator', 303);
    return reply.html(backupCodesAgainPage(request.page(), { csrf: reply.generateCsrf() }));
  });

  app.post('/account/sign-up/backup-codes/new', { config: { policy: 'account-setup' } }, async (request, reply) => {
    if ((await twoStep.overview(request.session!.account_id)).count === 0)
      return reply.redirect('/account/sign-up/authenticator', 303);
    return signUpBackupCodes(request, reply);
  });

  app.post('/account/sign-up/backup-codes', { config: { policy: 'account-setup' } }, async (request, reply) => {
    const accountId = request.session!.account_id;
    const account = await accounts.findAccount(accountId);
    if (!account?.password_hash) return reply.redirect('/account/sign-up/password', 303);
    // Two-step verification is required (ACC-3): no account is finished without a confirmed method.
    if ((await twoStep.overview(accountId)).count === 0) return reply.redirect('/account/sign-up/authenticator', 303);
    await activateOnce(accounts, accountId);
    await startFullSignIn({ accounts, sessions }, request, reply, accountId);
    return reply.redirect(goTo('setup', 'sign_up_finished'), 303);
  });
}
