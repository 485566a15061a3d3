import { sql } from 'kysely';
import { preparedQuery, type DbHandle } from '../../platform/db/database.js';
import type { CallOutcome, VoiceCallRow, VoiceMenuVersionRow } from './tables.js';

/**
 * All SQL of the voice assistant, on its own tables (voice_menu_versions, voice_calls, voice_call_statuses). The
 * statements every webhook runs are prepared queries (ADR 14: named statements, built once): a call's start, the
 * append of each answer (no read: the call's state comes with the request, call-state.ts), the claim of the row for
 * the call's item, a call's row by its SID, and its status callbacks.
 */

/** Every column of voice_calls, named (a prepared query never selects `*`). */
const CALL_COLUMNS = [
  'call_sid',
  'menu_version',
  'from_number',
  'language',
  'state',
  'path',
  'inputs',
  'outcome',
  'live_queue',
  'item_id',
  'started_at',
  'ended_at',
  'provider_status',
  'duration_seconds',
] as const;

export async function latestMenuVersion(db: DbHandle): Promise<VoiceMenuVersionRow | undefined> {
  return db.selectFrom('voice_menu_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function menuVersion(db: DbHandle, version: number): Promise<VoiceMenuVersionRow | undefined> {
  return db.selectFrom('voice_menu_versions').selectAll().where('version', '=', version).executeTakeFirst();
}

export async function menuVersions(db: DbHandle, limit = 20): Promise<VoiceMenuVersionRow[]> {
  return db.selectFrom('voice_menu_versions').selectAll().orderBy('version', 'desc').limit(limit).execute();
}

/** Adds a version; answers false when that number was taken meanwhile (two publishers at once). */
export async function insertMenuVersion(
  db: DbHandle,
  row: { version: number; tree: unknown; published_at: Date; published_by: string | null; note: string },
): Promise<boolean> {
  const inserted = await db
    .insertInto('voice_menu_versions')
    .values({ ...row, tree: JSON.stringify(row.tree) })
    .onConflict((oc) => oc.column('version').doNothing())
    .returning('version')
    .executeTakeFirst();
  return Boolean(inserted);
}

const findCallQuery = preparedQuery((db: DbHandle, callSid: string) =>
  db.selectFrom('voice_calls').select(CALL_COLUMNS).where('call_sid', '=', callSid),
);

export async function findCall(db: DbHandle, callSid: string): Promise<VoiceCallRow | undefined> {
  const [row] = await findCallQuery(db, callSid);
  return row;
}

const startCallQuery = preparedQuery(
  (db: DbHandle, callSid: string, fromNumber: string, startedAt: Date, state: string) =>
    db
      .insertInto('voice_calls')
      .values({
        call_sid: callSid,
        // The published menu: the highest version (versions are only ever added).
        menu_version: sql<number>`(SELECT max(version) FROM voice_menu_versions)`,
        from_number: fromNumber,
        started_at: startedAt,
        state,
        path: '[]',
        inputs: '[]',
        language: null,
      })
      .onConflict((oc) => oc.column('call_sid').doNothing())
      .returning('menu_version'),
);

/**
 * A new call, on the published menu version (at least one version must exist), in one statement; answers its menu
 * version, or undefined when a call with that SID exists already (the provider retried the webhook).
 */
export async function startCall(
  db: DbHandle,
  row: { call_sid: string; from_number: string; started_at: Date; state: unknown },
): Promise<number | undefined> {
  const [started] = await startCallQuery(db, row.call_sid, row.from_number, row.started_at, JSON.stringify(row.state));
  return started?.menu_version;
}

/** What one answer of a call adds: its state after it, and the path steps and inputs of this answer only. */
export interface TurnWrite {
  language: 'en' | 'es';
  state: unknown;
  /** Appended to the call's path. */
  path: readonly string[];
  /** Appended to the call's inputs. */
  inputs: readonly unknown[];
  outcome?: CallOutcome;
  live_queue?: string;
  item_id?: string;
}

const appendTurnQuery = preparedQuery(
  (
    db: DbHandle,
    callSid: string,
    language: string,
    state: string,
    path: string,
    inputs: string,
    outcome: CallOutcome | null,
    liveQueue: string | null,
    itemId: string | null,
  ) =>
    db
      .updateTable('voice_calls')
      .set({
        language: language as 'en' | 'es',
        state,
        path: sql`path || ${path}::jsonb`,
        inputs: sql`inputs || ${inputs}::jsonb`,
        outcome: sql<CallOutcome | null>`coalesce(${outcome}, outcome)`,
        live_queue: sql<string | null>`coalesce(${liveQueue}, live_queue)`,
        item_id: sql<string | null>`coalesce(${itemId}::uuid, item_id)`,
      })
      .where('call_sid', '=', callSid),
);

/**
 * What a call learnt in one answer, in one statement and without reading the row: its state, and this answer's
 * path steps and inputs appended (outcome, live queue and item kept when not given).
 */
export async function appendTurn(db: DbHandle, callSid: string, turn: TurnWrite): Promise<void> {
  await appendTurnQuery(
    db,
    callSid,
    turn.language,
    JSON.stringify(turn.state),
    JSON.stringify(turn.path),
    JSON.stringify(turn.inputs),
    turn.outcome ?? null,
    turn.live_queue ?? null,
    turn.item_id ?? null,
  );
}

const claimForItemQuery = preparedQuery(
  (
    db: DbHandle,
    callSid: string,
    itemId: string,
    outcome: CallOutcome | null,
    fallback: CallOutcome,
    language: string | null,
    state: string | null,
    path: string,
    inputs: string,
    liveQueue: string | null,
  ) =>
    db
      .updateTable('voice_calls')
      .set({
        item_id: sql<string>`${itemId}::uuid`,
        outcome: sql<CallOutcome>`coalesce(${outcome}, outcome, ${fallback})`,
        language: sql<'en' | 'es' | null>`coalesce(${language}, language)`,
        state: sql`coalesce(${state}::jsonb, state)`,
        path: sql`path || ${path}::jsonb`,
        inputs: sql`inputs || ${inputs}::jsonb`,
        live_queue: sql<string | null>`coalesce(${liveQueue}, live_queue)`,
      })
      .where('call_sid', '=', callSid)
      .where('item_id', 'is', null)
      .returning(CALL_COLUMNS),
);

/**
 * The first statement of the transaction that makes a call's item (its id chosen beforehand): sets the item and
 * the outcome on the call's row, with this answer's state, path steps and inputs when given, only while the call has
 * no item (the call's item is made once; the row stays locked until the transaction ends). Answers the row after
 * it (the whole path and inputs, for the item), or undefined when the call has an item already or is not known.
 */
export async function claimCallForItem(
  db: DbHandle,
  callSid: string,
  claim: {
    itemId: string;
    /** This answer's outcome; else the one stored, else `fallback`. */
    outcome: CallOutcome | null;
    fallback: CallOutcome;
    turn?: Omit<TurnWrite, 'outcome' | 'item_id'> | undefined;
  },
): Promise<VoiceCallRow | undefined> {
  const [row] = await claimForItemQuery(
    db,
    callSid,
    claim.itemId,
    claim.outcome,
    claim.fallback,
    claim.turn?.language ?? null,
    claim.turn ? JSON.stringify(claim.turn.state) : null,
    JSON.stringify(claim.turn?.path ?? []),
    JSON.stringify(claim.turn?.inputs ?? []),
    claim.turn?.live_queue ?? null,
  );
  return row;
}

const recordStatusQuery = preparedQuery(
  (db: DbHandle, callSid: string, status: string, duration: number | null, receivedAt: Date, ended: boolean) =>
    db
      .with('received', (qc) =>
        qc.insertInto('voice_call_statuses').values({
          call_sid: callSid,
          status,
          duration,
          received_at: receivedAt,
        }),
      )
      .updateTable('voice_calls')
      .set({
        provider_status: status,
        ended_at: sql<Date | null>`CASE WHEN ${ended}::boolean THEN ${receivedAt}::timestamptz ELSE ended_at END`,
        duration_seconds: sql<
          number | null
        >`CASE WHEN ${ended}::boolean THEN ${duration}::integer ELSE duration_seconds END`,
      })
      .where('call_sid', '=', callSid)
      .returning(CALL_COLUMNS),
);

/**
 * A status callback of the provider: recorded as received (even for a call not known here), and on the call's row
 * (with its end and duration when `ended`), in one statement. Answers the call's row after it, if there is one.
 */
export async function recordStatus(
  db: DbHandle,
  row: { call_sid: string; status: string; duration: number | null; received_at: Date; ended: boolean },
): Promise<VoiceCallRow | undefined> {
  const [call] = await recordStatusQuery(db, row.call_sid, row.status, row.duration, row.received_at, row.ended);
  return call;
}

export async function statusesOf(db: DbHandle, callSid: string) {
  return db.selectFrom('voice_call_statuses').selectAll().where('call_sid', '=', callSid).orderBy('id').execute();
}
