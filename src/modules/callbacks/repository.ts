import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type {
  CallbackAttemptRow,
  CallbackAttemptsTable,
  CallbackRow,
  CallbacksTable,
  CallbackStatus,
  CallbackTier,
} from './tables.js';

/** All SQL of callbacks (tables of migration 0040). */

/** Callbacks still to place or being placed. */
export const OPEN_STATUSES: readonly CallbackStatus[] = ['waiting_text', 'pending', 'claimed'];

export async function insertCallback(db: DbHandle, row: Insertable<CallbacksTable>): Promise<CallbackRow> {
  return db.insertInto('callbacks').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findCallback(db: DbHandle, id: string): Promise<CallbackRow | undefined> {
  return db.selectFrom('callbacks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockCallback(db: DbHandle, id: string): Promise<CallbackRow | undefined> {
  return db.selectFrom('callbacks').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateCallback(
  db: DbHandle,
  id: string,
  changes: Partial<Omit<CallbackRow, 'id' | 'item_id'>>,
): Promise<void> {
  await db.updateTable('callbacks').set(changes).where('id', '=', id).execute();
}

/** The open callback of an item, if any (one at a time: a second request keeps the first one's place). */
export async function openCallbackOfItem(db: DbHandle, itemId: string): Promise<CallbackRow | undefined> {
  return db
    .selectFrom('callbacks')
    .selectAll()
    .where('item_id', '=', itemId)
    .where('status', 'in', OPEN_STATUSES)
    .forUpdate()
    .executeTakeFirst();
}

export async function callbacksOfItem(db: DbHandle, itemId: string): Promise<CallbackRow[]> {
  return db
    .selectFrom('callbacks')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('requested_at', 'desc')
    .limit(50)
    .execute();
}

/** 1-based place of a callback in its tier's line: the callbacks waiting before it (waiting for a text reply too). */
export async function positionOf(db: DbHandle, c: Pick<CallbackRow, 'id' | 'tier' | 'rank' | 'requested_at'>) {
  const row = await sql<{ ahead: string | number }>`
    SELECT count(*) AS ahead FROM callbacks
    WHERE tier = ${c.tier} AND status IN ('pending', 'waiting_text')
      AND (rank, requested_at, id) < (${c.rank}, ${c.requested_at}, ${c.id}::uuid)`.execute(db);
  return Number(row.rows[0]?.ahead ?? 0) + 1;
}

/**
 * Claims the first callback of these tiers' national lines (rank, then the order of requests) whose calling window is
 * open now, in one statement: `FOR UPDATE SKIP LOCKED` makes two agents claiming at once take different callbacks,
 * and the update checks again that it is still pending. The partial index `callbacks_line_idx` is read in line order;
 * the window test filters it.
 */
export async function claimNextDue(
  db: DbHandle,
  p: { tiers: readonly CallbackTier[]; agentId: string; now: Date },
): Promise<CallbackRow | undefined> {
  if (!p.tiers.length) return undefined;
  const result = await sql<CallbackRow>`
    UPDATE callbacks SET status = 'claimed', claimed_by = ${p.agentId}, claimed_at = ${p.now}
    WHERE id = (
      SELECT id FROM callbacks
      WHERE tier IN (${sql.join(p.tiers)}) AND status = 'pending'
        AND next_attempt_at <= ${p.now} AND window_end_at > ${p.now}
      ORDER BY rank, requested_at, id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    ) AND status = 'pending'
    RETURNING *`.execute(db);
  return result.rows[0];
}

/** The first callback due now in these tiers, without claiming it (what the agent's page shows). */
export async function peekNextDue(
  db: DbHandle,
  p: { tiers: readonly CallbackTier[]; now: Date },
): Promise<CallbackRow | undefined> {
  if (!p.tiers.length) return undefined;
  return db
    .selectFrom('callbacks')
    .selectAll()
    .where('tier', 'in', p.tiers)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', p.now)
    .where('window_end_at', '>', p.now)
    .orderBy('rank')
    .orderBy('requested_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
}

/** How many wait in each tier: due now, and later (a window still closed, a second attempt's hour). */
export async function countsByTier(db: DbHandle, tiers: readonly CallbackTier[], now: Date) {
  if (!tiers.length) return [];
  return db
    .selectFrom('callbacks')
    .select([
      'tier',
      (eb) => eb.fn.countAll<string>().as('waiting'),
      sql<string>`count(*) FILTER (WHERE next_attempt_at <= ${now} AND window_end_at > ${now})`.as('due'),
    ])
    .where('tier', 'in', tiers)
    .where('status', '=', 'pending')
    .groupBy('tier')
    .execute();
}

/** Callbacks an agent holds (claimed, not yet finished). */
export async function claimedBy(db: DbHandle, agentId: string): Promise<CallbackRow[]> {
  return db
    .selectFrom('callbacks')
    .selectAll()
    .where('claimed_by', '=', agentId)
    .where('status', '=', 'claimed')
    .orderBy('claimed_at')
    .limit(50)
    .execute();
}

/** Pending callbacks whose window closed before anyone placed them (moved to the next opening by the service). */
export async function pendingWithClosedWindow(db: DbHandle, now: Date, limit = 500): Promise<CallbackRow[]> {
  return db
    .selectFrom('callbacks')
    .selectAll()
    .where('status', '=', 'pending')
    .where('window_end_at', '<=', now)
    .orderBy('window_end_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** Text Ahead asks whose hour passed without a reply. */
export async function textWaitsOver(db: DbHandle, now: Date, limit = 100): Promise<{ id: string }[]> {
  return db
    .selectFrom('callbacks')
    .select('id')
    .where('status', '=', 'waiting_text')
    .where('text_ahead_until', '<=', now)
    .limit(limit)
    .execute();
}

/** The time zones of pending callbacks (a change of high-volume mode moves each zone's windows). */
export async function pendingZones(db: DbHandle): Promise<string[]> {
  const rows = await db
    .selectFrom('callbacks')
    .select('time_zone')
    .distinct()
    .where('status', '=', 'pending')
    .execute();
  return rows.map((r) => r.time_zone);
}

export async function setWindowOfZone(
  db: DbHandle,
  p: { timeZone: string; now: Date; first: boolean; start: Date; end: Date },
): Promise<void> {
  await db
    .updateTable('callbacks')
    .set({ next_attempt_at: p.start, window_end_at: p.end })
    .where('status', '=', 'pending')
    .where('time_zone', '=', p.timeZone)
    .where('attempts', p.first ? '=' : '>', 0)
    .where('not_before', '<=', p.now)
    .execute();
}

export async function pendingNotBefore(db: DbHandle, now: Date): Promise<CallbackRow[]> {
  return db
    .selectFrom('callbacks')
    .selectAll()
    .where('status', '=', 'pending')
    .where('not_before', '>', now)
    .forUpdate()
    .execute();
}

export async function insertAttempt(db: DbHandle, row: Insertable<CallbackAttemptsTable>): Promise<void> {
  await db.insertInto('callback_attempts').values(row).execute();
}

export async function attemptsOf(db: DbHandle, callbackId: string): Promise<CallbackAttemptRow[]> {
  return db
    .selectFrom('callback_attempts')
    .selectAll()
    .where('callback_id', '=', callbackId)
    .orderBy('id')
    .execute();
}

export async function highVolume(db: DbHandle): Promise<boolean> {
  const row = await db.selectFrom('callback_settings').select('high_volume').where('id', '=', 1).executeTakeFirst();
  return row?.high_volume ?? false;
}

export async function settings(db: DbHandle) {
  return db.selectFrom('callback_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

export async function setHighVolume(db: DbHandle, p: { on: boolean; by: string; at: Date }): Promise<boolean> {
  const before = await db
    .selectFrom('callback_settings')
    .select('high_volume')
    .where('id', '=', 1)
    .forUpdate()
    .executeTakeFirstOrThrow();
  await db
    .updateTable('callback_settings')
    .set({ high_volume: p.on, changed_by: p.by, changed_at: p.at })
    .where('id', '=', 1)
    .execute();
  return before.high_volume;
}

/**
 * CB-4 for the dashboards: callbacks finished in a period (closed_at in [from, to)), how many reached nobody (the
 * item closed after the failed attempts), with and without Text Ahead.
 */
export async function reachByTextAhead(db: DbHandle, p: { from: Date; to: Date }) {
  const rows = await db
    .selectFrom('callbacks')
    .select([
      'text_ahead',
      (eb) => eb.fn.countAll<string>().as('finished'),
      sql<string>`count(*) FILTER (WHERE status = 'unreached')`.as('unreached'),
    ])
    .where('closed_at', '>=', p.from)
    .where('closed_at', '<', p.to)
    .where('status', 'in', ['answered', 'unreached'])
    .groupBy('text_ahead')
    .execute();
  return rows.map((r) => ({ textAhead: r.text_ahead, finished: Number(r.finished), unreached: Number(r.unreached) }));
}
