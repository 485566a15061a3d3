import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../../platform/clock.js';
import type { DbHandle } from '../../../platform/db/database.js';
import type { SessionRow, SessionStage } from '../tables.js';
import { SESSION_IDLE_MS } from '../../../platform/http/page-context.js';
import type { Random } from '../../../platform/random.js';
import { sha256 } from '../../../platform/hashing.js';
import { stateOf, type JourneyState } from './journey.js';
import {
  deleteSession,
  deleteSessionsOf,
  findSession,
  insertSession,
  setSessionAuthTimes,
  touchSession,
} from '../repository.js';

/**
 * Server-side sessions (shared by every web process through the database). The cookie holds a random id; the
 * table holds its hash. A new id is issued at every change of stage (no session fixation).
 */
export const SESSION_COOKIE = '__Host-casedesk_session';
/** A signed-in session lasts at most 12 hours, and ends after 15 minutes without activity. */
export const SESSION_MAX_MS = 12 * 3600_000;
export { SESSION_IDLE_MS };
/** Sign-up and the step between password and code get an hour at most. */
export const PARTIAL_SESSION_MAX_MS = 3600_000;

declare module 'fastify' {
  interface FastifyRequest {
    session?: SessionRow;
  }
}

export class SessionStore {
  constructor(private readonly deps: { db: DbHandle; clock: Clock; random: Random }) {}

  /** Starts a session (after deleting the one the request had), and sets the cookie. */
  async start(
    request: FastifyRequest,
    reply: FastifyReply,
    accountId: string,
    stage: SessionStage,
  ): Promise<SessionRow> {
    await this.end(request, reply);
    const id = this.deps.random.token(32);
    const now = this.deps.clock.now();
    const session: SessionRow = {
      id_hash: sha256(id),
      account_id: accountId,
      stage,
      created_at: now,
      last_seen_at: now,
      expires_at: new Date(now.getTime() + (stage === 'full' ? SESSION_MAX_MS : PARTIAL_SESSION_MAX_MS)),
      user_agent: (request.headers['user-agent'] ?? '').slice(0, 300) || null,
      ip: request.ip,
      // Reaching the full stage is a full authentication (re-authentication moves this forward: markAuthenticated).
      authenticated_at: stage === 'full' ? now : null,
      reauth_password_at: null,
    };
    await insertSession(this.deps.db, session);
    reply.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
    request.session = session;
    return session;
  }

  /** The request's live session, or undefined (expired and idle sessions are removed). */
  async load(request: FastifyRequest): Promise<SessionRow | undefined> {
    if (request.session) return request.session;
    const id = request.cookies[SESSION_COOKIE];
    if (!id || id.length > 100) return undefined;
    const session = await findSession(this.deps.db, sha256(id));
    if (!session) return undefined;
    const now = this.deps.clock.now();
    if (session.expires_at <= now || now.getTime() - session.last_seen_at.getTime() > SESSION_IDLE_MS) {
      await deleteSession(this.deps.db, session.id_hash);
      return undefined;
    }
    if (now.getTime() - session.last_seen_at.getTime() > 30_000) await touchSession(this.deps.db, session.id_hash, now);
    request.session = { ...session, last_seen_at: now };
    return request.session;
  }

  /** Where the request's session stands in the sign-in journey (journey.ts); load() it first. */
  journeyState(request: FastifyRequest): JourneyState {
    return stateOf(request.session, this.deps.clock.now());
  }

  /** Re-authentication, first step: the password was given again now (the second factor must follow). */
  async markPasswordReverified(request: FastifyRequest): Promise<void> {
    await this.#setAuthTimes(request, { reauth_password_at: this.deps.clock.now() });
  }

  /** Re-authentication (password and second factor again) done now: sensitive changes are open for a while. */
  async markAuthenticated(request: FastifyRequest): Promise<void> {
    await this.#setAuthTimes(request, { authenticated_at: this.deps.clock.now(), reauth_password_at: null });
  }

  async #setAuthTimes(
    request: FastifyRequest,
    times: Pick<SessionRow, 'reauth_password_at'> | Pick<SessionRow, 'authenticated_at' | 'reauth_password_at'>,
  ): Promise<void> {
    const session = request.session;
    if (!session) return;
    await setSessionAuthTimes(this.deps.db, session.id_hash, times);
    request.session = { ...session, ...times };
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = request.cookies[SESSION_COOKIE];
    if (id && id.length <= 100) await deleteSession(this.deps.db, sha256(id));
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
    request.session = undefined;
  }

  async endAllFor(accountId: string): Promise<void> {
    await deleteSessionsOf(this.deps.db, accountId);
  }
}
