import type { DbHandle } from '../../platform/db/database.js';
import type { ProcessingTimeFigure, Publication } from './published.js';

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
