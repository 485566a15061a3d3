import { sql } from 'kysely';
import { preparedQuery, type DbHandle } from '../../platform/db/database.js';
import type {
  AppointmentSitesTable,
  BookingPurpose,
  BookingRow,
  ClosureRow,
  SiteRow,
  SiteService,
  SlotRow,
  SlotTemplateRow,
} from './tables.js';
import type { Insertable } from 'kysely';

/**
 * All SQL of appointments (migration 0042): sites, weekly slot templates, closures, the slots materialised from
 * them, and bookings. A seat is taken by one conditional UPDATE (`booked < capacity`) and the booking row in the same
 * statement (`bookSeat`), so no interleaving of bookers can oversell a slot (and the table's CHECK would refuse it).
 */

// ---- Sites ---------------------------------------------------------------------------------------------------------

export async function listSites(db: DbHandle): Promise<SiteRow[]> {
  return db.selectFrom('appointment_sites').selectAll().orderBy('state').orderBy('city').orderBy('code').execute();
}

export async function findSite(db: DbHandle, code: string): Promise<SiteRow | undefined> {
  return db.selectFrom('appointment_sites').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function insertSite(db: DbHandle, site: Insertable<AppointmentSitesTable>): Promise<boolean> {
  const r = await db
    .insertInto('appointment_sites')
    .values(site)
    .onConflict((oc) => oc.column('code').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateSite(db: DbHandle, site: Insertable<AppointmentSitesTable>): Promise<SiteRow | undefined> {
  const { code, ...rest } = site;
  return db.updateTable('appointment_sites').set(rest).where('code', '=', code).returningAll().executeTakeFirst();
}

// ---- Templates -----------------------------------------------------------------------------------------------------

export async function listTemplates(db: DbHandle, siteCode?: string): Promise<SlotTemplateRow[]> {
  let q = db.selectFrom('appointment_slot_templates').selectAll();
  if (siteCode !== undefined) q = q.where('site_code', '=', siteCode);
  return q.orderBy('site_code').orderBy('weekday').orderBy('start_time').execute();
}

export async function insertTemplate(db: DbHandle, row: SlotTemplateRow): Promise<boolean> {
  const r = await db
    .insertInto('appointment_slot_templates')
    .values(row)
    .onConflict((oc) => oc.columns(['site_code', 'weekday', 'start_time']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function insertTemplates(db: DbHandle, rows: readonly SlotTemplateRow[]): Promise<void> {
  if (rows.length) await db.insertInto('appointment_slot_templates').values(rows).execute();
}

export async function deleteTemplate(db: DbHandle, siteCode: string, id: string): Promise<SlotTemplateRow | undefined> {
  return db
    .deleteFrom('appointment_slot_templates')
    .where('id', '=', id)
    .where('site_code', '=', siteCode)
    .returningAll()
    .executeTakeFirst();
}

// ---- Closures ------------------------------------------------------------------------------------------------------

export async function listClosures(db: DbHandle, fromDate?: string): Promise<ClosureRow[]> {
  let q = db.selectFrom('appointment_closures').selectAll();
  if (fromDate) q = q.where('date', '>=', fromDate);
  return q.orderBy('date').orderBy('site_code').execute();
}

export async function insertClosure(db: DbHandle, row: ClosureRow): Promise<boolean> {
  const existing = await db
    .selectFrom('appointment_closures')
    .select('id')
    .where('date', '=', row.date)
    .where((eb) => (row.site_code === null ? eb('site_code', 'is', null) : eb('site_code', '=', row.site_code)))
    .executeTakeFirst();
  if (existing) return false;
  await db.insertInto('appointment_closures').values(row).execute();
  return true;
}

export async function deleteClosure(db: DbHandle, id: string): Promise<ClosureRow | undefined> {
  return db.deleteFrom('appointment_closures').where('id', '=', id).returningAll().executeTakeFirst();
}

// ---- Slots ---------------------------------------------------------------------------------------------------------

export type NewSlot = Pick<SlotRow, 'site_code' | 'local_date' | 'local_time' | 'starts_at' | 'ends_at' | 'capacity'>;

/** Adds slots not there yet (a slot already materialised, booked or not, is kept as it is). Answers how many. */
export async function insertSlots(db: DbHandle, slots: readonly NewSlot[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < slots.length; i += 1000) {
    const r = await db
      .insertInto('appointment_slots')
      .values(slots.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['site_code', 'starts_at']).doNothing())
      .executeTakeFirst();
    added += Number(r.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/**
 * Takes slots out of the offer from `after` on: those without bookings are deleted, those with bookings keep them
 * but take no more (capacity = booked). Answers the number deleted and the number kept for their bookings.
 */
export async function withdrawSlots(
  db: DbHandle,
  where: { siteCode: string | null; date?: string; weekday?: number; time?: string; after: Date },
): Promise<{ deleted: number; kept: number }> {
  let del = db.deleteFrom('appointment_slots').where('booked', '=', 0).where('starts_at', '>', where.after);
  let cap = db
    .updateTable('appointment_slots')
    .set((eb) => ({ capacity: eb.ref('booked') }))
    .where('booked', '>', 0)
    .where('starts_at', '>', where.after);
  if (where.siteCode !== null) {
    del = del.where('site_code', '=', where.siteCode);
    cap = cap.where('site_code', '=', where.siteCode);
  }
  if (where.date) {
    del = del.where('local_date', '=', where.date);
    cap = cap.where('local_date', '=', where.date);
  }
  if (where.weekday !== undefined) {
    del = del.where(sql<number>`extract(isodow from local_date)`, '=', where.weekday);
    cap = cap.where(sql<number>`extract(isodow from local_date)`, '=', where.weekday);
  }
  if (where.time) {
    del = del.where('local_time', '=', where.time);
    cap = cap.where('local_time', '=', where.time);
  }
  const d = await del.executeTakeFirst();
  const c = await cap.executeTakeFirst();
  return { deleted: Number(d.numDeletedRows), kept: Number(c.numUpdatedRows) };
}

/** A template's new capacity on its slots to come (never below what is booked). */
export async function setSlotCapacity(
  db: DbHandle,
  where: { siteCode: string; weekday: number; time: string; after: Date; capacity: number },
): Promise<void> {
  await db
    .updateTable('appointment_slots')
    .set({ capacity: sql<number>`greatest(${where.capacity}::integer, booked)` })
    .where('site_code', '=', where.siteCode)
    .where(sql<number>`extract(isodow from local_date)`, '=', where.weekday)
    .where('local_time', '=', where.time)
    .where('starts_at', '>', where.after)
    .execute();
}

export async function findSlot(db: DbHandle, id: number): Promise<SlotRow | undefined> {
  return db.selectFrom('appointment_slots').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The free slots of a site from a moment on, earliest first. */
export async function freeSlots(db: DbHandle, siteCode: string, notBefore: Date, limit: number): Promise<SlotRow[]> {
  return db
    .selectFrom('appointment_slots')
    .selectAll()
    .where('site_code', '=', siteCode)
    .where('starts_at', '>=', notBefore)
    .where((eb) => eb('booked', '<', eb.ref('capacity')))
    .orderBy('starts_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function slotsOfSite(
  db: DbHandle,
  siteCode: string,
  fromDate: string,
  toDate: string,
): Promise<SlotRow[]> {
  return db
    .selectFrom('appointment_slots')
    .selectAll()
    .where('site_code', '=', siteCode)
    .where('local_date', '>=', fromDate)
    .where('local_date', '<=', toDate)
    .orderBy('starts_at')
    .execute();
}

// ---- Bookings ------------------------------------------------------------------------------------------------------

export interface SeatRequest {
  bookingId: string;
  slotId: number;
  service: SiteService;
  purpose: BookingPurpose;
  caseId: number | null;
  serviceItemId: string | null;
  now: Date;
}

type SeatRow = BookingRow & {
  s_site_code: string | null;
  s_local_date: string | null;
  s_local_time: string | null;
  s_starts_at: Date | null;
  s_ends_at: Date | null;
  s_capacity: number | null;
  s_booked: number | null;
  /** When no seat was taken: whether the slot exists, its start, and whether its site is active and offers it. */
  r_exists: boolean;
  r_passed: boolean | null;
  r_offered: boolean | null;
};

/**
 * The booking statement, prepared once per connection (`preparedQuery`): the conditional UPDATE of the slot (joined
 * to its site: active and offering the service), the INSERT of the booking from the row the UPDATE returned, and, for
 * a refusal, the slot and site as the statement's snapshot saw them (to tell why: unknown, passed, not offered, else
 * full; `booked` of that snapshot may be older than the UPDATE's, so it is not used).
 */
const seatStatement = preparedQuery(
  (
    db: DbHandle,
    slotId: number,
    now: Date,
    service: string,
    purpose: string,
    bookingId: string,
    caseId: number | null,
    serviceItemId: string | null,
  ) => {
    const raw = sql<SeatRow>`
    WITH taken AS (
      UPDATE appointment_slots s SET booked = s.booked + 1
      FROM appointment_sites site
      WHERE s.id = ${slotId}::bigint AND s.booked < s.capacity AND s.starts_at > ${now}::timestamptz
        AND site.code = s.site_code AND site.active AND ${service}::text = ANY (site.services)
      RETURNING s.id, s.site_code, s.local_date, s.local_time, s.starts_at, s.ends_at, s.capacity, s.booked
    ), booking AS (
      INSERT INTO appointment_bookings (id, slot_id, purpose, service, case_id, service_item_id, status, created_at, status_at)
      SELECT ${bookingId}::uuid, taken.id, ${purpose}::text, ${service}::text, ${caseId}::integer,
        ${serviceItemId}::uuid, 'booked', ${now}::timestamptz, ${now}::timestamptz
      FROM taken
      RETURNING id, slot_id, purpose, service, case_id, service_item_id, status, rescheduled_to, created_at, status_at
    )
    SELECT booking.id, booking.slot_id, booking.purpose, booking.service, booking.case_id, booking.service_item_id,
      booking.status, booking.rescheduled_to, booking.created_at, booking.status_at,
      taken.site_code AS s_site_code, taken.local_date AS s_local_date, taken.local_time AS s_local_time,
      taken.starts_at AS s_starts_at, taken.ends_at AS s_ends_at, taken.capacity AS s_capacity, taken.booked AS s_booked,
      slot.id IS NOT NULL AS r_exists, slot.starts_at <= ${now}::timestamptz AS r_passed,
      (site.active AND ${service}::text = ANY (site.services)) AS r_offered
    FROM (SELECT 1) AS one
    LEFT JOIN booking ON true
    LEFT JOIN taken ON taken.id = booking.slot_id
    LEFT JOIN appointment_slots slot ON booking.id IS NULL AND slot.id = ${slotId}::bigint
    LEFT JOIN appointment_sites site ON site.code = slot.site_code`;
    return { compile: () => raw.compile(db) };
  },
);

export type SeatRefusal = 'unknown_slot' | 'passed' | 'not_offered' | 'full';

/**
 * Takes one seat of a slot and writes the booking, in one statement (one round trip, one transaction): the UPDATE
 * takes the seat only while `booked < capacity` (PostgreSQL re-checks that on the row's newest version after waiting
 * for a concurrent booker's lock), the slot is still to come, and its site is active and offers the service; the
 * INSERT writes the booking only from the row the UPDATE returned. Answers the booking and the slot as it is after
 * the booking, or why no seat was taken.
 */
export async function bookSeat(
  db: DbHandle,
  r: SeatRequest,
): Promise<{ ok: true; booking: BookingRow; slot: SlotRow } | { ok: false; problem: SeatRefusal }> {
  const [row] = await seatStatement(db, r.slotId, r.now, r.service, r.purpose, r.bookingId, r.caseId, r.serviceItemId);
  if (!row) throw new Error('the booking statement answered no row');
  const {
    s_site_code,
    s_local_date,
    s_local_time,
    s_starts_at,
    s_ends_at,
    s_capacity,
    s_booked,
    r_exists,
    r_passed,
    r_offered,
    ...booking
  } = row;
  if (booking.id === null || s_site_code === null) {
    const problem: SeatRefusal = !r_exists ? 'unknown_slot' : !r_offered ? 'not_offered' : r_passed ? 'passed' : 'full';
    return { ok: false, problem };
  }
  return {
    ok: true,
    booking,
    slot: {
      id: booking.slot_id,
      site_code: s_site_code,
      local_date: s_local_date!,
      local_time: s_local_time!,
      starts_at: s_starts_at!,
      ends_at: s_ends_at!,
      capacity: s_capacity!,
      booked: s_booked!,
    },
  };
}

export async function findBooking(db: DbHandle, id: string, forUpdate = false): Promise<BookingRow | undefined> {
  let q = db.selectFrom('appointment_bookings').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Ends a booking (cancelled, or rescheduled to another) and gives its seat back, if it was still booked. */
export async function endBooking(
  db: DbHandle,
  id: string,
  end: { status: 'cancelled' | 'rescheduled'; rescheduledTo?: string; at: Date },
): Promise<BookingRow | undefined> {
  const ended = await db
    .updateTable('appointment_bookings')
    .set({ status: end.status, rescheduled_to: end.rescheduledTo ?? null, status_at: end.at })
    .where('id', '=', id)
    .where('status', '=', 'booked')
    .returningAll()
    .executeTakeFirst();
  if (!ended) return undefined;
  await db
    .updateTable('appointment_slots')
    .set((eb) => ({ booked: eb('booked', '-', 1) }))
    .where('id', '=', ended.slot_id)
    .execute();
  return ended;
}

export interface BookingView extends BookingRow {
  site_code: string;
  starts_at: Date;
  ends_at: Date;
}

export async function bookingView(db: DbHandle, id: string): Promise<BookingView | undefined> {
  return db
    .selectFrom('appointment_bookings as b')
    .innerJoin('appointment_slots as s', 's.id', 'b.slot_id')
    .selectAll('b')
    .select(['s.site_code', 's.starts_at', 's.ends_at'])
    .where('b.id', '=', id)
    .executeTakeFirst();
}

export async function bookingsOf(
  db: DbHandle,
  subject: { caseId?: number; serviceItemId?: string },
): Promise<BookingView[]> {
  let q = db
    .selectFrom('appointment_bookings as b')
    .innerJoin('appointment_slots as s', 's.id', 'b.slot_id')
    .selectAll('b')
    .select(['s.site_code', 's.starts_at', 's.ends_at']);
  if (subject.caseId !== undefined) q = q.where('b.case_id', '=', subject.caseId);
  if (subject.serviceItemId !== undefined) q = q.where('b.service_item_id', '=', subject.serviceItemId);
  return q.orderBy('b.created_at').execute();
}
