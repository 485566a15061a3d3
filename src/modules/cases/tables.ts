import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { Json } from '../../platform/db/tables.js';

/** The tables of the `cases` module and their row types, declared here, once; added to `Tables` below. */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface CasesTable {
  id: Generated<number>;
  receipt_number: string;
  form_code: string;
  office_code: string;
  received_at: Date;
  status_key: string;
  status_at: Date;
  status_params: Json;
  /** Created by case events (db/migrations/0014_case_events.sql): form, office and received date follow them. */
  from_events: Generated<boolean>;
  /** db/migrations/0015_account_cases.sql */
  filing_channel: Generated<'online' | 'paper'>;
  section_1367: Generated<boolean>;
  /** db/migrations/0045_form_categories.sql: the form category (subtype), a code of form-categories.ts; null: none. */
  form_category: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The history rows of demo or migrated data; events carry their own (db/migrations/0028_history_from_the_event_log.sql). */
export interface CaseStatusHistoryTable {
  id: Generated<number>;
  case_id: number;
  status_key: string;
  occurred_at: Date;
}

export type CaseRow = Selectable<CasesTable>;

export type NewCase = Insertable<CasesTable>;

// The applicant's identity details (db/migrations/0015_account_cases.sql)
export interface CaseApplicantsTable {
  case_id: number;
  /** I-134 / I-134A beneficiaries: where their Online Access Code is emailed (0018). */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  date_of_birth: string | null;
  family_name: string | null;
  a_number: string | null;
  zip: string | null;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    cases: CasesTable;
    case_status_history: CaseStatusHistoryTable;
    case_applicants: CaseApplicantsTable;
  }
}
