import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/views/components.js';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import { acceptUploads, isUpload, readWholeForm } from '../../platform/http/uploads.js';
import { MAX_FILE_BYTES } from '../evidence/index.js';
import { isCaseNoticeKind, sendDocument } from '../notices/index.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import { appointmentPayload, type OfficerService } from './service.js';
import { OFFICER_ACTIONS, officerCasePage, officerHomePage } from './views.js';

/** A field as these pages have always read it: cut to `max` characters, then trimmed. */
const line = (max = 200) => text(max).transform((value) => value.trim());

/** What each form and address of the officer's pages sends (ADR 15: declared inputs). */
const inputs = {
  find: fields({ receipt_number: line(40) }),
  case: params({ receipt: text(200) }),
  caseQuery: fields({ done: line(40) }),
  event: fields({
    type: line(40),
    response_due: line(10),
    office_code: line(10),
    tracking_number: line(40),
    notice_type: line(100),
    appointment_date: line(40),
    appointment_time: line(20),
    location_name: line(200),
  }),
  notice: fields({ kind: line(40), notice_language: line(2) }),
  acceptance: fields({ language: line(2) }),
  protection: fields({ reason: line(500), section1367: line(3) }),
  link: params({ receipt: text(200), account: text(200) }),
  linkReview: fields({ decision: line(10), reason: line(500) }),
  document: params({ receipt: text(200), id: text(200) }),
};

/** Which form field a problem of the event's payload belongs to. */
const FIELD: Record<string, string> = {
  'payload.responseDue': 'response_due',
  'payload.officeCode': 'office_code',
  'payload.trackingNumber': 'tracking_number',
  'payload.noticeType': 'notice_type',
  'payload.interviewAt': 'appointment_date',
  'payload.appointmentAt': 'appointment_date',
  'payload.locationName': 'location_name',
};

export interface OfficerRouteDeps {
  officer: OfficerService;
  timeZone: string;
}

const config = { policy: 'staff', roles: ['officer'] } as const;
const ctxOf = (request: FastifyRequest, timeZone: string) => ({ ...staffContext(request), timeZone });
const actor = (request: FastifyRequest) => ({ ...actorOf(request), roles: request.staff!.roles });

/** The officer's pages: finding a case, its page, the actions on it, and its documents. */
export function registerOfficerRoutes(app: App, deps: OfficerRouteDeps): void {
  registerFindCaseRoutes(app, deps);
  registerCaseActionRoutes(app, deps);
  registerDocumentRoutes(app, deps);
}

/** The case's page, with a notice or the errors of an action; 404 when the officer cannot find it. */
async function showCase(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: OfficerRouteDeps,
  receipt: string,
  extra: { notice?: string; errors?: FieldError[]; values?: Record<string, string> } = {},
) {
  const c = await deps.officer.find(actor(request), receipt);
  if (!c) return reply.callNotFound();
  return reply.html(
    officerCasePage(ctxOf(request, deps.timeZone), { signedIn: signedInOf(reply), c, ...extra }),
    extra.errors?.length ? 400 : 200,
  );
}

/** The officer's home, finding a case by receipt number, and the case's page. */
function registerFindCaseRoutes(app: App, deps: OfficerRouteDeps): void {
  const ctx = (request: FastifyRequest) => ctxOf(request, deps.timeZone);

  app.get('/officer', { config }, async (request, reply) =>
    reply.html(officerHomePage(ctx(request), { signedIn: signedInOf(reply) })),
  );

  app.get('/officer/find', { config, schema: { querystring: inputs.find } }, async (request, reply) => {
    const value = request.query.receipt_number;
    const found = value ? await deps.officer.find(actor(request), value) : undefined;
    if (found) return reply.redirect(`/officer/cases/${found.view.receiptNumber}`, 303);
    return reply.html(
      officerHomePage(ctx(request), {
        signedIn: signedInOf(reply),
        value,
        errors: [{ field: 'receipt_number', message: request.t('officer:home.not_found') }],
      }),
      404,
    );
  });

  app.get(
    '/officer/cases/:receipt',
    { config, schema: { params: inputs.case, querystring: inputs.caseQuery } },
    async (request, reply) => {
      const { done } = request.query;
      return showCase(request, reply, deps, request.params.receipt, {
        notice: done
          ? request.t(
              `officer:done.${['acceptance', 'protection', 'notice', 'document', 'link'].includes(done) ? done : 'event'}`,
            )
          : undefined,
      });
    },
  );
}

/** What an action's form shows back when refused: the errors, and the values sent; or 404 ('not_found'). */
type Refusal = { errors: FieldError[]; values?: Record<string, string> } | 'not_found';
type FoundCase = NonNullable<Awaited<ReturnType<OfficerService['find']>>>;

/** A refusal of one field, with the message under `key`. */
const refused = (request: FastifyRequest, field: string, key: string, values?: Record<string, string>): Refusal => ({
  errors: [{ field, message: request.t(key) }],
  values,
});

/**
 * An action on a case from its page: 404 for a case the officer cannot find; then `act`, which answers a refusal
 * (the case's page again with its errors) or nothing, and then the case's page says `done`.
 */
const caseAction =
  <P extends { receipt: string }, B>(
    deps: OfficerRouteDeps,
    done: string,
    act: (request: FastifyRequest & { params: P; body: B }, c: FoundCase) => Promise<Refusal | undefined>,
  ) =>
  async (request: FastifyRequest & { params: P; body: B }, reply: FastifyReply) => {
    const { receipt } = request.params;
    const c = await deps.officer.find(actor(request), receipt);
    if (!c) return reply.callNotFound();
    const refusal = await act(request, c);
    if (refusal === 'not_found') return reply.callNotFound();
    if (refusal) return showCase(request, reply, deps, receipt, refusal);
    return reply.redirect(`/officer/cases/${c.view.receiptNumber}?done=${done}`, 303);
  };

/** The actions on a case: an event, a notice, the acceptance notice, Section 1367 protection, reviewing an account's link. */
function registerCaseActionRoutes(app: App, deps: OfficerRouteDeps): void {
  app.post(
    '/officer/cases/:receipt/events',
    { config, schema: { params: inputs.case, body: inputs.event } },
    caseAction(deps, 'event', async (request, c) => {
      const values = { ...request.body };
      if (!(OFFICER_ACTIONS as readonly string[]).includes(values.type))
        return refused(request, 'type', 'officer:errors.type', values);
      const appointment = appointmentPayload(
        values.type,
        { date: values.appointment_date, time: values.appointment_time, place: values.location_name },
        deps.timeZone,
      );
      if (!appointment.ok)
        return {
          values,
          errors: appointment.problems.map((p) => ({ field: p.field, message: request.t(`officer:errors.${p.code}`) })),
        };
      const payload: Record<string, unknown> = { ...appointment.payload };
      if (values.response_due) payload.responseDue = values.response_due;
      if (values.office_code) payload.officeCode = values.office_code;
      if (values.tracking_number) payload.trackingNumber = values.tracking_number.toUpperCase();
      if (values.notice_type) payload.noticeType = values.notice_type;
      const result = await deps.officer.act(actor(request), c.view.receiptNumber, values.type, payload);
      if (result.ok) return undefined;
      const errors = result.problems.map((p) => ({
        field: FIELD[p.field] ?? 'type',
        message: request.t('officer:errors.field', { field: p.field, problem: p.message }),
      }));
      return { values, errors };
    }),
  );

  app.post(
    '/officer/cases/:receipt/notices',
    { config, schema: { params: inputs.case, body: inputs.notice } },
    caseAction(deps, 'notice', async (request, c) => {
      const { kind } = request.body;
      if (!isCaseNoticeKind(kind)) return refused(request, 'kind', 'officer:errors.kind');
      const language = request.body.notice_language === 'es' ? 'es' : 'en';
      const issued = await deps.officer.issueNotice(actor(request), c, kind, language);
      return issued ? undefined : refused(request, 'kind', 'officer:errors.notice');
    }),
  );

  app.post(
    '/officer/cases/:receipt/acceptance-notice',
    { config, schema: { params: inputs.case, body: inputs.acceptance } },
    caseAction(deps, 'acceptance', async (request, c) => {
      const language = request.body.language === 'es' ? 'es' : 'en';
      const result = await deps.officer.issueAcceptanceNotice(actor(request), c, language);
      return result.ok ? undefined : refused(request, 'type', 'officer:errors.acceptance');
    }),
  );

  app.post(
    '/officer/cases/:receipt/protection',
    { config, schema: { params: inputs.case, body: inputs.protection } },
    caseAction(deps, 'protection', async (request, c) => {
      const { reason } = request.body;
      if (!reason) return refused(request, 'reason', 'officer:errors.reason');
      const section1367 = request.body.section1367 === 'yes';
      await deps.officer.act(actor(request), c.view.receiptNumber, 'protection_updated', { section1367 }, reason);
      return undefined;
    }),
  );

  app.post(
    '/officer/cases/:receipt/links/:account',
    { config, schema: { params: inputs.link, body: inputs.linkReview } },
    caseAction(deps, 'link', async (request, c) => {
      const { account } = request.params;
      const { decision, reason } = request.body;
      if (decision !== 'confirm' && decision !== 'remove')
        return refused(request, `decision-${account}`, 'officer:errors.link_decision');
      if (!reason) return refused(request, `link-reason-${account}`, 'officer:errors.reason');
      return (await deps.officer.reviewLink(actor(request), c, account, decision, reason)) ? undefined : 'not_found';
    }),
  );
}

/** The case's documents: reading one, reading an evidence file, and attaching an agency document (a multipart form). */
function registerDocumentRoutes(app: App, deps: OfficerRouteDeps): void {
  app.get(
    '/officer/cases/:receipt/documents/:id',
    { config, schema: { params: inputs.document } },
    async (request, reply) => {
      const { receipt, id } = request.params;
      const file = /^[0-9a-f-]{36}$/.test(id)
        ? await deps.officer.documentFile(actor(request), receipt, id)
        : undefined;
      if (!file) return reply.callNotFound();
      return sendDocument(reply, file);
    },
  );

  // Evidence sent for the case: a file the check accepted, as an attachment (a person's upload is never shown inline).
  app.get(
    '/officer/cases/:receipt/evidence/:id',
    { config, schema: { params: inputs.document } },
    async (request, reply) => {
      const { receipt, id } = request.params;
      const file = /^[0-9a-f-]{36}$/.test(id)
        ? await deps.officer.evidenceFile(actor(request), receipt, id)
        : undefined;
      if (!file) return reply.callNotFound();
      const ascii = file.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
      return reply
        .type(file.contentType)
        .header(
          'content-disposition',
          `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
        )
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(file.data);
    },
  );

  // Agency documents: a multipart form, so in a scope of its own (the other forms stay URL-encoded).
  void app.register(async (scope: App) => {
    await acceptUploads(scope, { maxFileBytes: MAX_FILE_BYTES, maxFiles: 1, maxFields: 5 });
    // The guard and the CSRF token (the form's first field) are checked before the file is read (uploads.ts).
    scope.post(
      '/officer/cases/:receipt/documents',
      { config, schema: { params: inputs.case } },
      caseAction(deps, 'document', async (request, c) => {
        // A multipart form: its text fields come from the upload form (uploads.ts), not from a schema.
        const form = isUpload(request) ? await readWholeForm(request) : undefined;
        const field = (name: string, max: number): string => (form?.fields[name] ?? '').slice(0, max).trim();
        const values = {
          document_title: field('document_title', 300),
          document_language: field('document_language', 2) === 'es' ? 'es' : 'en',
          shared: field('shared', 3) === 'no' ? 'no' : 'yes',
        } as const;
        const result = await deps.officer.attachDocument(actor(request), c, {
          title: values.document_title,
          language: values.document_language,
          shared: values.shared === 'yes',
          file: form?.files.find((f) => f.fieldname === 'document_file'),
        });
        if (result.ok) return undefined;
        const problemField = result.problem === 'title' ? 'document_title' : 'document_file';
        return refused(request, problemField, `officer:document.errors.${result.problem}`, values);
      }),
    );
  });
}
