import type { FastifyInstance, onRequestHookHandler, preHandlerHookHandler, RouteOptions } from 'fastify';
import type { StaffRole } from '../db/tables.js';

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
export const POLICIES = ['public', 'platform', 'api-client', 'webhook', 'dev-only', 'account-setup', 'account-pending', 'account', 'staff'] as const;
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
  }
  interface FastifyInstance {
    routeRecords: RouteRecord[];
  }
}

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
    if ((policy && PRIVATE.has(policy)) || (marker && request.headers.cookie?.includes(marker))) reply.header('cache-control', 'no-store');
    done();
  };
}

function append(route: RouteOptions, handler: preHandlerHookHandler, first = false): void {
  const existing = route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [];
  route.preHandler = first ? [handler, ...existing] : [...existing, handler];
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
    if (!methods.every((m) => m === 'HEAD')) app.routeRecords.push({ method: methods.join(','), url: route.url, policy, csrf, roles: route.config?.roles });
    if (!policy || !(POLICIES as readonly string[]).includes(policy)) {
      append(route, denyUndeclared, true);
      return;
    }
    // Order: the policy's guard first (who), then CSRF (forms), then the route's own handlers.
    if (csrf) append(route, options.csrf, true);
    const guard = options.guards[policy];
    if (guard) append(route, guard, true);
  });
}
