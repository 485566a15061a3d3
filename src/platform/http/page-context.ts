import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StaffRole } from '../db/tables.js';
import type { SignedIn, StaffPageContext } from '../views/frame.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the staff guard: the signed-in staff member and their roles. */
    staff?: { accountId: string; roles: StaffRole[] };
  }
}

/** A session ends after this long without a request; the signed-in frame warns before (`sessionTimeout`). */
export const SESSION_IDLE_MS = 15 * 60_000;

/** What the frame of a signed-in page needs from the answer: the form token and the idle timeout. */
export function signedInOf(reply: FastifyReply): SignedIn {
  return { csrf: reply.generateCsrf(), idleSeconds: SESSION_IDLE_MS / 1000 };
}

/** The page context of a staff page: the request's language and address, and the staff member's roles. */
export function staffContext(request: FastifyRequest): StaffPageContext {
  return { ...request.page(), roles: request.staff?.roles ?? [] };
}
