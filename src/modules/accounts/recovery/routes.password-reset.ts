import type { FieldError } from '../../../platform/views/components.js';
import { linkInvalidPage } from '../../../platform/views/frame.js';
import { fields, text, type App } from '../../../platform/http/inputs.js';
import { withMinimumDuration } from '../../../platform/http/timing.js';
import { linkLanding, linkToken, whole } from '../route-support.js';
import { emailSchema } from '../service.js';
import { goTo } from '../sign-in/journey.js';
import { forgotPasswordPage, newPasswordPage, resetSentPage } from '../views/pages.js';
import type { RecoveryRoutesDeps } from './routes.unlock.js';

/** What the forgotten-password pages read (ADR 15). */
const inputs = {
  email: fields({ email: text(300) }),
  sent: fields({ email: whole() }),
  reset: fields({ token: text(200), password: whole(), password_confirmation: whole() }),
};

/** A forgotten password (ACC-5): a link by email, then a new password; every session of the account ends. */
export function registerPasswordResetRoutes(app: App, deps: RecoveryRoutesDeps): void {
  const { accounts, sessions } = deps;
  const limited = { policy: 'public' as const, limit: deps.limit };

  app.get('/account/forgot-password', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(forgotPasswordPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  app.post('/account/forgot-password', { config: limited, schema: { body: inputs.email } }, async (request, reply) => {
    const typed = request.body.email;
    const email = emailSchema.safeParse(typed);
    if (!email.success) {
      const message = request.t(
        typed.trim() ? 'accounts:sign_up.errors.email_invalid' : 'accounts:sign_up.errors.email_required',
      );
      return reply.html(
        forgotPasswordPage(request.page(), {
          csrf: reply.generateCsrf(),
          email: typed,
          errors: [{ field: 'email', message }],
        }),
        400,
      );
    }
    await withMinimumDuration(deps.minimumMs, () => accounts.requestPasswordReset(email.data, request.ip));
    return reply.redirect(`/account/forgot-password/sent?email=${encodeURIComponent(email.data)}`, 303);
  });

  app.get(
    '/account/forgot-password/sent',
    { config: { policy: 'public' }, schema: { querystring: inputs.sent } },
    async (request, reply) => {
      const email = emailSchema.safeParse(request.query.email);
      return reply.html(resetSentPage(request.page(), email.success ? email.data : ''));
    },
  );

  app.get(
    '/account/reset-password',
    { config: { policy: 'public' }, schema: { querystring: linkToken } },
    linkLanding(
      (token) => accounts.resetLinkUsable(token),
      (ctx, p) => newPasswordPage(ctx, p),
    ),
  );

  app.post('/account/reset-password', { config: limited, schema: { body: inputs.reset } }, async (request, reply) => {
    const token = request.body.token;
    const password = request.body.password;
    const again = (errors: FieldError[]) =>
      reply.html(newPasswordPage(request.page(), { csrf: reply.generateCsrf(), token, errors }), 400);
    if (!password) return again([{ field: 'password', message: request.t('accounts:password.errors.required') }]);
    if (password !== request.body.password_confirmation)
      return again([{ field: 'password_confirmation', message: request.t('accounts:password.errors.mismatch') }]);
    const result = await accounts.resetPassword(token, password, request.ip);
    if (!result) return reply.html(linkInvalidPage(request.page()), 410);
    if (!result.ok)
      return again([{ field: 'password', message: request.t(`accounts:password.errors.${result.problem}`) }]);
    await sessions.end(request, reply);
    return reply.redirect(goTo('signed_out', 'password_reset'), 303);
  });
}
