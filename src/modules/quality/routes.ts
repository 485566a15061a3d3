import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import type { FieldError } from '../../platform/views/components.js';
import { dateTimeFormatter } from '../../platform/format.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import { scoresCsv } from './csv.js';
import {
  cleanSampleQuery,
  CRITERIA,
  NOTE_MAX,
  PERIOD_MAX_DAYS,
  reviewFields,
  sampleFilterQuery,
  sampleQuery,
  type ReviewFormValues,
  type ReviewProblem,
} from './rubric.js';
import type { QualityService, Reviewer } from './service.js';
import { QUALITY_ROLES, reviewPage, samplePage, scoresPage, taskPage, tasksPage } from './views.js';

/** What each form and address of the quality pages sends (ADR 15: declared inputs). */
const inputs = {
  item: params({ number: text(200) }),
  // The review page's article search and the sample it was opened from (on the page and after a post).
  itemQuery: fields({ q: text(200), sample: text(600), done: text(20) }),
  review: fields({ ...reviewFields, sample: text(600) }),
  tasksQuery: fields({ done: text(20) }),
  task: params({ id: text(200) }),
  dismiss: fields({ note: text(5_000) }),
};

export interface QualityRouteDeps {
  quality: QualityService;
  timeZone: string;
}

const config = { policy: 'staff', roles: QUALITY_ROLES } as const;
const whenOf = (request: FastifyRequest, timeZone: string) => dateTimeFormatter(request.lang, timeZone);
const reviewerOf = (request: FastifyRequest): Reviewer => ({
  actor: actorOf(request),
  roles: request.staff?.roles ?? [],
});

/**
 * Quality review (CC-14), for quality assurance and administrators: /staff/quality (a reproducible random sample of
 * resolved interactions), /staff/quality/items/:number (the interaction and the rubric), /staff/quality/tasks (fixes
 * of the articles wrong answers came from), /staff/quality/scores (and .csv).
 */
export function registerQualityRoutes(app: App, deps: QualityRouteDeps): void {
  registerSampleRoutes(app, deps);
  registerReviewRoutes(app, deps);
  registerFixTaskRoutes(app, deps);
  registerScoreRoutes(app, deps);
}

/** The sample: a reproducible random sample of resolved interactions. */
function registerSampleRoutes(app: App, deps: QualityRouteDeps): void {
  const { quality, timeZone } = deps;

  app.get('/staff/quality', { config, schema: { querystring: sampleFilterQuery } }, async (request, reply) => {
    const { agents, read } = await quality.readSampleFilters(request.query);
    const view = { signedIn: signedInOf(reply), agents, timeZone, when: whenOf(request, timeZone) };
    if (!read.ok) {
      const errors = read.problems.map((p) => ({
        field: p.field,
        message: request.t(`quality:errors.${p.code}`, { max: PERIOD_MAX_DAYS }),
      }));
      return reply.html(samplePage(staffContext(request), { ...view, values: read.values, errors }), 400);
    }
    // No seed yet: draw one and put it in the address, so the sample can be opened again exactly (audits, colleagues).
    if (!read.filters.seed)
      return reply.redirect(`/staff/quality?${sampleQuery({ ...read.filters, seed: quality.newSeed() })}`, 303);
    const drawn = await quality.sample(reviewerOf(request), read.filters);
    return reply.html(
      samplePage(staffContext(request), {
        ...view,
        values: read.values,
        sample: { filters: read.filters, query: sampleQuery(read.filters), ...drawn },
      }),
    );
  });
}

/** Reviewing an interaction with the rubric. */
function registerReviewRoutes(app: App, deps: QualityRouteDeps): void {
  const { quality } = deps;
  const when = (request: FastifyRequest) => whenOf(request, deps.timeZone);

  const showReview = async (
    request: FastifyRequest,
    reply: FastifyReply,
    number: string,
    query: { q: string; sample: string },
    extra: {
      values?: Partial<ReviewFormValues>;
      errors?: FieldError[];
      refused?: string;
      notice?: string;
      sample?: string;
      status?: number;
    } = {},
  ) => {
    const data = await quality.reviewPage(reviewerOf(request), number);
    if (!data) return reply.callNotFound();
    const articleQuery = query.q.trim();
    const choices =
      data.review || data.blocked
        ? { ok: true as const, articles: [] }
        : await quality.articleChoices(request.lang, articleQuery);
    const sample = extra.sample ?? cleanSampleQuery(query.sample);
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

  app.get(
    '/staff/quality/items/:number',
    { config, schema: { params: inputs.item, querystring: inputs.itemQuery } },
    async (request, reply) => {
      const notice = request.query.done === 'saved' ? request.t('quality:review.saved') : undefined;
      return showReview(request, reply, request.params.number, request.query, { notice });
    },
  );

  app.post(
    '/staff/quality/items/:number',
    { config, schema: { params: inputs.item, querystring: inputs.itemQuery, body: inputs.review } },
    async (request, reply) => {
      const { number } = request.params;
      const { sample: sampleText, ...values } = request.body;
      const sample = cleanSampleQuery(sampleText);
      const result = await quality.saveReview(reviewerOf(request), number, values);
      if (result.ok)
        return reply.redirect(
          `/staff/quality/items/${number}?done=saved${sample ? `&sample=${encodeURIComponent(sample)}` : ''}`,
          303,
        );
      if ('problem' in result) {
        if (result.problem === 'not_found') return reply.callNotFound();
        return showReview(request, reply, number, request.query, {
          refused: request.t(`quality:review.blocked.${result.problem}`),
          sample,
          status: 409,
        });
      }
      const errors = result.problems.map((p: ReviewProblem) => ({
        field: p.field,
        message: request.t(
          `quality:errors.${p.code}`,
          (CRITERIA as readonly string[]).includes(p.field)
            ? { criterion: request.t(`quality:criteria.${p.field}.name`) }
            : {},
        ),
      }));
      // Values that were not one of the choices are not shown back (a radio can only be one of its options anyway).
      return showReview(request, reply, number, request.query, { values, errors, sample, status: 400 });
    },
  );
}

/** Fix tasks: fixes of the articles wrong answers came from. */
function registerFixTaskRoutes(app: App, deps: QualityRouteDeps): void {
  const { quality } = deps;
  const when = (request: FastifyRequest) => whenOf(request, deps.timeZone);

  app.get('/staff/quality/tasks', { config, schema: { querystring: inputs.tasksQuery } }, async (request, reply) => {
    const { open, closed } = await quality.tasks();
    const notice = request.query.done === 'dismissed' ? request.t('quality:tasks.dismissed_notice') : undefined;
    return reply.html(
      tasksPage(staffContext(request), {
        signedIn: signedInOf(reply),
        open,
        closed,
        canSee1367: quality.canSee1367(request.staff?.roles ?? []),
        notice,
        when: when(request),
      }),
    );
  });

  const showTask = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { errors?: FieldError[]; note?: string; refused?: string; status?: number } = {},
  ) => {
    const task = await quality.task(id);
    if (!task) return reply.callNotFound();
    return reply.html(
      taskPage(staffContext(request), {
        signedIn: signedInOf(reply),
        task,
        canSee1367: quality.canSee1367(request.staff?.roles ?? []),
        when: when(request),
        ...extra,
      }),
      extra.status ?? 200,
    );
  };

  app.get('/staff/quality/tasks/:id', { config, schema: { params: inputs.task } }, async (request, reply) =>
    showTask(request, reply, request.params.id),
  );

  app.post(
    '/staff/quality/tasks/:id/dismiss',
    { config, schema: { params: inputs.task, body: inputs.dismiss } },
    async (request, reply) => {
      const { id } = request.params;
      const { note } = request.body;
      const result = await quality.dismissTask(actorOf(request), id, note);
      if (result.ok) return reply.redirect('/staff/quality/tasks?done=dismissed', 303);
      if ('problems' in result)
        return showTask(request, reply, id, {
          note,
          status: 400,
          errors: result.problems.map((p) => ({
            field: p.field,
            message: request.t(`quality:errors.${p.code}`, { max: NOTE_MAX }),
          })),
        });
      if (result.problem === 'not_found') return reply.callNotFound();
      return showTask(request, reply, id, { refused: request.t('quality:tasks.already_closed'), status: 409 });
    },
  );
}

/** Scores, on a page and as CSV. */
function registerScoreRoutes(app: App, deps: QualityRouteDeps): void {
  const { quality } = deps;

  app.get('/staff/quality/scores', { config }, async (request, reply) => {
    const scores = await quality.scores(actorOf(request));
    return reply.html(
      scoresPage(staffContext(request), {
        signedIn: signedInOf(reply),
        since: scores.sinceDay,
        byAgent: scores.byAgent,
        byWeek: scores.byWeek,
      }),
    );
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
