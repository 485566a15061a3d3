import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../../platform/clock.js';
import { fields, text, type App } from '../../../platform/http/inputs.js';
import { asSent, timeOf, signedInView, type AddressLimit } from '../route-support.js';
import { reauthPasswordPage } from '../views/two-step.js';
import { goTo, REAUTH_PATH, reauthPasswordRecent, statusOf } from './journey.js';
import { safeAccountNext } from './reauth.js';
import {
  registerSecondStepCodeRoutes,
  registerSecondStepPasskeyRoutes,
  type SecondStepDeps,
  type StepFlow,
} from './routes.second-step.js';

export interface ReauthRoutesDeps extends SecondStepDeps {
  clock: Clock;
  /** Per-address limiter for password posts: seconds to wait when over the limit. */
  limit: AddressLimit;
}

/** What the re-authentication pages read (ADR 15); `next` is checked by safeAccountNext. */
const inputs = {
  page: fields({ next: asSent(), again: text(20) }),
  password: fields({ password: text(1000), next: asSent() }),
};

/** Re-authentication's destination once done: a safe account path, or the account home. */
const reauthNext = (source: unknown) => safeAccountNext(source) ?? '/account';

/**
 * Re-authentication (reauth.ts sends people here before a sensitive change): the password again, then any
 * second factor within REAUTH_PASSWORD_STEP_MS. Each step's destination comes from the journey (journey.ts).
 */
export function registerReauthRoutes(app: App, deps: ReauthRoutesDeps): void {
  const { accounts, sessions } = deps;
  const state = (request: FastifyRequest) => sessions.journeyState(request);

  const flow: StepFlow = {
    base: REAUTH_PATH,
    policy: 'account',
    // The second step is open only while the password given again is recent (the state reauth_second_step_due, or
    // a re-authentication asked for while the last one is still recent).
    notReady: (request, asked) => {
      if (reauthPasswordRecent(request.session?.reauth_password_at, deps.clock.now())) return undefined;
      const next = encodeURIComponent(reauthNext(asked));
      return goTo(state(request), 'reauth_code_without_password', { next });
    },
    next: reauthNext,
    frame: (request, csrf) => ({
      heading: request.t('two_step:reauth.title'),
      intro: request.t('two_step:reauth.code_intro'),
      signedIn: signedInView(csrf),
    }),
    refused: (request, locked) => statusOf(state(request), locked ? 'code_refused_locked' : 'reauth_code_wrong'),
    done: async (request, reply, _result, next) => {
      const from = state(request);
      await sessions.markAuthenticated(request);
      return reply.redirect(goTo(from, 'reauth_code_ok', { next: next ?? '/account' }), 303);
    },
  };
  registerSecondStepCodeRoutes(app, deps, flow);
  registerSecondStepPasskeyRoutes(app, deps, flow);

  app.get(
    REAUTH_PATH,
    { config: { policy: 'account' }, schema: { querystring: inputs.page } },
    async (request, reply) => {
      const csrf = reply.generateCsrf();
      return reply.html(
        reauthPasswordPage(request.page(), {
          csrf,
          signedIn: signedInView(csrf),
          next: reauthNext(request.query.next),
          again: request.query.again === '1',
        }),
      );
    },
  );

  const post = { config: { policy: 'account' as const, limit: deps.limit }, schema: { body: inputs.password } };
  app.post(REAUTH_PATH, post, async (request, reply) => {
    const next = reauthNext(request.body.next);
    const from = state(request);
    const result = await accounts.reverifyPassword(request.session!.account_id, request.body.password, request.ip);
    if (!result.ok) {
      const throttled = result.reason === 'throttled';
      const message = throttled
        ? request.t('accounts:sign_in.throttled', { time: timeOf(result.retryAt, request.lang, deps.timeZone) })
        : request.t('accounts:sign_in.invalid');
      const csrf = reply.generateCsrf();
      const status = statusOf(from, throttled ? 'reauth_password_throttled' : 'reauth_password_wrong');
      return reply.html(
        reauthPasswordPage(request.page(), {
          csrf,
          signedIn: signedInView(csrf),
          next,
          again: false,
          errors: [{ field: 'password', message }],
        }),
        status,
      );
    }
    await sessions.markPasswordReverified(request);
    return reply.redirect(goTo(from, 'reauth_password_ok', { next: encodeURIComponent(next) }), 303);
  });
}
