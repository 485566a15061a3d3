import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Clock } from '../../../platform/clock.js';
import { admits, goTo, REAUTH_MAX_AGE_MS, REAUTH_PATH, recentlyAuthenticated, stateOf } from './journey.js';
import type { SessionStore } from './sessions.js';

/**
 * Re-authentication (issue 3 item 6): before a change to the email, a phone, the password or the verification
 * methods, the person must have authenticated fully (password and second factor) within the last 15 minutes.
 * The time of the last full authentication is on the session row (`authenticated_at`): set at sign-in and at
 * re-authentication (`/account/reauthenticate`, sign-in/routes.reauth.ts). Where each step sends the person: journey.ts.
 *
 * Use on a route of the `account` policy (its guard runs first and loads the session):
 *
 *     const recentAuth = recentAuthRequired(sessions, clock);
 *     app.post('/account/email', { config: { policy: 'account' }, preHandler: recentAuth }, handler);
 */
export { REAUTH_MAX_AGE_MS, REAUTH_PATH, recentlyAuthenticated };

/** The longest `next` we carry around. */
const NEXT_MAX_LENGTH = 500;

/**
 * `next` if it is a local account path that is safe to redirect to, otherwise undefined. Only paths under
 * `/account/` qualify: no scheme, no host, no `//` or backslash (which browsers may read as another host), no
 * `..` segment, no control characters or spaces. Percent-encoded characters are allowed only in the query.
 */
export function safeAccountNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length > NEXT_MAX_LENGTH) return undefined;
  const [path, ...rest] = next.split('?');
  const query = rest.join('?');
  if (!/^\/account\/[A-Za-z0-9\-._~/]*$/.test(path!)) return undefined;
  if (path!.includes('//') || path!.split('/').some((segment) => segment === '..' || segment === '.')) return undefined;
  if (rest.length && !/^[A-Za-z0-9\-._~=&%+]*$/.test(query)) return undefined;
  if (path === REAUTH_PATH || path!.startsWith(`${REAUTH_PATH}/`)) return undefined; // never loop back here
  return next;
}

/** The query of the re-authentication page for a request that needs re-authentication. */
export function reauthQuery(request: FastifyRequest): string {
  // GET: the page itself (with its query) so the person comes back to it. Other methods: the path only; the
  // form's data is not kept (it may hold a password), the re-authentication page says to make the change again.
  const [path] = request.url.split('?');
  const reading = request.method === 'GET' || request.method === 'HEAD';
  const target = reading ? request.url : path!;
  const next = safeAccountNext(target) ?? '/account';
  const params = new URLSearchParams({ next });
  if (!reading) params.set('again', '1');
  return params.toString();
}

/**
 * A preHandler for routes that change the email, a phone, the password or the verification methods: when the
 * session's last full authentication is older than REAUTH_MAX_AGE_MS (or unknown), it answers 303 to the
 * re-authentication page with `next` set to this path.
 */
export function recentAuthRequired(sessions: SessionStore, clock: Clock): preHandlerHookHandler {
  return async function recentAuth(request: FastifyRequest, reply: FastifyReply) {
    // The `account` policy's guard has normally loaded the session already; load() answers it from the request.
    const session = await sessions.load(request);
    const elsewhere = admits('account', session);
    if (elsewhere !== undefined || !session) return reply.redirect(elsewhere ?? '/account/sign-in', 303);
    const now = clock.now();
    if (recentlyAuthenticated(session.authenticated_at, now)) return;
    return reply.redirect(goTo(stateOf(session, now), 'sensitive_change', { query: reauthQuery(request) }), 303);
  };
}
