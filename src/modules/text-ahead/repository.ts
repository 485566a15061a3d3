import type { DbHandle } from '../../platform/db/database.js';
import type { Answer } from './replies.js';
import type { TextAheadAsksTable, TextAheadConsentsTable } from './tables.js';

/** All SQL of text-ahead: consents (`text_ahead_consents`) and asks (`text_ahead_asks`), migration 0041. */

export type ConsentRow = TextAheadConsentsTable;
export type AskRow = Omit<TextAheadAsksTable, 'seq'>;

const ASK_COLUMNS = [
  'id',
  'callback_id',
  'item_id',
  'item_number',
  'phone',
  'language',
  'message_id',
  'sent_at',
  'expires_at',
  'answered_at',
  'answer',
  'expired_at',
] as const;

/** Records a consent; a standing consent of the same item and number is kept as it is (answers false then). */
export async function insertConsent(db: DbHandle, row: ConsentRow): Promise<boolean> {
  const standing = await db
    .selectFrom('text_ahead_consents')
    .select('id')
    .where('item_id', '=', row.item_id)
    .where('phone', '=', row.phone)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  if (standing) return false;
  const inserted = await db
    .insertInto('text_ahead_consents')
    .values(row)
    .onConflict((oc) => oc.columns(['item_id', 'phone']).where('withdrawn_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return Boolean(inserted);
}

export async function withdrawConsent(
  db: DbHandle,
  itemId: string,
  phone: string,
  at: Date,
  by: string | null,
): Promise<boolean> {
  const rows = await db
    .updateTable('text_ahead_consents')
    .set({ withdrawn_at: at, withdrawn_by: by })
    .where('item_id', '=', itemId)
    .where('phone', '=', phone)
    .where('withdrawn_at', 'is', null)
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** Every consent of an item, standing first, newest first. */
export async function consentsOfItem(db: DbHandle, itemId: string): Promise<ConsentRow[]> {
  return db
    .selectFrom('text_ahead_consents')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy((eb) => eb(eb.ref('withdrawn_at'), 'is', null), 'desc')
    .orderBy('given_at', 'desc')
    .orderBy('id')
    .execute();
}

export async function insertAsk(db: DbHandle, row: AskRow): Promise<void> {
  await db.insertInto('text_ahead_asks').values(row).execute();
}

export async function askById(db: DbHandle, id: string): Promise<AskRow | undefined> {
  return db.selectFrom('text_ahead_asks').select(ASK_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** The open ask of a callback (unanswered, not expired), if any. */
export async function openAskOfCallback(db: DbHandle, callbackId: string, now: Date): Promise<AskRow | undefined> {
  return db
    .selectFrom('text_ahead_asks')
    .select(ASK_COLUMNS)
    .where('callback_id', '=', callbackId)
    .where('answered_at', 'is', null)
    .where('expired_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('seq', 'desc')
    .executeTakeFirst();
}

/** The open asks texted to a number (unanswered, unexpired at `now`), latest first. */
export async function openAsksOf(db: DbHandle, phone: string, now: Date): Promise<AskRow[]> {
  return db
    .selectFrom('text_ahead_asks')
    .select(ASK_COLUMNS)
    .where('phone', '=', phone)
    .where('answered_at', 'is', null)
    .where('expired_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('seq', 'desc')
    .execute();
}

/** The latest ask texted to a number since `since` (answered, expired or open). */
export async function latestAskSince(db: DbHandle, phone: string, since: Date): Promise<AskRow | undefined> {
  return db
    .selectFrom('text_ahead_asks')
    .select(ASK_COLUMNS)
    .where('phone', '=', phone)
    .where('sent_at', '>=', since)
    .orderBy('seq', 'desc')
    .executeTakeFirst();
}

/** The asks of an item, newest first (the agent's page). */
export async function asksOfItem(db: DbHandle, itemId: string): Promise<AskRow[]> {
  return db
    .selectFrom('text_ahead_asks')
    .select(ASK_COLUMNS)
    .where('item_id', '=', itemId)
    .orderBy('seq', 'desc')
    .limit(50)
    .execute();
}

/** Takes an ask's answer if it is still open at `now`; answers whether this call took it. */
export async function answerAsk(db: DbHandle, id: string, answer: Answer, now: Date): Promise<boolean> {
  const rows = await db
    .updateTable('text_ahead_asks')
    .set({ answer, answered_at: now })
    .where('id', '=', id)
    .where('answered_at', 'is', null)
    .where('expired_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** Gives an answer back (the callbacks module refused to act on it): the ask is open again. */
export async function unanswerAsk(db: DbHandle, id: string): Promise<void> {
  await db.updateTable('text_ahead_asks').set({ answer: null, answered_at: null }).where('id', '=', id).execute();
}

/** Marks an ask expired if it is unanswered and its hour is over at `now`; answers whether this call did it. */
export async function expireAsk(db: DbHandle, id: string, now: Date): Promise<boolean> {
  const rows = await db
    .updateTable('text_ahead_asks')
    .set({ expired_at: now })
    .where('id', '=', id)
    .where('answered_at', 'is', null)
    .where('expired_at', 'is', null)
    .where('expires_at', '<=', now)
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function unexpireAsk(db: DbHandle, id: string): Promise<void> {
  await db.updateTable('text_ahead_asks').set({ expired_at: null }).where('id', '=', id).execute();
}
