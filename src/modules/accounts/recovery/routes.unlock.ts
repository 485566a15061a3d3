import { fields, text, type App } from '../../../platform/http/inputs.js';
import { withMinimumDuration } from '../../../platform/http/timing.js';
import { linkToken, whole, type AddressLimit } from '../route-support.js';
import { emailSchema, type AccountService } from '../service.js';
import { goTo } from '../sign-in/journey.js';
import type { SessionStore } from '../sign-in/sessions.js';
import { unlockLinkInvalidPage, unlockLinkPage, unlockRequestPage, unlockSentPage } from '../views/pages.js';

export interface RecoveryRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  /** Per-address limiter for the recovery posts: seconds to wait when over the limit. */
  limit: AddressLimit;
  /** Asking for a link takes at least this long, account or not (timing.ts). */
  minimumMs: number;
}

/** What the unlock pages read (ADR 15). */
const inputs = {
  email: fields({ email: text(300) }),
  sent: fields({ email: whole() }),
  link: fields({ token: text(200), password: text(1000) }),
};

/**
 * Signing in while the email is throttled (the journey's `locked` state): a link by email takes the password,
 * then the second step follows as at every sign-in.
 */
export function registerUnlockRoutes(app: App, deps: RecoveryRoutesDeps): void {
  const { accounts, sessions } = deps;
  const limited = { policy: 'public' as const, limit: deps.limit };

  app.get('/account/sign-in/unlock', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(unlockRequestPage(request.page(), { csrf: reply.generateCsrf() })),
  );

  app.post('/account/sign-in/unlock', { config: limited, schema: { body: inputs.email } }, async (request, reply) => {
    const typed = request.body.email;
    const email = emailSchema.safeParse(typed);
    if (!email.success) {
      const message = request.t(
        typed.trim() ? 'accounts:sign_up.errors.email_invalid' : 'accounts:sign_up.errors.email_required',
      );
      return reply.html(
        unlockRequestPage(request.page(), {
          csrf: reply.generateCsrf(),
          email: typed,
          errors: [{ field: 'email', message }],
        }),
        400,
      );
    }
    await withMinimumDuration(deps.minimumMs, () => accounts.requestSignInUnlock(email.data, request.ip));
    return reply.redirect(`/account/sign-in/unlock/sent?email=${encodeURIComponent(email.data)}`, 303);
  });

  app.get(
    '/account/sign-in/unlock/sent',
    { config: { policy: 'public' }, schema: { querystring: inputs.sent } },
    async (request, reply) => {
      const email = emailSchema.safeParse(request.query.email);
      return reply.html(unlockSentPage(request.page(), email.success ? email.data : ''));
    },
  );

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
