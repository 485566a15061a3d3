import { sql, type Selectable } from 'kysely';
import { isAnyOf, type DbHandle } from '../../platform/db/database.js';
import { statusOfEvent, statusParamsOfEvent, type CaseEvent } from './types.js';
import type { CaseEventsPendingTable } from './tables.js';

/** All SQL of case events (the event log and the events waiting for their case; what they change in cases is in cases/events-repository.ts). Batch statements: a batch of events costs a handful of round trips, not one per event. */

/**
 * The SELECT of events to store, each with the status it gives its case, sent by `clientId` and received `now`. One
 * array per column (unnest): a batch of thousands of rows is a handful of parameters, not tens of thousands.
 */
function eventRows(events: CaseEvent[], clientId: string | null, now: Date) {
  const statusKeys = events.map((e) => statusOfEvent(e) ?? null);
  const statusParams = events.map((e, i) => (statusKeys[i] ? JSON.stringify(statusParamsOfEvent(e)) : '{}'));
  return sql`SELECT e.event_id, e.receipt_number, e.type, e.occurred_at, e.payload, e.status_key, e.status_params, ${clientId}, ${now}
    FROM unnest(${events.map((e) => e.id)}::text[], ${events.map((e) => e.receiptNumber)}::text[], ${events.map((e) => e.type)}::text[],
                ${events.map((e) => e.occurredAt.toISOString())}::timestamptz[], ${events.map((e) => JSON.stringify(e.payload))}::jsonb[],
                ${statusKeys}::text[], ${statusParams}::jsonb[])
      AS e (event_id, receipt_number, type, occurred_at, payload, status_key, status_params)`;
}

/** A payload as the driver gives it: parsed JSON, or the text of it. */
function payloadOf(value: unknown): Record<string, unknown> {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
}

/**
 * Stores the events not seen before (by id), each with the status it gives its case, and answers their ids; a
 * repeated id is left as it was. A status-bearing event is a row of its case's history (see historyOf).
 */
export async function insertNewEvents(
  db: DbHandle,
  events: CaseEvent[],
  clientId: string | null,
  now: Date,
): Promise<Set<string>> {
  if (!events.length) return new Set();
  const result = await sql<{ event_id: string }>`
    INSERT INTO case_events (event_id, receipt_number, type, occurred_at, payload, status_key, status_params, client_id, received_at)
    ${eventRows(events, clientId, now)}
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id`.execute(db);
  return new Set(result.rows.map((r) => r.event_id));
}

/** Every stored event of these receipt numbers (cases have few; this is what makes arrival order irrelevant). */
export async function eventsOf(
  db: DbHandle,
  receipts: string[],
): Promise<
  { event_id: string; receipt_number: string; type: string; occurred_at: Date; payload: Record<string, unknown> }[]
> {
  if (!receipts.length) return [];
  const rows = await db
    .selectFrom('case_events')
    .select(['event_id', 'receipt_number', 'type', 'occurred_at', 'payload'])
    .where(isAnyOf('receipt_number', receipts, 'text'))
    .execute();
  return rows.map((r) => ({
    ...r,
    payload: payloadOf(r.payload),
  }));
}

/** The Request for Evidence events of a case (for its open RFE and deadline). */
export async function rfeEventsOf(db: DbHandle, receiptNumber: string) {
  const rows = await db
    .selectFrom('case_events')
    .select(['event_id', 'type', 'occurred_at', 'payload'])
    .where('receipt_number', '=', receiptNumber)
    .where('type', 'in', ['rfe_sent', 'rfe_response_received'])
    .execute();
  return rows.map((r) => ({
    id: r.event_id,
    type: r.type,
    occurredAt: r.occurred_at,
    payload: payloadOf(r.payload),
  }));
}

/** The events of one case, of the given types (all types when none are given), in no particular order. */
export async function eventsOfCase(
  db: DbHandle,
  receiptNumber: string,
  types?: readonly string[],
): Promise<{ id: string; type: string; occurredAt: Date; payload: Record<string, unknown> }[]> {
  let query = db
    .selectFrom('case_events')
    .select(['event_id', 'type', 'occurred_at', 'payload'])
    .where('receipt_number', '=', receiptNumber);
  if (types) query = query.where('type', 'in', [...types]);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.event_id,
    type: r.type,
    occurredAt: r.occurred_at,
    payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
  }));
}

/*
 * Events of receipt numbers that are not cases yet (ADR 13, "Events of a case not known yet"). They wait in
 * case_events_pending until a batch gives the form of their receipt number, which moves them into the log.
 *
 * Two batches in flight, one storing events of R to wait and one creating the case R, must not miss each other
 * (the first would store its events after the second looked for them). Both take one advisory lock, for the rest of
 * their transaction, before they look: a batch creating cases in shared mode (such batches do not wait for each
 * other; takePending takes it), a batch storing waiting events in exclusive mode, and it reads again which of its
 * receipt numbers are cases now. Batches about known cases only take no lock.
 */

/** Takes the lock of new receipt numbers in exclusive mode, for the rest of the transaction (see above). */
export async function lockNewReceiptsToWait(db: DbHandle): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended('casedesk.case_events.new_receipts', 0))`.execute(db);
}

export interface TakenPendingEvent {
  event_id: string;
  receipt_number: string;
  type: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  /** Moved into the log now (false: it had waited too long, or its id was in the log already): not applied. */
  applied: boolean;
}

/**
 * For the receipt numbers a batch makes into cases, one round trip (the function of migration 0033): the lock of
 * new receipt numbers in shared mode, then their waiting events (received after `since`) move into the event log,
 * and every pending row of theirs is deleted (those that waited too long are dropped for good). Answers each row,
 * and whether it went into the log.
 */
export async function takePending(db: DbHandle, receipts: string[], since: Date): Promise<TakenPendingEvent[]> {
  const result =
    await sql<TakenPendingEvent>`SELECT * FROM case_events_take_pending(${receipts}::text[], ${since}::timestamptz)`.execute(
      db,
    );
  return result.rows.map((r) => ({
    ...r,
    occurred_at: new Date(r.occurred_at),
    payload: payloadOf(r.payload),
  }));
}

/**
 * Stores events to wait for their case and answers the ids stored now. An id already waiting is left as it was
 * (the first version stays), unless it waited too long (received at or before `expired`): sent again, it waits
 * again, as sent now. An id already in the event log is not stored (it was applied).
 */
export async function storePending(
  db: DbHandle,
  events: CaseEvent[],
  clientId: string | null,
  now: Date,
  expired: Date,
): Promise<Set<string>> {
  if (!events.length) return new Set();
  const result = await sql<{ event_id: string }>`
    INSERT INTO case_events_pending AS p (event_id, receipt_number, type, occurred_at, payload, status_key, status_params, client_id, received_at)
    ${eventRows(events, clientId, now)}
    WHERE NOT EXISTS (SELECT 1 FROM case_events c WHERE c.event_id = e.event_id)
    ON CONFLICT (event_id) DO UPDATE SET
      receipt_number = excluded.receipt_number, type = excluded.type, occurred_at = excluded.occurred_at, payload = excluded.payload,
      status_key = excluded.status_key, status_params = excluded.status_params, client_id = excluded.client_id, received_at = excluded.received_at
      WHERE p.received_at <= ${expired}
    RETURNING event_id`.execute(db);
  return new Set(result.rows.map((r) => r.event_id));
}

/** Deletes the pending rows received before `before` (dropped events, once listed long enough). */
export async function purgePending(db: DbHandle, before: Date): Promise<void> {
  await db.deleteFrom('case_events_pending').where('received_at', '<', before).execute();
}

export type PendingRow = Pick<
  Selectable<CaseEventsPendingTable>,
  'event_id' | 'receipt_number' | 'type' | 'occurred_at' | 'received_at' | 'client_id'
>;

/**
 * Pending events by event id after `after` (of one client, or of all), at most `limit`, and how many of them (of
 * that client, or all) wait and how many were dropped (received at or before `expired`).
 */
export async function pendingEvents(
  db: DbHandle,
  options: { clientId?: string; after?: string; limit: number; expired: Date },
): Promise<{ rows: PendingRow[]; waiting: number; dropped: number }> {
  let list = db
    .selectFrom('case_events_pending')
    .select(['event_id', 'receipt_number', 'type', 'occurred_at', 'received_at', 'client_id']);
  let counts = db
    .selectFrom('case_events_pending')
    .select([
      sql<number>`count(*) FILTER (WHERE received_at > ${options.expired})::int`.as('waiting'),
      sql<number>`count(*) FILTER (WHERE received_at <= ${options.expired})::int`.as('dropped'),
    ]);
  if (options.clientId !== undefined) {
    list = list.where('client_id', '=', options.clientId);
    counts = counts.where('client_id', '=', options.clientId);
  }
  if (options.after !== undefined) list = list.where('event_id', '>', options.after);
  const [rows, total] = await Promise.all([
    list.orderBy('event_id').limit(options.limit).execute(),
    counts.executeTakeFirstOrThrow(),
  ]);
  return { rows, waiting: Number(total.waiting), dropped: Number(total.dropped) };
}

/** A stored event by its id (the notice a `notice_issued` event names is rendered from it). */
export async function eventById(
  db: DbHandle,
  eventId: string,
): Promise<{ receipt_number: string; type: string; occurred_at: Date; payload: unknown } | undefined> {
  return db
    .selectFrom('case_events')
    .select(['receipt_number', 'type', 'occurred_at', 'payload'])
    .where('event_id', '=', eventId)
    .executeTakeFirst();
}
