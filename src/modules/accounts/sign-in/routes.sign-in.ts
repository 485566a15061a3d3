import { fields, text, type App } from '../../../platform/http/inputs.js';
import { withMinimumDuration } from '../../../platform/http/timing.js';
import { timeOf, type AddressLimit } from '../route-support.js';
import type { AccountService } from '../service.js';
import { signInPage } from '../views/pages.js';
import { goTo, SIGN_IN_PATH, statusOf } from './journey.js';
import type { SessionStore } from './sessions.js';

export interface SignInRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  timeZone: string;
  /** Per-address limiter for sign-in posts: seconds to wait when over the limit. */
  limit: AddressLimit;
  /** External sign-in's provider (a "Sign in with Login.gov" button on the sign-in page); absent when not configured. */
  externalSignIn?: { name: string };
  /** Sign-in takes at least this long, account or not (timing.ts). */
  minimumMs: number;
}

/** What the sign-in page reads (ADR 15). */
const inputs = {
  page: fields({ reset: text(20), timeout: text(20) }),
  password: fields({ email: text(300), password: text(1000) }),
};

/** The password step of sign-in (the second step: routes.second-step.ts). */
export function registerSignInRoutes(app: App, deps: SignInRoutesDeps): void {
  const { accounts, sessions } = deps;

  app.get(
    SIGN_IN_PATH,
    { config: { policy: 'public' }, schema: { querystring: inputs.page } },
    async (request, reply) => {
      const query = request.query;
      const notice =
        query.reset === '1'
          ? request.t('accounts:reset.done')
          : query.timeout === '1'
            ? request.t('accounts:timeout.timed_out')
            : undefined;
      return reply.html(
        signInPage(request.page(), { csrf: reply.generateCsrf(), notice, external: deps.externalSignIn }),
      );
    },
  );

  const post = { config: { policy: 'public' as const, limit: deps.limit }, schema: { body: inputs.password } };
  app.post(SIGN_IN_PATH, post, async (request, reply) => {
    const { email, password } = request.body;
    const result = await withMinimumDuration(deps.minimumMs, () => accounts.signIn(email, password, request.ip));
    if (!result.ok) {
      // The same page for every email once throttled, with an account or not: the wait, and the offer of a link.
      const throttled = result.reason === 'throttled';
      const message = throttled
        ? request.t('accounts:sign_in.throttled_unlock', { time: timeOf(result.retryAt, request.lang, deps.timeZone) })
        : request.t('accounts:sign_in.invalid');
      const status = statusOf('signed_out', throttled ? 'password_throttled' : 'password_wrong');
      return reply.html(
        signInPage(request.page(), {
          csrf: reply.generateCsrf(),
          email,
          errors: [{ field: 'email', message }],
          external: deps.externalSignIn,
          unlockOffer: throttled,
        }),
        status,
      );
    }
    await sessions.start(request, reply, result.account.id, 'password');
    return reply.redirect(goTo('signed_out', 'password_ok'), 303);
  });
}
