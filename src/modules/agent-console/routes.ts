import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  newSubmissionToken,
  SUBMISSION_FIELD,
  submissionTokenFor,
  submissionTokenOf,
} from '../../platform/submissions.js';
import type { FieldError } from '../../platform/views/components.js';
import { findOffice, receiptProblemMessage, parseReceiptNumber } from '../cases/index.js';
import {
  RESOLUTION_CODES,
  ServiceItemActionError,
  type ResolutionCode,
  type ServiceItemService,
} from '../service-items/index.js';
import { dateTimeFormatter } from '../../platform/format.js';
import { actorOf } from '../../platform/audit.js';
import { fields, params, text, texts, type App } from '../../platform/http/inputs.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import {
  CONTACT_CHANNELS,
  CONTACT_TYPES,
  VERIFICATION_QUESTIONS,
  type AgentConsoleService,
  type CallerRole,
  type ContactType,
  type VerificationQuestion,
} from './service.js';
import {
  agentHomePage,
  agentItemPage,
  isItemAction,
  logContactPage,
  queuePage,
  QUEUE_SORTS,
  searchPage,
  supervisorPage,
  type ItemAction,
  type QueueSort,
} from './views.js';

/** A field as these pages have always read it: cut to `max` characters, then trimmed. */
const line = (max = 5000) => text(max).transform((value) => value.trim());
const answers = Object.fromEntries(VERIFICATION_QUESTIONS.map((q) => [`answer_${q}`, line(100)])) as Record<
  `answer_${VerificationQuestion}`,
  ReturnType<typeof line>
>;

/** What each form and address of the console sends (ADR 15: declared inputs). */
const inputs = {
  home: fields({ empty: line(1), logged: line(12) }),
  // The one-time token is read as sent (submissions.ts checks its shape).
  contact: fields({
    channel: line(40),
    type: line(40),
    name: line(1000),
    email: line(254),
    phone: line(40),
    language: line(2),
    receipt_number: line(40),
    subject: line(200),
    description: line(5000),
    flags: texts(20),
    [SUBMISSION_FIELD]: z.unknown().optional(),
  }),
  search: fields({ q: line(200) }),
  item: params({ number: text(200) }),
  itemQuery: fields({ done: line(20), action: line(20), saved: line(200) }),
  queue: params({ code: text(40) }),
  queueQuery: fields({ sort: line(20) }),
  reassign: fields({ reassign_to: line(100), reassign_note: line(2000) }),
  reply: fields({ message: line() }),
  note: fields({ note: line() }),
  pause: fields({ reason: line(500), question: line(5000) }),
  escalate: fields({ escalate_reason: line(2000), to: line(10) }),
  route: fields({ office: line(20), route_reason: line(2000) }),
  resolve: fields({ code: line(40), resolution_note: line(2000) }),
  verify: fields({ caller_role: line(40), ...answers }),
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The longest caller name a logged contact takes. */
const CALLER_NAME_MAX = 200;

export interface AgentConsoleRouteDeps {
  agent: AgentConsoleService;
  items: ServiceItemService;
  timeZone: string;
}

const config = { policy: 'staff', roles: ['tier1', 'tier2', 'tier3', 'help_desk', 'officer'] } as const;
/** Who sees who holds what: the senior tiers (there is no separate supervisor role). */
const supervisors = { policy: 'staff', roles: ['tier2', 'tier3'] } as const;
const agentOf = (request: FastifyRequest) => ({ ...actorOf(request), roles: request.staff!.roles });
const ctxOf = (request: FastifyRequest, { timeZone, agent }: AgentConsoleRouteDeps) => ({
  ...staffContext(request),
  when: dateTimeFormatter(request.lang, timeZone),
  // The service's clock: time left and "held for" are counted on the clock the items' due moments are set by.
  now: agent.now(),
  timeZone,
});
const worker = (request: FastifyRequest) => ({ accountId: request.staff!.accountId, roles: request.staff!.roles });

/** The agent console: Tier 1-3, the help desk and officers (office queues). */
export function registerAgentConsoleRoutes(app: App, deps: AgentConsoleRouteDeps): void {
  registerHomeRoutes(app, deps);
  registerLogContactRoutes(app, deps);
  registerItemRoutes(app, deps);
  registerItemActionRoutes(app, deps);
}

/** An item's page, with a notice or the errors of an action; 404 when the agent may not see it. */
async function showItem(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: AgentConsoleRouteDeps,
  number: string,
  extra: { notice?: string; errors?: FieldError[]; action?: ItemAction; values?: Record<string, string> } = {},
) {
  const view = await deps.agent.item(agentOf(request), number);
  if (!view) return reply.callNotFound();
  return reply.html(
    agentItemPage(ctxOf(request, deps), { signedIn: signedInOf(reply), view, ...extra }),
    extra.errors?.length ? 400 : 200,
  );
}

/** The agent's home (the queues) and claiming the next item. */
function registerHomeRoutes(app: App, deps: AgentConsoleRouteDeps): void {
  const ctx = (request: FastifyRequest) => ctxOf(request, deps);

  app.get('/agent', { config, schema: { querystring: inputs.home } }, async (request, reply) => {
    const home = await deps.agent.home(agentOf(request));
    const empty = request.query.empty === '1';
    const { logged } = request.query;
    const notice = empty
      ? request.t('agent:home.empty')
      : /^\d{1,12}$/.test(logged)
        ? request.t('agent:home.logged', { number: logged })
        : undefined;
    return reply.html(agentHomePage(ctx(request), { signedIn: signedInOf(reply), ...home, notice }));
  });

  app.post('/agent/claim', { config }, async (request, reply) => {
    const item = await deps.agent.claimNext(agentOf(request));
    return reply.redirect(item ? `/agent/items/${String(item.number)}` : '/agent?empty=1', 303);
  });
}

/** Logging a contact that came in by another channel as a new service item. */
function registerLogContactRoutes(app: App, deps: AgentConsoleRouteDeps): void {
  const ctx = (request: FastifyRequest) => ctxOf(request, deps);

  app.get('/agent/new', { config }, async (request, reply) =>
    reply.html(logContactPage(ctx(request), { signedIn: signedInOf(reply), submission: newSubmissionToken() })),
  );

  app.post('/agent/new', { config, schema: { body: inputs.contact } }, async (request, reply) => {
    const b = request.body;
    const values = {
      channel: b.channel,
      type: b.type,
      name: b.name,
      email: b.email.toLowerCase(),
      phone: b.phone,
      language: b.language === 'es' ? 'es' : 'en',
      receipt_number: b.receipt_number,
      subject: b.subject,
      description: b.description,
      flags: b.flags.filter((f) => f === 'urgent' || f === 'section1367').join(','),
    } as const;
    const errors: FieldError[] = [];
    if (!(CONTACT_CHANNELS as readonly string[]).includes(values.channel))
      errors.push({ field: 'channel', message: request.t('agent:errors.channel') });
    if (!(CONTACT_TYPES as readonly string[]).includes(values.type))
      errors.push({ field: 'type', message: request.t('agent:errors.type') });
    if (!values.name) errors.push({ field: 'name', message: request.t('agent:errors.name') });
    // Refused with a message, never cut (issue 15 item 7).
    else if (values.name.length > CALLER_NAME_MAX)
      errors.push({ field: 'name', message: request.t('agent:errors.name_too_long', { max: CALLER_NAME_MAX }) });
    // A caller on the phone may have no email address (or not want to give it): optional for a phone call.
    if (values.email ? !EMAIL.test(values.email) : values.channel !== 'phone')
      errors.push({ field: 'email', message: request.t('agent:errors.email') });
    if (values.receipt_number) {
      const parsed = parseReceiptNumber(values.receipt_number);
      if (!parsed.ok) {
        const m = receiptProblemMessage(parsed.problem);
        errors.push({ field: 'receipt_number', message: request.t(m.key, m.values) });
      }
    }
    if (!values.subject) errors.push({ field: 'subject', message: request.t('agent:errors.subject') });
    if (!values.description) errors.push({ field: 'description', message: request.t('agent:errors.description') });
    if (errors.length)
      return reply.html(
        logContactPage(ctx(request), {
          signedIn: signedInOf(reply),
          submission: submissionTokenFor(b),
          values,
          errors,
        }),
        400,
      );
    const flags = values.flags.split(',');
    const result = await deps.agent.logContact(
      agentOf(request),
      {
        channel: values.channel as (typeof CONTACT_CHANNELS)[number],
        type: values.type as ContactType,
        urgent: flags.includes('urgent'),
        name: values.name,
        email: values.email,
        phone: values.phone,
        language: values.language,
        receiptNumber: values.receipt_number
          ? (parseReceiptNumber(values.receipt_number) as { value: string }).value
          : '',
        section1367: flags.includes('section1367'),
        subject: values.subject,
        description: values.description,
      },
      submissionTokenOf(b),
    );
    if (!result.ok)
      return reply.html(
        logContactPage(ctx(request), {
          signedIn: signedInOf(reply),
          submission: submissionTokenFor(b),
          values,
          errors: [{ field: result.field, message: request.t(`agent:errors.${result.problem}`) }],
        }),
        400,
      );
    // A second post of the same form (same one-time token) answers with the item the first one logged.
    return reply.redirect(
      result.open ? `/agent/items/${String(result.item.number)}` : `/agent?logged=${String(result.item.number)}`,
      303,
    );
  });
}

/** Searching for items, and one item's page. */
function registerItemRoutes(app: App, deps: AgentConsoleRouteDeps): void {
  const ctx = (request: FastifyRequest) => ctxOf(request, deps);

  app.get('/agent/search', { config, schema: { querystring: inputs.search } }, async (request, reply) => {
    const query = request.query.q;
    const found = await deps.agent.search(agentOf(request), query);
    return reply.html(searchPage(ctx(request), { signedIn: signedInOf(reply), query, ...found }));
  });

  app.get(
    '/agent/queues/:code',
    { config, schema: { params: inputs.queue, querystring: inputs.queueQuery } },
    async (request, reply) => {
      const found = await deps.agent.queue(agentOf(request), request.params.code);
      if (!found) return reply.callNotFound();
      const { sort } = request.query;
      return reply.html(
        queuePage(ctx(request), {
          signedIn: signedInOf(reply),
          ...found,
          sort: (QUEUE_SORTS as readonly string[]).includes(sort) ? (sort as QueueSort) : 'due',
        }),
      );
    },
  );

  app.get('/agent/supervisor', { config: supervisors }, async (request, reply) =>
    reply.html(
      supervisorPage(ctx(request), { signedIn: signedInOf(reply), ...(await deps.agent.holders(agentOf(request))) }),
    ),
  );

  app.get(
    '/agent/items/:number',
    { config, schema: { params: inputs.item, querystring: inputs.itemQuery } },
    async (request, reply) => {
      const { done, action, saved } = request.query;
      // A saved reply (a knowledge article's text) fills the answer, for the agent to adapt before sending.
      const message = saved ? await deps.agent.savedReply(agentOf(request), request.params.number, saved) : undefined;
      return showItem(request, reply, deps, request.params.number, {
        notice: /^[a-z]+$/.test(done) ? request.t(`agent:done.${done}`, { defaultValue: '' }) || undefined : undefined,
        action: message !== undefined ? 'reply' : isItemAction(action) ? action : undefined,
        values: message !== undefined ? { message } : undefined,
      });
    },
  );
}

/** The field of each action's form that a refusal of the action is shown at (its form opens again with it). */
const FIELD_OF_ACTION: Record<string, string> = {
  reply: 'message',
  note: 'note',
  pause: 'reason',
  resume: 'resume',
  escalate: 'escalate_reason',
  route: 'office',
  resolve: 'code',
  reassign: 'reassign_to',
  verify: 'caller_role',
};

/** The text fields of a form as typed, to fill the form again (never the CSRF token). */
const typed = (body: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(body ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== '_csrf',
    ),
  );

/** A request about an item, with its form (`B`). */
type ItemRequest<B> = FastifyRequest & { params: { number: string }; body: B };

/** The actions on an item: reply, note, pause and resume the clock, escalate, route to an office, resolve, verify the caller. */
function registerItemActionRoutes(app: App, deps: AgentConsoleRouteDeps): void {
  const ctx = (request: FastifyRequest) => ctxOf(request, deps);

  /**
   * An action on an item the agent may work (404 when it may not see it, 403 when it may not work it): `run` answers
   * a problem to show on the item's page, or nothing, and then the item's page says `done`.
   */
  const action =
    <B>(done: string, run: (request: ItemRequest<B>, itemId: string) => Promise<FieldError | void>) =>
    async (request: ItemRequest<B>, reply: FastifyReply) => {
      const { number } = request.params;
      const view = await deps.agent.item(agentOf(request), number);
      if (!view) return reply.callNotFound();
      if (!view.mayWork) return reply.html(agentItemPage(ctx(request), { signedIn: signedInOf(reply), view }), 403);
      try {
        const problem = await run(request, view.item.id);
        // The form opens again with its error and what was typed (text fields only; the token is never sent back).
        if (problem) return showItem(request, reply, deps, number, { errors: [problem], values: typed(request.body) });
      } catch (error) {
        if (error instanceof ServiceItemActionError)
          return showItem(request, reply, deps, number, {
            errors: [{ field: FIELD_OF_ACTION[done] ?? 'message', message: request.t(`agent:errors.${error.code}`) }],
          });
        throw error;
      }
      return reply.redirect(`/agent/items/${String(view.item.number)}?done=${done}`, 303);
    };
  /** A problem with a field of the form, with the message under `key`. */
  const problemOf = (request: FastifyRequest, field: string, key: string): FieldError => ({
    field,
    message: request.t(key),
  });
  /** An action whose form's `field` must not be empty (else the message under `key`); `call` gets its text. */
  const textAction = <F extends string>(
    done: string,
    field: F,
    key: string,
    call: (itemId: string, by: ReturnType<typeof worker>, text: string) => Promise<unknown>,
  ) =>
    action<Record<F, string>>(done, async (request, id) => {
      const text = request.body[field];
      if (!text) return problemOf(request, field, key);
      await call(id, worker(request), text);
    });

  app.post(
    '/agent/items/:number/reply',
    { config, schema: { params: inputs.item, body: inputs.reply } },
    textAction('reply', 'message', 'agent:errors.message', (id, by, message) => deps.items.reply(id, by, message)),
  );
  app.post(
    '/agent/items/:number/note',
    { config, schema: { params: inputs.item, body: inputs.note } },
    textAction('note', 'note', 'agent:errors.note', (id, by, note) => deps.items.note(id, by, note)),
  );
  app.post(
    '/agent/items/:number/pause',
    { config, schema: { params: inputs.item, body: inputs.pause } },
    action<{ reason: string; question: string }>('pause', async (request, id) => {
      const { reason, question } = request.body;
      if (!reason) return problemOf(request, 'reason', 'agent:errors.reason');
      await deps.items.pauseClock(id, worker(request), reason, question);
    }),
  );
  app.post(
    '/agent/items/:number/resume',
    { config, schema: { params: inputs.item } },
    action('resume', async (request, id) => {
      await deps.items.resumeClock(id, worker(request));
    }),
  );
  app.post(
    '/agent/items/:number/escalate',
    { config, schema: { params: inputs.item, body: inputs.escalate } },
    action('escalate', async (request, id) => {
      const reason = request.body.escalate_reason;
      if (!reason) return problemOf(request, 'escalate_reason', 'agent:errors.reason');
      await deps.items.escalate(id, worker(request), reason, request.body.to === 'tier3' ? 'tier3' : 'tier2');
    }),
  );
  app.post(
    '/agent/items/:number/route',
    { config, schema: { params: inputs.item, body: inputs.route } },
    action('route', async (request, id) => {
      const { office, route_reason: reason } = request.body;
      if (!findOffice(office)) return problemOf(request, 'office', 'agent:errors.office');
      if (!reason) return problemOf(request, 'route_reason', 'agent:errors.reason');
      await deps.items.routeToOffice(id, worker(request), office, reason);
    }),
  );
  app.post(
    '/agent/items/:number/resolve',
    { config, schema: { params: inputs.item, body: inputs.resolve } },
    action('resolve', async (request, id) => {
      const { code } = request.body;
      if (!(RESOLUTION_CODES as readonly string[]).includes(code))
        return problemOf(request, 'code', 'agent:errors.code');
      await deps.items.resolve(id, worker(request), code as ResolutionCode, request.body.resolution_note);
    }),
  );
  app.post(
    '/agent/items/:number/reassign',
    { config, schema: { params: inputs.item, body: inputs.reassign } },
    action('reassign', async (request) => {
      const { reassign_to: to, reassign_note: note } = request.body;
      if (!to) return problemOf(request, 'reassign_to', 'agent:errors.reassign_to');
      if (!note) return problemOf(request, 'reassign_note', 'agent:errors.note');
      const result = await deps.agent.reassign(agentOf(request), request.params.number, to, note);
      if (!result.ok) return problemOf(request, 'reassign_to', 'agent:errors.reassign_to');
    }),
  );
  app.post(
    '/agent/items/:number/verify',
    { config, schema: { params: inputs.item, body: inputs.verify } },
    action('verify', async (request) => {
      const role = request.body.caller_role;
      const callerRole: CallerRole =
        role === 'representative' || role === 'interpreter_with_applicant' ? role : 'applicant';
      const answers = Object.fromEntries(VERIFICATION_QUESTIONS.map((q) => [q, request.body[`answer_${q}`]]));
      const result = await deps.agent.verifyCaller(agentOf(request), request.params.number, { callerRole, answers });
      if (!result.ok)
        return result.problem === 'date_unreadable'
          ? { field: 'answer_date_of_birth', message: request.t('agent:verify.date_unreadable') }
          : { field: 'caller_role', message: request.t('agent:errors.not_found') };
      if (result.outcome === 'failed') {
        const asked = VERIFICATION_QUESTIONS.find((q) => answers[q]) ?? result.questions[0];
        return {
          field: asked ? `answer_${asked}` : 'caller_role',
          message: request.t(`agent:verify.failed.${result.reason}`),
        };
      }
    }),
  );
}
