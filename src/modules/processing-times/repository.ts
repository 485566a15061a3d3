import type { DbHandle } from '../../platform/db/database.js';
import type { ProcessingTimeFigure, Publication } from './published.js';
import { flagsFromColumn, flagsToColumn, type ComputedFigure } from './compute.js';

/** All SQL of processing times: runs, their figures, and the administrators' inquiry date overrides (0046). */

/** The run published last, with its figures; undefined before the first publication. */
export async function latestPublication(db: DbHandle): Promise<Publication | undefined> {
  const run = await db
    .selectFrom('processing_time_runs')
    .select(['id', 'published_at'])
    .where('state', '=', 'published')
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!run?.published_at) return undefined;
  return { id: run.id, publishedAt: run.published_at, figures: await figuresOf(db, run.id) };
}

export async function figuresOf(db: DbHandle, runId: number): Promise<ProcessingTimeFigure[]> {
  const rows = await db
    .selectFrom('processing_time_figures')
    .select(['form_code', 'category_code', 'office_code', 'median_days', 'p80_days', 'completed_count'])
    .where('run_id', '=', runId)
    .orderBy('form_code')
    .orderBy('category_code')
    .orderBy('office_code')
    .execute();
  return rows.map((r) => ({
    formCode: r.form_code,
    categoryCode: r.category_code === '' ? null : r.category_code,
    officeCode: r.office_code,
    medianDays: r.median_days,
    p80Days: r.p80_days,
    completedCount: r.completed_count,
  }));
}

/** The override for exactly this category, else the one for the whole form; undefined when neither exists. */
export async function findOverride(
  db: DbHandle,
  formCode: string,
  categoryCode: string | null,
  officeCode: string,
): Promise<{ inquiry_date: string } | undefined> {
  return db
    .selectFrom('inquiry_date_overrides')
    .select('inquiry_date')
    .where('form_code', '=', formCode)
    .where('office_code', '=', officeCode)
    .where('category_code', 'in', categoryCode ? [categoryCode, ''] : [''])
    .orderBy('category_code', 'desc')
    .limit(1)
    .executeTakeFirst();
}

// ---- Runs and their figures -----------------------------------------------------------------------------------------

export type RunState = 'pending_review' | 'published' | 'rejected' | 'superseded';

export interface RunRow {
  id: number;
  computed_at: Date;
  window_start: Date;
  window_end: Date;
  state: RunState;
  requested_by: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_note: string | null;
  published_at: Date | null;
  cases_read: number;
}

const RUN_COLUMNS = [
  'id',
  'computed_at',
  'window_start',
  'window_end',
  'state',
  'requested_by',
  'reviewed_by',
  'reviewed_at',
  'review_note',
  'published_at',
  'cases_read',
] as const;

/** Rows per INSERT of figures (8 columns: well under PostgreSQL's 65,535 parameters). */
const FIGURE_CHUNK = 1000;

/**
 * Writes a new run awaiting review with its figures (in the caller's transaction). Runs still awaiting review
 * become superseded: only the newest computation can be approved.
 */
export async function insertRun(
  db: DbHandle,
  run: { computedAt: Date; windowStart: Date; windowEnd: Date; requestedBy: string | null; casesRead: number },
  figures: readonly ComputedFigure[],
): Promise<number> {
  await db
    .updateTable('processing_time_runs')
    .set({ state: 'superseded' })
    .where('state', '=', 'pending_review')
    .execute();
  const { id } = await db
    .insertInto('processing_time_runs')
    .values({
      computed_at: run.computedAt,
      window_start: run.windowStart,
      window_end: run.windowEnd,
      requested_by: run.requestedBy,
      cases_read: run.casesRead,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let i = 0; i < figures.length; i += FIGURE_CHUNK) {
    await db
      .insertInto('processing_time_figures')
      .values(
        figures.slice(i, i + FIGURE_CHUNK).map((f) => ({
          run_id: id,
          form_code: f.formCode,
          category_code: f.categoryCode,
          office_code: f.officeCode,
          completed_count: f.completedCount,
          median_days: f.medianDays,
          p80_days: f.p80Days,
          flag: flagsToColumn(f.flags),
        })),
      )
      .execute();
  }
  return id;
}

export async function listRuns(db: DbHandle, limit = 50): Promise<RunRow[]> {
  return db
    .selectFrom('processing_time_runs')
    .select(RUN_COLUMNS)
    .orderBy('computed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function findRun(db: DbHandle, runId: number): Promise<RunRow | undefined> {
  return db.selectFrom('processing_time_runs').select(RUN_COLUMNS).where('id', '=', runId).executeTakeFirst();
}

/** The run, locked until the caller's transaction ends (two approvals of one run: the second waits, then sees it). */
export async function lockRun(db: DbHandle, runId: number): Promise<RunRow | undefined> {
  return db
    .selectFrom('processing_time_runs')
    .select(RUN_COLUMNS)
    .where('id', '=', runId)
    .forUpdate()
    .executeTakeFirst();
}

/** When the newest run was computed (any state); undefined before the first. */
export async function lastComputedAt(db: DbHandle): Promise<Date | undefined> {
  const row = await db
    .selectFrom('processing_time_runs')
    .select('computed_at')
    .orderBy('computed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.computed_at;
}

/** A run's figures with their flags, by form, category and office. */
export async function storedFigures(db: DbHandle, runId: number): Promise<ComputedFigure[]> {
  const rows = await db
    .selectFrom('processing_time_figures')
    .select(['form_code', 'category_code', 'office_code', 'median_days', 'p80_days', 'completed_count', 'flag'])
    .where('run_id', '=', runId)
    .orderBy('form_code')
    .orderBy('category_code')
    .orderBy('office_code')
    .execute();
  return rows.map((r) => ({
    formCode: r.form_code,
    categoryCode: r.category_code,
    officeCode: r.office_code,
    medianDays: r.median_days,
    p80Days: r.p80_days,
    completedCount: r.completed_count,
    flags: flagsFromColumn(r.flag),
  }));
}

/** Publishes a run (locked by the caller): the run published until now becomes superseded. */
export async function publishRun(
  db: DbHandle,
  runId: number,
  review: { at: Date; by: string | null; note: string | null },
): Promise<number | undefined> {
  const previous = await db
    .updateTable('processing_time_runs')
    .set({ state: 'superseded' })
    .where('state', '=', 'published')
    .returning('id')
    .executeTakeFirst();
  await db
    .updateTable('processing_time_runs')
    .set({
      state: 'published',
      published_at: review.at,
      reviewed_at: review.at,
      reviewed_by: review.by,
      review_note: review.note,
    })
    .where('id', '=', runId)
    .execute();
  return previous?.id;
}

export async function rejectRun(
  db: DbHandle,
  runId: number,
  review: { at: Date; by: string; note: string },
): Promise<void> {
  await db
    .updateTable('processing_time_runs')
    .set({ state: 'rejected', reviewed_at: review.at, reviewed_by: review.by, review_note: review.note })
    .where('id', '=', runId)
    .execute();
}

// ---- Inquiry date overrides -------------------------------------------------------------------------------------------

export interface OverrideRow {
  form_code: string;
  category_code: string;
  office_code: string;
  inquiry_date: string;
  reason: string;
  updated_at: Date;
}

export async function listOverrides(db: DbHandle): Promise<OverrideRow[]> {
  return db
    .selectFrom('inquiry_date_overrides')
    .select(['form_code', 'category_code', 'office_code', 'inquiry_date', 'reason', 'updated_at'])
    .orderBy('form_code')
    .orderBy('category_code')
    .orderBy('office_code')
    .execute();
}

/** Adds or changes an override; answers the date it had before (undefined for a new one). Locked while it changes. */
export async function saveOverride(
  db: DbHandle,
  row: {
    formCode: string;
    categoryCode: string;
    officeCode: string;
    date: string;
    reason: string;
    at: Date;
    by: string;
  },
): Promise<string | undefined> {
  const before = await db
    .selectFrom('inquiry_date_overrides')
    .select('inquiry_date')
    .where('form_code', '=', row.formCode)
    .where('category_code', '=', row.categoryCode)
    .where('office_code', '=', row.officeCode)
    .forUpdate()
    .executeTakeFirst();
  await db
    .insertInto('inquiry_date_overrides')
    .values({
      form_code: row.formCode,
      category_code: row.categoryCode,
      office_code: row.officeCode,
      inquiry_date: row.date,
      reason: row.reason,
      updated_at: row.at,
      updated_by: row.by,
    })
    .onConflict((oc) =>
      oc
        .columns(['form_code', 'category_code', 'office_code'])
        .doUpdateSet({ inquiry_date: row.date, reason: row.reason, updated_at: row.at, updated_by: row.by }),
    )
    .execute();
  return before?.inquiry_date;
}

/** Removes an override; answers the date it had (undefined when there was none). */
export async function deleteOverride(
  db: DbHandle,
  formCode: string,
  categoryCode: string,
  officeCode: string,
): Promise<string | undefined> {
  const row = await db
    .deleteFrom('inquiry_date_overrides')
    .where('form_code', '=', formCode)
    .where('category_code', '=', categoryCode)
    .where('office_code', '=', officeCode)
    .returning('inquiry_date')
    .executeTakeFirst();
  return row?.inquiry_date;
}
