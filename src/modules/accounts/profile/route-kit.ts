import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { Clock } from '../../../platform/clock.js';
import { Forbidden } from '../../../platform/http/http-errors.js';
import type { FieldError } from '../../../platform/views/components.js';
import { emailSchema, type AccountService } from '../service.js';
import { recentAuthRequired } from '../sign-in/reauth.js';
import { SESSION_IDLE_MS, type SessionStore } from '../sign-in/sessions.js';
import type { ProfileService } from './profile.js';
import type { Problem } from './representatives.js';

export interface ProfileRoutesDeps {
  profiles: ProfileService;
  accounts: AccountService;
  sessions: SessionStore;
  clock: Clock;
}

/** What the profile and settings routes share: their route options, the signed-in frame, error messages. */
export interface ProfileKit {
  /** Route options: the `account` policy, for applicants and representatives only. */
  account: { config: { policy: 'account' }; preHandler: preHandlerHookHandler };
  /** The same, after a recent full authentication (sign-in/reauth.ts). */
  sensitive: { config: { policy: 'account' }; preHandler: preHandlerHookHandler[] };
  signedIn: (reply: FastifyReply) => { csrf: string; idleSeconds: number };
  me: (request: FastifyRequest) => string;
  translate: (request: FastifyRequest, problems: Problem[]) => FieldError[];
}

/** The address a "check your email" page names (from its query, as the sign-up's page does); '' if not an email. */
export const sentTo = (address: string): string => {
  const email = emailSchema.safeParse(address);
  return email.success ? email.data : '';
};
export const pick = <T extends string>(allowed: readonly T[], value: unknown): T | undefined =>
  allowed.find((a) => a === value);

/** The kit of the profile and settings routes. */
export function profileKit(deps: ProfileRoutesDeps): ProfileKit {
  const { profiles } = deps;
  const recentAuth = recentAuthRequired(deps.sessions, deps.clock);
  // Staff profiles (name, agency email) are kept by administrators: these pages are for applicants and representatives.
  const notStaff: preHandlerHookHandler = async (request, reply) => {
    if ((await profiles.overview(request.session!.account_id))?.account.kind !== 'staff') return;
    if (request.method === 'GET' || request.method === 'HEAD') return reply.redirect('/staff', 303);
    throw new Forbidden('Staff profiles are kept by administrators');
  };
  return {
    account: { config: { policy: 'account' as const }, preHandler: notStaff },
    sensitive: { config: { policy: 'account' as const }, preHandler: [notStaff, recentAuth] },
    signedIn: (reply) => ({ csrf: reply.generateCsrf(), idleSeconds: SESSION_IDLE_MS / 1000 }),
    me: (request) => request.session!.account_id,
    translate: (request, problems) =>
      problems.map((p) => ({ field: p.field, message: request.t(`profile:errors.${p.field}.${p.code}`) })),
  };
}
