import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import type { RouteLimit } from '../../platform/http/policies.js';
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
import {
  HELP_DESK_QUEUE,
  HELP_TOPICS,
  TIER2_QUEUE,
  type AccountChange,
  type HelpDeskService,
  type HelpTopic,
} from './service.js';
import {
  accountPage,
  helpDeskHomePage,
  helpFormPage,
  helpSentPage,
  itemPage,
  recoveryCancelledPage,
  recoveryLinkPage,
} from './views.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface HelpDeskRoutesDeps {
  helpDesk: HelpDeskService;
  sessions: SessionStore;
  db: DbHandle;
  clock: Clock;
  timeZone: string;
  /** Per-address limiter for the public form: seconds to wait when over the limit. */
  limit: RouteLimit;
}

/** What the pages' forms and links send (ADR 15). Ids and numbers in paths are checked by the routes (404). */
const inputs = {
  helpForm: fields({
    name: text(300),
    email: text(300),
    phone: text(60),
    topic: text(40),
    description: text(5000),
    _submission: text(100),
  }),
  sent: fields({ number: text(20), topic: text(40) }),
  search: fields({ q: text(300) }),
  done: fields({ done: text(40) }),
  itemQuery: fields({ done: text(40), action: text(20) }),
  account: params({ id: text(200) }),
  item: params({ number: text(200) }),
  unlock: fields({ reason: text(500) }),
  recovery: fields({ identity_checks: text(2000), deliver_to: text(300), item: text(20) }),
  note: fields({ note: text(5000) }),
  reply: fields({ message: text(5000), resolve: text(5000) }),
  escalate: fields({ reason: text(2000) }),
  call: fields({ answered: text(5000), note: text(5000) }),
  resolve: fields({ resolution: text(2000) }),
  token: fields({ token: text(200) }),
};

const isHelpTopic = (topic: string): topic is HelpTopic => (HELP_TOPICS as readonly string[]).includes(topic);

/** The queues a staff member works on the help desk page. */
function queuesOf(roles: readonly StaffRole[]): string[] {
  return [...(roles.includes('help_desk') ? [HELP_DESK_QUEUE] : []), ...(roles.includes('tier2') ? [TIER2_QUEUE] : [])];
}

const desk = { policy: 'staff', roles: ['help_desk'] } as const;
const items = { policy: 'staff', roles: ['help_desk', 'tier2'] } as const;
/** What a change to an account came to, and where its page shows a problem (with the form's values). */
interface ChangeOutcome {
  result: AccountChange | { ok: false; problem: string };
  field: string;
  values?: Record<string, string>;
}

/** What an item's form hands its action: the number in the path, the item, the required text trimmed, the form. */
interface ItemForm<B> {
  number: string;
  item: NonNullable<Awaited<ReturnType<HelpDeskService['item']>>>['item'];
  text: string;
  body: B;
}
const whenOf = (request: FastifyRequest, timeZone: string) => dateTimeFormatter(request.lang, timeZone);

/** The help desk: the public technical-help form, the staff queues, accounts and service items, the recovery links. */
export function registerHelpDeskRoutes(app: App, deps: HelpDeskRoutesDeps): void {
  registerHelpFormRoutes(app, deps);
  registerAccountHelpRoutes(app, deps);
  registerItemRoutes(app, deps);
  registerRecoveryLinkRoutes(app, deps);
}

/** The account of the person signed in on the public side, if any (staff sign-ins do not count). */
async function signedInAccount(request: FastifyRequest, deps: HelpDeskRoutesDeps) {
  const session = await deps.sessions.load(request);
  if (session?.stage !== 'full') return undefined;
  const account = await findAccountById(deps.db, session.account_id);
  return account && account.kind !== 'staff' ? account : undefined;
}

/** Public: the technical-help form (ACC-7). Signed-in people have their email filled in and the item linked. */
function registerHelpFormRoutes(app: App, deps: HelpDeskRoutesDeps): void {
  const { helpDesk } = deps;

  app.get('/help/technical', { config: { policy: 'public' } }, async (request, reply) => {
    const account = await signedInAccount(request, deps);
    return reply.html(
      helpFormPage(request.page(), {
        csrf: reply.generateCsrf(),
        submission: newSubmissionToken(),
        signedIn: Boolean(account),
        values: { email: account?.email },
        promises: await helpDesk.topicPromises(),
      }),
    );
  });

  app.post(
    '/help/technical',
    { config: { policy: 'public', limit: deps.limit }, schema: { body: inputs.helpForm } },
    async (request, reply) => {
      const account = await signedInAccount(request, deps);
      const { name, email, phone, topic, description } = request.body;
      const values = { name, email, phone, topic, description };
      const result = await helpDesk.submitRequest(values, {
        language: request.lang,
        accountId: account?.id,
        submission: submissionTokenOf(request.body),
      });
      if (!result.ok) {
        const errors: FieldError[] = result.problems.map((p) => ({
          field: p.field,
          message: request.t(`help_desk:form.errors.${p.code}`),
        }));
        return reply.html(
          helpFormPage(request.page(), {
            csrf: reply.generateCsrf(),
            submission: submissionTokenFor(request.body),
            signedIn: Boolean(account),
            values,
            errors,
            promises: await helpDesk.topicPromises(),
          }),
          400,
        );
      }
      // A second post of the same form (same one-time token) lands on the first one's confirmation.
      return reply.redirect(`/help/technical/sent?number=${String(result.item.number)}&topic=${result.item.type}`, 303);
    },
  );

  app.get(
    '/help/technical/sent',
    { config: { policy: 'public' }, schema: { querystring: inputs.sent } },
    async (request, reply) => {
      const { number, topic } = request.query;
      if (!/^\d{1,12}$/.test(number) || !isHelpTopic(topic)) return reply.callNotFound();
      return reply.html(helpSentPage(request.page(), { number, promise: (await helpDesk.topicPromises())[topic] }));
    },
  );
}

/** Staff: the queues and account search, and one account (unlock, reset link, recovery). */
function registerAccountHelpRoutes(app: App, deps: HelpDeskRoutesDeps): void {
  const { helpDesk } = deps;
  const when = (request: FastifyRequest) => whenOf(request, deps.timeZone);

  app.get('/staff/help-desk', { config: items, schema: { querystring: inputs.search } }, async (request, reply) => {
    const roles = request.staff!.roles;
    const queues = await Promise.all(
      queuesOf(roles).map(async (queue) => ({ queue, items: await helpDesk.openItems(actorOf(request), [queue]) })),
    );
    const query = request.query.q;
    let results;
    let errors: FieldError[] = [];
    if (query && roles.includes('help_desk')) {
      const found = await helpDesk.findAccounts(actorOf(request), query);
      if (found.ok) results = found.accounts;
      else errors = [{ field: 'q', message: request.t('help_desk:staff.errors.query_invalid') }];
    }
    return reply.html(
      helpDeskHomePage(staffContext(request), {
        signedIn: signedInOf(reply),
        queues,
        query,
        results,
        errors,
        when: when(request),
        now: deps.clock.now(),
      }),
      errors.length ? 400 : 200,
    );
  });

  // ---- Staff: one account -----------------------------------------------------------------------------------------
  const showAccount = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { notice?: string; errors?: FieldError[]; values?: Record<string, string> } = {},
  ) => {
    const overview = UUID.test(id) ? await helpDesk.accountOverview(actorOf(request), id) : undefined;
    if (!overview) return reply.callNotFound();
    return reply.html(
      accountPage(staffContext(request), { signedIn: signedInOf(reply), ...overview, when: when(request), ...extra }),
      extra.errors?.length ? 400 : 200,
    );
  };
  /**
   * A change to the account from its page: 404 for what is no account id; then the account again on success, or its
   * page with the problem at `field` (and the form's `values`).
   */
  const accountChange =
    <B>(done: string, change: (request: FastifyRequest & { body: B }, id: string) => Promise<ChangeOutcome>) =>
    async (request: FastifyRequest & { params: { id: string }; body: B }, reply: FastifyReply) => {
      const { id } = request.params;
      if (!UUID.test(id)) return reply.callNotFound();
      const { result, field, values } = await change(request, id);
      if (result.ok) return reply.redirect(`/staff/help-desk/accounts/${id}?done=${done}`, 303);
      if (result.problem === 'not_found') return reply.callNotFound();
      return showAccount(request, reply, id, {
        errors: [{ field, message: request.t(`help_desk:staff.errors.${result.problem}`) }],
        values,
      });
    };

  app.get(
    '/staff/help-desk/accounts/:id',
    { config: desk, schema: { params: inputs.account, querystring: inputs.done } },
    async (request, reply) => {
      const { done } = request.query;
      const notice = ['unlocked', 'reset_sent', 'recovery_started', 'recovery_cancelled'].includes(done)
        ? request.t(`help_desk:staff.done.${done}`)
        : undefined;
      return showAccount(request, reply, request.params.id, { notice });
    },
  );

  app.post(
    '/staff/help-desk/accounts/:id/unlock',
    { config: desk, schema: { params: inputs.account, body: inputs.unlock } },
    accountChange('unlocked', async (request, id) => {
      const { reason } = request.body;
      return { result: await helpDesk.unlock(actorOf(request), id, reason), field: 'reason', values: { reason } };
    }),
  );

  app.post(
    '/staff/help-desk/accounts/:id/reset-link',
    { config: desk, schema: { params: inputs.account } },
    accountChange('reset_sent', async (request, id) => ({
      result: await helpDesk.sendResetLink(actorOf(request), id),
      field: 'reason',
    })),
  );

  app.post(
    '/staff/help-desk/accounts/:id/recovery',
    { config: desk, schema: { params: inputs.account, body: inputs.recovery } },
    accountChange('recovery_started', async (request, id) => {
      const values = request.body;
      const result = await helpDesk.startRecovery(actorOf(request), id, {
        identityChecks: values.identity_checks,
        deliverTo: values.deliver_to,
        itemNumber: values.item || undefined,
      });
      const field =
        !result.ok && (result.problem === 'email_invalid' || result.problem === 'email_in_use')
          ? 'deliver_to'
          : 'identity_checks';
      return { result, field, values };
    }),
  );

  app.post(
    '/staff/help-desk/accounts/:id/recovery/cancel',
    { config: desk, schema: { params: inputs.account } },
    accountChange('recovery_cancelled', async (request, id) => ({
      result: await helpDesk.cancelRecovery({ actor: actorOf(request), accountId: id }),
      field: 'identity_checks',
    })),
  );
}

/** Staff: one service item (note, reply, escalation to tier 2, call attempts, resolution). */
function registerItemRoutes(app: App, deps: HelpDeskRoutesDeps): void {
  const { helpDesk } = deps;
  const when = (request: FastifyRequest) => whenOf(request, deps.timeZone);

  /** The item, if it sits in (or came through) a queue this person works; otherwise 404. */
  const loadItem = async (request: FastifyRequest, number: string) => {
    const found = await helpDesk.item(actorOf(request), number);
    if (!found) return undefined;
    const queues = queuesOf(request.staff!.roles);
    const passedThrough = found.timeline.some((e) => e.kind === 'escalated') && queues.includes(HELP_DESK_QUEUE);
    return queues.includes(found.item.queue) || passedThrough ? found : undefined;
  };
  const showItem = async (
    request: FastifyRequest,
    reply: FastifyReply,
    number: string,
    extra: { notice?: string; errors?: FieldError[]; action?: string } = {},
  ) => {
    const found = await loadItem(request, number);
    if (!found) return reply.callNotFound();
    return reply.html(
      itemPage(staffContext(request), {
        signedIn: signedInOf(reply),
        ...found,
        when: when(request),
        now: deps.clock.now(),
        ...extra,
      }),
      extra.errors?.length ? 400 : 200,
    );
  };
  const backToItem = (reply: FastifyReply, number: string, done: string) =>
    reply.redirect(`/staff/help-desk/items/${number}?done=${done}`, 303);
  const required = (request: FastifyRequest, reply: FastifyReply, number: string, field: string) =>
    showItem(request, reply, number, {
      errors: [{ field, message: request.t(`help_desk:staff.errors.${field}_required`) }],
    });
  /**
   * A form on the item whose `field` must not be empty: 404 for an item out of reach, the page again without the
   * text, else `act` with the text trimmed.
   */
  const itemForm =
    <F extends string, B extends Record<F, string>>(
      field: F,
      act: (request: FastifyRequest, reply: FastifyReply, form: ItemForm<B>) => unknown,
    ) =>
    async (request: FastifyRequest & { params: { number: string }; body: B }, reply: FastifyReply) => {
      const { number } = request.params;
      const found = await loadItem(request, number);
      if (!found) return reply.callNotFound();
      const text = request.body[field].trim();
      if (!text) return required(request, reply, number, field);
      return act(request, reply, { number, item: found.item, text, body: request.body });
    };

  app.get(
    '/staff/help-desk/items/:number',
    { config: items, schema: { params: inputs.item, querystring: inputs.itemQuery } },
    async (request, reply) => {
      const { done, action } = request.query;
      return showItem(request, reply, request.params.number, {
        action: action || undefined,
        notice: ['note', 'reply', 'escalated', 'call', 'closed', 'resolved'].includes(done)
          ? request.t(`help_desk:staff.done.${done}`)
          : undefined,
      });
    },
  );

  app.post(
    '/staff/help-desk/items/:number/note',
    { config: items, schema: { params: inputs.item, body: inputs.note } },
    itemForm('note', async (request, reply, { number, item, text }) => {
      await helpDesk.addNote(actorOf(request), item, text);
      return backToItem(reply, number, 'note');
    }),
  );

  app.post(
    '/staff/help-desk/items/:number/reply',
    { config: items, schema: { params: inputs.item, body: inputs.reply } },
    itemForm('message', async (request, reply, { number, item, text, body }) => {
      await helpDesk.reply(actorOf(request), item, text, body.resolve === '1');
      return backToItem(reply, number, 'reply');
    }),
  );

  app.post(
    '/staff/help-desk/items/:number/escalate',
    { config: desk, schema: { params: inputs.item, body: inputs.escalate } },
    itemForm('reason', async (request, reply, { number, item, text }) => {
      const result = await helpDesk.escalateToTier2(actorOf(request), item, text);
      if (!result.ok)
        return showItem(request, reply, number, {
          errors: [{ field: 'reason', message: request.t(`help_desk:staff.errors.${result.problem}`) }],
        });
      return reply.redirect('/staff/help-desk?escalated=1', 303);
    }),
  );

  app.post(
    '/staff/help-desk/items/:number/call',
    { config: { policy: 'staff', roles: ['tier2'] }, schema: { params: inputs.item, body: inputs.call } },
    async (request, reply) => {
      const { number } = request.params;
      const found = await loadItem(request, number);
      if (!found || found.item.queue !== TIER2_QUEUE) return reply.callNotFound();
      const { answered } = request.body;
      if (answered !== 'yes' && answered !== 'no') return required(request, reply, number, 'answered');
      const { closed } = await helpDesk.recordCallAttempt(
        actorOf(request),
        found.item,
        answered === 'yes',
        request.body.note.trim(),
      );
      return backToItem(reply, number, closed ? 'closed' : 'call');
    },
  );

  app.post(
    '/staff/help-desk/items/:number/resolve',
    { config: items, schema: { params: inputs.item, body: inputs.resolve } },
    itemForm('resolution', async (request, reply, { number, item, text }) => {
      await helpDesk.resolve(actorOf(request), item, text);
      return backToItem(reply, number, 'resolved');
    }),
  );
}

/** Public: recovery links. Each opens a page with a button; only the POST acts (mail scanners open links). */
function registerRecoveryLinkRoutes(app: App, deps: HelpDeskRoutesDeps): void {
  const { helpDesk, sessions } = deps;

  app.get(
    '/account/recovery/cancel',
    { config: { policy: 'public' }, schema: { querystring: inputs.token } },
    async (request, reply) => {
      const { token } = request.query;
      if (!token || !(await helpDesk.cancelLinkUsable(token)))
        return reply.html(linkInvalidPage(request.page(), 'recovery'), 410);
      reply.header('referrer-policy', 'no-referrer');
      return reply.html(recoveryLinkPage(request.page(), { csrf: reply.generateCsrf(), token, kind: 'cancel' }));
    },
  );

  app.post(
    '/account/recovery/cancel',
    { config: { policy: 'public' }, schema: { body: inputs.token } },
    async (request, reply) => {
      const result = await helpDesk.cancelRecovery({ token: request.body.token });
      if (!result.ok) return reply.html(linkInvalidPage(request.page(), 'recovery'), 410);
      return reply.html(recoveryCancelledPage(request.page()));
    },
  );

  app.get(
    '/account/recover',
    { config: { policy: 'public' }, schema: { querystring: inputs.token } },
    async (request, reply) => {
      const { token } = request.query;
      if (!token || !(await helpDesk.recoveryLinkUsable(token)))
        return reply.html(linkInvalidPage(request.page(), 'recovery'), 410);
      reply.header('referrer-policy', 'no-referrer');
      return reply.html(recoveryLinkPage(request.page(), { csrf: reply.generateCsrf(), token, kind: 'recover' }));
    },
  );

  app.post(
    '/account/recover',
    { config: { policy: 'public' }, schema: { body: inputs.token } },
    async (request, reply) => {
      const accountId = await helpDesk.completeRecovery(request.body.token, request.ip);
      if (!accountId) return reply.html(linkInvalidPage(request.page(), 'recovery'), 410);
      // The person sets the account up again through the sign-up steps: password, two-step verification, backup codes.
      await sessions.start(request, reply, accountId, 'setup');
      return reply.redirect('/account/sign-up/password', 303);
    },
  );
}
