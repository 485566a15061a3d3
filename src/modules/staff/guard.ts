import type { preHandlerHookHandler } from 'fastify';
import type { DbHandle } from '../../platform/db/database.js';
import { Forbidden, Unauthorized } from '../../platform/http/http-errors.js';
import type { SessionStore } from '../accounts/index.js';
import { activeRolesOf } from './repository.js';

/**
 * The guard of policy 'staff': a full (two-step) session of a staff account whose access is active, holding one of
 * the route's roles. No session: to the sign-in page (GET) or 401. Signed in without the role: 403 (the one error
 * handler renders the page), so a Tier 1 agent never sees a Tier 3 or administrator page.
 */
export function staffGuard(sessions: SessionStore, db: DbHandle): preHandlerHookHandler {
  return async (request, reply) => {
    const session = await sessions.load(request);
    if (!session || session.stage !== 'full') {
      if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect('/account/sign-in', 303);
      throw new Unauthorized('Sign in first');
    }
    const roles = await activeRolesOf(db, session.account_id);
    const allowed = request.routeOptions.config.roles;
    if (!roles || roles.length === 0 || (allowed && !allowed.some((r) => roles.includes(r)))) {
      throw new Forbidden('This page is not part of your role');
    }
    request.staff = { accountId: session.account_id, roles };
  };
}
