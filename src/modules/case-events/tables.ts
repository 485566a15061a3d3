import type { ColumnType } from 'kysely';
import type { Json } from '../../platform/db/tables.js';

/** The tables of the `case-events` module and their row types, declared here, once; added to `Tables` below. */

export interface CaseEventsTable {
  event_id: string;
  receipt_number: string;
  type: string;
  occurred_at: Date;
  payload: Json;
  client_id: string | null;
  received_at: Date;
  /** The status the event gives its case, and the values of its text's placeholders (none for other events). */
  status_key: string | null;
  status_params: ColumnType<Json, string | undefined, string>;
}

/**
 * Events of receipt numbers that are not cases yet, waiting for an event that gives the form
 * (db/migrations/0033_case_events_pending.sql; ADR 13). Same columns as case_events.
 */
export type CaseEventsPendingTable = CaseEventsTable;

declare module '../../platform/db/tables.js' {
  interface Tables {
    case_events: CaseEventsTable;
    case_events_pending: CaseEventsPendingTable;
  }
}
