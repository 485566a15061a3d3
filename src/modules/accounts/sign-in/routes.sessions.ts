import { dateTimeFormatter } from '../../../platform/format.js';
import { fields, text, type App } from '../../../platform/http/inputs.js';
import { describeUserAgent, type AccountService } from '../service.js';
import { sessionsPage } from '../views/pages.js';
import { goTo } from './journey.js';
import { SESSION_IDLE_MS, type SessionStore } from './sessions.js';

export interface SessionRoutesDeps {
  accounts: AccountService;
  sessions: SessionStore;
  timeZone: string;
}

/** What the devices page reads (ADR 15). */
const inputs = {
  sessions: fields({ done: text(20) }),
};

/** Signed in: the devices signed in, staying signed in, and signing out. */
export function registerSessionRoutes(app: App, deps: SessionRoutesDeps): void {
  const { accounts, sessions } = deps;

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
