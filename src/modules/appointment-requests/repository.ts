import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { AppointmentRequestRow, AppointmentRequestsTable } from './tables.js';
import type { Insertable } from 'kysely';

/** All SQL of the appointment-requests module. */

export async function insertRequest(db: DbHandle, row: Insertable<AppointmentRequestsTable>): Promise<void> {
  await db.insertInto('appointment_requests').values(row).execute();
}

export async function findByItemNumber(
  db: DbHandle,
  itemNumber: number,
  forUpdate = false,
): Promise<AppointmentRequestRow | undefined> {
  let q = db.selectFrom('appointment_requests').selectAll().where('item_number', '=', itemNumber);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function findById(
  db: DbHandle,
  id: string,
  forUpdate = false,
): Promise<AppointmentRequestRow | undefined> {
  let q = db.selectFrom('appointment_requests').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function updateRequest(
  db: DbHandle,
  id: string,
  set: Partial<
    Pick<
      AppointmentRequestRow,
      'status' | 'booking_id' | 'decided_at' | 'booked_at' | 'appointment_at' | 'cancelled_at' | 'reminded_at'
    >
  >,
): Promise<void> {
  await db.updateTable('appointment_requests').set(set).where('id', '=', id).execute();
}

/**
 * The tries of a reference number, locked until the transaction ends (made when there is none): every try of one
 * reference waits for the one before it, so simultaneous tries cannot pass the limit. Rows whose period has ended
 * (before `staleBefore`) are removed as tries come.
 */
export async function lockViewTries(
  db: DbHandle,
  reference: number,
  now: Date,
  staleBefore: Date,
): Promise<{ failures: number; since: Date }> {
  // A few rows whose period has ended, skipping any another try holds: never waits, so never deadlocks.
  await db
    .deleteFrom('appointment_view_tries')
    .where('reference', 'in', (eb) =>
      eb
        .selectFrom('appointment_view_tries')
        .select('reference')
        .where('since', '<', staleBefore)
        .where('reference', '!=', reference)
        .orderBy('reference')
        .limit(100)
        .forUpdate()
        .skipLocked(),
    )
    .execute();
  return (
    db
      .insertInto('appointment_view_tries')
      .values({ reference, failures: 0, since: now })
      // A no-op update rather than DO NOTHING: the row is returned and locked whether it was made or found.
      .onConflict((oc) =>
        oc.column('reference').doUpdateSet((eb) => ({ failures: eb.ref('appointment_view_tries.failures') })),
      )
      .returning(['failures', 'since'])
      .executeTakeFirstOrThrow()
  );
}

export async function setViewTries(db: DbHandle, reference: number, set: { failures: number; since: Date }) {
  await db.updateTable('appointment_view_tries').set(set).where('reference', '=', reference).execute();
}

/**
 * CC-8: of the requests booked at a field office in [from, to), how many have their appointment within `withinDays`
 * days of the request (cancelled ones count: they were given).
 */
export async function bookingLeadTimes(
  db: DbHandle,
  range: { from: Date; to: Date; withinDays: number },
): Promise<{ booked: number; within: number }> {
  const row = await db
    .selectFrom('appointment_requests')
    .select([
      sql<number>`count(*)::int`.as('booked'),
      sql<number>`count(*) FILTER (WHERE appointment_at - created_at <= make_interval(days => ${range.withinDays}))::int`.as(
        'within',
      ),
    ])
    .where('booked_at', '>=', range.from)
    .where('booked_at', '<', range.to)
    .executeTakeFirstOrThrow();
  return { booked: Number(row.booked), within: Number(row.within) };
}
