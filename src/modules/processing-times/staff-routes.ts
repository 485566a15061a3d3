import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import { actorOf } from '../../platform/audit.js';
import { dateTimeFormatter } from '../../platform/format.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { FieldError } from '../../platform/views/components.js';
import { MAX_NOTE, type ProcessingTimesService } from './service.js';
import { overridesPage, reviewPage, runsPage, type Values } from './staff-views.js';

export interface ProcessingTimesStaffRoutesDeps {
  processingTimes: ProcessingTimesService;
  timeZone: string;
}

/** What the administrators' pages send (ADR 15); notes and reasons read a little longer than allowed (told, not cut). */
const inputs = {
  runsQuery: fields({ done: text(20) }),
  run: params({ id: text(12) }),
  approve: fields({ approve_note: text(MAX_NOTE + 100) }),
  reject: fields({ reject_note: text(MAX_NOTE + 100) }),
  overridesQuery: fields({ done: text(20), form: text(20), category: text(40), office: text(20) }),
  override: fields({
    form_code: text(20),
    category_code: text(40),
    office_code: text(20),
    inquiry_month: text(4),
    inquiry_day: text(4),
    inquiry_year: text(6),
    reason: text(MAX_NOTE + 100),
  }),
  removeOverride: fields({ form_code: text(20), category_code: text(40), office_code: text(20) }),
};

/** Administrators only, as the other settings pages (e.g. /staff/biometrics/settings). */
const admin = { policy: 'staff', roles: ['administrator'] } as const;

const runIdOf = (raw: string): number | undefined => (/^\d{1,9}$/.test(raw) ? Number(raw) : undefined);

/**
 * Administrators: the processing time runs (`/staff/processing-times`), a run's review with approve and reject, and
 * the inquiry date overrides (`/staff/inquiry-dates`, the URL of the hand-edited dates they replace).
 */
export function registerProcessingTimesStaffRoutes(app: App, deps: ProcessingTimesStaffRoutesDeps): void {
  registerRunRoutes(app, deps);
  registerOverrideRoutes(app, deps);
}

/** The runs, a run's review, approve and reject. */
function registerRunRoutes(app: App, deps: ProcessingTimesStaffRoutesDeps): void {
  const { processingTimes } = deps;
  const when = (request: FastifyRequest) => dateTimeFormatter(request.lang, deps.timeZone);

  app.get(
    '/staff/processing-times',
    { config: admin, schema: { querystring: inputs.runsQuery } },
    async (request, reply) => {
      const { done } = request.query;
      const notice =
        done === 'rejected' || done === 'computed' ? request.t(`processing_times:staff.done.${done}`) : undefined;
      return reply.html(
        runsPage(staffContext(request), {
          signedIn: signedInOf(reply),
          runs: await processingTimes.runs(),
          when: when(request),
          notice,
        }),
      );
    },
  );

  // Computes now (the request waits: a run reads every case once) and opens the new run's review.
  app.post('/staff/processing-times/recompute', { config: admin }, async (request, reply) => {
    const { runId } = await processingTimes.requestRecompute(actorOf(request));
    return reply.redirect(`/staff/processing-times/runs/${runId}?done=computed`, 303);
  });

  const showRun = async (
    request: FastifyRequest,
    reply: FastifyReply,
    runId: number | undefined,
    extra: { values?: Values; errors?: FieldError[]; notice?: string; status?: number } = {},
  ) => {
    const run = runId === undefined ? undefined : await processingTimes.run(runId);
    const lines = run ? await processingTimes.review(run.id) : undefined;
    if (!run || !lines) return reply.callNotFound();
    return reply.html(
      reviewPage(staffContext(request), {
        signedIn: signedInOf(reply),
        run,
        lines,
        when: when(request),
        ...extra,
      }),
      extra.status ?? (extra.errors?.length ? 400 : 200),
    );
  };

  app.get(
    '/staff/processing-times/runs/:id',
    { config: admin, schema: { params: inputs.run, querystring: inputs.runsQuery } },
    async (request, reply) => {
      const { done } = request.query;
      const notice =
        done === 'approved' || done === 'computed' ? request.t(`processing_times:staff.done.${done}`) : undefined;
      return showRun(request, reply, runIdOf(request.params.id), { notice });
    },
  );

  app.post(
    '/staff/processing-times/runs/:id/approve',
    { config: admin, schema: { params: inputs.run, body: inputs.approve } },
    async (request, reply) => {
      const runId = runIdOf(request.params.id);
      const note = request.body.approve_note;
      if ([...note.trim()].length > MAX_NOTE)
        return showRun(request, reply, runId, {
          values: { approve_note: note },
          errors: [{ field: 'approve_note', message: request.t('processing_times:staff.errors.note_long') }],
        });
      const result = runId === undefined ? 'not_found' : await processingTimes.approve(runId, actorOf(request), note);
      if (result === 'not_found') return reply.callNotFound();
      if (result === 'forbidden') return reply.code(403).send();
      if (result === 'not_pending')
        return showRun(request, reply, runId, {
          errors: [{ field: 'approve_note', message: request.t('processing_times:staff.errors.not_pending') }],
          status: 409,
        });
      return reply.redirect(`/staff/processing-times/runs/${runId}?done=approved`, 303);
    },
  );

  app.post(
    '/staff/processing-times/runs/:id/reject',
    { config: admin, schema: { params: inputs.run, body: inputs.reject } },
    async (request, reply) => {
      const runId = runIdOf(request.params.id);
      const note = request.body.reject_note;
      const problem = !note.trim() ? 'note_required' : [...note.trim()].length > MAX_NOTE ? 'note_long' : undefined;
      if (problem)
        return showRun(request, reply, runId, {
          values: { reject_note: note },
          errors: [{ field: 'reject_note', message: request.t(`processing_times:staff.errors.${problem}`) }],
        });
      const result = runId === undefined ? 'not_found' : await processingTimes.reject(runId, actorOf(request), note);
      if (result === 'not_found') return reply.callNotFound();
      if (result === 'forbidden') return reply.code(403).send();
      if (result !== 'ok')
        return showRun(request, reply, runId, {
          errors: [{ field: 'reject_note', message: request.t('processing_times:staff.errors.not_pending') }],
          status: 409,
        });
      return reply.redirect('/staff/processing-times?done=rejected', 303);
    },
  );
}

/** Inquiry date overrides (PT-2, CC-10): the computed date of each form/category/office and its override. */
function registerOverrideRoutes(app: App, deps: ProcessingTimesStaffRoutesDeps): void {
  const { processingTimes } = deps;
  const when = (request: FastifyRequest) => dateTimeFormatter(request.lang, deps.timeZone);

  const showOverrides = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { values?: Values; errors?: FieldError[]; notice?: string } = {},
  ) =>
    reply.html(
      overridesPage(staffContext(request), {
        signedIn: signedInOf(reply),
        lines: await processingTimes.inquiryDateLines(),
        when: when(request),
        ...extra,
      }),
      extra.errors?.length ? 400 : 200,
    );

  app.get(
    '/staff/inquiry-dates',
    { config: admin, schema: { querystring: inputs.overridesQuery } },
    async (request, reply) => {
      const { done, form, category, office } = request.query;
      const notice =
        done === 'saved' || done === 'removed' ? request.t(`processing_times:overrides.done.${done}`) : undefined;
      // "Change" and "Add" links fill the form with the line's form, category, office (and override, if any).
      const line = form
        ? (await processingTimes.inquiryDateLines()).find(
            (l) => l.formCode === form && l.categoryCode === category && l.officeCode === office,
          )
        : undefined;
      const date = line?.override?.date;
      const values: Values | undefined = line
        ? {
            form_code: line.formCode,
            category_code: line.categoryCode,
            office_code: line.officeCode,
            inquiry_year: date?.slice(0, 4),
            inquiry_month: date?.slice(5, 7),
            inquiry_day: date?.slice(8, 10),
            reason: line.override?.reason,
          }
        : undefined;
      return showOverrides(request, reply, { notice, values });
    },
  );

  app.post('/staff/inquiry-dates', { config: admin, schema: { body: inputs.override } }, async (request, reply) => {
    const values = request.body;
    const result = await processingTimes.saveOverride(actorOf(request), {
      formCode: values.form_code,
      categoryCode: values.category_code,
      officeCode: values.office_code,
      month: values.inquiry_month,
      day: values.inquiry_day,
      year: values.inquiry_year,
      reason: values.reason,
    });
    if (!result.ok)
      return showOverrides(request, reply, {
        values,
        errors: result.problems.map((p) => ({ field: p.field, message: request.t(p.key) })),
      });
    return reply.redirect('/staff/inquiry-dates?done=saved', 303);
  });

  app.post(
    '/staff/inquiry-dates/remove',
    { config: admin, schema: { body: inputs.removeOverride } },
    async (request, reply) => {
      const { form_code, category_code, office_code } = request.body;
      const removed = await processingTimes.removeOverride(actorOf(request), form_code, category_code, office_code);
      if (!removed) return reply.callNotFound();
      return reply.redirect('/staff/inquiry-dates?done=removed', 303);
    },
  );
}
