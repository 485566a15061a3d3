import type { ColumnType, Generated } from 'kysely';

/** The tables of the `processing-times` module (db/migrations/0046_processing_times.sql), declared here, once. */

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface ProcessingTimeRunsTable {
  id: Generated<number>;
  computed_at: Date;
  window_start: Date;
  window_end: Date;
  state: ColumnType<
    'pending_review' | 'published' | 'rejected' | 'superseded',
    'pending_review' | 'published' | 'rejected' | 'superseded' | undefined,
    'pending_review' | 'published' | 'rejected' | 'superseded'
  >;
  requested_by: Nullable<string>;
  reviewed_by: Nullable<string>;
  reviewed_at: Nullable<Date>;
  review_note: Nullable<string>;
  published_at: Nullable<Date>;
  cases_read: Generated<number>;
}

export interface ProcessingTimeFiguresTable {
  run_id: number;
  form_code: string;
  /** '' for a form published per form. */
  category_code: Generated<string>;
  office_code: string;
  completed_count: number;
  median_days: number;
  p80_days: number;
  flag: Nullable<string>;
}

export interface InquiryDateOverridesTable {
  form_code: string;
  /** '' covers every category of the form. */
  category_code: Generated<string>;
  office_code: string;
  inquiry_date: string;
  reason: string;
  updated_at: Date;
  updated_by: Nullable<string>;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    processing_time_runs: ProcessingTimeRunsTable;
    processing_time_figures: ProcessingTimeFiguresTable;
    inquiry_date_overrides: InquiryDateOverridesTable;
  }
}
