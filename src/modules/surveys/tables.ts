import type { Generated } from 'kysely';

/** The tables of the `surveys` module and their row types, declared here, once; added to `Tables` below. */

export interface SurveyResponsesTable {
  id: Generated<number>;
  survey: 'exit' | 'account_created';
  rating: number | null;
  comment: string | null;
  about_form: string | null;
  about_page: string | null;
  language: 'en' | 'es';
  created_at: Date;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    survey_responses: SurveyResponsesTable;
  }
}
