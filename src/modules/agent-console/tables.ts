import type { Generated } from 'kysely';

/** The tables of the `agent-console` module and their row types, declared here, once; added to `Tables` below. */

export interface CallerVerificationsTable {
  id: string;
  seq: Generated<number>;
  item_id: string;
  agent_id: string;
  case_id: number | null;
  caller_role: 'applicant' | 'representative' | 'interpreter_with_applicant';
  questions: unknown;
  outcome: 'verified' | 'failed';
  created_at: Date;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    caller_verifications: CallerVerificationsTable;
  }
}
