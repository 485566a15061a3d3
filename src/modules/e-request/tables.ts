import type { Generated } from 'kysely';

/** The tables of the `e-request` module and their row types, declared here, once; added to `Tables` below. */

export interface ERequestCaseFailuresTable {
  id: Generated<number>;
  receipt_number: string;
  failed_at: Date;
  /** The requester: the client's network address and a hash of the email given (migration 0032). */
  requester_ip: string;
  requester_email_hash: string;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    e_request_case_failures: ERequestCaseFailuresTable;
  }
}
