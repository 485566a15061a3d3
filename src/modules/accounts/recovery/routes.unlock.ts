import { fields, text, type App } from '../../../platform/http/inputs.js';
import { linkToken, registerLinkRequestRoutes, type PublicRoutesDeps } from '../route-support.js';
import { goTo } from '../sign-in/journey.js';
import { unlockLinkInvalidPage, unlockLinkPage } from '../views/pages.js';

/** What the unlock pages read (ADR 15). */
const inputs = {
  link: fields({ token: text(200), password: text(1000) }),
};

/**
 * Signing in while the email is throttled (the journey's `locked` state): a link by email takes the password,
 * then the second step follows as at every sign-in.
 */
export function registerUnlockRoutes(app: App, deps: PublicRoutesDeps): void {
  const { accounts, sessions } = deps;
  const limited = { policy: 'public' as const, limit: deps.limit };

  const send = (email: string, ip: string) => accounts.requestSignInUnlock(email, ip);
  registerLinkRequestRoutes(app, deps, { kind: 'unlock', path: '/account/sign-in/unlock', send });

  // Opening the link shows the form (mail scanners that open links spend nothing); only its POST uses the link.
  app.get(
    '/account/sign-in/unlock/link',
    { config: { policy: 'public' }, schema: { querystring: linkToken } },
    async (request, reply) => {
      const token = request.query.token;
      const email = token ? await accounts.unlockLinkEmail(token) : undefined;
      if (!email) return reply.html(unlockLinkInvalidPage(request.page()), 410);
      reply.header('referrer-policy', 'no-referrer');
      return reply.html(unlockLinkPage(request.page(), { csrf: reply.generateCsrf(), token, email }));
    },
  );

  app.post(
    '/account/sign-in/unlock/link',
    { config: limited, schema: { body: inputs.link } },
    async (request, reply) => {
      const token = request.body.token;
      const password = request.body.password;
      const result = token
        ? await accounts.signInWithUnlockLink(token, password, request.ip)
        : ({ ok: false, reason: 'link_invalid' } as const);
      if (!result.ok && result.reason === 'link_invalid') return reply.html(unlockLinkInvalidPage(request.page()), 410);
      if (!result.ok) {
        const email = (await accounts.unlockLinkEmail(token)) ?? '';
        if (!email) return reply.html(unlockLinkInvalidPage(request.page()), 410);
        const errors = [{ field: 'password', message: request.t('accounts:unlock.password_invalid') }];
        return reply.html(unlockLinkPage(request.page(), { csrf: reply.generateCsrf(), token, email, errors }), 400);
      }
      await sessions.start(request, reply, result.account.id, 'password');
      return reply.redirect(goTo('locked', 'unlock_link_password_ok'), 303);
    },
  );
}
