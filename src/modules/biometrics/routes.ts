import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../platform/audit.js';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import type { FieldError } from '../../platform/views/components.js';
import type { AccountCaseService } from '../account-cases/index.js';
import type { AgentConsoleService } from '../agent-console/index.js';
import type { CaseEventService } from '../case-events/index.js';
import { GOOD_CAUSES, REASON_TEXT_MAX, mayExpedite as mayExpediteOf, type Refusal } from './rules.js';
import type { BiometricsService, RescheduleOutcome, SlotChoice } from './service.js';
import { accountBiometricsPage, agentBiometricsPage, settingsPage, type FormValues } from './views.js';

/** What the pages read (ADR 15: declared inputs). */
const inputs = {
  receipt: params({ receipt: text(40) }),
  item: params({ number: text(20) }),
  query: fields({ done: text(2) }),
  form: fields({ reason: text(40), reason_text: text(REASON_TEXT_MAX + 100), slot: text(40) }),
  expedite: fields({ site: text(40), expedite_text: text(REASON_TEXT_MAX + 100) }),
  settings: fields({ lead_days: text(10) }),
};

export interface BiometricsRouteDeps {
  biometrics: BiometricsService;
  accountCases: AccountCaseService;
  agentConsole: AgentConsoleService;
  caseEvents: Pick<CaseEventService, 'biometricsReused'>;
  timeZone: string;
  /** The Contact Center's number (CC-9). */
  phone: string;
  limit: RouteLimit;
}

const account = { config: { policy: 'account' as const } };
const agents = { policy: 'staff', roles: ['tier1', 'tier2', 'tier3'] } as const;
const admins = { policy: 'staff', roles: ['administrator'] } as const;

/** A slot choice as the form sends it: a slot id, or `first:<site code>`. */
function choiceOf(value: string): SlotChoice | undefined {
  if (/^first:[A-Z0-9][A-Z0-9-]{1,19}$/.test(value)) return { firstAt: value.slice(6) };
  if (/^\d{1,15}$/.test(value)) return { slotId: Number(value) };
  return undefined;
}

/** The form's problems a person fixes on the page (field errors), as opposed to a rule that refuses. */
const FIELD_OF: Partial<Record<Refusal | 'full' | 'no_slot' | 'site' | 'no_earlier', string>> = {
  good_cause: 'reason',
  other_text: 'reason_text',
  reason_text: 'reason_text',
  too_long: 'reason_text',
  full: 'slot',
  no_slot: 'slot',
  site: 'slot',
};

/**
 * Biometrics pages (issue 17 point 2): the account's `/account/cases/:receipt/biometrics` (the appointment, the rules
 * before trying, the reschedule form, the requests with their state), the agent's `/agent/items/:number/biometrics`
 * (reschedule for a verified caller, Tier 2's or Tier 3's expedite), and the administrators' lead time.
 */
export function registerBiometricsRoutes(app: App, deps: BiometricsRouteDeps): void {
  registerAccountRoutes(app, deps);
  registerAgentRoutes(app, deps);
  registerSettingsRoutes(app, deps);
}

function registerAccountRoutes(app: App, deps: BiometricsRouteDeps): void {
  const { biometrics } = deps;
  const ctx = (request: FastifyRequest) => ({ ...request.page(), timeZone: deps.timeZone });
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    receipt: string,
    extra: { done?: boolean; refused?: string; values?: FormValues; errors?: FieldError[] } = {},
    status = 200,
  ) => {
    // Only a case of the account, as its card shows it (the Section 1367 policy included): anything else is unknown.
    const card = await deps.accountCases.card(request.session!.account_id, receipt);
    // Its features decide whether the reschedule is offered online (a CASE-6 paper case: by phone, CC-9).
    const view = card && (await biometrics.view(card.view.receiptNumber, card.features));
    if (!card || !view) return reply.callNotFound();
    return reply.html(
      accountBiometricsPage(ctx(request), {
        ...signedInOf(reply),
        view,
        documents: card.features.has('notices'),
        choices: view.appointment && !view.refusal ? await biometrics.choices(view) : [],
        phone: deps.phone,
        reused: await deps.caseEvents.biometricsReused(view.receiptNumber),
        // An appointment the agency's systems scheduled themselves (no booking here): shown, rescheduled by phone.
        agencyAppointment: view.appointment ? undefined : card.appointments.find((a) => a.kind === 'biometrics'),
        ...extra,
      }),
      status,
    );
  };

  app.get(
    '/account/cases/:receipt/biometrics',
    { ...account, schema: { params: inputs.receipt, querystring: inputs.query } },
    async (request, reply) => show(request, reply, request.params.receipt, { done: request.query.done === '1' }),
  );

  app.post(
    '/account/cases/:receipt/biometrics',
    {
      config: { policy: 'account' as const, limit: deps.limit },
      schema: { params: inputs.receipt, body: inputs.form },
    },
    async (request, reply) => {
      const card = await deps.accountCases.card(request.session!.account_id, request.params.receipt);
      if (!card) return reply.callNotFound();
      const receipt = card.view.receiptNumber;
      const values = request.body;
      const choice = choiceOf(values.slot);
      const errors: FieldError[] = [];
      if (!(GOOD_CAUSES as readonly string[]).includes(values.reason))
        errors.push({ field: 'reason', message: request.t('biometrics:errors.reason') });
      if (values.reason === 'other' && !values.reason_text.trim())
        errors.push({ field: 'reason_text', message: request.t('biometrics:errors.other_text') });
      if (values.reason_text.trim().length > REASON_TEXT_MAX)
        errors.push({ field: 'reason_text', message: request.t('biometrics:errors.too_long') });
      if (!choice) errors.push({ field: 'slot', message: request.t('biometrics:errors.slot') });
      const view = await biometrics.view(receipt, card.features);
      // A rule that refuses before any answer (passed, twice, the form, nothing booked) is said as the rule.
      if (view?.refusal) {
        const outcome = await biometrics.rescheduleOnline(
          request.session!.account_id,
          receipt,
          {
            reason: values.reason,
            reasonText: values.reason_text,
            choice: choice ?? { firstAt: '' },
          },
          card.features,
        );
        return show(request, reply, receipt, { refused: outcome.ok ? undefined : outcome.refusal }, 403);
      }
      if (errors.length) return show(request, reply, receipt, { values, errors }, 400);
      const outcome = await biometrics.rescheduleOnline(
        request.session!.account_id,
        receipt,
        {
          reason: values.reason,
          reasonText: values.reason_text,
          choice: choice!,
        },
        card.features,
      );
      if (outcome.ok) return reply.redirect(`/account/cases/${receipt}/biometrics?done=1`, 303);
      return answerRefusal(request, reply, outcome, (extra, status) =>
        show(request, reply, receipt, { values, ...extra }, status),
      );
    },
  );
}

/** A refused reschedule: a field to fix (400), a seat taken meanwhile (409), or a rule (403). */
function answerRefusal(
  request: FastifyRequest,
  _reply: FastifyReply,
  outcome: Extract<RescheduleOutcome, { ok: false }>,
  render: (extra: { refused?: string; errors?: FieldError[] }, status: number) => unknown,
) {
  const field = FIELD_OF[outcome.refusal];
  if (field)
    return render(
      { errors: [{ field, message: request.t(`biometrics:errors.${outcome.refusal}`) }] },
      outcome.refusal === 'full' ? 409 : 400,
    );
  return render({ refused: outcome.refusal }, 403);
}

function registerAgentRoutes(app: App, deps: BiometricsRouteDeps): void {
  const { biometrics, agentConsole } = deps;
  const ctx = (request: FastifyRequest) => ({ ...staffContext(request), timeZone: deps.timeZone });
  /** The item's case, only once its details may be shared (caller verified, CC-2; Section 1367 policy, CC-6). */
  const caseOfItem = async (request: FastifyRequest, number: string) => {
    const view = await agentConsole.item(actorOf(request), number);
    if (!view) return undefined;
    const receipt = view.caseView?.receiptNumber;
    return { number: Number(view.item.number), receipt: view.mayWork ? receipt : undefined };
  };
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    number: string,
    extra: {
      notice?: string;
      refused?: string;
      values?: FormValues & { site?: string; expedite_text?: string };
      errors?: FieldError[];
    } = {},
    status = 200,
  ) => {
    const found = await caseOfItem(request, number);
    if (!found) return reply.callNotFound();
    const view = found.receipt ? await biometrics.view(found.receipt) : undefined;
    const mayExpedite = mayExpediteOf(request.staff!.roles);
    return reply.html(
      agentBiometricsPage(ctx(request), {
        signedIn: signedInOf(reply),
        number: found.number,
        view,
        hidden: !found.receipt,
        choices: view?.appointment ? await biometrics.choices(view) : [],
        expediteChoices: view?.appointment && mayExpedite ? await biometrics.choices(view, 1, true) : [],
        mayExpedite,
        phone: deps.phone,
        ...extra,
      }),
      status,
    );
  };

  app.get(
    '/agent/items/:number/biometrics',
    { config: agents, schema: { params: inputs.item, querystring: inputs.query } },
    async (request, reply) =>
      show(request, reply, request.params.number, {
        notice:
          request.query.done === '1'
            ? request.t('biometrics:agent.done')
            : request.query.done === '2'
              ? request.t('biometrics:agent.expedited')
              : undefined,
      }),
  );

  app.post(
    '/agent/items/:number/biometrics',
    { config: agents, schema: { params: inputs.item, body: inputs.form } },
    async (request, reply) => {
      const found = await caseOfItem(request, request.params.number);
      if (!found) return reply.callNotFound();
      if (!found.receipt) return show(request, reply, request.params.number, {}, 403);
      const values = request.body;
      const choice = choiceOf(values.slot);
      const outcome = await biometrics.rescheduleByAgent(actorOf(request), found.number, found.receipt, {
        reason: values.reason,
        reasonText: values.reason_text,
        choice: choice ?? { firstAt: '' },
      });
      if (outcome.ok) return reply.redirect(`/agent/items/${found.number}/biometrics?done=1`, 303);
      return answerRefusal(request, reply, outcome, (extra, status) =>
        show(request, reply, request.params.number, { values, ...extra }, status),
      );
    },
  );

  app.post(
    '/agent/items/:number/biometrics/expedite',
    { config: agents, schema: { params: inputs.item, body: inputs.expedite } },
    async (request, reply) => {
      const found = await caseOfItem(request, request.params.number);
      if (!found) return reply.callNotFound();
      if (!found.receipt) return show(request, reply, request.params.number, {}, 403);
      const values = request.body;
      const outcome = await biometrics.expedite(actorOf(request), found.number, found.receipt, {
        reasonText: values.expedite_text,
        siteCode: values.site,
      });
      if (outcome.ok) return reply.redirect(`/agent/items/${found.number}/biometrics?done=2`, 303);
      if (outcome.refusal === 'reason_text' || outcome.refusal === 'too_long')
        return show(
          request,
          reply,
          request.params.number,
          { values, errors: [{ field: 'expedite_text', message: request.t(`biometrics:errors.${outcome.refusal}`) }] },
          400,
        );
      return show(request, reply, request.params.number, { values, refused: outcome.refusal }, 403);
    },
  );
}

function registerSettingsRoutes(app: App, deps: BiometricsRouteDeps): void {
  const ctx = (request: FastifyRequest) => ({ ...staffContext(request), timeZone: deps.timeZone });
  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { saved?: boolean; value?: string; errors?: FieldError[] } = {},
    status = 200,
  ) => {
    const s = await deps.biometrics.settings();
    return reply.html(
      settingsPage(ctx(request), {
        signedIn: signedInOf(reply),
        leadDays: s.lead_days,
        updatedAt: s.updated_at,
        ...extra,
      }),
      status,
    );
  };
  app.get(
    '/staff/biometrics/settings',
    { config: admins, schema: { querystring: inputs.query } },
    async (request, reply) => show(request, reply, { saved: request.query.done === '1' }),
  );
  app.post(
    '/staff/biometrics/settings',
    { config: admins, schema: { body: inputs.settings } },
    async (request, reply) => {
      const value = request.body.lead_days.trim();
      const days = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
      if (!(await deps.biometrics.setLeadDays(actorOf(request), days)))
        return show(
          request,
          reply,
          { value, errors: [{ field: 'lead_days', message: request.t('biometrics:errors.lead_days') }] },
          400,
        );
      return reply.redirect('/staff/biometrics/settings?done=1', 303);
    },
  );
}
