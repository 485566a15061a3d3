import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../../platform/audit.js';
import { fields, params, text, texts, ticked, type App } from '../../platform/http/inputs.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { FieldError } from '../../platform/views/components.js';
import type { FieldProblem } from './rules.js';
import type { AppointmentService } from './service.js';
import { sitePage, sitesPage, type Values } from './views.js';

export interface AppointmentRoutesDeps {
  appointments: AppointmentService;
}

const PATH = '/staff/appointment-sites';
const admin = { policy: 'staff', roles: ['administrator'] } as const;

/** What the administrators' pages read (ADR 15): each text a little longer than it may be, so "too long" is told. */
const inputs = {
  done: fields({ done: text(20) }),
  site: params({ code: z.string().max(40) }),
  siteForm: fields({
    code: text(60),
    kind: text(20),
    name_en: text(220),
    name_es: text(220),
    address_line1: text(200),
    address_line2: text(200),
    city: text(160),
    state: text(4),
    zip: text(20),
    latitude: text(30),
    longitude: text(30),
    time_zone: text(40),
    services: texts(40),
    active: ticked(),
  }),
  template: fields({ weekday: text(2), start_time: text(20), duration_minutes: text(6), capacity: text(6) }),
  closure: fields({
    site_code: text(40),
    closure_month: text(4),
    closure_day: text(4),
    closure_year: text(6),
    reason_en: text(300),
    reason_es: text(300),
  }),
  remove: fields({ id: text(40) }),
};

const DONE = ['site_saved', 'template_added', 'template_removed', 'closure_added', 'closure_removed'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const messages = (request: FastifyRequest, problems: FieldProblem[]): FieldError[] =>
  problems.map((p) => ({ field: p.field, message: request.t(p.key) }));

const noticeOf = (request: FastifyRequest, done: string) =>
  (DONE as readonly string[]).includes(done) ? request.t(`appointments:staff.done.${done}`) : undefined;

type SiteExtra = {
  values?: Values;
  errors?: FieldError[];
  templateValues?: Values;
  templateErrors?: FieldError[];
  notice?: string;
};

/** The list of sites and closures, with the closure form's values and errors when it was refused. */
async function showSites(
  appointments: AppointmentService,
  request: FastifyRequest,
  reply: FastifyReply,
  extra: { values?: Values; errors?: FieldError[]; notice?: string } = {},
) {
  return reply.html(
    sitesPage(staffContext(request), {
      signedIn: signedInOf(reply),
      sites: await appointments.sites(),
      closures: await appointments.closures(),
      ...extra,
    }),
    extra.errors?.length ? 400 : 200,
  );
}

/** One site's page (or the new site's form), with its weekly times. */
async function showSite(
  appointments: AppointmentService,
  request: FastifyRequest,
  reply: FastifyReply,
  code: string | undefined,
  extra: SiteExtra = {},
) {
  const site = code ? await appointments.site(code) : undefined;
  if (code && !site) return reply.callNotFound();
  const upcoming = site ? await appointments.upcoming(site) : { slots: 0, free: 0, days: 14 };
  const failed = Boolean(extra.errors?.length || extra.templateErrors?.length);
  return reply.html(
    sitePage(staffContext(request), {
      signedIn: signedInOf(reply),
      site,
      templates: site ? await appointments.templates(site.code) : [],
      upcoming,
      ...extra,
    }),
    failed ? 400 : 200,
  );
}

/** Administrators edit appointment sites, their weekly templates and closures (issue 17 point 1); all audited. */
export function registerAppointmentStaffRoutes(app: App, deps: AppointmentRoutesDeps): void {
  registerSiteRoutes(app, deps.appointments);
  registerTemplateRoutes(app, deps.appointments);
  registerClosureRoutes(app, deps.appointments);
}

function registerSiteRoutes(app: App, appointments: AppointmentService): void {
  app.get(PATH, { config: admin, schema: { querystring: inputs.done } }, async (request, reply) =>
    showSites(appointments, request, reply, { notice: noticeOf(request, request.query.done) }),
  );

  app.get(`${PATH}/new`, { config: admin }, async (request, reply) =>
    showSite(appointments, request, reply, undefined),
  );

  app.post(PATH, { config: admin, schema: { body: inputs.siteForm } }, async (request, reply) => {
    const body = request.body;
    const result = await appointments.saveSite(actorOf(request), body);
    if (!result.ok)
      return showSite(appointments, request, reply, undefined, {
        values: { ...body, active: body.active ? '1' : '' },
        errors: messages(request, result.problems),
      });
    return reply.redirect(`${PATH}/${result.code}?done=site_saved`, 303);
  });

  app.get(
    `${PATH}/:code`,
    { config: admin, schema: { params: inputs.site, querystring: inputs.done } },
    async (request, reply) =>
      showSite(appointments, request, reply, request.params.code, { notice: noticeOf(request, request.query.done) }),
  );

  app.post(
    `${PATH}/:code`,
    { config: admin, schema: { params: inputs.site, body: inputs.siteForm } },
    async (request, reply) => {
      const { code } = request.params;
      if (!(await appointments.site(code))) return reply.callNotFound();
      const body = request.body;
      const result = await appointments.saveSite(actorOf(request), body, code);
      if (!result.ok)
        return showSite(appointments, request, reply, code, {
          values: { ...body, code, active: body.active ? '1' : '' },
          errors: messages(request, result.problems),
        });
      return reply.redirect(`${PATH}/${code}?done=site_saved`, 303);
    },
  );
}

function registerTemplateRoutes(app: App, appointments: AppointmentService): void {
  app.post(
    `${PATH}/:code/templates`,
    { config: admin, schema: { params: inputs.site, body: inputs.template } },
    async (request, reply) => {
      const { code } = request.params;
      const result = await appointments.addTemplate(actorOf(request), code, request.body);
      if (!result) return reply.callNotFound();
      if (!result.ok)
        return showSite(appointments, request, reply, code, {
          templateValues: request.body,
          templateErrors: messages(request, result.problems),
        });
      return reply.redirect(`${PATH}/${code}?done=template_added`, 303);
    },
  );

  app.post(
    `${PATH}/:code/templates/remove`,
    { config: admin, schema: { params: inputs.site, body: inputs.remove } },
    async (request, reply) => {
      const { code } = request.params;
      if (!UUID.test(request.body.id)) return reply.callNotFound();
      if (!(await appointments.removeTemplate(actorOf(request), code, request.body.id))) return reply.callNotFound();
      return reply.redirect(`${PATH}/${code}?done=template_removed`, 303);
    },
  );
}

function registerClosureRoutes(app: App, appointments: AppointmentService): void {
  app.post(`${PATH}/closures`, { config: admin, schema: { body: inputs.closure } }, async (request, reply) => {
    const result = await appointments.addClosure(actorOf(request), request.body);
    if (!result.ok)
      return showSites(appointments, request, reply, {
        values: request.body,
        errors: messages(request, result.problems),
      });
    return reply.redirect(`${PATH}?done=closure_added`, 303);
  });

  app.post(`${PATH}/closures/remove`, { config: admin, schema: { body: inputs.remove } }, async (request, reply) => {
    if (!UUID.test(request.body.id)) return reply.callNotFound();
    if (!(await appointments.removeClosure(actorOf(request), request.body.id))) return reply.callNotFound();
    return reply.redirect(`${PATH}?done=closure_removed`, 303);
  });
}
