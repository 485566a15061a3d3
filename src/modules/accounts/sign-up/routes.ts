import { fields, text, type App } from '../../../platform/http/inputs.js';
import { withMinimumDuration } from '../../../platform/http/timing.js';
import type { FieldError } from '../../../platform/views/components.js';
import { linkInvalidPage } from '../../../platform/views/frame.js';
import {
  emailProblem,
  linkLanding,
  linkToken,
  registerSentPage,
  whole,
  type PublicRoutesDeps,
} from '../route-support.js';
import { emailSchema } from '../service.js';
import { goTo, SIGN_UP_PATH } from '../sign-in/journey.js';
import { checkEmailPage, confirmEmailPage, passwordPage, signUpPage } from '../views/pages.js';

/** What the sign-up pages read (ADR 15). */
const inputs = {
  start: fields({ email: text(300), kind: text(20) }),
  password: fields({ password: whole(), password_confirmation: whole() }),
};

/**
 * Sign-up's first steps: the email (and the kind of account), the link that confirms it and opens a session at
 * the stage 'setup', then the password. The first two-step method and the backup codes: routes.first-method.ts.
 */
export function registerSignUpRoutes(app: App, deps: PublicRoutesDeps): void {
  const { accounts, sessions } = deps;

  app.get(SIGN_UP_PATH, { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(signUpPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  const start = { config: { policy: 'public' as const, limit: deps.limit }, schema: { body: inputs.start } };
  app.post(SIGN_UP_PATH, start, async (request, reply) => {
    const rawEmail = request.body.email;
    const kind = request.body.kind;
    const email = emailSchema.safeParse(rawEmail);
    const errors: FieldError[] = [];
    if (!email.success) errors.push({ field: 'email', message: emailProblem(request, rawEmail) });
    if (kind !== 'applicant' && kind !== 'representative')
      errors.push({ field: 'kind', message: request.t('accounts:sign_up.errors.kind_required') });
    if (errors.length || !email.success)
      return reply.html(signUpPage(request.page(), { csrf: reply.generateCsrf(), email: rawEmail, kind, errors }), 400);
    await withMinimumDuration(deps.minimumMs, () =>
      accounts.startSignUp({
        email: email.data,
        kind: kind as 'applicant' | 'representative',
        language: request.lang,
        ip: request.ip,
      }),
    );
    return reply.redirect(`/account/sign-up/check-email?email=${encodeURIComponent(email.data)}`, 303);
  });

  registerSentPage(app, '/account/sign-up/check-email', checkEmailPage);

  app.get(
    '/account/sign-up/confirm',
    { config: { policy: 'public' }, schema: { querystring: linkToken } },
    linkLanding((token) => accounts.verificationLinkUsable(token), confirmEmailPage),
  );

  app.post(
    '/account/sign-up/confirm',
    { config: { policy: 'public' }, schema: { body: linkToken } },
    async (request, reply) => {
      const account = await accounts.confirmEmail(request.body.token);
      if (!account) return reply.html(linkInvalidPage(request.page()), 410);
      await sessions.start(request, reply, account.id, 'setup');
      return reply.redirect(goTo('signed_out', 'sign_up_email_confirmed'), 303);
    },
  );
}

/** Sign-up's password (session stage 'setup'), chosen twice. */
export function registerSignUpPasswordRoutes(app: App, deps: PublicRoutesDeps): void {
  const { accounts } = deps;

  app.get('/account/sign-up/password', { config: { policy: 'account-setup' } }, async (request, reply) =>
    reply.html(passwordPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  const password = { config: { policy: 'account-setup' as const }, schema: { body: inputs.password } };
  app.post('/account/sign-up/password', password, async (request, reply) => {
    const password = request.body.password;
    const confirmation = request.body.password_confirmation;
    const errors: FieldError[] = [];
    if (!password) errors.push({ field: 'password', message: request.t('accounts:password.errors.required') });
    else if (password !== confirmation)
      errors.push({ field: 'password_confirmation', message: request.t('accounts:password.errors.mismatch') });
    else {
      const result = await accounts.setPassword(request.session!.account_id, password);
      if (!result.ok)
        errors.push({ field: 'password', message: request.t(`accounts:password.errors.${result.problem}`) });
    }
    if (errors.length) return reply.html(passwordPage(request.page(), { csrf: reply.generateCsrf(), errors }), 400);
    return reply.redirect(goTo('setup', 'sign_up_password_set'), 303);
  });
}
