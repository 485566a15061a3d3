import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../platform/audit.js';
import { dateTimeFormatter } from '../../platform/format.js';
import { fields, params, text, ticked, type App } from '../../platform/http/inputs.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { FieldError } from '../../platform/views/components.js';
import type { ServiceItemRow, ServiceItemService } from '../service-items/index.js';
import type { TextAheadService } from './service.js';
import { textAheadPage } from './views.js';

/** What the page's forms send (ADR 15). */
const inputs = {
  item: params({ number: text(200) }),
  query: fields({ done: text(20) }),
  consent: fields({ phone: text(40), language: text(2), agreed: ticked() }),
  withdraw: fields({ phone: text(40) }),
};

export interface TextAheadRouteDeps {
  textAhead: TextAheadService;
  items: ServiceItemService;
  timeZone: string;
}

/** The agent console's roles: whoever works items there records a customer's agreement. */
const config = { policy: 'staff', roles: ['tier1', 'tier2', 'tier3', 'help_desk', 'officer'] } as const;

const worker = (request: FastifyRequest) => ({ accountId: request.staff!.accountId, roles: request.staff!.roles });

/** The item if the agent may see it, and whether the agent may work it (open, and theirs or their queue's). */
async function itemOf(deps: TextAheadRouteDeps, request: FastifyRequest, number: string) {
  const item = await deps.items.forStaff(worker(request), number);
  if (!item) return undefined;
  const open = item.status !== 'resolved' && item.status !== 'closed';
  return { item, mayWork: open && (await deps.items.maySee(worker(request), item)) };
}

/** The page of an item's agreements and texts, with a notice or the form's errors. */
async function show(
  deps: TextAheadRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  found: { item: ServiceItemRow; mayWork: boolean },
  extra: { notice?: string; errors?: FieldError[]; values?: { phone: string; language: string; agreed?: boolean } },
  status = 200,
) {
  const { item, mayWork } = found;
  const { consents, asks } = await deps.textAhead.ofItem(item.id);
  const ctx = { ...staffContext(request), when: dateTimeFormatter(request.lang, deps.timeZone) };
  return reply.html(
    textAheadPage(ctx, {
      signedIn: signedInOf(reply),
      number: item.number,
      consents,
      asks,
      mayWork,
      protected1367: item.section_1367,
      ...extra,
      values: extra.values ?? { phone: item.contact_phone ?? '', language: item.language },
    }),
    status,
  );
}

/** Text Ahead on the agent console: `/agent/items/:number/text-ahead` (linked from the item page). */
export function registerTextAheadRoutes(app: App, deps: TextAheadRouteDeps): void {
  app.get(
    '/agent/items/:number/text-ahead',
    { config, schema: { params: inputs.item, querystring: inputs.query } },
    async (request, reply) => {
      const found = await itemOf(deps, request, request.params.number);
      if (!found) return reply.callNotFound();
      const { done } = request.query;
      const notice = done === 'consent' || done === 'withdrawn' ? request.t(`text_ahead:done.${done}`) : undefined;
      return show(deps, request, reply, found, { notice });
    },
  );

  app.post(
    '/agent/items/:number/text-ahead',
    { config, schema: { params: inputs.item, body: inputs.consent } },
    async (request, reply) => {
      const found = await itemOf(deps, request, request.params.number);
      if (!found) return reply.callNotFound();
      // No Text Ahead for Section 1367 items: an agent cannot take a protected customer's consent to texts.
      if (!found.mayWork || found.item.section_1367) return show(deps, request, reply, found, {}, 403);
      const { phone, agreed } = request.body;
      const language = request.body.language === 'es' ? 'es' : 'en';
      const values = { phone, language, agreed };
      if (!agreed) {
        const errors = [{ field: 'agreed', message: request.t('text_ahead:errors.agreed_required') }];
        return show(deps, request, reply, found, { errors, values }, 400);
      }
      const result = await deps.textAhead.consent(
        { itemId: found.item.id, phone, language, channel: 'agent', givenBy: request.staff!.accountId },
        undefined,
        actorOf(request),
      );
      if (!result.ok) {
        const errors = [{ field: 'phone', message: request.t(`text_ahead:errors.${result.problem}`) }];
        return show(deps, request, reply, found, { errors, values }, 400);
      }
      return reply.redirect(`/agent/items/${String(found.item.number)}/text-ahead?done=consent`, 303);
    },
  );

  app.post(
    '/agent/items/:number/text-ahead/withdraw',
    { config, schema: { params: inputs.item, body: inputs.withdraw } },
    async (request, reply) => {
      const found = await itemOf(deps, request, request.params.number);
      if (!found) return reply.callNotFound();
      if (!found.mayWork) return show(deps, request, reply, found, {}, 403);
      await deps.textAhead.withdraw(found.item.id, request.body.phone, actorOf(request));
      return reply.redirect(`/agent/items/${String(found.item.number)}/text-ahead?done=withdrawn`, 303);
    },
  );
}
