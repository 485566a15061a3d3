import type { Generated, Selectable } from 'kysely';

/** The tables of the `my-progress` module (db/migrations/0047_my_progress.sql), declared here, once. */

/** One training run of the myProgress estimator. */
export interface ProgressModelsTable {
  id: Generated<number>;
  trained_at: Date;
  cutoff: Date;
  window_start: Date;
  cases_learnt: number;
  decided_learnt: number;
  strata: number;
  open_cases: number;
  estimated: number;
  too_few: number;
  duration_ms: number;
}

/** The precomputed estimate of one open case of the seven forms (the myProgress tab reads this one row). */
export interface ProgressEstimatesTable {
  case_id: number;
  model_id: number;
  kind: 'estimated' | 'too_few';
  form_code: string;
  form_category: string | null;
  office_code: string;
  basis_level: 'office' | 'all_offices' | null;
  basis_count: number;
  decision_low: Date | null;
  decision_likely: Date | null;
  decision_high: Date | null;
  decision_horizon: Date | null;
  next_step: string | null;
  next_low: Date | null;
  next_likely: Date | null;
  next_high: Date | null;
  next_horizon: Date | null;
}

export type ProgressModelRow = Selectable<ProgressModelsTable>;
export type ProgressEstimateRow = Selectable<ProgressEstimatesTable>;

declare module '../../platform/db/tables.js' {
  interface Tables {
    progress_models: ProgressModelsTable;
    progress_estimates: ProgressEstimatesTable;
  }
}
