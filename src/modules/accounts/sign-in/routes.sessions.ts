import { dateTimeFormatter } from '../../../platform/format.js';
import type { RepresentativeStatus } from '../profile/profile.js';
import { fields, text, type App } from '../../../platform/http/inputs.js';
import { asSent } from '../route-support.js';
import { describeUserAgent, type AccountService } from '../service.js';
import { accountHomePage, sessionsPage } from '../views/pages.js';
import { goTo } from './journey.js';
import { SESSION_IDLE_MS, type SessionStore } from './sessions.js';

export interface SessionRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  timeZone: string;
  /** Whether a representative account must first complete its profile (ProfileService, profile/). */
  representativeStatus(accountId: string): Promise<RepresentativeStatus>;
}

/** What the account home and the devices page read (ADR 15). */
const inputs = {
  // The backup codes left after a sign-in with one (read with Number(): none sent, none shown).
  home: fields({ backup_codes_left: asSent(), welcome: text(20) }),
  sessions: fields({ done: text(20) }),
};

/** Signed in: the account home, the devices signed in, staying signed in, and signing out. */
export function registerSessionRoutes(app: App, deps: SessionRoutesDeps): void {
  const { accounts, sessions } = deps;

  app.get(
    '/account',
    { config: { policy: 'account' }, schema: { querystring: inputs.home } },
    async (request, reply) => {
      const account = await accounts.findAccount(request.session!.account_id);
      if (!account) return reply.redirect('/account/sign-in', 303);
      // A representative completes its profile first (issue 3 item 1; REP-3 matches paper G-28s against it).
      const representative = await deps.representativeStatus(account.id);
      if (representative === 'missing' || representative === 'expired')
        return reply.redirect(`/account/profile/representative?required=${representative}`, 303);
      // Staff accounts have no public account home: their home is the staff workspace.
      if (account.kind === 'staff') return reply.redirect('/staff', 303);
      const left = Number(request.query.backup_codes_left);
      return reply.html(
        accountHomePage(request.page(), {
          csrf: reply.generateCsrf(),
          idleSeconds: SESSION_IDLE_MS / 1000,
          email: account.email,
          onlineAccountNumber: account.online_account_number,
          backupCodesRemaining: Number.isInteger(left) && left >= 0 && left <= 10 ? left : undefined,
          welcomeSurvey: request.query.welcome === '1',
        }),
      );
    },
  );

  app.get(
    '/account/sessions',
    { config: { policy: 'account' }, schema: { querystring: inputs.sessions } },
    async (request, reply) => {
      const current = request.session!;
      const when = dateTimeFormatter(request.lang, deps.timeZone);
      const list = (await accounts.activeSessions(current.account_id)).map((s) => ({
        current: s.id_hash === current.id_hash,
        device: describeUserAgent(s.user_agent ?? undefined),
        signedIn: when(s.created_at),
        lastActive: when(s.last_seen_at),
      }));
      return reply.html(
        sessionsPage(request.page(), {
          csrf: reply.generateCsrf(),
          idleSeconds: SESSION_IDLE_MS / 1000,
          sessions: list,
          done: request.query.done === '1',
        }),
      );
    },
  );

  // "Stay signed in" in the idle warning: loading the session (the guard did) already counts as activity.
  app.post('/account/session/extend', { config: { policy: 'account' } }, async (_request, reply) =>
    reply.code(204).send(),
  );

  app.post('/account/sessions/sign-out-others', { config: { policy: 'account' } }, async (request, reply) => {
    await accounts.signOutOtherSessions(request.session!.account_id, request.session!.id_hash, request.ip);
    return reply.redirect('/account/sessions?done=1', 303);
  });

  app.post('/account/sign-out', { config: { policy: 'account' } }, async (request, reply) => {
    const from = sessions.journeyState(request);
    await sessions.end(request, reply);
    return reply.redirect(goTo(from, 'sign_out'), 303);
  });
}
