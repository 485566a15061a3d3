import type { ColumnType } from 'kysely';

/** The tables of the `account-cases` module and their row types, declared here, once; added to `Tables` below. */

// Cases in the online account (db/migrations/0015_account_cases.sql)
export interface OnlineAccessCodesTable {
  code_hash: string;
  case_id: number;
  issued_at: Date;
  expires_at: Date;
  used_at: Date | null;
  used_by: string | null;
  event_id: string | null;
}

export type CaseLinkVia = 'online_filing' | 'online_access_code' | 'receipt_number';

export interface AccountCasesTable {
  account_id: string;
  case_id: number;
  relationship: 'applicant' | 'representative';
  added_via: CaseLinkVia;
  added_at: Date;
  /** A receipt-number link of a case that became Section 1367 protected, until the agency confirms the holder (0029). */
  suspended_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  confirmed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  confirmed_by: ColumnType<string | null, string | null | undefined, string | null>;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    online_access_codes: OnlineAccessCodesTable;
    account_cases: AccountCasesTable;
  }
}
