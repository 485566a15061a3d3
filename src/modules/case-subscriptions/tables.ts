/** The tables of the `case-subscriptions` module and their row types, declared here, once; added to `Tables` below. */

// Case status notifications without an account (db/migrations/0016_case_subscriptions.sql)
export interface CaseSubscriptionsTable {
  id: string;
  receipt_number: string;
  channel: 'email' | 'sms';
  address: string;
  language: 'en' | 'es';
  created_at: Date;
  confirm_token_hash: string | null;
  confirm_expires_at: Date | null;
  confirmed_at: Date | null;
  unsubscribe_token: string;
  cancelled_at: Date | null;
}

export interface SmsOptOutsTable {
  phone: string;
  opted_out_at: Date;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    case_subscriptions: CaseSubscriptionsTable;
    sms_opt_outs: SmsOptOutsTable;
  }
}
