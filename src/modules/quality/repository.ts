import { sql, type Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { ServiceItemChannel } from '../service-items/index.js';
import type { ArticleFixTasksTable, ArticleFixTaskStatus, QualityReviewsTable } from './tables.js';
import { CRITERIA, type SampleFilters, type Scores } from './rubric.js';

/**
 * All SQL of quality review. It reads service items and knowledge article versions as they are stored (the
 * knowledge module needs no hook: a fix is found as the first version saved after a task opened), in report joins;
 * single lookups of other modules' tables go through their index.ts (staff names, the article version flagged).
 */

export interface SampledItem {
  id: string;
  number: string;
  channel: ServiceItemChannel;
  type: string;
  status: string;
  resolution: string | null;
  created_at: Date;
  resolved_at: Date | null;
  owner_id: string | null;
  agent_name: string | null;
}

interface SampleQuery extends SampleFilters {
  reviewerId: string;
  include1367: boolean;
  timeZone: string;
}

/** The items a sample is drawn from, before the Section 1367 rule: resolved or closed in the period, not yet reviewed by this reviewer, not their own. */
function population(q: SampleQuery) {
  return sql`
    FROM service_items i
    WHERE i.status IN ('resolved', 'closed')
      AND i.resolved_at >= (${q.from}::date)::timestamp AT TIME ZONE ${q.timeZone}
      AND i.resolved_at < (${q.to}::date + 1)::timestamp AT TIME ZONE ${q.timeZone}
      ${q.channel ? sql`AND i.channel = ${q.channel}` : sql``}
      ${q.agentId ? sql`AND i.owner_id = ${q.agentId}` : sql``}
      AND i.owner_id IS DISTINCT FROM ${q.reviewerId}
      AND NOT EXISTS (SELECT 1 FROM quality_reviews r WHERE r.item_id = i.id AND r.reviewer_id = ${q.reviewerId})`;
}

/**
 * A reproducible random sample: the items ranked by md5(id || seed), the first `size` taken. The same seed and
 * filters give the same ranking to anyone (items reviewed since drop out). Also counts the items eligible and the
 * Section 1367 ones left out because this reviewer may not see them.
 */
export async function drawSample(
  db: DbHandle,
  q: SampleQuery,
): Promise<{ items: SampledItem[]; eligible: number; withheld: number }> {
  const counts = await sql<{ eligible: string | number; withheld: string | number }>`
    SELECT count(*) FILTER (WHERE ${sql.lit(q.include1367)} OR NOT i.section_1367) AS eligible,
           count(*) FILTER (WHERE NOT ${sql.lit(q.include1367)} AND i.section_1367) AS withheld
    ${population(q)}`.execute(db);
  const rows = await sql<SampledItem>`
    SELECT i.id, i.number::text AS number, i.channel, i.type, i.status, i.resolution, i.created_at, i.resolved_at, i.owner_id, m.display_name AS agent_name
    FROM (SELECT i.* ${population(q)} ${q.include1367 ? sql`` : sql`AND NOT i.section_1367`}) i
    LEFT JOIN staff_members m ON m.account_id = i.owner_id
    ORDER BY md5(i.id::text || ${q.seed}), i.id
    LIMIT ${q.size}`.execute(db);
  const c = counts.rows[0]!;
  return { items: rows.rows, eligible: Number(c.eligible), withheld: Number(c.withheld) };
}

// ---- Reviews -----------------------------------------------------------------------------------------------------

export interface ReviewRow {
  id: string;
  item_id: string;
  reviewer_id: string;
  agent_id: string | null;
  created_at: Date;
  scores: Scores;
  total: number;
  wrong_answer: boolean;
  comment: string;
  article_version_id: string | null;
  article_slug: string | null;
  article_version: number | null;
  article_title_en: string | null;
  article_title_es: string | null;
  task_id: string | null;
  task_status: ArticleFixTaskStatus | null;
}

/** jsonb arrives parsed from pg and PGlite; as text from anything older. */
const parseScores = (value: unknown): Scores => {
  const o = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
  return Object.fromEntries(CRITERIA.map((c) => [c, Number(o[c])])) as Scores;
};

export async function findReview(db: DbHandle, itemId: string, reviewerId: string): Promise<ReviewRow | undefined> {
  const row = await db
    .selectFrom('quality_reviews as r')
    .leftJoin('knowledge_article_versions as v', 'v.id', 'r.article_version_id')
    .leftJoin('knowledge_articles as a', 'a.id', 'v.article_id')
    .leftJoin('article_fix_tasks as t', 't.review_id', 'r.id')
    .select([
      'r.id',
      'r.item_id',
      'r.reviewer_id',
      'r.agent_id',
      'r.created_at',
      'r.scores',
      'r.total',
      'r.wrong_answer',
      'r.comment',
      'r.article_version_id',
    ])
    .select([
      'a.slug as article_slug',
      'v.version as article_version',
      'v.title_en as article_title_en',
      'v.title_es as article_title_es',
      't.id as task_id',
      't.status as task_status',
    ])
    .where('r.item_id', '=', itemId)
    .where('r.reviewer_id', '=', reviewerId)
    .executeTakeFirst();
  return row ? { ...row, scores: parseScores(row.scores), total: Number(row.total) } : undefined;
}

export async function insertReview(db: DbHandle, review: Insertable<QualityReviewsTable>): Promise<void> {
  await db.insertInto('quality_reviews').values(review).execute();
}

export async function insertTask(db: DbHandle, task: Insertable<ArticleFixTasksTable>): Promise<void> {
  await db.insertInto('article_fix_tasks').values(task).execute();
}

// ---- Fix tasks ---------------------------------------------------------------------------------------------------

/**
 * Closes as 'done' every open task whose article has a version after the one current when the task opened,
 * recording the first such version and its author. Safe to run any number of times, concurrently too (the update
 * re-checks the status). Answers the tasks closed.
 */
export async function closeFixedTasks(
  db: DbHandle,
  onlyTask?: string,
): Promise<{ id: string; article_id: string; fixed_version_id: string }[]> {
  const result = await sql<{ id: string; article_id: string; fixed_version_id: string }>`
    WITH fixes AS (
      SELECT t.id AS task_id, v.id AS version_id, v.created_at, v.author_id
      FROM article_fix_tasks t
      JOIN LATERAL (
        SELECT id, created_at, author_id FROM knowledge_article_versions v
        WHERE v.article_id = t.article_id AND v.version > t.opened_at_version
        ORDER BY v.version
        LIMIT 1
      ) v ON true
      WHERE t.status = 'open' ${onlyTask ? sql`AND t.id = ${onlyTask}` : sql``}
    )
    UPDATE article_fix_tasks t
    SET status = 'done', closed_at = f.created_at, closed_by = f.author_id, fixed_version_id = f.version_id
    FROM fixes f
    WHERE t.id = f.task_id AND t.status = 'open'
    RETURNING t.id, t.article_id, t.fixed_version_id`.execute(db);
  return result.rows;
}

export interface TaskRow {
  id: string;
  status: ArticleFixTaskStatus;
  created_at: Date;
  closed_at: Date | null;
  note: string | null;
  closed_by_name: string | null;
  article_slug: string;
  article_archived: boolean;
  current_title_en: string;
  current_title_es: string;
  current_version: number;
  flagged_version: number;
  flagged_title_en: string;
  flagged_title_es: string;
  fixed_version: number | null;
  comment: string;
  reviewer_name: string | null;
  item_number: string;
  item_1367: boolean;
  total: number;
}

function tasks(db: DbHandle) {
  return db
    .selectFrom('article_fix_tasks as t')
    .innerJoin('quality_reviews as r', 'r.id', 't.review_id')
    .innerJoin('service_items as i', 'i.id', 'r.item_id')
    .innerJoin('knowledge_articles as a', 'a.id', 't.article_id')
    .innerJoin('knowledge_article_versions as cv', (j) =>
      j.onRef('cv.article_id', '=', 'a.id').onRef('cv.version', '=', 'a.current_version'),
    )
    .innerJoin('knowledge_article_versions as fv', 'fv.id', 't.flagged_version_id')
    .leftJoin('knowledge_article_versions as xv', 'xv.id', 't.fixed_version_id')
    .leftJoin('staff_members as rm', 'rm.account_id', 'r.reviewer_id')
    .leftJoin('staff_members as cm', 'cm.account_id', 't.closed_by')
    .select([
      't.id',
      't.status',
      't.created_at',
      't.closed_at',
      't.note',
      'cm.display_name as closed_by_name',
      'a.slug as article_slug',
      'a.current_version',
      'cv.title_en as current_title_en',
      'cv.title_es as current_title_es',
      'fv.version as flagged_version',
      'fv.title_en as flagged_title_en',
      'fv.title_es as flagged_title_es',
      'xv.version as fixed_version',
      'r.comment',
      'r.total',
      'rm.display_name as reviewer_name',
      'i.section_1367 as item_1367',
    ])
    .select(sql<boolean>`a.archived_at IS NOT NULL`.as('article_archived'))
    .select(sql<string>`i.number::text`.as('item_number'));
}

const toTask = <T extends { total: string | number }>(row: T): T & { total: number } => ({
  ...row,
  total: Number(row.total),
});

export async function listTasks(db: DbHandle, p: { open: boolean; limit: number }): Promise<TaskRow[]> {
  const q = tasks(db).where('t.status', p.open ? '=' : '<>', 'open');
  const rows = await (
    p.open ? q.orderBy('t.created_at').orderBy('t.id') : q.orderBy('t.closed_at', 'desc').orderBy('t.id')
  )
    .limit(p.limit)
    .execute();
  return rows.map(toTask);
}

export async function findTask(db: DbHandle, id: string): Promise<TaskRow | undefined> {
  const row = await tasks(db).where('t.id', '=', id).executeTakeFirst();
  return row ? toTask(row) : undefined;
}

/** A fix task, locked for the rest of the transaction (it is about to be dismissed). */
export async function lockTask(db: DbHandle, id: string) {
  return db
    .selectFrom('article_fix_tasks')
    .select(['id', 'status'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function dismissTask(
  db: DbHandle,
  id: string,
  p: { by: string; at: Date; note: string },
): Promise<boolean> {
  const result = await db
    .updateTable('article_fix_tasks')
    .set({ status: 'dismissed', closed_at: p.at, closed_by: p.by, note: p.note })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// ---- Scores ------------------------------------------------------------------------------------------------------

export interface WeeklyScoreRow {
  /** Monday of the ISO week, by the clock of the time zone asked ('YYYY-MM-DD'). */
  weekStart: string;
  agentId: string | null;
  agentName: string | null;
  reviews: number;
  /** Average total (0-100), two decimals. */
  averageTotal: number;
  wrongAnswers: number;
}

/**
 * Quality scores per ISO week (Monday first, by the clock of `timeZone`) and agent, from `since` (until `until`,
 * excluded, when given): reviews, average total and wrong answers. For the scores page and the dashboards.
 * Reviews of items nobody owned come under a null agent.
 */
export async function qualityScoresByWeek(
  db: DbHandle,
  since: Date,
  options: { timeZone?: string; until?: Date } = {},
): Promise<WeeklyScoreRow[]> {
  const tz = options.timeZone ?? 'UTC';
  const result = await sql<{
    week_start: string;
    agent_id: string | null;
    agent_name: string | null;
    reviews: string | number;
    average_total: string;
    wrong_answers: string | number;
  }>`
    SELECT to_char(date_trunc('week', r.created_at AT TIME ZONE ${tz}), 'YYYY-MM-DD') AS week_start,
           r.agent_id, max(m.display_name) AS agent_name, count(*) AS reviews,
           round(avg(r.total), 2) AS average_total, count(*) FILTER (WHERE r.wrong_answer) AS wrong_answers
    FROM quality_reviews r
    LEFT JOIN staff_members m ON m.account_id = r.agent_id
    WHERE r.created_at >= ${since} ${options.until ? sql`AND r.created_at < ${options.until}` : sql``}
    GROUP BY 1, r.agent_id
    ORDER BY 1, agent_name NULLS LAST, r.agent_id NULLS LAST`.execute(db);
  return result.rows.map((r) => ({
    weekStart: r.week_start,
    agentId: r.agent_id,
    agentName: r.agent_name,
    reviews: Number(r.reviews),
    averageTotal: Number(r.average_total),
    wrongAnswers: Number(r.wrong_answers),
  }));
}

export interface ScoreSummaryRow {
  key: string | null;
  label: string | null;
  reviews: number;
  averageTotal: number | null;
  wrongAnswers: number;
}

/** Per agent over the whole period, by name. */
export async function scoresByAgent(db: DbHandle, since: Date): Promise<ScoreSummaryRow[]> {
  const result = await sql<{
    agent_id: string | null;
    agent_name: string | null;
    reviews: string | number;
    average_total: string | null;
    wrong_answers: string | number;
  }>`
    SELECT r.agent_id, max(m.display_name) AS agent_name, count(*) AS reviews, round(avg(r.total), 2) AS average_total,
           count(*) FILTER (WHERE r.wrong_answer) AS wrong_answers
    FROM quality_reviews r LEFT JOIN staff_members m ON m.account_id = r.agent_id
    WHERE r.created_at >= ${since}
    GROUP BY r.agent_id
    ORDER BY agent_name NULLS LAST, r.agent_id NULLS LAST`.execute(db);
  return result.rows.map((r) => ({
    key: r.agent_id,
    label: r.agent_name,
    reviews: Number(r.reviews),
    averageTotal: r.average_total === null ? null : Number(r.average_total),
    wrongAnswers: Number(r.wrong_answers),
  }));
}

/** Per week, every one of the `weeks` weeks listed (empty ones too), oldest first. */
export async function scoresByWeek(
  db: DbHandle,
  since: Date,
  weeks: number,
  timeZone: string,
): Promise<ScoreSummaryRow[]> {
  const result = await sql<{
    week_start: string;
    reviews: string | number;
    average_total: string | null;
    wrong_answers: string | number;
  }>`
    WITH w AS (
      SELECT generate_series(date_trunc('week', ${since}::timestamptz AT TIME ZONE ${timeZone}), date_trunc('week', ${since}::timestamptz AT TIME ZONE ${timeZone}) + ${`${weeks - 1} weeks`}::interval, interval '1 week') AS week
    ),
    r AS (SELECT date_trunc('week', created_at AT TIME ZONE ${timeZone}) AS week, total, wrong_answer FROM quality_reviews WHERE created_at >= ${since})
    SELECT to_char(w.week, 'YYYY-MM-DD') AS week_start, count(r.week) AS reviews, round(avg(r.total), 2) AS average_total,
           count(r.week) FILTER (WHERE r.wrong_answer) AS wrong_answers
    FROM w LEFT JOIN r ON r.week = w.week
    GROUP BY w.week
    ORDER BY w.week`.execute(db);
  return result.rows.map((r) => ({
    key: r.week_start,
    label: r.week_start,
    reviews: Number(r.reviews),
    averageTotal: r.average_total === null ? null : Number(r.average_total),
    wrongAnswers: Number(r.wrong_answers),
  }));
}

/** The start of the ISO week `weeksBack` weeks before the one `now` falls in, by the clock of the time zone. */
export async function weekStartBefore(db: DbHandle, now: Date, weeksBack: number, timeZone: string): Promise<Date> {
  const result = await sql<{ since: Date }>`
    SELECT (date_trunc('week', ${now}::timestamptz AT TIME ZONE ${timeZone}) - ${`${weeksBack} weeks`}::interval) AT TIME ZONE ${timeZone} AS since`.execute(
    db,
  );
  return new Date(result.rows[0]!.since);
}
