import { sql } from 'kysely';
import { preparedQuery, type DbHandle } from '../../platform/db/database.js';
import type { CallOutcome, VoiceCallRow, VoiceMenuVersionRow } from './tables.js';

/**
 * All SQL of the voice assistant, on its own tables (voice_menu_versions, voice_calls, voice_call_statuses). The
 * statements every webhook runs are prepared queries (ADR 14: named statements, built once): a call's row by its
 * SID, its update after each answer, its start and its status callbacks.
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
      .onConflict((oc) => oc.column('call_sid').doNothing()),
);

/**
 * A new call, on the published menu version (at least one version must exist); nothing when a call with that SID
 * exists already (the provider retried the webhook).
 */
export async function startCall(
  db: DbHandle,
  row: { call_sid: string; from_number: string; started_at: Date; state: unknown },
): Promise<void> {
  await startCallQuery(db, row.call_sid, row.from_number, row.started_at, JSON.stringify(row.state));
}

const updateTurnQuery = preparedQuery(
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
        path,
        inputs,
        outcome: sql<CallOutcome | null>`coalesce(${outcome}, outcome)`,
        live_queue: sql<string | null>`coalesce(${liveQueue}, live_queue)`,
        item_id: sql<string | null>`coalesce(${itemId}::uuid, item_id)`,
      })
      .where('call_sid', '=', callSid),
);

/** What a call learnt in one answer (outcome, live queue and item kept when not given). */
export async function updateTurn(
  db: DbHandle,
  callSid: string,
  set: {
    language: 'en' | 'es';
    state: unknown;
    path: unknown;
    inputs: unknown;
    outcome?: CallOutcome;
    live_queue?: string;
    item_id?: string;
  },
): Promise<void> {
  await updateTurnQuery(
    db,
    callSid,
    set.language,
    JSON.stringify(set.state),
    JSON.stringify(set.path),
    JSON.stringify(set.inputs),
    set.outcome ?? null,
    set.live_queue ?? null,
    set.item_id ?? null,
  );
}

/**
 * Changes a call's row; with `withoutItem`, only while it has no item yet (the call's item is made once). Answers
 * whether the row was changed.
 */
export async function updateCall(
  db: DbHandle,
  callSid: string,
  set: {
    language?: 'en' | 'es';
    state?: unknown;
    path?: unknown;
    inputs?: unknown;
    outcome?: CallOutcome;
    live_queue?: string | null;
    item_id?: string;
    ended_at?: Date;
    provider_status?: string;
    duration_seconds?: number | null;
  },
  options: { withoutItem?: boolean } = {},
): Promise<boolean> {
  const values: Record<string, unknown> = { ...set };
  for (const key of ['state', 'path', 'inputs'] as const)
    if (set[key] !== undefined) values[key] = JSON.stringify(set[key]);
  const result = await db
    .updateTable('voice_calls')
    .set(values)
    .where('call_sid', '=', callSid)
    .$if(Boolean(options.withoutItem), (q) => q.where('item_id', 'is', null))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
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
