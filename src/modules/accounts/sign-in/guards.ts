import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { AccountService } from '../service.js';
import { signInPage } from '../views/pages.js';
import { admits, POLICY_STATES } from './journey.js';
import type { SessionStore } from './sessions.js';

/** A long-lived random id for the browser, so a sign-in from a new device can be noticed (and emailed). */
export const DEVICE_COOKIE = 'casedesk_device';

type AccountPolicy = keyof typeof POLICY_STATES;

/**
 * Guards for the three account policies: each needs a live session at its stage (journey.ts, POLICY_STATES).
 * A GET in another state is sent where the journey says; other methods get the sign-in page with 401.
 */
export function accountGuards(
  sessions: SessionStore,
  kindOf?: (accountId: string) => Promise<string | undefined>,
): Record<AccountPolicy, preHandlerHookHandler> {
  const guard =
    (policy: AccountPolicy): preHandlerHookHandler =>
    async (request, reply) => {
      const session = await sessions.load(request);
      const elsewhere = admits(policy, session);
      if (elsewhere !== undefined || !session) {
        if (request.method === 'GET' || request.method === 'HEAD')
          return reply.redirect(elsewhere ?? POLICY_STATES[policy].elsewhere, 303);
        return reply.code(401).html(signInPage(request.page(), { csrf: reply.generateCsrf() }), 401);
      }
      // Staff on the account pages they share with everyone (devices, two-step verification) get their own menu.
      if (policy === 'account' && kindOf && (request.method === 'GET' || request.method === 'HEAD')) {
        request.staffViewer = (await kindOf(session.account_id)) === 'staff';
      }
    };
  return {
    account: guard('account'),
    'account-setup': guard('account-setup'),
    'account-pending': guard('account-pending'),
  };
}

/**
 * A full sign-in, the one way every sign-in ends (password and second factor, sign-up finished, external provider):
 * a new session at the full stage, and the device noted (a new one gets the account holder an email).
 */
export async function startFullSignIn(
  deps: { accounts: AccountService; sessions: SessionStore },
  request: FastifyRequest,
  reply: FastifyReply,
  accountId: string,
): Promise<void> {
  await deps.sessions.start(request, reply, accountId, 'full');
  let device = request.cookies[DEVICE_COOKIE];
  if (!device || device.length > 100) {
    device = randomBytes(16).toString('base64url');
    reply.setCookie(DEVICE_COOKIE, device, {
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      maxAge: 2 * 365 * 86_400,
    });
  }
  await deps.accounts.recordDevice(accountId, device, request.headers['user-agent'], request.ip);
}
