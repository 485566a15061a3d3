import type { Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { AccountRecoveriesTable } from './tables.js';

/** All SQL of the Technical Help Desk (its verified recoveries; what it needs of accounts, it asks the accounts module). */

const open = (db: DbHandle) =>
  db.selectFrom('account_recoveries').selectAll().where('cancelled_at', 'is', null).where('completed_at', 'is', null);

export async function openRecovery(db: DbHandle, accountId: string) {
  return open(db).where('account_id', '=', accountId).executeTakeFirst();
}

export async function insertRecovery(db: DbHandle, recovery: Insertable<AccountRecoveriesTable>): Promise<void> {
  await db.insertInto('account_recoveries').values(recovery).execute();
}

export async function recoveryById(db: DbHandle, id: string) {
  return db.selectFrom('account_recoveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** An open recovery by its cancel link (usable until the recovery completes or is cancelled). */
export async function recoveryByCancelToken(db: DbHandle, tokenHash: string) {
  return open(db).where('cancel_token_hash', '=', tokenHash).executeTakeFirst();
}

export async function recoveryByLinkToken(db: DbHandle, tokenHash: string, now: Date) {
  return open(db).where('link_token_hash', '=', tokenHash).where('link_expires_at', '>', now).executeTakeFirst();
}

export async function cancelRecovery(db: DbHandle, id: string, at: Date, by: string): Promise<boolean> {
  const r = await db
    .updateTable('account_recoveries')
    .set({ cancelled_at: at, cancelled_by: by })
    .where('id', '=', id)
    .where('cancelled_at', 'is', null)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markLinkSent(
  db: DbHandle,
  id: string,
  tokenHash: string,
  at: Date,
  expiresAt: Date,
): Promise<void> {
  await db
    .updateTable('account_recoveries')
    .set({ link_token_hash: tokenHash, link_sent_at: at, link_expires_at: expiresAt })
    .where('id', '=', id)
    .execute();
}

/** Marks the recovery done; a second use of its link finds nothing. */
export async function completeRecovery(db: DbHandle, id: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('account_recoveries')
    .set({ completed_at: at })
    .where('id', '=', id)
    .where('completed_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
