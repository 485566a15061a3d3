import type { TestApp } from './harness.js';

export interface FigureInput {
  form: string;
  category?: string;
  office: string;
  median: number;
  p80: number;
  count?: number;
}

/**
 * Publishes figures the way an approved run is stored (processing_time_runs in state 'published' and its
 * processing_time_figures), written directly: tests of the page and the API read them through the service only.
 * Mind the service's 30 s cache of the publication: publish before the first request of a test app.
 */
export async function publishFigures(t: TestApp, figures: FigureInput[], publishedAt = '2026-11-20T14:00:00Z') {
  const db = t.deps.database.db;
  const at = new Date(publishedAt);
  const run = await db
    .insertInto('processing_time_runs')
    .values({
      computed_at: at,
      window_start: new Date(at.getTime() - 183 * 86_400_000),
      window_end: at,
      state: 'published',
      published_at: at,
      reviewed_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (figures.length > 0)
    await db
      .insertInto('processing_time_figures')
      .values(
        figures.map((f) => ({
          run_id: run.id,
          form_code: f.form,
          category_code: f.category ?? '',
          office_code: f.office,
          completed_count: f.count ?? 120,
          median_days: f.median,
          p80_days: f.p80,
        })),
      )
      .execute();
  return run.id;
}

/** The figures most tests publish: N-400 per form at two offices, I-485 per category, I-90 in weeks. */
export const SAMPLE_FIGURES: FigureInput[] = [
  { form: 'N-400', office: 'FO-NYC', median: 182, p80: 319 },
  { form: 'N-400', office: 'FO-MIA', median: 150, p80: 260 },
  { form: 'I-485', category: 'employment', office: 'NBC', median: 240, p80: 365 },
  { form: 'I-485', category: 'family', office: 'NBC', median: 300, p80: 410 },
  { form: 'I-485', category: 'family', office: 'FO-NYC', median: 280, p80: 400 },
  { form: 'I-90', office: 'NBC', median: 20, p80: 38 },
];
