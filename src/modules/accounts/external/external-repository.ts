import type { Insertable, Selectable } from 'kysely';
import type { DbHandle } from '../../../platform/db/database.js';
import type { ExternalSignInRequestsTable } from '../tables.js';

/** All SQL of external (OpenID Connect) sign-in: pending requests and linked identities. */

export type ExternalSignInRequestRow = Selectable<ExternalSignInRequestsTable>;

export async function insertExternalRequest(db: DbHandle, row: Insertable<ExternalSignInRequestsTable>): Promise<void> {
  await db.insertInto('external_sign_in_requests').values(row).execute();
}

/**
 * Uses a pending request once: marks it used and answers it, if it exists, is unused and has not expired.
 * A second call with the same id finds nothing (the row stays, used, so that a replay can be recognized).
 */
export async function consumeExternalRequest(
  db: DbHandle,
  idHash: string,
  now: Date,
): Promise<ExternalSignInRequestRow | undefined> {
  return db
    .updateTable('external_sign_in_requests')
    .set({ used_at: now })
    .where('id_hash', '=', idHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** A request whatever its state (used, expired): to tell a replay or an expired request from an unknown id. */
export async function findExternalRequest(db: DbHandle, idHash: string): Promise<ExternalSignInRequestRow | undefined> {
  return db.selectFrom('external_sign_in_requests').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

/** Notes which account a used request signed in (a replay of its callback is then recorded on that account). */
export async function setExternalRequestAccount(db: DbHandle, idHash: string, accountId: string): Promise<void> {
  await db
    .updateTable('external_sign_in_requests')
    .set({ account_id: accountId })
    .where('id_hash', '=', idHash)
    .execute();
}

/** Removes requests that expired before the given time (kept a while after expiry to recognize replays). */
export async function deleteExternalRequestsExpiredBefore(db: DbHandle, before: Date): Promise<void> {
  await db.deleteFrom('external_sign_in_requests').where('expires_at', '<', before).execute();
}

export async function findLinkedAccountId(db: DbHandle, issuer: string, subject: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('account_external_identities')
    .select('account_id')
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return row?.account_id;
}

export async function insertExternalIdentity(
  db: DbHandle,
  link: { issuer: string; subject: string; accountId: string; at: Date },
): Promise<void> {
  await db
    .insertInto('account_external_identities')
    .values({
      issuer: link.issuer,
      subject: link.subject,
      account_id: link.accountId,
      created_at: link.at,
      last_used_at: link.at,
    })
    .execute();
}

export async function touchExternalIdentity(db: DbHandle, issuer: string, subject: string, at: Date): Promise<void> {
  await db
    .updateTable('account_external_identities')
    .set({ last_used_at: at })
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .execute();
}
