import type { Insertable } from 'kysely';
import type { DbHandle } from '../../../platform/db/database.js';
import type {
  AccountPhoneRow,
  AccountTokensTable,
  RepresentativeProfileRow,
  RepresentativeProfilesTable,
} from '../tables.js';

/**
 * SQL of profile and settings: the representative profile, the links that verify a new address, and the
 * verified phone numbers (account_phones belongs to two-step verification; settings only read it). The accounts
 * row itself is read and changed with repository.ts.
 */

export async function findRepresentativeProfile(
  db: DbHandle,
  accountId: string,
): Promise<RepresentativeProfileRow | undefined> {
  return db.selectFrom('representative_profiles').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** Creates or replaces the profile (created_at of an existing one is kept). */
export async function saveRepresentativeProfile(
  db: DbHandle,
  profile: Insertable<RepresentativeProfilesTable>,
): Promise<void> {
  const { account_id: _id, created_at: _created, ...changes } = profile;
  await db
    .insertInto('representative_profiles')
    .values(profile)
    .onConflict((oc) => oc.column('account_id').doUpdateSet(changes))
    .execute();
}

/** Verified phone numbers, oldest first: where text notifications go. */
export async function listVerifiedPhones(db: DbHandle, accountId: string): Promise<AccountPhoneRow[]> {
  return db
    .selectFrom('account_phones')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('verified_at', 'is not', null)
    .orderBy('verified_at')
    .orderBy('id')
    .execute();
}

export type AddressPurpose = Extract<AccountTokensTable['purpose'], 'change_email' | 'add_recovery_email'>;

/** Makes the account's unused links of a purpose unusable (a newer request, or the change was made). */
export async function voidTokens(db: DbHandle, accountId: string, purpose: AddressPurpose, now: Date): Promise<void> {
  await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

/** Whether any account other than `exceptAccountId` uses the address as its email (finished or not). */
export async function emailUsedByAnotherAccount(
  db: DbHandle,
  email: string,
  exceptAccountId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where('email', '=', email)
    .where('id', '!=', exceptAccountId)
    .executeTakeFirst();
  return Boolean(row);
}
