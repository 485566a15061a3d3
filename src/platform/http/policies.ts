import type {
  FastifyInstance,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
  RouteOptions,
} from 'fastify';
import type { StaffRole } from '../db/tables.js';
import { TooManyRequests } from './http-errors.js';

/**
 * Every route declares who may use it (`config: { policy }`). A route without a policy is refused at run time
 * and reported by the route-policy test (test/route-policy.test.ts), so it cannot slip through.
 *
 * - public:     anyone (pages of the public surface, the OAuth token endpoint)
 * - platform:   health, readiness, metrics and static assets
 * - api-client: a bearer token issued to an API client (client credentials)
 * - webhook:    a provider callback; the handler checks the provider's signature
 * - dev-only:   development tools such as the outbox; 404 unless the dev outbox is on
 * - account-setup:   a person in the middle of signing up (email verified, account not finished)
 * - account-pending: a person who gave the right password and still owes the second factor
 * - account:    a signed-in account holder (both factors)
 * - staff:      a signed-in staff member whose access is active and who holds one of the route's `roles`
 *               (every staff role when the route names none)
 */
export const POLICIES = [
  'public',
  'platform',
  'api-client',
  'webhook',
  'dev-only',
  'account-setup',
  'account-pending',
  'account',
  'staff',
] as const;
export type RoutePolicy = (typeof POLICIES)[number];

/** Policies whose non-GET routes are forms and therefore need a CSRF token. */
const CSRF_EXEMPT: ReadonlySet<RoutePolicy> = new Set(['api-client', 'webhook', 'platform']);

export interface RouteRecord {
  method: string;
  url: string;
  policy: RoutePolicy | undefined;
  csrf: boolean;
  roles?: readonly StaffRole[];
}

declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: RoutePolicy;
    /** Answers errors in the agency API's JSON format instead of pages. */
    api?: 'agency';
    /** Set for public POST routes that must not check CSRF (e.g. the OAuth token endpoint, which takes no cookies). */
    csrfExempt?: boolean;
    /** For policy 'api-client': the scope the client needs ('case_status:read', 'case_events:write'). */
    scope?: string;
    /** For policy 'staff': the roles allowed (any one suffices). */
    roles?: readonly StaffRole[];
    /**
     * The route's rate limit, checked after its guard and CSRF check and before its input is parsed: the seconds to
     * wait when the request is over the limit (answered 429 with Retry-After), undefined when it may go on.
     */
    limit?: RouteLimit;
  }
  interface FastifyInstance {
    routeRecords: RouteRecord[];
  }
}

/** A rate limit a route declares in its configuration (`config: { limit }`); see buildApp's limiters. */
export type RouteLimit = (request: FastifyRequest) => Promise<number | undefined>;

export interface PolicyOptions {
  guards: Partial<Record<RoutePolicy, preHandlerHookHandler>>;
  csrf: preHandlerHookHandler;
  /** The session cookie's name: any answer to a request that carries it is `Cache-Control: no-store`. */
  sessionCookie?: string;
}

/** Policies whose pages are someone's own (account, staff, agent, officer): never kept by a browser or a cache. */
const PRIVATE: ReadonlySet<RoutePolicy> = new Set(['account-setup', 'account-pending', 'account', 'staff']);

const denyUndeclared: preHandlerHookHandler = async (_request, reply) => {
  reply.code(403).type('text/plain; charset=utf-8').send('This route has no access policy.');
};

/**
 * `Cache-Control: no-store` on every answer of a private route and on every answer to a signed-in session (a
 * public page shows the account menu too, and so may a 404 page): after signing out, the back button cannot show
 * them again. Set at onRequest, so redirects, refusals and error pages carry it; a route may set a stricter value.
 */
function noStore(sessionCookie: string | undefined): onRequestHookHandler {
  const marker = sessionCookie ? `${sessionCookie}=` : undefined;
  return (request, reply, done) => {
    const policy = request.routeOptions.config?.policy;
    if ((policy && PRIVATE.has(policy)) || (marker && request.headers.cookie?.includes(marker)))
      reply.header('cache-control', 'no-store');
    done();
  };
}

/**
 * Adds a check before the route's own hooks. Checks run in preValidation: after the body is parsed (CSRF reads the
 * form's token) and before the route's declared input is validated (inputs.ts), so a request is first answered by
 * who may make it, and only then by what it sent.
 */
function prepend(route: RouteOptions, handler: preHandlerHookHandler): void {
  const existing = route.preValidation
    ? Array.isArray(route.preValidation)
      ? route.preValidation
      : [route.preValidation]
    : [];
  route.preValidation = [handler, ...existing];
}

function limitHook(limit: RouteLimit): preHandlerHookHandler {
  return async (request, reply) => {
    const wait = await limit(request);
    if (wait === undefined) return;
    reply.header('retry-after', String(wait));
    throw new TooManyRequests(wait);
  };
}

/** Registers the onRoute hook. Call before any route is added (on the root instance). */
export function installRoutePolicies(app: FastifyInstance, options: PolicyOptions): void {
  app.decorate('routeRecords', [] as RouteRecord[]);
  app.addHook('onRequest', noStore(options.sessionCookie));
  app.addHook('onRoute', (route) => {
    const policy = route.config?.policy;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    const changes = methods.some((m) => !['GET', 'HEAD', 'OPTIONS'].includes(m));
    const csrf = Boolean(policy && changes && !CSRF_EXEMPT.has(policy) && !route.config?.csrfExempt);
    // Fastify's automatic HEAD twin of a GET route (made from the GET route's options as given, before this hook
    // added anything) is not listed, but gets the same guard: HEAD answers exactly as GET, without the body.
    if (!methods.every((m) => m === 'HEAD'))
      app.routeRecords.push({ method: methods.join(','), url: route.url, policy, csrf, roles: route.config?.roles });
    if (!policy || !(POLICIES as readonly string[]).includes(policy)) {
      prepend(route, denyUndeclared);
      return;
    }
    // Order: the policy's guard first (who), then CSRF (forms), then the route's rate limit, then its declared
    // input is parsed (Fastify's validation), then the route's own handlers.
    if (route.config?.limit) prepend(route, limitHook(route.config.limit));
    if (csrf) prepend(route, options.csrf);
    const guard = options.guards[policy];
    if (guard) prepend(route, guard);
  });
}
