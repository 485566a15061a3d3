import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newSubmissionToken, submissionTokenFor, submissionTokenOf } from '../../platform/submissions.js';
import type { FieldError } from '../../platform/views/components.js';
import { findOffice, receiptProblemMessage, parseReceiptNumber } from '../cases/index.js';
import { RESOLUTION_CODES, ServiceItemActionError, type ResolutionCode, type ServiceItemService } from '../service-items/index.js';
import { dateTimeFormatter } from '../../platform/format.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import { CONTACT_CHANNELS, CONTACT_TYPES, VERIFICATION_QUESTIONS, type AgentConsoleService, type CallerRole, type ContactType } from './service.js';
import { agentHomePage, agentItemPage, logContactPage, searchPage } from './views.js';

type Form = Record<string, unknown>;
const str = (body: unknown, name: string, max = 5000): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max).trim() : '';
};
const list = (body: unknown, name: string): string[] => {
  const value = (body as Form | undefined)?.[name];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
};
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The agent console: Tier 1-3, the help desk and officers (office queues). */
export function registerAgentConsoleRoutes(app: FastifyInstance, deps: { agent: AgentConsoleService; items: ServiceItemService; timeZone: string }): void {
  const config = { policy: 'staff', roles: ['tier1', 'tier2', 'tier3', 'help_desk', 'officer'] } as const;
  const agentOf = (request: FastifyRequest) => ({ ...actorOf(request), roles: request.staff!.roles });
  const ctx = (request: FastifyRequest) => ({ ...staffContext(request), when: dateTimeFormatter(request.lang, deps.timeZone), now: new Date(), timeZone: deps.timeZone });
  const numberOf = (request: FastifyRequest) => (request.params as { number: string }).number;

  app.get('/agent', { config }, async (request, reply) => {
    const home = await deps.agent.home(agentOf(request));
    const empty = str(request.query, 'empty', 1) === '1';
    const logged = str(request.query, 'logged', 12);
    const notice = empty ? request.t('agent:home.empty') : /^\d{1,12}$/.test(logged) ? request.t('agent:home.logged', { number: logged }) : undefined;
    return reply.html(agentHomePage(ctx(request), { signedIn: signedInOf(reply), ...home, notice }));
  });

  app.post('/agent/claim', { config }, async (request, reply) => {
    const item = await deps.agent.claimNext(agentOf(request));
    return reply.redirect(item ? `/agent/items/${String(item.number)}` : '/agent?empty=1', 303);
  });

  app.get('/agent/new', { config }, async (request, reply) => reply.html(logContactPage(ctx(request), { signedIn: signedInOf(reply), submission: newSubmissionToken() })));

  app.post('/agent/new', { config }, async (request, reply) => {
    const b = request.body;
    const values = {
      channel: str(b, 'channel', 40), type: str(b, 'type', 40), name: str(b, 'name', 200), email: str(b, 'email', 254).toLowerCase(), phone: str(b, 'phone', 40),
      language: str(b, 'language', 2) === 'es' ? 'es' : 'en', receipt_number: str(b, 'receipt_number', 40), subject: str(b, 'subject', 200), description: str(b, 'description', 5000),
      flags: list(b, 'flags').filter((f) => f === 'urgent' || f === 'section1367').join(','),
    } as const;
    const errors: FieldError[] = [];
    if (!(CONTACT_CHANNELS as readonly string[]).includes(values.channel)) errors.push({ field: 'channel', message: request.t('agent:errors.channel') });
    if (!(CONTACT_TYPES as readonly string[]).includes(values.type)) errors.push({ field: 'type', message: request.t('agent:errors.type') });
    if (!values.name) errors.push({ field: 'name', message: request.t('agent:errors.name') });
    if (!EMAIL.test(values.email)) errors.push({ field: 'email', message: request.t('agent:errors.email') });
    if (values.receipt_number) {
      const parsed = parseReceiptNumber(values.receipt_number);
      if (!parsed.ok) {
        const m = receiptProblemMessage(parsed.problem);
        errors.push({ field: 'receipt_number', message: request.t(m.key, m.values) });
      }
    }
    if (!values.subject) errors.push({ field: 'subject', message: request.t('agent:errors.subject') });
    if (!values.description) errors.push({ field: 'description', message: request.t('agent:errors.description') });
    if (errors.length) return reply.html(logContactPage(ctx(request), { signedIn: signedInOf(reply), submission: submissionTokenFor(b), values, errors }), 400);
    const flags = values.flags.split(',');
    const result = await deps.agent.logContact(agentOf(request), {
      channel: values.channel as (typeof CONTACT_CHANNELS)[number], type: values.type as ContactType, urgent: flags.includes('urgent'), name: values.name, email: values.email, phone: values.phone,
      language: values.language, receiptNumber: values.receipt_number ? (parseReceiptNumber(values.receipt_number) as { value: string }).value : '', section1367: flags.includes('section1367'), subject: values.subject, description: values.description,
    }, submissionTokenOf(b));
    if (!result.ok) return reply.html(logContactPage(ctx(request), { signedIn: signedInOf(reply), submission: submissionTokenFor(b), values, errors: [{ field: result.field, message: request.t(`agent:errors.${result.problem}`) }] }), 400);
    // A second post of the same form (same one-time token) answers with the item the first one logged.
    return reply.redirect(result.open ? `/agent/items/${String(result.item.number)}` : `/agent?logged=${String(result.item.number)}`, 303);
  });

  app.get('/agent/search', { config }, async (request, reply) => {
    const query = str(request.query, 'q', 200);
    const found = await deps.agent.search(agentOf(request), query);
    return reply.html(searchPage(ctx(request), { signedIn: signedInOf(reply), query, ...found }));
  });

  const show = async (request: FastifyRequest, reply: FastifyReply, extra: { notice?: string; errors?: FieldError[] } = {}) => {
    const view = await deps.agent.item(agentOf(request), numberOf(request));
    if (!view) return reply.callNotFound();
    return reply.html(agentItemPage(ctx(request), { signedIn: signedInOf(reply), view, ...extra }), extra.errors?.length ? 400 : 200);
  };

  app.get('/agent/items/:number', { config }, async (request, reply) => {
    const done = str(request.query, 'done', 20);
    return show(request, reply, { notice: /^[a-z]+$/.test(done) ? request.t(`agent:done.${done}`, { defaultValue: '' }) || undefined : undefined });
  });

  /** An action on an item the agent may work: checks, runs it, and answers the page again or a redirect. */
  const action = (name: string, run: (request: FastifyRequest, itemId: string) => Promise<FieldError | undefined | void>) =>
    app.post(`/agent/items/:number/${name}`, { config }, async (request, reply) => {
      const view = await deps.agent.item(agentOf(request), numberOf(request));
      if (!view) return reply.callNotFound();
      if (!view.mayWork) return reply.html(agentItemPage(ctx(request), { signedIn: signedInOf(reply), view }), 403);
      try {
        const problem = await run(request, view.item.id);
        if (problem) return show(request, reply, { errors: [problem] });
      } catch (error) {
        if (error instanceof ServiceItemActionError) return show(request, reply, { errors: [{ field: 'message', message: request.t(`agent:errors.${error.code}`) }] });
        throw error;
      }
      return reply.redirect(`/agent/items/${String(view.item.number)}?done=${name}`, 303);
    });

  const worker = (request: FastifyRequest) => ({ accountId: request.staff!.accountId, roles: request.staff!.roles });
  action('reply', async (request, id) => {
    const message = str(request.body, 'message');
    if (!message) return { field: 'message', message: request.t('agent:errors.message') };
    await deps.items.reply(id, worker(request), message);
  });
  action('note', async (request, id) => {
    const note = str(request.body, 'note');
    if (!note) return { field: 'note', message: request.t('agent:errors.note') };
    await deps.items.note(id, worker(request), note);
  });
  action('pause', async (request, id) => {
    const reason = str(request.body, 'reason', 500);
    if (!reason) return { field: 'reason', message: request.t('agent:errors.reason') };
    await deps.items.pauseClock(id, worker(request), reason);
  });
  action('resume', async (request, id) => {
    await deps.items.resumeClock(id, worker(request));
  });
  action('escalate', async (request, id) => {
    const reason = str(request.body, 'escalate_reason', 2000);
    if (!reason) return { field: 'escalate_reason', message: request.t('agent:errors.reason') };
    await deps.items.escalate(id, worker(request), reason, str(request.body, 'to', 10) === 'tier3' ? 'tier3' : 'tier2');
  });
  action('route', async (request, id) => {
    const office = str(request.body, 'office', 20);
    const reason = str(request.body, 'route_reason', 2000);
    if (!findOffice(office)) return { field: 'office', message: request.t('agent:errors.office') };
    if (!reason) return { field: 'route_reason', message: request.t('agent:errors.reason') };
    await deps.items.routeToOffice(id, worker(request), office, reason);
  });
  action('resolve', async (request, id) => {
    const code = str(request.body, 'code', 40);
    if (!(RESOLUTION_CODES as readonly string[]).includes(code)) return { field: 'code', message: request.t('agent:errors.code') };
    await deps.items.resolve(id, worker(request), code as ResolutionCode, str(request.body, 'resolution_note', 2000));
  });
  action('verify', async (request) => {
    const role = str(request.body, 'caller_role', 40);
    const callerRole: CallerRole = role === 'representative' || role === 'interpreter_with_applicant' ? role : 'applicant';
    const answers = Object.fromEntries(VERIFICATION_QUESTIONS.map((q) => [q, str(request.body, `answer_${q}`, 100)]));
    const result = await deps.agent.verifyCaller(agentOf(request), numberOf(request), { callerRole, answers });
    if (!result.ok) return { field: 'caller_role', message: request.t('agent:errors.not_found') };
    if (result.outcome === 'failed') {
      const asked = VERIFICATION_QUESTIONS.find((q) => answers[q]) ?? result.questions[0];
      return { field: asked ? `answer_${asked}` : 'caller_role', message: request.t(`agent:verify.failed.${result.reason}`) };
    }
  });
}
