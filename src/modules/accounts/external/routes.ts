import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../../platform/http/inputs.js';
import {
  EXTERNAL_CALLBACK_PATH,
  EXTERNAL_REQUEST_TTL_MS,
  EXTERNAL_START_PATH,
  type ExternalRefusal,
  type ExternalSignInService,
} from './external-sign-in.js';
import type { AccountService } from '../service.js';
import { startFullSignIn } from '../sign-in/guards.js';
import { goTo } from '../sign-in/journey.js';
import type { SessionStore } from '../sign-in/sessions.js';
import { externalProblemPage } from '../views/pages.js';

/**
 * Sign-in through an external OpenID Connect provider (ADR 8): the start sends the browser to the provider, the
 * callback finishes with a full sign-in. Both answer 404 when no provider is configured.
 */
export interface ExternalRoutesDeps {
  /** Absent when CASEDESK_OIDC_ISSUER is not set. */
  external?: ExternalSignInService;
  accounts: AccountService;
  sessions: SessionStore;
}

/** The browser's pending request id (state, nonce and PKCE verifier stay on the server). */
export const EXTERNAL_REQUEST_COOKIE = '__Host-casedesk_external';
// SameSite=Lax: the provider sends the browser back with a top-level GET, which Lax cookies accompany.
const COOKIE_OPTIONS = { path: '/', httpOnly: true, secure: true, sameSite: 'lax' } as const;

const STATUS: Record<ExternalRefusal, number> = {
  cancelled: 200,
  provider_error: 400,
  expired: 400,
  state_mismatch: 400,
  invalid_response: 400,
  email_missing: 400,
  acr: 403,
  email_unverified: 403,
  account_unavailable: 403,
  unavailable: 503,
};

export function registerExternalSignInRoutes(app: App, deps: ExternalRoutesDeps): void {
  const problem = (
    request: FastifyRequest,
    reply: FastifyReply,
    external: ExternalSignInService,
    reason: ExternalRefusal,
  ) => {
    if (reason === 'unavailable') reply.header('retry-after', '30');
    return reply.html(externalProblemPage(request.page(), { reason, name: external.name }), STATUS[reason]);
  };

  app.get(EXTERNAL_START_PATH, { config: { policy: 'public' } }, async (request, reply) => {
    const external = deps.external;
    if (!external) return reply.callNotFound();
    const started = await external.begin(request.lang);
    if (!started.ok) return problem(request, reply, external, started.reason);
    reply.setCookie(EXTERNAL_REQUEST_COOKIE, started.requestId, {
      ...COOKIE_OPTIONS,
      maxAge: EXTERNAL_REQUEST_TTL_MS / 1000,
    });
    return reply.redirect(started.url, 303);
  });

  // The callback's query holds the authorization code: this route logs only warnings, so the URL is not logged.
  app.get(EXTERNAL_CALLBACK_PATH, { config: { policy: 'public' }, logLevel: 'warn' }, async (request, reply) => {
    const external = deps.external;
    if (!external) return reply.callNotFound();
    reply.header('cache-control', 'no-store');
    const requestId = request.cookies[EXTERNAL_REQUEST_COOKIE];
    reply.clearCookie(EXTERNAL_REQUEST_COOKIE, COOKIE_OPTIONS);
    const mark = request.url.indexOf('?');
    const query = new URLSearchParams(mark >= 0 ? request.url.slice(mark + 1) : '');
    const result = await external.complete({ requestId, query, ip: request.ip });
    if (!result.ok) return problem(request, reply, external, result.reason);
    await startFullSignIn(deps, request, reply, result.accountId);
    return reply.redirect(
      goTo('signed_out', result.outcome === 'created' ? 'external_account_created' : 'external_ok'),
      303,
    );
  });
}
