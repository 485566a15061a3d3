import type { Insertable, Selectable } from 'kysely';
import { isAnyOf, type DbHandle } from '../../platform/db/database.js';
import type { CaseSubscriptionsTable } from './tables.js';
import type { Language } from '../../platform/i18n/index.js';

/** All SQL of case-subscriptions: the followers of receipt numbers (`case_subscriptions`) and the numbers that replied STOP (`sms_opt_outs`). */

export type CaseSubscriptionRow = Selectable<CaseSubscriptionsTable>;
type Channel = 'email' | 'sms';

/** The subscription of an address to a receipt number that is not cancelled (confirmed or pending). */
export async function activeSubscription(
  db: DbHandle,
  p: { receiptNumber: string; channel: Channel; address: string },
): Promise<CaseSubscriptionRow | undefined> {
  return db
    .selectFrom('case_subscriptions')
    .selectAll()
    .where('receipt_number', '=', p.receiptNumber)
    .where('channel', '=', p.channel)
    .where('address', '=', p.address)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
}

/** A new confirmation for a pending subscription. */
export async function renewConfirmation(
  db: DbHandle,
  id: string,
  p: { confirm_token_hash: string; confirm_expires_at: Date; language: Language },
): Promise<void> {
  await db.updateTable('case_subscriptions').set(p).where('id', '=', id).execute();
}

export async function insertSubscription(db: DbHandle, row: Insertable<CaseSubscriptionsTable>): Promise<void> {
  await db.insertInto('case_subscriptions').values(row).execute();
}

/** The pending subscription a confirmation link (its token's hash) belongs to, while the link is valid. */
export async function pendingByTokenHash(
  db: DbHandle,
  tokenHash: string,
  now: Date,
): Promise<CaseSubscriptionRow | undefined> {
  return db
    .selectFrom('case_subscriptions')
    .selectAll()
    .where('confirm_token_hash', '=', tokenHash)
    .where('confirm_expires_at', '>', now)
    .where('cancelled_at', 'is', null)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
}

/** Confirms a subscription not confirmed yet; answers whether it did. */
export async function markConfirmed(db: DbHandle, id: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('case_subscriptions')
    .set({ confirmed_at: now, confirm_token_hash: null, confirm_expires_at: null })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Whether an unsubscribe link belongs to a subscription that is not cancelled. */
export async function hasActiveUnsubscribeToken(db: DbHandle, token: string): Promise<boolean> {
  return Boolean(
    await db
      .selectFrom('case_subscriptions')
      .select('id')
      .where('unsubscribe_token', '=', token)
      .where('cancelled_at', 'is', null)
      .executeTakeFirst(),
  );
}

/** Cancels the subscription of an unsubscribe link; answers its receipt number, undefined when none was active. */
export async function cancelByUnsubscribeToken(db: DbHandle, token: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('case_subscriptions')
    .set({ cancelled_at: now })
    .where('unsubscribe_token', '=', token)
    .where('cancelled_at', 'is', null)
    .returning('receipt_number')
    .executeTakeFirst();
  return row?.receipt_number;
}

/** Whether a phone number replied STOP (and not START since). Also what notifications asks before sending any text. */
export async function isOptedOut(db: DbHandle, phone: string): Promise<boolean> {
  return Boolean(await db.selectFrom('sms_opt_outs').select('phone').where('phone', '=', phone).executeTakeFirst());
}

/** STOP: the number gets no text, and its text subscriptions end. */
export async function optOut(db: DbHandle, phone: string, now: Date): Promise<void> {
  await db
    .insertInto('sms_opt_outs')
    .values({ phone, opted_out_at: now })
    .onConflict((oc) => oc.column('phone').doUpdateSet({ opted_out_at: now }))
    .execute();
  await db
    .updateTable('case_subscriptions')
    .set({ cancelled_at: now })
    .where('channel', '=', 'sms')
    .where('address', '=', phone)
    .where('cancelled_at', 'is', null)
    .execute();
}

/** START: texts to the number again. */
export async function optIn(db: DbHandle, phone: string): Promise<void> {
  await db.deleteFrom('sms_opt_outs').where('phone', '=', phone).execute();
}

/** The confirmed, not cancelled followers of these receipt numbers, without texts to numbers that replied STOP. */
export async function followersOf(db: DbHandle, receipts: string[]) {
  return db
    .selectFrom('case_subscriptions as s')
    .leftJoin('sms_opt_outs as o', (join) => join.onRef('o.phone', '=', 's.address').on('s.channel', '=', 'sms'))
    .select(['s.receipt_number', 's.channel', 's.address', 's.language', 's.unsubscribe_token'])
    .where(isAnyOf('s.receipt_number', receipts, 'text'))
    .where('s.confirmed_at', 'is not', null)
    .where('s.cancelled_at', 'is', null)
    .where('o.phone', 'is', null)
    .execute();
}
