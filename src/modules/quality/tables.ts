import type { ColumnType, Generated } from 'kysely';
import type { Json } from '../../platform/db/tables.js';

/** The tables of the `quality` module and their row types, declared here, once; added to `Tables` below. */

// Quality review (db/migrations/0024_quality_reviews.sql)
export interface QualityReviewsTable {
  id: string;
  item_id: string;
  reviewer_id: string;
  agent_id: string | null;
  created_at: Date;
  scores: Json;
  /** numeric(5,2): arrives as a string. */
  total: ColumnType<string, number | string, number | string>;
  wrong_answer: Generated<boolean>;
  article_version_id: string | null;
  comment: Generated<string>;
}

export type ArticleFixTaskStatus = 'open' | 'done' | 'dismissed';

export interface ArticleFixTasksTable {
  id: string;
  review_id: string;
  article_id: string;
  flagged_version_id: string;
  created_at: Date;
  status: ArticleFixTaskStatus;
  closed_at: Date | null;
  closed_by: string | null;
  fixed_version_id: string | null;
  note: string | null;
  opened_at_version: number;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    quality_reviews: QualityReviewsTable;
    article_fix_tasks: ArticleFixTasksTable;
  }
}
