import { sql, type Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { AccountRecoveriesTable, AccountRow } from '../../platform/db/tables.js';

/** All SQL of the Technical Help Desk. */

export async function findByOnlineAccountNumber(db: DbHandle, number: string): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().where('online_account_number', '=', number).where('kind', '!=', 'staff').execute();
}

/** By primary or recovery email. */
export async function findByAnyEmail(db: DbHandle, email: string): Promise<AccountRow[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('kind', '!=', 'staff')
    .where((eb) => eb.or([eb('email', '=', email), eb('recovery_email', '=', email)]))
    .limit(10)
    .execute();
}

/** Which two-step methods the account has (never their secrets). */
export async function methodSummary(db: DbHandle, accountId: string) {
  const row = await db
    .selectNoFrom([
      sql<boolean>`exists (select 1 from account_totp where account_id = ${accountId} and confirmed_at is not null)`.as('authenticator'),
      sql<number>`(select count(*) from account_backup_codes where account_id = ${accountId} and used_at is null)`.as('backup_codes'),
      sql<number>`(select count(*) from account_phones where account_id = ${accountId} and verified_at is not null)`.as('phones'),
      sql<number>`(select count(*) from account_passkeys where account_id = ${accountId})`.as('passkeys'),
      sql<boolean>`exists (select 1 from account_email_otp where account_id = ${accountId})`.as('email_codes'),
    ])
    .executeTakeFirstOrThrow();
  return { authenticator: Boolean(row.authenticator), backupCodes: Number(row.backup_codes), phones: Number(row.phones), passkeys: Number(row.passkeys), emailCodes: Boolean(row.email_codes) };
}

export async function verifiedPhones(db: DbHandle, accountId: string): Promise<string[]> {
  const rows = await db.selectFrom('account_phones').select('e164').where('account_id', '=', accountId).where('verified_at', 'is not', null).execute();
  return rows.map((r) => r.e164);
}

export async function recentSecurityEvents(db: DbHandle, accountId: string, limit: number) {
  return db
    .selectFrom('account_security_events')
    .select(['kind', 'occurred_at', 'ip'])
    .where('account_id', '=', accountId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

const open = (db: DbHandle) => db.selectFrom('account_recoveries').selectAll().where('cancelled_at', 'is', null).where('completed_at', 'is', null);

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
  const r = await db.updateTable('account_recoveries').set({ cancelled_at: at, cancelled_by: by }).where('id', '=', id).where('cancelled_at', 'is', null).where('completed_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function markLinkSent(db: DbHandle, id: string, tokenHash: string, at: Date, expiresAt: Date): Promise<void> {
  await db.updateTable('account_recoveries').set({ link_token_hash: tokenHash, link_sent_at: at, link_expires_at: expiresAt }).where('id', '=', id).execute();
}

/** Marks the recovery done; a second use of its link finds nothing. */
export async function completeRecovery(db: DbHandle, id: string, at: Date): Promise<boolean> {
  const r = await db.updateTable('account_recoveries').set({ completed_at: at }).where('id', '=', id).where('completed_at', 'is', null).where('cancelled_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Removes the password and every two-step method (the person sets new ones up right after). */
export async function removeCredentials(db: DbHandle, accountId: string): Promise<void> {
  await db.updateTable('accounts').set({ password_hash: null }).where('id', '=', accountId).execute();
  await db.deleteFrom('account_totp').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_backup_codes').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_passkeys').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_email_otp').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_phones').where('account_id', '=', accountId).execute();
}

export async function setPrimaryEmail(db: DbHandle, accountId: string, email: string, at: Date): Promise<void> {
  await db.updateTable('accounts').set({ email, email_verified_at: at }).where('id', '=', accountId).execute();
  // A recovery email equal to the new primary address is no longer a second address.
  await db.updateTable('accounts').set({ recovery_email: null, recovery_email_verified_at: null }).where('id', '=', accountId).where('recovery_email', '=', email).execute();
}
