import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/views/components.js';
import { dateTimeFormatter } from '../../platform/format.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import { scoresCsv } from './csv.js';
import { cleanSampleQuery, CRITERIA, NOTE_MAX, PERIOD_MAX_DAYS, reviewFormValues, sampleQuery, type ReviewFormValues, type ReviewProblem } from './rubric.js';
import type { QualityService, Reviewer } from './service.js';
import { QUALITY_ROLES, reviewPage, samplePage, scoresPage, taskPage, tasksPage } from './views.js';

type Form = Record<string, unknown>;
const str = (source: unknown, name: string, max = 2_000): string => {
  const value = (source as Form | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, max) : '';
};
const numberOf = (request: FastifyRequest) => (request.params as { number: string }).number;
const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

/**
 * Quality review (CC-14), for quality assurance and administrators: /staff/quality (a reproducible random sample of
 * resolved interactions), /staff/quality/items/:number (the interaction and the rubric), /staff/quality/tasks (fixes
 * of the articles wrong answers came from), /staff/quality/scores (and .csv).
 */
export function registerQualityRoutes(app: FastifyInstance, deps: { quality: QualityService; timeZone: string }): void {
  const { quality, timeZone } = deps;
  const config = { policy: 'staff', roles: QUALITY_ROLES } as const;
  const when = (request: FastifyRequest) => dateTimeFormatter(request.lang, timeZone);
  const reviewerOf = (request: FastifyRequest): Reviewer => ({ actor: actorOf(request), roles: request.staff?.roles ?? [] });

  // ---- The sample ------------------------------------------------------------------------------------------------
  app.get('/staff/quality', { config }, async (request, reply) => {
    const { agents, read } = await quality.readSampleFilters(request.query);
    const view = { signedIn: signedInOf(reply), agents, timeZone, when: when(request) };
    if (!read.ok) {
      const errors = read.problems.map((p) => ({ field: p.field, message: request.t(`quality:errors.${p.code}`, { max: PERIOD_MAX_DAYS }) }));
      return reply.html(samplePage(staffContext(request), { ...view, values: read.values, errors }), 400);
    }
    // No seed yet: draw one and put it in the address, so the sample can be opened again exactly (audits, colleagues).
    if (!read.filters.seed) return reply.redirect(`/staff/quality?${sampleQuery({ ...read.filters, seed: quality.newSeed() })}`, 303);
    const drawn = await quality.sample(reviewerOf(request), read.filters);
    return reply.html(samplePage(staffContext(request), { ...view, values: read.values, sample: { filters: read.filters, query: sampleQuery(read.filters), ...drawn } }));
  });

  // ---- Reviewing an interaction ----------------------------------------------------------------------------------
  const showReview = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { values?: Partial<ReviewFormValues>; errors?: FieldError[]; refused?: string; notice?: string; sample?: string; status?: number } = {},
  ) => {
    const data = await quality.reviewPage(reviewerOf(request), numberOf(request));
    if (!data) return reply.callNotFound();
    const articleQuery = str(request.query, 'q', 200).trim();
    const choices = data.review || data.blocked ? { ok: true as const, articles: [] } : await quality.articleChoices(request.lang, articleQuery);
    const sample = extra.sample ?? cleanSampleQuery(str(request.query, 'sample', 600));
    return reply.html(
      reviewPage(staffContext(request), {
        signedIn: signedInOf(reply),
        data,
        sample,
        values: extra.values,
        errors: extra.errors,
        refused: extra.refused,
        notice: extra.notice,
        articles: choices.ok ? choices.articles : [],
        articleQuery,
        articleSearchError: choices.ok ? undefined : request.t('quality:errors.search_too_long'),
        when: when(request),
      }),
      extra.status ?? (choices.ok ? 200 : 400),
    );
  };

  app.get('/staff/quality/items/:number', { config }, async (request, reply) => {
    const notice = str(request.query, 'done', 20) === 'saved' ? request.t('quality:review.saved') : undefined;
    return showReview(request, reply, { notice });
  });

  app.post('/staff/quality/items/:number', { config }, async (request, reply) => {
    const values = reviewFormValues(request.body);
    const sample = cleanSampleQuery(str(request.body, 'sample', 600));
    const result = await quality.saveReview(reviewerOf(request), numberOf(request), values);
    if (result.ok) return reply.redirect(`/staff/quality/items/${numberOf(request)}?done=saved${sample ? `&sample=${encodeURIComponent(sample)}` : ''}`, 303);
    if ('problem' in result) {
      if (result.problem === 'not_found') return reply.callNotFound();
      return showReview(request, reply, { refused: request.t(`quality:review.blocked.${result.problem}`), sample, status: 409 });
    }
    const errors = result.problems.map((p: ReviewProblem) => ({
      field: p.field,
      message: request.t(`quality:errors.${p.code}`, (CRITERIA as readonly string[]).includes(p.field) ? { criterion: request.t(`quality:criteria.${p.field}.name`) } : {}),
    }));
    // Values that were not one of the choices are not shown back (a radio can only be one of its options anyway).
    return showReview(request, reply, { values, errors, sample, status: 400 });
  });

  // ---- Fix tasks -------------------------------------------------------------------------------------------------
  app.get('/staff/quality/tasks', { config }, async (request, reply) => {
    const { open, closed } = await quality.tasks();
    const notice = str(request.query, 'done', 20) === 'dismissed' ? request.t('quality:tasks.dismissed_notice') : undefined;
    return reply.html(tasksPage(staffContext(request), { signedIn: signedInOf(reply), open, closed, canSee1367: quality.canSee1367(request.staff?.roles ?? []), notice, when: when(request) }));
  });

  const showTask = async (request: FastifyRequest, reply: FastifyReply, extra: { errors?: FieldError[]; note?: string; refused?: string; status?: number } = {}) => {
    const task = await quality.task(idOf(request));
    if (!task) return reply.callNotFound();
    return reply.html(taskPage(staffContext(request), { signedIn: signedInOf(reply), task, canSee1367: quality.canSee1367(request.staff?.roles ?? []), when: when(request), ...extra }), extra.status ?? 200);
  };

  app.get('/staff/quality/tasks/:id', { config }, async (request, reply) => showTask(request, reply));

  app.post('/staff/quality/tasks/:id/dismiss', { config }, async (request, reply) => {
    const note = str(request.body, 'note', 5_000);
    const result = await quality.dismissTask(actorOf(request), idOf(request), note);
    if (result.ok) return reply.redirect('/staff/quality/tasks?done=dismissed', 303);
    if ('problems' in result) return showTask(request, reply, { note, status: 400, errors: result.problems.map((p) => ({ field: p.field, message: request.t(`quality:errors.${p.code}`, { max: NOTE_MAX }) })) });
    if (result.problem === 'not_found') return reply.callNotFound();
    return showTask(request, reply, { refused: request.t('quality:tasks.already_closed'), status: 409 });
  });

  // ---- Scores ----------------------------------------------------------------------------------------------------
  app.get('/staff/quality/scores', { config }, async (request, reply) => {
    const scores = await quality.scores(actorOf(request));
    return reply.html(scoresPage(staffContext(request), { signedIn: signedInOf(reply), since: scores.sinceDay, byAgent: scores.byAgent, byWeek: scores.byWeek }));
  });

  app.get('/staff/quality/scores.csv', { config }, async (request, reply) => {
    // A HEAD request (Fastify answers it with this handler) exports nothing, so it is not audited as an export.
    if (request.method === 'HEAD') return reply.header('content-type', 'text/csv; charset=utf-8').send('');
    const rows = await quality.exportScores(actorOf(request));
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="quality-scores-${quality.todayIn()}.csv"`)
      .header('cache-control', 'no-store')
      .send(scoresCsv(rows));
  });
}
