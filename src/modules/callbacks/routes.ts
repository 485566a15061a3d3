import type { FastifyReply, FastifyRequest } from 'fastify';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { actorOf } from '../../platform/audit.js';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { I18n } from '../../platform/i18n/index.js';
import type { FieldError } from '../../platform/views/components.js';
import type { ServiceItemService } from '../service-items/index.js';
import { CALL_OUTCOMES, CallbackError, tiersOf, type CallbackService, type CallOutcome } from './service.js';
import { callbackPage, callbacksHomePage, itemCallbacksPage, settingsPage } from './views.js';

const line = (max = 200) => text(max).transform((value) => value.trim());

/** What each form and address of the callbacks pages sends (ADR 15: declared inputs). */
const inputs = {
  home: fields({ done: line(20) }),
  callback: params({ id: text(40) }),
  item: params({ number: text(20) }),
  itemQuery: fields({ requested: line(5) }),
  call: fields({ phone: line(20), agent_phone: line(40) }),
  outcome: fields({ phone: line(20), outcome: line(20) }),
  request: fields({ phone1: line(40), phone2: line(40), language: line(2) }),
  settings: fields({ high_volume: line(3) }),
  settingsQuery: fields({ saved: line(2) }),
};

export interface CallbackRouteDeps {
  callbacks: CallbackService;
  items: ServiceItemService;
  i18n: I18n;
  timeZone: string;
}

/** Tier 1-3 work callbacks; the help desk and Tier 2 ask for them from items too. */
const agents = { policy: 'staff', roles: ['tier1', 'tier2', 'tier3', 'help_desk'] } as const;
const admins = { policy: 'staff', roles: ['administrator'] } as const;

/** A phone number as typed (US by default) in E.164, or undefined. */
function e164(input: string): string | undefined {
  if (!input) return undefined;
  const phone = parsePhoneNumberFromString(input, 'US');
  return phone?.isValid() ? phone.number : undefined;
}

/** The callbacks pages of the agent console and the administrators' high-volume setting. */ export function registerCallbackRoutes(
  app: App,
  deps: CallbackRouteDeps,
): void {
  registerLineRoutes(app, deps);
  registerCallRoutes(app, deps);
  registerOutcomeRoutes(app, deps);
  registerItemCallbackRoutes(app, deps);
  registerSettingsRoutes(app, deps);
}

/** The page context of these pages: the staff frame, the service's clock and the agency's zone. */
const ctxOf = (request: FastifyRequest, deps: CallbackRouteDeps) => ({
  ...staffContext(request),
  now: deps.callbacks.now(),
  timeZone: deps.timeZone,
});

/** A claimed callback's page (404 unless the agent holds it), with a notice or the errors of its forms. */
async function showCallback(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: CallbackRouteDeps,
  id: string,
  extra: { notice?: string; errors?: FieldError[]; values?: Record<string, string> } = {},
) {
  const { callbacks, items } = deps;
  const c = await callbacks.get(id);
  if (!c || c.status !== 'claimed' || c.claimed_by !== request.staff!.accountId) return reply.callNotFound();
  // The viewer-aware read (CC-6): a callback whose item became Section 1367 shows nothing to Tier 1 or 2.
  const number = await callbacks.itemNumberOf(c.item_id);
  const item = number === undefined ? undefined : await items.forStaff(request.staff!, String(number));
  if (!item) return reply.callNotFound();
  // Tier 3 (Section 1367) callbacks leave a neutral message: whoever hears the voicemail learns nothing of the agency.
  const key = c.tier === 'tier3' || item.section_1367 ? 'callbacks:voicemail_neutral' : 'callbacks:voicemail';
  const voicemail = ([c.language, c.language === 'en' ? 'es' : 'en'] as const).map((lang) => ({
    lang,
    text: deps.i18n.t(lang)(key, { number: String(item.number) }),
  }));
  return reply.html(
    callbackPage(ctxOf(request, deps), {
      signedIn: signedInOf(reply),
      callback: c,
      item,
      attempts: await callbacks.attempts(c.id),
      voicemail,
      ...extra,
    }),
    extra.errors?.length ? 400 : 200,
  );
}

/** The callbacks home (the next due in my tiers, what waits, what I hold) and taking the next one. */
function registerLineRoutes(app: App, deps: CallbackRouteDeps): void {
  const { callbacks, items } = deps;
  const ctx = (request: FastifyRequest) => ctxOf(request, deps);
  const itemNumberOf = async (itemId: string) => (await items.byId(itemId))?.number ?? 0;

  app.get('/agent/callbacks', { config: agents, schema: { querystring: inputs.home } }, async (request, reply) => {
    const tiers = tiersOf(request.staff!.roles);
    const next = await callbacks.nextDue(tiers);
    const mine = await callbacks.mine(request.staff!.accountId);
    const done = request.query.done;
    const notice = ['empty', 'answered', 'second_attempt', 'unreached', 'released', 'closed_item'].includes(done)
      ? request.t(`callbacks:notices.${done}`)
      : undefined;
    return reply.html(
      callbacksHomePage(ctx(request), {
        signedIn: signedInOf(reply),
        next: next && { callback: next, itemNumber: await itemNumberOf(next.item_id) },
        waiting: await callbacks.waiting(tiers),
        mine: await Promise.all(mine.map(async (c) => ({ callback: c, itemNumber: await itemNumberOf(c.item_id) }))),
        notice,
      }),
    );
  });

  app.post('/agent/callbacks/claim', { config: agents }, async (request, reply) => {
    const c = await callbacks.claimNext(actorOf(request), tiersOf(request.staff!.roles));
    return reply.redirect(c ? `/agent/callbacks/${c.id}` : '/agent/callbacks?done=empty', 303);
  });
}

/** A claimed callback: its page and click-to-call. */
function registerCallRoutes(app: App, deps: CallbackRouteDeps): void {
  const { callbacks } = deps;
  app.get('/agent/callbacks/:id', { config: agents, schema: { params: inputs.callback } }, async (request, reply) =>
    showCallback(request, reply, deps, request.params.id),
  );

  app.post(
    '/agent/callbacks/:id/call',
    { config: agents, schema: { params: inputs.callback, body: inputs.call } },
    async (request, reply) => {
      const { phone, agent_phone } = request.body;
      const agentPhone = e164(agent_phone);
      if (!agentPhone)
        return showCallback(request, reply, deps, request.params.id, {
          errors: [{ field: 'agent_phone', message: request.t('callbacks:errors.agent_phone') }],
          values: { phone, agent_phone },
        });
      try {
        await callbacks.placeCall(actorOf(request), request.params.id, { agentPhone, phone });
      } catch (error) {
        if (error instanceof CallbackError && error.code === 'outside_window')
          return showCallback(request, reply, deps, request.params.id, {
            errors: [{ field: 'phone', message: request.t('callbacks:errors.outside_window') }],
            values: { phone, agent_phone },
          });
        if (error instanceof CallbackError && error.code === 'closed_item')
          return reply.redirect('/agent/callbacks?done=closed_item', 303);
        if (error instanceof CallbackError) return reply.callNotFound();
        throw error;
      }
      return showCallback(request, reply, deps, request.params.id, {
        notice: request.t('callbacks:notices.calling', { phone: agentPhone }),
        values: { phone, agent_phone },
      });
    },
  );
}

/** The outcome of a number tried, and handing a callback back to its line. */
function registerOutcomeRoutes(app: App, deps: CallbackRouteDeps): void {
  const { callbacks, items } = deps;
  app.post(
    '/agent/callbacks/:id/outcome',
    { config: agents, schema: { params: inputs.callback, body: inputs.outcome } },
    async (request, reply) => {
      const { phone, outcome } = request.body;
      if (!(CALL_OUTCOMES as readonly string[]).includes(outcome))
        return showCallback(request, reply, deps, request.params.id, {
          errors: [{ field: 'outcome', message: request.t('callbacks:errors.outcome') }],
          values: { phone },
        });
      let result;
      try {
        result = await callbacks.recordOutcome(actorOf(request), request.params.id, {
          phone,
          outcome: outcome as CallOutcome,
        });
      } catch (error) {
        if (error instanceof CallbackError && error.code === 'outside_window')
          return showCallback(request, reply, deps, request.params.id, {
            errors: [{ field: 'outcome', message: request.t('callbacks:errors.outside_window') }],
            values: { phone },
          });
        if (error instanceof CallbackError && error.code === 'closed_item')
          return reply.redirect('/agent/callbacks?done=closed_item', 303);
        if (error instanceof CallbackError) return reply.callNotFound();
        throw error;
      }
      if (result.result === 'next_number') return reply.redirect(`/agent/callbacks/${request.params.id}`, 303);
      if (result.result === 'answered') {
        const c = await callbacks.get(request.params.id);
        const item = c && (await items.byId(c.item_id));
        return reply.redirect(item ? `/agent/items/${String(item.number)}` : '/agent/callbacks?done=answered', 303);
      }
      return reply.redirect(`/agent/callbacks?done=${result.result}`, 303);
    },
  );

  app.post(
    '/agent/callbacks/:id/release',
    { config: agents, schema: { params: inputs.callback } },
    async (request, reply) => {
      try {
        await callbacks.release(actorOf(request), request.params.id);
      } catch (error) {
        if (error instanceof CallbackError) return reply.callNotFound();
        throw error;
      }
      return reply.redirect('/agent/callbacks?done=released', 303);
    },
  );

  // ---- An item's callbacks, and asking for one (agents; the customer's numbers in the order to try them) ---------
}

/** An item's callbacks, and asking for one (agents; the customer's numbers in the order to try them). */
function registerItemCallbackRoutes(app: App, deps: CallbackRouteDeps): void {
  const { callbacks, items } = deps;
  const ctx = (request: FastifyRequest) => ctxOf(request, deps);
  app.get(
    '/agent/items/:number/callbacks',
    { config: agents, schema: { params: inputs.item, querystring: inputs.itemQuery } },
    async (request, reply) => {
      const item = await items.forStaff(request.staff!, request.params.number);
      if (!item) return reply.callNotFound();
      return reply.html(
        itemCallbacksPage(ctx(request), {
          signedIn: signedInOf(reply),
          item,
          callbacks: await callbacks.ofItem(item.id),
          notice: request.query.requested === '1' ? request.t('callbacks:notices.requested') : undefined,
        }),
      );
    },
  );

  app.post(
    '/agent/items/:number/callbacks',
    { config: agents, schema: { params: inputs.item, body: inputs.request } },
    async (request, reply) => {
      const item = await items.forStaff(request.staff!, request.params.number);
      if (!item) return reply.callNotFound();
      const b = request.body;
      const errors: FieldError[] = [];
      const phone1 = e164(b.phone1);
      const phone2 = e164(b.phone2);
      if (!phone1) errors.push({ field: 'phone1', message: request.t('callbacks:errors.phone') });
      if (b.phone2 && !phone2) errors.push({ field: 'phone2', message: request.t('callbacks:errors.phone') });
      const language = b.language === 'es' ? 'es' : 'en';
      if (!errors.length) {
        try {
          await callbacks.request({
            itemId: item.id,
            phones: [phone1!, ...(phone2 ? [phone2] : [])],
            language,
            source: 'agent',
            requestedBy: request.staff!.accountId,
          });
          return reply.redirect(`/agent/items/${String(item.number)}/callbacks?requested=1`, 303);
        } catch (error) {
          if (!(error instanceof CallbackError)) throw error;
          errors.push({ field: 'phone1', message: request.t(`callbacks:errors.${error.code}`) });
        }
      }
      return reply.html(
        itemCallbacksPage(ctx(request), {
          signedIn: signedInOf(reply),
          item,
          callbacks: await callbacks.ofItem(item.id),
          errors,
          values: { phone1: b.phone1, phone2: b.phone2, language },
        }),
        400,
      );
    },
  );

  // ---- High-volume mode (administrators; audited) ------------------------------------------------------------------
}

/** High-volume mode (administrators; audited). */
function registerSettingsRoutes(app: App, deps: CallbackRouteDeps): void {
  const { callbacks } = deps;
  const ctx = (request: FastifyRequest) => ctxOf(request, deps);
  app.get(
    '/staff/callbacks/settings',
    { config: admins, schema: { querystring: inputs.settingsQuery } },
    async (request, reply) => {
      const s = await callbacks.settings();
      return reply.html(
        settingsPage(ctx(request), {
          signedIn: signedInOf(reply),
          highVolume: s.high_volume,
          changedAt: s.changed_at,
          notice: request.query.saved === '1' ? request.t('callbacks:settings.saved') : undefined,
        }),
      );
    },
  );

  app.post(
    '/staff/callbacks/settings',
    { config: admins, schema: { body: inputs.settings } },
    async (request, reply) => {
      await callbacks.setHighVolume(actorOf(request), request.body.high_volume === 'on');
      return reply.redirect('/staff/callbacks/settings?saved=1', 303);
    },
  );
}
