/** The tables of the `help-desk` module and their row types, declared here, once; added to `Tables` below. */

export interface AccountRecoveriesTable {
  id: string;
  account_id: string;
  started_by: string;
  identity_checks: string;
  deliver_to: string;
  service_item_id: string | null;
  created_at: Date;
  ready_at: Date;
  cancel_token_hash: string;
  cancelled_at: Date | null;
  cancelled_by: string | null;
  link_token_hash: string | null;
  link_sent_at: Date | null;
  link_expires_at: Date | null;
  completed_at: Date | null;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    account_recoveries: AccountRecoveriesTable;
  }
}
