import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/views/components.js';
import { acceptUploads, isUpload, readWholeForm } from '../../platform/http/uploads.js';
import { MAX_FILE_BYTES } from '../evidence/index.js';
import { isCaseNoticeKind, sendDocument } from '../notices/index.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { OfficerService } from './service.js';
import { OFFICER_ACTIONS, officerCasePage, officerHomePage } from './views.js';

type Form = Record<string, unknown>;
const str = (body: unknown, name: string, max = 200): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max).trim() : '';
};

/** Which form field a problem of the event's payload belongs to. */
const FIELD: Record<string, string> = { 'payload.responseDue': 'response_due', 'payload.officeCode': 'office_code', 'payload.trackingNumber': 'tracking_number', 'payload.noticeType': 'notice_type' };

export function registerOfficerRoutes(app: FastifyInstance, deps: { officer: OfficerService; timeZone: string }): void {
  const config = { policy: 'staff', roles: ['officer'] } as const;
  const ctx = (request: FastifyRequest) => ({ ...staffContext(request), timeZone: deps.timeZone });
  const actor = (request: FastifyRequest) => ({ ...actorOf(request), roles: request.staff!.roles });
  const receiptOf = (request: FastifyRequest) => (request.params as { receipt: string }).receipt;

  app.get('/officer', { config }, async (request, reply) => reply.html(officerHomePage(ctx(request), { signedIn: signedInOf(reply) })));

  app.get('/officer/find', { config }, async (request, reply) => {
    const value = str(request.query, 'receipt_number', 40);
    const found = value ? await deps.officer.find(actor(request), value) : undefined;
    if (found) return reply.redirect(`/officer/cases/${found.view.receiptNumber}`, 303);
    return reply.html(officerHomePage(ctx(request), { signedIn: signedInOf(reply), value, errors: [{ field: 'receipt_number', message: request.t('officer:home.not_found') }] }), 404);
  });

  const show = async (request: FastifyRequest, reply: FastifyReply, extra: { notice?: string; errors?: FieldError[]; values?: Record<string, string> } = {}) => {
    const c = await deps.officer.find(actor(request), receiptOf(request));
    if (!c) return reply.callNotFound();
    return reply.html(officerCasePage(ctx(request), { signedIn: signedInOf(reply), c, ...extra }), extra.errors?.length ? 400 : 200);
  };

  app.get('/officer/cases/:receipt', { config }, async (request, reply) => {
    const done = str(request.query, 'done', 40);
    return show(request, reply, { notice: done ? request.t(`officer:done.${['acceptance', 'protection', 'notice', 'document', 'link'].includes(done) ? done : 'event'}`) : undefined });
  });

  app.post('/officer/cases/:receipt/events', { config }, async (request, reply) => {
    const c = await deps.officer.find(actor(request), receiptOf(request));
    if (!c) return reply.callNotFound();
    const values = { type: str(request.body, 'type', 40), response_due: str(request.body, 'response_due', 10), office_code: str(request.body, 'office_code', 10), tracking_number: str(request.body, 'tracking_number', 40), notice_type: str(request.body, 'notice_type', 100) };
    if (!(OFFICER_ACTIONS as readonly string[]).includes(values.type)) return show(request, reply, { values, errors: [{ field: 'type', message: request.t('officer:errors.type') }] });
    const payload: Record<string, unknown> = {};
    if (values.response_due) payload.responseDue = values.response_due;
    if (values.office_code) payload.officeCode = values.office_code;
    if (values.tracking_number) payload.trackingNumber = values.tracking_number.toUpperCase();
    if (values.notice_type) payload.noticeType = values.notice_type;
    const result = await deps.officer.act(actor(request), c.view.receiptNumber, values.type, payload);
    if (!result.ok) {
      const errors = result.problems.map((p) => ({ field: FIELD[p.field] ?? 'type', message: request.t('officer:errors.field', { field: p.field, problem: p.message }) }));
      return show(request, reply, { values, errors });
    }
    return reply.redirect(`/officer/cases/${c.view.receiptNumber}?done=event`, 303);
  });

  app.post('/officer/cases/:receipt/notices', { config }, async (request, reply) => {
    const c = await deps.officer.find(actor(request), receiptOf(request));
    if (!c) return reply.callNotFound();
    const kind = str(request.body, 'kind', 40);
    if (!isCaseNoticeKind(kind)) return show(request, reply, { errors: [{ field: 'kind', message: request.t('officer:errors.kind') }] });
    const issued = await deps.officer.issueNotice(actor(request), c, kind, str(request.body, 'notice_language', 2) === 'es' ? 'es' : 'en');
    if (!issued) return show(request, reply, { errors: [{ field: 'kind', message: request.t('officer:errors.notice') }] });
    return reply.redirect(`/officer/cases/${c.view.receiptNumber}?done=notice`, 303);
  });

  app.post('/officer/cases/:receipt/acceptance-notice', { config }, async (request, reply) => {
    const c = await deps.officer.find(actor(request), receiptOf(request));
    if (!c) return reply.callNotFound();
    const result = await deps.officer.issueAcceptanceNotice(actor(request), c, str(request.body, 'language', 2) === 'es' ? 'es' : 'en');
    if (!result.ok) return show(request, reply, { errors: [{ field: 'type', message: request.t('officer:errors.acceptance') }] });
    return reply.redirect(`/officer/cases/${c.view.receiptNumber}?done=acceptance`, 303);
  });

  app.post('/officer/cases/:receipt/protection', { config }, async (request, reply) => {
    const c = await deps.officer.find(actor(request), receiptOf(request));
    if (!c) return reply.callNotFound();
    const reason = str(request.body, 'reason', 500);
    if (!reason) return show(request, reply, { errors: [{ field: 'reason', message: request.t('officer:errors.reason') }] });
    await deps.officer.act(actor(request), c.view.receiptNumber, 'protection_updated', { section1367: str(request.body, 'section1367', 3) === 'yes' }, reason);
    return reply.redirect(`/officer/cases/${c.view.receiptNumber}?done=protection`, 303);
  });

  app.post('/officer/cases/:receipt/links/:account', { config }, async (request, reply) => {
    const c = await deps.officer.find(actor(request), receiptOf(request));
    if (!c) return reply.callNotFound();
    const { account } = request.params as { account: string };
    const decision = str(request.body, 'decision', 10);
    const reason = str(request.body, 'reason', 500);
    if (decision !== 'confirm' && decision !== 'remove') return show(request, reply, { errors: [{ field: `decision-${account}`, message: request.t('officer:errors.link_decision') }] });
    if (!reason) return show(request, reply, { errors: [{ field: `link-reason-${account}`, message: request.t('officer:errors.reason') }] });
    if (!(await deps.officer.reviewLink(actor(request), c, account, decision, reason))) return reply.callNotFound();
    return reply.redirect(`/officer/cases/${c.view.receiptNumber}?done=link`, 303);
  });

  app.get('/officer/cases/:receipt/documents/:id', { config }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const file = /^[0-9a-f-]{36}$/.test(id) ? await deps.officer.documentFile(actor(request), receiptOf(request), id) : undefined;
    if (!file) return reply.callNotFound();
    return sendDocument(reply, file);
  });

  // Agency documents: a multipart form, so in a scope of its own (the other forms stay URL-encoded).
  void app.register(async (scope) => {
    await acceptUploads(scope, { maxFileBytes: MAX_FILE_BYTES, maxFiles: 1, maxFields: 5 });
    // The guard and the CSRF token (the form's first field) are checked before the file is read (uploads.ts).
    scope.post('/officer/cases/:receipt/documents', { config }, async (request, reply) => {
      const c = await deps.officer.find(actor(request), receiptOf(request));
      if (!c) return reply.callNotFound();
      const form = isUpload(request) ? await readWholeForm(request) : undefined;
      const body = form?.fields;
      const values = { document_title: str(body, 'document_title', 300), document_language: str(body, 'document_language', 2) === 'es' ? 'es' : 'en', shared: str(body, 'shared', 3) === 'no' ? 'no' : 'yes' } as const;
      const result = await deps.officer.attachDocument(actor(request), c, { title: values.document_title, language: values.document_language, shared: values.shared === 'yes', file: form?.files.find((f) => f.fieldname === 'document_file') });
      if (!result.ok) {
        const field = result.problem === 'title' ? 'document_title' : 'document_file';
        return show(request, reply, { values, errors: [{ field, message: request.t(`officer:document.errors.${result.problem}`) }] });
      }
      return reply.redirect(`/officer/cases/${c.view.receiptNumber}?done=document`, 303);
    });
  });
}
