import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/views/components.js';
import { newSubmissionToken, submissionTokenFor, submissionTokenOf } from '../../platform/submissions.js';
import { type SessionStore, findAccountById } from '../accounts/index.js';
import { linkInvalidPage } from '../../platform/views/frame.js';
import type { Clock } from '../../platform/clock.js';
import type { DbHandle } from '../../platform/db/database.js';
import type { StaffRole } from '../staff/index.js';
import { dateTimeFormatter } from '../../platform/format.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import { HELP_DESK_QUEUE, HELP_TOPICS, TIER2_QUEUE, type AccountChange, type HelpDeskService, type HelpTopic } from './service.js';
import { accountPage, helpDeskHomePage, helpFormPage, helpSentPage, itemPage, recoveryCancelledPage, recoveryLinkPage } from './views.js';

type Form = Record<string, unknown>;
const str = (body: unknown, name: string, max = 5000): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface HelpDeskRoutesDeps {
  helpDesk: HelpDeskService;
  sessions: SessionStore;
  db: DbHandle;
  clock: Clock;
  timeZone: string;
  /** Per-address limiter for the public form: seconds to wait when over the limit. */
  limit(request: FastifyRequest): Promise<number | undefined>;
}

/** The queues a staff member works on the help desk page. */
function queuesOf(roles: readonly StaffRole[]): string[] {
  return [...(roles.includes('help_desk') ? [HELP_DESK_QUEUE] : []), ...(roles.includes('tier2') ? [TIER2_QUEUE] : [])];
}

export function registerHelpDeskRoutes(app: FastifyInstance, deps: HelpDeskRoutesDeps): void {
  const { helpDesk, sessions } = deps;
  const desk = { policy: 'staff', roles: ['help_desk'] } as const;
  const items = { policy: 'staff', roles: ['help_desk', 'tier2'] } as const;
  const when = (request: FastifyRequest) => dateTimeFormatter(request.lang, deps.timeZone);

  const tooMany = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const wait = await deps.limit(request);
    if (wait === undefined) return;
    reply.header('retry-after', String(wait));
    throw Object.assign(new Error('Too many requests from this address'), { statusCode: 429 });
  };

  // ---- Public: the technical-help form (ACC-7). Signed-in people have their email filled in and the item linked.
  const signedInAccount = async (request: FastifyRequest) => {
    const session = await sessions.load(request);
    if (session?.stage !== 'full') return undefined;
    const account = await findAccountById(deps.db, session.account_id);
    return account && account.kind !== 'staff' ? account : undefined;
  };

  app.get('/help/technical', { config: { policy: 'public' } }, async (request, reply) => {
    const account = await signedInAccount(request);
    return reply.html(helpFormPage(request.page(), { csrf: reply.generateCsrf(), submission: newSubmissionToken(), signedIn: Boolean(account), values: { email: account?.email } }));
  });

  app.post('/help/technical', { config: { policy: 'public' } }, async (request, reply) => {
    await tooMany(request, reply);
    const account = await signedInAccount(request);
    const values = { name: str(request.body, 'name', 300), email: str(request.body, 'email', 300), phone: str(request.body, 'phone', 60), topic: str(request.body, 'topic', 40), description: str(request.body, 'description', 5000) };
    const result = await helpDesk.submitRequest(values, { language: request.lang, accountId: account?.id, submission: submissionTokenOf(request.body) });
    if (!result.ok) {
      const errors: FieldError[] = result.problems.map((p) => ({ field: p.field, message: request.t(`help_desk:form.errors.${p.code}`) }));
      return reply.html(helpFormPage(request.page(), { csrf: reply.generateCsrf(), submission: submissionTokenFor(request.body), signedIn: Boolean(account), values, errors }), 400);
    }
    // A second post of the same form (same one-time token) lands on the first one's confirmation.
    return reply.redirect(`/help/technical/sent?number=${String(result.item.number)}&topic=${result.item.type}`, 303);
  });

  app.get('/help/technical/sent', { config: { policy: 'public' } }, async (request, reply) => {
    const number = str(request.query, 'number', 20);
    const topic = str(request.query, 'topic', 40);
    if (!/^\d{1,12}$/.test(number) || !(HELP_TOPICS as readonly string[]).includes(topic)) return reply.callNotFound();
    return reply.html(helpSentPage(request.page(), { number, topic: topic as HelpTopic }));
  });

  // ---- Staff: queues and account search --------------------------------------------------------------------------
  app.get('/staff/help-desk', { config: items }, async (request, reply) => {
    const roles = request.staff!.roles;
    const queues = await Promise.all(queuesOf(roles).map(async (queue) => ({ queue, items: await helpDesk.openItems(actorOf(request), [queue]) })));
    const query = str(request.query, 'q', 300);
    let results;
    let errors: FieldError[] = [];
    if (query && roles.includes('help_desk')) {
      const found = await helpDesk.findAccounts(actorOf(request), query);
      if (found.ok) results = found.accounts;
      else errors = [{ field: 'q', message: request.t('help_desk:staff.errors.query_invalid') }];
    }
    return reply.html(
      helpDeskHomePage(staffContext(request), { signedIn: signedInOf(reply), queues, query, results, errors, when: when(request), now: deps.clock.now() }),
      errors.length ? 400 : 200,
    );
  });

  // ---- Staff: one account -----------------------------------------------------------------------------------------
  const showAccount = async (request: FastifyRequest, reply: FastifyReply, id: string, extra: { notice?: string; errors?: FieldError[]; values?: Record<string, string> } = {}) => {
    const overview = UUID.test(id) ? await helpDesk.accountOverview(actorOf(request), id) : undefined;
    if (!overview) return reply.callNotFound();
    return reply.html(accountPage(staffContext(request), { signedIn: signedInOf(reply), ...overview, when: when(request), ...extra }), extra.errors?.length ? 400 : 200);
  };
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
  const afterChange = async (request: FastifyRequest, reply: FastifyReply, result: AccountChange | { ok: false; problem: string }, done: string, field: string, values?: Record<string, string>) => {
    if (result.ok) return reply.redirect(`/staff/help-desk/accounts/${idOf(request)}?done=${done}`, 303);
    if (result.problem === 'not_found') return reply.callNotFound();
    return showAccount(request, reply, idOf(request), { errors: [{ field, message: request.t(`help_desk:staff.errors.${result.problem}`) }], values });
  };

  app.get('/staff/help-desk/accounts/:id', { config: desk }, async (request, reply) => {
    const done = str(request.query, 'done', 40);
    const notice = ['unlocked', 'reset_sent', 'recovery_started', 'recovery_cancelled'].includes(done) ? request.t(`help_desk:staff.done.${done}`) : undefined;
    return showAccount(request, reply, idOf(request), { notice });
  });

  app.post('/staff/help-desk/accounts/:id/unlock', { config: desk }, async (request, reply) => {
    if (!UUID.test(idOf(request))) return reply.callNotFound();
    const reason = str(request.body, 'reason', 500);
    return afterChange(request, reply, await helpDesk.unlock(actorOf(request), idOf(request), reason), 'unlocked', 'reason', { reason });
  });

  app.post('/staff/help-desk/accounts/:id/reset-link', { config: desk }, async (request, reply) => {
    if (!UUID.test(idOf(request))) return reply.callNotFound();
    return afterChange(request, reply, await helpDesk.sendResetLink(actorOf(request), idOf(request)), 'reset_sent', 'reason');
  });

  app.post('/staff/help-desk/accounts/:id/recovery', { config: desk }, async (request, reply) => {
    if (!UUID.test(idOf(request))) return reply.callNotFound();
    const values = { identity_checks: str(request.body, 'identity_checks', 2000), deliver_to: str(request.body, 'deliver_to', 300), item: str(request.body, 'item', 20) };
    const result = await helpDesk.startRecovery(actorOf(request), idOf(request), { identityChecks: values.identity_checks, deliverTo: values.deliver_to, itemNumber: values.item || undefined });
    const field = !result.ok && (result.problem === 'email_invalid' || result.problem === 'email_in_use') ? 'deliver_to' : 'identity_checks';
    return afterChange(request, reply, result, 'recovery_started', field, values);
  });

  app.post('/staff/help-desk/accounts/:id/recovery/cancel', { config: desk }, async (request, reply) => {
    if (!UUID.test(idOf(request))) return reply.callNotFound();
    return afterChange(request, reply, await helpDesk.cancelRecovery({ actor: actorOf(request), accountId: idOf(request) }), 'recovery_cancelled', 'identity_checks');
  });

  // ---- Staff: one service item --------------------------------------------------------------------------------------
  const numberOf = (request: FastifyRequest) => (request.params as { number: string }).number;
  /** The item, if it sits in (or came through) a queue this person works; otherwise 404. */
  const loadItem = async (request: FastifyRequest) => {
    const found = await helpDesk.item(actorOf(request), numberOf(request));
    if (!found) return undefined;
    const queues = queuesOf(request.staff!.roles);
    const passedThrough = found.timeline.some((e) => e.kind === 'escalated') && queues.includes(HELP_DESK_QUEUE);
    return queues.includes(found.item.queue) || passedThrough ? found : undefined;
  };
  const showItem = async (request: FastifyRequest, reply: FastifyReply, extra: { notice?: string; errors?: FieldError[] } = {}) => {
    const found = await loadItem(request);
    if (!found) return reply.callNotFound();
    return reply.html(itemPage(staffContext(request), { signedIn: signedInOf(reply), ...found, when: when(request), ...extra }), extra.errors?.length ? 400 : 200);
  };
  const backToItem = (request: FastifyRequest, reply: FastifyReply, done: string) => reply.redirect(`/staff/help-desk/items/${numberOf(request)}?done=${done}`, 303);
  const required = (request: FastifyRequest, reply: FastifyReply, field: string) => showItem(request, reply, { errors: [{ field, message: request.t(`help_desk:staff.errors.${field}_required`) }] });

  app.get('/staff/help-desk/items/:number', { config: items }, async (request, reply) => {
    const done = str(request.query, 'done', 40);
    return showItem(request, reply, { notice: ['note', 'reply', 'escalated', 'call', 'closed', 'resolved'].includes(done) ? request.t(`help_desk:staff.done.${done}`) : undefined });
  });

  app.post('/staff/help-desk/items/:number/note', { config: items }, async (request, reply) => {
    const found = await loadItem(request);
    if (!found) return reply.callNotFound();
    const note = str(request.body, 'note').trim();
    if (!note) return required(request, reply, 'note');
    await helpDesk.addNote(actorOf(request), found.item, note);
    return backToItem(request, reply, 'note');
  });

  app.post('/staff/help-desk/items/:number/reply', { config: items }, async (request, reply) => {
    const found = await loadItem(request);
    if (!found) return reply.callNotFound();
    const message = str(request.body, 'message').trim();
    if (!message) return required(request, reply, 'message');
    await helpDesk.reply(actorOf(request), found.item, message, str(request.body, 'resolve') === '1');
    return backToItem(request, reply, 'reply');
  });

  app.post('/staff/help-desk/items/:number/escalate', { config: desk }, async (request, reply) => {
    const found = await loadItem(request);
    if (!found) return reply.callNotFound();
    const reason = str(request.body, 'reason', 2000).trim();
    if (!reason) return required(request, reply, 'reason');
    const result = await helpDesk.escalateToTier2(actorOf(request), found.item, reason);
    if (!result.ok) return showItem(request, reply, { errors: [{ field: 'reason', message: request.t(`help_desk:staff.errors.${result.problem}`) }] });
    return reply.redirect('/staff/help-desk?escalated=1', 303);
  });

  app.post('/staff/help-desk/items/:number/call', { config: { policy: 'staff', roles: ['tier2'] } }, async (request, reply) => {
    const found = await loadItem(request);
    if (!found || found.item.queue !== TIER2_QUEUE) return reply.callNotFound();
    const answered = str(request.body, 'answered');
    if (answered !== 'yes' && answered !== 'no') return required(request, reply, 'answered');
    const { closed } = await helpDesk.recordCallAttempt(actorOf(request), found.item, answered === 'yes', str(request.body, 'note').trim());
    return backToItem(request, reply, closed ? 'closed' : 'call');
  });

  app.post('/staff/help-desk/items/:number/resolve', { config: items }, async (request, reply) => {
    const found = await loadItem(request);
    if (!found) return reply.callNotFound();
    const resolution = str(request.body, 'resolution', 2000).trim();
    if (!resolution) return required(request, reply, 'resolution');
    await helpDesk.resolve(actorOf(request), found.item, resolution);
    return backToItem(request, reply, 'resolved');
  });

  // ---- Public: recovery links. Each opens a page with a button; only the POST acts (mail scanners open links). -----
  app.get('/account/recovery/cancel', { config: { policy: 'public' } }, async (request, reply) => {
    const token = str(request.query, 'token', 200);
    if (!token || !(await helpDesk.cancelLinkUsable(token))) return reply.html(linkInvalidPage(request.page()), 410);
    reply.header('referrer-policy', 'no-referrer');
    return reply.html(recoveryLinkPage(request.page(), { csrf: reply.generateCsrf(), token, kind: 'cancel' }));
  });

  app.post('/account/recovery/cancel', { config: { policy: 'public' } }, async (request, reply) => {
    const result = await helpDesk.cancelRecovery({ token: str(request.body, 'token', 200) });
    if (!result.ok) return reply.html(linkInvalidPage(request.page()), 410);
    return reply.html(recoveryCancelledPage(request.page()));
  });

  app.get('/account/recover', { config: { policy: 'public' } }, async (request, reply) => {
    const token = str(request.query, 'token', 200);
    if (!token || !(await helpDesk.recoveryLinkUsable(token))) return reply.html(linkInvalidPage(request.page()), 410);
    reply.header('referrer-policy', 'no-referrer');
    return reply.html(recoveryLinkPage(request.page(), { csrf: reply.generateCsrf(), token, kind: 'recover' }));
  });

  app.post('/account/recover', { config: { policy: 'public' } }, async (request, reply) => {
    const accountId = await helpDesk.completeRecovery(str(request.body, 'token', 200), request.ip);
    if (!accountId) return reply.html(linkInvalidPage(request.page()), 410);
    // The person sets the account up again through the sign-up steps: password, two-step verification, backup codes.
    await sessions.start(request, reply, accountId, 'setup');
    return reply.redirect('/account/sign-up/password', 303);
  });
}
