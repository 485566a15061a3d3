import type { DbHandle } from '../../platform/db/database.js';
import type { Insertable } from 'kysely';
import type { BiometricsReschedulesTable, RequestRow, RequestStatus, RescheduleRow } from './tables.js';

/** All SQL of biometrics (migration 0043): the lead time, the requests (one per event) and the reschedules asked. */

export async function leadDays(db: DbHandle): Promise<number> {
  const row = await db.selectFrom('biometrics_settings').select('lead_days').executeTakeFirst();
  return row?.lead_days ?? 14;
}

export async function settings(db: DbHandle) {
  return db
    .selectFrom('biometrics_settings')
    .select(['lead_days', 'updated_at', 'updated_by'])
    .executeTakeFirstOrThrow();
}

export async function setLeadDays(db: DbHandle, days: number, by: string, at: Date): Promise<number> {
  const before = await leadDays(db);
  await db.updateTable('biometrics_settings').set({ lead_days: days, updated_at: at, updated_by: by }).execute();
  return before;
}

/** Stores the requests not stored yet (an event asks once); answers those stored now. */
export async function insertRequests(
  db: DbHandle,
  rows: Omit<RequestRow, 'booking_id' | 'zip' | 'zip_source'>[],
): Promise<RequestRow[]> {
  if (!rows.length) return [];
  return db
    .insertInto('biometrics_requests')
    .values(rows)
    .onConflict((oc) => oc.column('event_id').doNothing())
    .returningAll()
    .execute();
}

export async function findRequest(db: DbHandle, id: string): Promise<RequestRow | undefined> {
  return db.selectFrom('biometrics_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function requestByEvent(db: DbHandle, eventId: string): Promise<RequestRow | undefined> {
  return db.selectFrom('biometrics_requests').selectAll().where('event_id', '=', eventId).executeTakeFirst();
}

/** The requests of a case, newest first. */
export async function requestsOfCase(db: DbHandle, caseId: number): Promise<RequestRow[]> {
  return db
    .selectFrom('biometrics_requests')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('created_at', 'desc')
    .orderBy('requested_at', 'desc')
    .execute();
}

/**
 * The case's request holding its appointment: the latest scheduled one (the one place that says which: the page,
 * the scheduling job and the reschedules all ask here).
 */
export async function scheduledRequestOfCase(db: DbHandle, caseId: number): Promise<RequestRow | undefined> {
  return db
    .selectFrom('biometrics_requests')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('status', '=', 'scheduled')
    .orderBy('status_at', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Locks every request of a case until the transaction ends (in id order, so two lockers never deadlock): the
 * per-case lock under which the case's appointment is read and booked or moved, so that two requests (or a request
 * and a reschedule) of one case never both book a seat. Row locks, which PGlite (one session) grants at once.
 */
export async function lockRequestsOfCase(db: DbHandle, caseId: number): Promise<void> {
  await db
    .selectFrom('biometrics_requests')
    .select('id')
    .where('case_id', '=', caseId)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export async function setRequestStatus(
  db: DbHandle,
  id: string,
  p: {
    status: RequestStatus;
    at: Date;
    bookingId?: string | null;
    zip?: string | null;
    zipSource?: 'case' | 'address_change' | null;
  },
): Promise<void> {
  await db
    .updateTable('biometrics_requests')
    .set({
      status: p.status,
      status_at: p.at,
      ...(p.bookingId !== undefined ? { booking_id: p.bookingId } : {}),
      ...(p.zip !== undefined ? { zip: p.zip, zip_source: p.zipSource ?? null } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Requests left without an appointment (no ZIP code, no free slot), longest waiting first. */
export async function unscheduledRequestIds(db: DbHandle, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('biometrics_requests')
    .select('id')
    .where('status', 'in', ['no_zip', 'no_slot'])
    .orderBy('status_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Puts a request left without an appointment back to `waiting` (only from `no_zip`/`no_slot`). */
export async function reopenRequest(db: DbHandle, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('biometrics_requests')
    .set({ status: 'waiting', status_at: at })
    .where('id', '=', id)
    .where('status', 'in', ['no_zip', 'no_slot'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Moves a request to its new booking (a reschedule). */
export async function moveRequest(db: DbHandle, id: string, bookingId: string, at: Date): Promise<void> {
  await db
    .updateTable('biometrics_requests')
    .set({ booking_id: bookingId, status_at: at })
    .where('id', '=', id)
    .execute();
}

export async function insertReschedule(db: DbHandle, row: Insertable<BiometricsReschedulesTable>): Promise<void> {
  await db.insertInto('biometrics_reschedules').values(row).execute();
}

/** The reschedules asked for a case, newest first (BIO-4). */
export async function reschedulesOfCase(db: DbHandle, caseId: number): Promise<RescheduleRow[]> {
  return db
    .selectFrom('biometrics_reschedules')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** The online reschedules done for a request (BIO-2 counts them). */
export async function onlineReschedulesDone(db: DbHandle, requestId: string): Promise<number> {
  const row = await db
    .selectFrom('biometrics_reschedules')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('request_id', '=', requestId)
    .where('channel', '=', 'online')
    .where('state', '=', 'done')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
