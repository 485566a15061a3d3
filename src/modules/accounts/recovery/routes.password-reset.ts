import type { FieldError } from '../../../platform/views/components.js';
import { linkInvalidPage } from '../../../platform/views/frame.js';
import { fields, text, type App } from '../../../platform/http/inputs.js';
import { linkLanding, linkToken, registerLinkRequestRoutes, whole, type PublicRoutesDeps } from '../route-support.js';
import { goTo } from '../sign-in/journey.js';
import { newPasswordPage } from '../views/pages.js';

/** What the forgotten-password pages read (ADR 15). */
const inputs = {
  reset: fields({ token: text(200), password: whole(), password_confirmation: whole() }),
};

/** A forgotten password (ACC-5): a link by email, then a new password; every session of the account ends. */
export function registerPasswordResetRoutes(app: App, deps: PublicRoutesDeps): void {
  const { accounts, sessions } = deps;
  const limited = { policy: 'public' as const, limit: deps.limit };

  const send = (email: string, ip: string) => accounts.requestPasswordReset(email, ip);
  registerLinkRequestRoutes(app, deps, { kind: 'reset', path: '/account/forgot-password', send });

  app.get(
    '/account/reset-password',
    { config: { policy: 'public' }, schema: { querystring: linkToken } },
    linkLanding(
      (token) => accounts.resetLinkUsable(token),
      (ctx, p) => newPasswordPage(ctx, p),
      (ctx) => linkInvalidPage(ctx, 'reset'),
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
    if (!result) return reply.html(linkInvalidPage(request.page(), 'reset'), 410);
    if (!result.ok)
      return again([{ field: 'password', message: request.t(`accounts:password.errors.${result.problem}`) }]);
    await sessions.end(request, reply);
    return reply.redirect(goTo('signed_out', 'password_reset'), 303);
  });
}
