import type { Generated } from 'kysely';

/** The tables of the `surveys` module and their row types, declared here, once; added to `Tables` below. */

export interface SurveyResponsesTable {
  id: Generated<number>;
  survey: 'exit' | 'account_created' | 'service_item';
  rating: number | null;
  comment: string | null;
  about_form: string | null;
  about_page: string | null;
  language: 'en' | 'es';
  created_at: Date;
  /** The service item a 'service_item' response is about (migration 0036). */
  service_item_number: number | null;
}

/** Single-use links to the one-question survey of a resolved service item (migration 0036). */
export interface ServiceItemSurveyInvitationsTable {
  token_hash: string;
  service_item_number: number;
  language: 'en' | 'es';
  created_at: Date;
  expires_at: Date;
  answered_at: Date | null;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    survey_responses: SurveyResponsesTable;
    service_item_survey_invitations: ServiceItemSurveyInvitationsTable;
  }
}
