import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../platform/audit.js';
import { fields, params, text, texts, type App } from '../../platform/http/inputs.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import { COOKIE_DEFAULTS } from '../../platform/http/security.js';
import { newSubmissionToken, submissionTokenFor, submissionTokenOf } from '../../platform/submissions.js';
import type { FieldError } from '../../platform/views/components.js';
import type { ServiceItemService } from '../service-items/index.js';
import { isRequestReason, LIMITS, TEXT_FIELDS, type FieldProblem, type RawRequest, type TextField } from './schema.js';
import { MAX_ANSWER, type AppointmentRequestService } from './service.js';
import { REQUEST_REASONS } from './tables.js';
import { agentPage, formPage, noRequestPage, otherPage, sentPage, startPage, viewPage } from './views.js';

/** The confirmation page's request: its number, in a signed cookie of the browser that sent it, for an hour. */
const SENT_COOKIE = 'appointment_request_sent';
/**
 * "View your appointment" after the reference number and date of birth matched: the request's id and when this
 * expires, in a signed cookie for 30 minutes (the letter, the calendar file and the cancel form read it).
 */
const VIEW_COOKIE = 'appointment_view';
const VIEW_MS = 30 * 60_000;

export interface AppointmentRequestRoutesDeps {
  requests: AppointmentRequestService;
  items: ServiceItemService;
  timeZone: string;
  /** Per-address limit of the public request form. */
  limit: RouteLimit;
  /** Per-address limit of the lookup by reference number and date of birth (as Case Status Online's). */
  limitLookup: RouteLimit;
}

const line = (max = 200) => text(max).transform((value) => value.trim());

/** What each form and address sends (ADR 15): each field a little longer than it may be, so "too long" is told. */
const inputs = {
  start: fields({ chosen: text(2), reason: text(40) }),
  request: fields({
    ...(Object.fromEntries(
      TEXT_FIELDS.map((name) => [name, text(((LIMITS as Record<string, number>)[name] ?? 10) + 100)]),
    ) as Record<TextField, ReturnType<typeof text>>),
    weekdays: texts(4),
    _submission: text(100),
  }),
  view: fields({ reference: line(40), dob_month: line(4), dob_day: line(4), dob_year: line(6) }),
  viewQuery: fields({ leave: text(2), done: text(20) }),
  cancel: fields({ confirm: texts(4) }),
  item: params({ number: text(20) }),
  itemQuery: fields({ done: text(20) }),
  book: fields({ slot: line(20) }),
  answer: fields({ message: text(MAX_ANSWER + 100) }),
};

const messages = (request: FastifyRequest, problems: FieldProblem[]): FieldError[] =>
  problems.map((p) => ({ field: p.field, message: request.t(p.key, p.values) }));

/** The online appointment request (public), "View your appointment" (public), and the agent's decision. */
export function registerAppointmentRequestRoutes(app: App, deps: AppointmentRequestRoutesDeps): void {
  registerRequestRoutes(app, deps);
  registerViewRoutes(app, deps);
  registerAgentRoutes(app, deps);
}

function registerRequestRoutes(app: App, deps: AppointmentRequestRoutesDeps): void {
  const { requests } = deps;

  // The reasons (APPT-1): a GET form; "other" takes no request and sends the person to the Contact Center.
  app.get(
    '/appointments/request',
    { config: { policy: 'public' }, schema: { querystring: inputs.start } },
    async (request, reply) => {
      const { reason, chosen } = request.query;
      if (isRequestReason(reason)) return reply.redirect(`/appointments/request/${reason}`, 303);
      if (reason === 'other') return reply.html(otherPage(request.page()));
      if (chosen === '1')
        return reply.html(
          startPage(request.page(), {
            errors: [{ field: 'reason', message: request.t('appointment_requests:start.choose') }],
          }),
          400,
        );
      return reply.html(startPage(request.page()));
    },
  );

  app.get('/appointments/request/sent', { config: { policy: 'public' } }, async (request, reply) => {
    const cookie = request.cookies[SENT_COOKIE];
    const number = cookie ? request.unsignCookie(cookie) : undefined;
    const row = number?.valid && number.value ? await requests.confirmation(number.value) : undefined;
    if (!row) return reply.redirect('/appointments/view', 303);
    return reply.html(sentPage(request.page(), { request: row }));
  });

  for (const reason of REQUEST_REASONS) {
    app.get(`/appointments/request/${reason}`, { config: { policy: 'public' } }, async (request, reply) =>
      reply.html(formPage(request.page(), { reason, csrf: reply.generateCsrf(), submission: newSubmissionToken() })),
    );

    app.post(
      `/appointments/request/${reason}`,
      { config: { policy: 'public', limit: deps.limit }, schema: { body: inputs.request } },
      async (request, reply) => {
        const { _submission: _token, weekdays, ...rest } = request.body;
        const raw: RawRequest = { ...rest, weekdays: weekdays.slice(0, 7) };
        const result = await requests.submit(reason, raw, {
          pageLanguage: request.lang,
          submission: submissionTokenOf(request.body),
        });
        if (!result.ok)
          return reply.html(
            formPage(request.page(), {
              reason,
              csrf: reply.generateCsrf(),
              submission: submissionTokenFor(request.body),
              values: raw,
              errors: messages(request, result.problems),
            }),
            400,
          );
        // A second post of the same form (same one-time token) lands on the first one's reference number.
        reply.setCookie(SENT_COOKIE, 'repeated' in result ? result.repeated : String(result.number), {
          ...COOKIE_DEFAULTS,
          path: '/appointments',
          signed: true,
          maxAge: 3600,
        });
        return reply.redirect('/appointments/request/sent', 303);
      },
    );
  }
}

/** The request a valid "View your appointment" cookie names, if it has not expired. */
async function viewed(request: FastifyRequest, deps: AppointmentRequestRoutesDeps) {
  const cookie = request.cookies[VIEW_COOKIE];
  const value = cookie ? request.unsignCookie(cookie) : undefined;
  if (!value?.valid || !value.value) return undefined;
  const [id, until] = value.value.split('.');
  if (!id || !until || Number(until) < deps.requests.now().getTime()) return undefined;
  return deps.requests.byId(id);
}

function registerViewRoutes(app: App, deps: AppointmentRequestRoutesDeps): void {
  const { requests } = deps;
  const page = (request: FastifyRequest) => ({ ...request.page(), timeZone: deps.timeZone });
  const clear = (reply: FastifyReply) => reply.clearCookie(VIEW_COOKIE, { ...COOKIE_DEFAULTS, path: '/appointments' });

  app.get(
    '/appointments/view',
    { config: { policy: 'public' }, schema: { querystring: inputs.viewQuery } },
    async (request, reply) => {
      if (request.query.leave === '1') {
        clear(reply);
        return reply.redirect('/appointments/view', 303);
      }
      const row = await viewed(request, deps);
      const notice = request.query.done === 'cancelled' ? request.t('appointment_requests:view.cancelled') : undefined;
      return reply.html(
        viewPage(page(request), {
          csrf: reply.generateCsrf(),
          ...(row ? { result: await requests.view(row, request.lang), notice } : {}),
        }),
      );
    },
  );

  // Reference number plus date of birth: the same answer for a wrong number and a wrong date of birth.
  app.post(
    '/appointments/view',
    { config: { policy: 'public', limit: deps.limitLookup }, schema: { body: inputs.view } },
    async (request, reply) => {
      const values = request.body;
      const errors: FieldError[] = [];
      const reference = values.reference.replace(/[\s#-]/g, '');
      if (!reference)
        errors.push({ field: 'reference', message: request.t('appointment_requests:view.errors.reference_required') });
      else if (!/^\d{1,12}$/.test(reference))
        errors.push({ field: 'reference', message: request.t('appointment_requests:view.errors.reference_invalid') });
      const [m, d, y] = [values.dob_month, values.dob_day, values.dob_year];
      const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
      const validDob =
        /^\d{1,2}$/.test(m) &&
        /^\d{1,2}$/.test(d) &&
        /^\d{4}$/.test(y) &&
        !Number.isNaN(new Date(`${iso}T00:00:00Z`).getTime()) &&
        new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso;
      if (!m && !d && !y)
        errors.push({ field: 'dob_month', message: request.t('appointment_requests:errors.dob.required') });
      else if (!validDob)
        errors.push({ field: 'dob_month', message: request.t('appointment_requests:errors.dob.invalid') });
      if (errors.length)
        return reply.html(viewPage(page(request), { csrf: reply.generateCsrf(), values, errors }), 400);
      const row = await requests.lookup(reference, iso);
      if (!row)
        return reply.html(
          viewPage(page(request), {
            csrf: reply.generateCsrf(),
            values,
            errors: [{ field: 'reference', message: request.t('appointment_requests:view.errors.not_found') }],
          }),
          404,
        );
      reply.setCookie(VIEW_COOKIE, `${row.id}.${String(requests.now().getTime() + VIEW_MS)}`, {
        ...COOKIE_DEFAULTS,
        path: '/appointments',
        signed: true,
        maxAge: VIEW_MS / 1000,
      });
      return reply.redirect('/appointments/view', 303);
    },
  );

  app.get('/appointments/view/letter.pdf', { config: { policy: 'public' } }, async (request, reply) => {
    const row = await viewed(request, deps);
    const pdf = row && (await requests.letter(row, request.lang));
    if (!row || !pdf) return reply.redirect('/appointments/view', 303);
    return sendDownload(reply, 'application/pdf', `appointment-${String(row.item_number)}.pdf`, pdf);
  });

  app.get('/appointments/view/appointment.ics', { config: { policy: 'public' } }, async (request, reply) => {
    const row = await viewed(request, deps);
    const ics = row && (await requests.calendar(row, request.lang));
    if (!row || !ics) return reply.redirect('/appointments/view', 303);
    return sendDownload(reply, 'text/calendar; charset=utf-8', `appointment-${String(row.item_number)}.ics`, ics);
  });

  app.post(
    '/appointments/view/cancel',
    { config: { policy: 'public', limit: deps.limitLookup }, schema: { body: inputs.cancel } },
    async (request, reply) => {
      const row = await viewed(request, deps);
      if (!row) return reply.redirect('/appointments/view', 303);
      if (!request.body.confirm.includes('yes'))
        return reply.html(
          viewPage(page(request), {
            csrf: reply.generateCsrf(),
            result: await requests.view(row, request.lang),
            errors: [{ field: 'confirm', message: request.t('appointment_requests:view.errors.confirm') }],
          }),
          400,
        );
      const done = await requests.cancel(row.id);
      if (done !== 'cancelled') {
        const fresh = (await requests.byId(row.id)) ?? row;
        return reply.html(
          viewPage(page(request), {
            csrf: reply.generateCsrf(),
            result: await requests.view(fresh, request.lang),
            errors: [{ field: 'confirm', message: request.t(`appointment_requests:view.errors.${done}`) }],
          }),
          409,
        );
      }
      return reply.redirect('/appointments/view?done=cancelled', 303);
    },
  );
}

/** Tier 2 (and Tier 3) decide (APPT-3, CC-8: urgent appointment needs go to Tier 2). */
const deciders = { policy: 'staff', roles: ['tier2', 'tier3'] } as const;

function registerAgentRoutes(app: App, deps: AppointmentRequestRoutesDeps): void {
  const { requests, items } = deps;

  /** The item (as this agent may see it, CC-6) and its request; undefined when either is missing. */
  const load = async (request: FastifyRequest, number: string) => {
    const item = await items.forStaff(request.staff!, number);
    const row = item && (await requests.ofItem(item));
    return item && row ? { item, row } : undefined;
  };

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    found: NonNullable<Awaited<ReturnType<typeof load>>>,
    extra: { errors?: FieldError[]; values?: Record<string, string>; notice?: string } = {},
    status = 200,
  ) => {
    const { item, row } = found;
    return reply.html(
      agentPage(staffContext(request), {
        signedIn: signedInOf(reply),
        item,
        request: row,
        preferences: requests.preferencesText(request.t, row),
        dob: requests.dateText(row.date_of_birth, request.lang),
        view: await requests.view(row, request.lang),
        options: row.status === 'requested' ? await requests.options(row, request.lang) : [],
        ...extra,
      }),
      status,
    );
  };

  app.get(
    '/agent/items/:number/appointment',
    { config: deciders, schema: { params: inputs.item, querystring: inputs.itemQuery } },
    async (request, reply) => {
      const found = await load(request, request.params.number);
      if (!found) {
        // An appointment-request item logged from a call (or the demo data) has no online form behind it.
        const item = await items.forStaff(request.staff!, request.params.number);
        if (item?.channel === 'appointment_request')
          return reply.html(noRequestPage(staffContext(request), { signedIn: signedInOf(reply), item }));
        return reply.callNotFound();
      }
      await requests.auditRead(actorOf(request), found.row);
      const done = request.query.done;
      const notice =
        done === 'booked' || done === 'answered' ? request.t(`appointment_requests:agent.done.${done}`) : undefined;
      return show(request, reply, found, { notice });
    },
  );

  app.post(
    '/agent/items/:number/appointment/book',
    { config: deciders, schema: { params: inputs.item, body: inputs.book } },
    async (request, reply) => {
      const found = await load(request, request.params.number);
      if (!found) return reply.callNotFound();
      const slot = request.body.slot;
      if (!/^\d{1,15}$/.test(slot))
        return show(
          request,
          reply,
          found,
          { errors: [{ field: 'slot', message: request.t('appointment_requests:agent.errors.slot_required') }] },
          400,
        );
      const result = await requests.book(actorOf(request), found.row, Number(slot));
      if (!result.ok) {
        const fresh = { ...found, row: (await requests.byId(found.row.id)) ?? found.row };
        return show(
          request,
          reply,
          fresh,
          { errors: [{ field: 'slot', message: request.t(`appointment_requests:agent.errors.${result.problem}`) }] },
          409,
        );
      }
      return reply.redirect(`/agent/items/${String(found.item.number)}/appointment?done=booked`, 303);
    },
  );

  app.post(
    '/agent/items/:number/appointment/answer',
    { config: deciders, schema: { params: inputs.item, body: inputs.answer } },
    async (request, reply) => {
      const found = await load(request, request.params.number);
      if (!found) return reply.callNotFound();
      const result = await requests.answer(actorOf(request), found.row, request.body.message);
      if (!result.ok) {
        const fresh = { ...found, row: (await requests.byId(found.row.id)) ?? found.row };
        return show(
          request,
          reply,
          fresh,
          {
            errors: [{ field: 'message', message: request.t(`appointment_requests:agent.errors.${result.problem}`) }],
            values: { message: request.body.message },
          },
          result.problem === 'empty' || result.problem === 'too_long' ? 400 : 409,
        );
      }
      return reply.redirect(`/agent/items/${String(found.item.number)}/appointment?done=answered`, 303);
    },
  );
}

/** A file of the person's appointment as a download: never cached, never sniffed into another type. */
function sendDownload(reply: FastifyReply, type: string, fileName: string, body: Buffer | string) {
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('cache-control', 'private, no-store')
    .header('x-content-type-options', 'nosniff')
    .send(body);
}
