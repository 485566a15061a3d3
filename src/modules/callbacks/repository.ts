import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import { preparedQuery, type DbHandle } from '../../platform/db/database.js';
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

/** Changes a callback only while it is still in the status it was read in (a claim or the sweep may move it on). */
export async function updateCallbackIf(
  db: DbHandle,
  id: string,
  status: CallbackStatus,
  changes: Partial<Omit<CallbackRow, 'id' | 'item_id'>>,
): Promise<void> {
  await db.updateTable('callbacks').set(changes).where('id', '=', id).where('status', '=', status).execute();
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
 * A line's group: the pending callbacks of one tier and zone for one kind of attempt (0: first; 1: the last), whose
 * calling window is the same (the service knows in which groups it is open now and asks only those).
 */
export interface LineGroup {
  tier: CallbackTier;
  timeZone: string;
  attempts: 0 | 1;
  /** Only the callbacks a Text Ahead "Y" put first (rank 0): a first attempt's group after 7:30 p.m. local. */
  confirmedOnly?: boolean;
}

/** Every column of a callback, named (a prepared statement must not use `*`: see preparedQuery). */
const CALLBACK_COLUMNS = [
  'id',
  'item_id',
  'tier',
  'phones',
  'language',
  'time_zone',
  'source',
  'requested_by',
  'requested_at',
  'status',
  'rank',
  'attempts',
  'not_before',
  'next_attempt_at',
  'window_end_at',
  'claimed_by',
  'claimed_at',
  'text_ahead',
  'text_ahead_state',
  'text_ahead_until',
  'closed_at',
] as const satisfies readonly (keyof CallbacksTable)[];

/** The groups as four parallel arrays: the statement's text is the same however many groups are open. */
function groupArrays(groups: readonly LineGroup[]) {
  return [
    groups.map((g) => g.tier),
    groups.map((g) => g.timeZone),
    groups.map((g) => g.attempts),
    groups.map((g) => Boolean(g.confirmedOnly)),
  ] as const;
}

/**
 * The head of each group (its first callback in line order that is due now; `callbacks_group_idx` gives each in one
 * index descent), then the first of the heads in line order: the first due callback of the tiers' national lines.
 * Only callbacks' own columns: whether the callback still follows its item (not resolved or closed, still in this
 * tier, CC-6) is asked of service-items for the one callback chosen (the service's pick), not read here.
 * The window test is written as a range ([next_attempt_at, window_end_at) holds now), which no index answers: the
 * planner then walks the group's index in line order, whatever its statistics say about window ends (stale ones made
 * it read `callbacks_window_end_idx` and sort instead).
 * The groups come as arrays (unnest), so the text is constant and runs as a prepared statement: PostgreSQL plans it
 * once per connection instead of on every pick (planning took several times the execution).
 */
function headOfGroups(
  tiers: readonly string[],
  zones: readonly string[],
  attempts: readonly number[],
  confirmedOnly: readonly boolean[],
  now: Date,
  lock: boolean,
) {
  return sql<string>`(
      SELECT h.id FROM unnest(${tiers}::text[], ${zones}::text[], ${attempts}::smallint[], ${confirmedOnly}::boolean[])
        AS g (tier, zone, attempts, confirmed_only)
      CROSS JOIN LATERAL (
        SELECT c.id, c.rank, c.requested_at FROM callbacks c
        WHERE c.tier = g.tier AND c.time_zone = g.zone AND c.attempts = g.attempts AND c.status = 'pending'
          AND (NOT g.confirmed_only OR c.rank = 0)
          AND tstzrange(c.next_attempt_at, c.window_end_at) @> ${now}::timestamptz
        ORDER BY c.rank, c.requested_at, c.id
        LIMIT 1
        ${lock ? sql`FOR UPDATE SKIP LOCKED` : sql``}
      ) AS h
      ORDER BY h.rank, h.requested_at, h.id
      LIMIT 1)`;
}

const claimStatement = preparedQuery(
  (
    db: DbHandle,
    agentId: string,
    now: Date,
    tiers: readonly string[],
    zones: readonly string[],
    attempts: readonly number[],
    confirmedOnly: readonly boolean[],
  ) =>
    db
      .updateTable('callbacks')
      .set({ status: 'claimed', claimed_by: agentId, claimed_at: now })
      .where('id', '=', headOfGroups(tiers, zones, attempts, confirmedOnly, now, true))
      .where('status', '=', 'pending')
      .returning(CALLBACK_COLUMNS),
);

const peekStatement = preparedQuery(
  (
    db: DbHandle,
    now: Date,
    tiers: readonly string[],
    zones: readonly string[],
    attempts: readonly number[],
    confirmedOnly: readonly boolean[],
  ) =>
    db
      .selectFrom('callbacks')
      .select(CALLBACK_COLUMNS)
      .where('id', '=', headOfGroups(tiers, zones, attempts, confirmedOnly, now, false)),
);

/**
 * Claims the first due callback of these groups, in one statement: `FOR UPDATE SKIP LOCKED` on each group's head
 * makes two agents claiming at once take different callbacks (the second skips the heads the first holds), and the
 * update checks again that it is still pending.
 */
export async function claimNextDue(
  db: DbHandle,
  p: { groups: readonly LineGroup[]; agentId: string; now: Date },
): Promise<CallbackRow | undefined> {
  if (!p.groups.length) return undefined;
  const [row] = await claimStatement(db, p.agentId, p.now, ...groupArrays(p.groups));
  return row;
}

/** The first due callback of these groups, without claiming it (what the agent's page shows). */
export async function peekNextDue(
  db: DbHandle,
  p: { groups: readonly LineGroup[]; now: Date },
): Promise<CallbackRow | undefined> {
  if (!p.groups.length) return undefined;
  const [row] = await peekStatement(db, p.now, ...groupArrays(p.groups));
  return row;
}

/** The zones pending callbacks of a tier are timed for (a loose index scan of `callbacks_group_idx`). */
export async function pendingZonesOfTier(db: DbHandle, tier: CallbackTier): Promise<string[]> {
  const result = await sql<{ time_zone: string | null }>`
    WITH RECURSIVE z AS (
      (SELECT time_zone FROM callbacks WHERE tier = ${tier} AND status = 'pending' ORDER BY time_zone LIMIT 1)
      UNION ALL
      SELECT (SELECT c.time_zone FROM callbacks c
              WHERE c.tier = ${tier} AND c.status = 'pending' AND c.time_zone > z.time_zone
              ORDER BY c.time_zone LIMIT 1)
      FROM z WHERE z.time_zone IS NOT NULL
    )
    SELECT time_zone FROM z WHERE time_zone IS NOT NULL`.execute(db);
  return result.rows.map((r) => r.time_zone!);
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

/** The zones (and kinds of attempt: first or last) of pending callbacks whose window closed before anyone placed them. */
export async function closedWindowGroups(db: DbHandle, now: Date): Promise<{ time_zone: string; first: boolean }[]> {
  const rows = await sql<{ time_zone: string; first: boolean }>`
    SELECT DISTINCT time_zone, attempts = 0 AS first FROM callbacks
    WHERE status = 'pending' AND window_end_at <= ${now}`.execute(db);
  return rows.rows;
}

/** Moves those of a zone that may be placed from now on to the window given (the next opening in that zone). */
export async function rollClosedWindows(
  db: DbHandle,
  p: { timeZone: string; first: boolean; now: Date; start: Date; end: Date },
): Promise<void> {
  await db
    .updateTable('callbacks')
    .set({ next_attempt_at: p.start, window_end_at: p.end })
    .where('status', '=', 'pending')
    .where('window_end_at', '<=', p.now)
    .where('time_zone', '=', p.timeZone)
    .where('attempts', p.first ? '=' : '>', 0)
    .where('not_before', '<=', p.now)
    .execute();
}

/** Pending callbacks whose window closed and that may not be placed before a later moment (locked). */
export async function closedWindowsNotBefore(db: DbHandle, now: Date): Promise<CallbackRow[]> {
  return db
    .selectFrom('callbacks')
    .selectAll()
    .where('status', '=', 'pending')
    .where('window_end_at', '<=', now)
    .where('not_before', '>', now)
    .forUpdate()
    .skipLocked()
    .execute();
}

/** The earliest close of a pending callback's window (`callbacks_window_end_idx`). */
export async function earliestWindowEnd(db: DbHandle): Promise<Date | undefined> {
  const row = await db
    .selectFrom('callbacks')
    .select('window_end_at')
    .where('status', '=', 'pending')
    .orderBy('window_end_at')
    .limit(1)
    .executeTakeFirst();
  return row?.window_end_at;
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
  return db.selectFrom('callback_attempts').selectAll().where('callback_id', '=', callbackId).orderBy('id').execute();
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

/** Claimed callbacks (few: one or two per agent at work), locked, for the sweep that hands stale claims back. */
export async function claimedCallbacks(db: DbHandle): Promise<CallbackRow[]> {
  return db.selectFrom('callbacks').selectAll().where('status', '=', 'claimed').forUpdate().skipLocked().execute();
}

/** Agent-requested callbacks waiting for their Text Ahead ask to be sent (their window open at `now`), oldest first. */
export async function asksToSend(db: DbHandle, now: Date, limit = 50): Promise<CallbackRow[]> {
  return db
    .selectFrom('callbacks')
    .selectAll()
    .where('status', '=', 'waiting_text')
    .where('text_ahead_until', 'is', null)
    .where('next_attempt_at', '<=', now)
    .orderBy('requested_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** How many callbacks of a tier are due now ahead of one in line order (how near it is to the head). */
export async function dueAhead(db: DbHandle, c: Pick<CallbackRow, 'id' | 'tier' | 'rank' | 'requested_at'>, now: Date) {
  const row = await sql<{ ahead: string | number }>`
    SELECT count(*) AS ahead FROM callbacks
    WHERE tier = ${c.tier} AND status = 'pending' AND next_attempt_at <= ${now} AND window_end_at > ${now}
      AND (rank, requested_at, id) < (${c.rank}, ${c.requested_at}, ${c.id}::uuid)`.execute(db);
  return Number(row.rows[0]?.ahead ?? 0);
}

/** Agents' callbacks whose Text Ahead ask is still to send and whose window closed (moved to the next opening). */
export async function asksWindowClosed(db: DbHandle, now: Date): Promise<CallbackRow[]> {
  return db
    .selectFrom('callbacks')
    .selectAll()
    .where('status', '=', 'waiting_text')
    .where('text_ahead_until', 'is', null)
    .where('window_end_at', '<=', now)
    .limit(500)
    .execute();
}

/** Ends a claimed callback whose item was resolved or closed meanwhile. */
export async function cancelClaimed(db: DbHandle, id: string, now: Date): Promise<void> {
  await db
    .updateTable('callbacks')
    .set({ status: 'cancelled', claimed_by: null, closed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'claimed')
    .execute();
}
