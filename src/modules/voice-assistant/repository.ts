import type { DbHandle } from '../../platform/db/database.js';
import type { CallOutcome, VoiceCallRow, VoiceMenuVersionRow } from './tables.js';

/** All SQL of the voice assistant, on its own tables (voice_menu_versions, voice_calls, voice_call_statuses). */

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

export async function insertCall(
  db: DbHandle,
  row: { call_sid: string; menu_version: number; from_number: string; started_at: Date; state: unknown },
): Promise<VoiceCallRow | undefined> {
  return db
    .insertInto('voice_calls')
    .values({ ...row, state: JSON.stringify(row.state), path: '[]', inputs: '[]', language: null })
    .onConflict((oc) => oc.column('call_sid').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findCall(db: DbHandle, callSid: string, forUpdate = false): Promise<VoiceCallRow | undefined> {
  return db
    .selectFrom('voice_calls')
    .selectAll()
    .where('call_sid', '=', callSid)
    .$if(forUpdate, (q) => q.forUpdate())
    .executeTakeFirst();
}

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
): Promise<void> {
  const values: Record<string, unknown> = { ...set };
  for (const key of ['state', 'path', 'inputs'] as const)
    if (set[key] !== undefined) values[key] = JSON.stringify(set[key]);
  await db.updateTable('voice_calls').set(values).where('call_sid', '=', callSid).execute();
}

export async function insertStatus(
  db: DbHandle,
  row: { call_sid: string; status: string; duration: number | null; received_at: Date },
): Promise<void> {
  await db.insertInto('voice_call_statuses').values(row).execute();
}

export async function statusesOf(db: DbHandle, callSid: string) {
  return db.selectFrom('voice_call_statuses').selectAll().where('call_sid', '=', callSid).orderBy('id').execute();
}
