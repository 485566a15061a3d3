import type { Insertable } from 'kysely';
import type { DbHandle } from '../../../platform/db/database.js';
import type {
  AccountOneTimeCodesTable,
  AccountPasskeyRow,
  AccountPasskeysTable,
  AccountPhoneRow,
  AccountPhonesTable,
  AccountWebauthnChallengesTable,
} from '../tables.js';

/** SQL of the two-step verification methods beyond the authenticator app: phones, email codes, one-time codes, passkeys. */

// Phones ------------------------------------------------------------------------------------------------------

export async function listPhones(db: DbHandle, accountId: string): Promise<AccountPhoneRow[]> {
  return db
    .selectFrom('account_phones')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
}

/** One of the account's phones, by its id or by its number. */
export async function findPhone(
  db: DbHandle,
  accountId: string,
  by: { id: string } | { e164: string },
): Promise<AccountPhoneRow | undefined> {
  const phones = db.selectFrom('account_phones').selectAll().where('account_id', '=', accountId);
  return ('id' in by ? phones.where('id', '=', by.id) : phones.where('e164', '=', by.e164)).executeTakeFirst();
}

export async function insertPhone(db: DbHandle, phone: Insertable<AccountPhonesTable>): Promise<void> {
  await db.insertInto('account_phones').values(phone).execute();
}

export async function updatePhone(
  db: DbHandle,
  accountId: string,
  phoneId: string,
  changes: Partial<Pick<AccountPhoneRow, 'label' | 'verified_at'>>,
): Promise<void> {
  await db
    .updateTable('account_phones')
    .set(changes)
    .where('account_id', '=', accountId)
    .where('id', '=', phoneId)
    .execute();
}

export async function deletePhone(db: DbHandle, accountId: string, phoneId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('account_phones')
    .where('account_id', '=', accountId)
    .where('id', '=', phoneId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Numbers added but never verified, older than `before` (an abandoned verification leaves nothing behind). */
export async function deleteUnverifiedPhonesBefore(db: DbHandle, accountId: string, before: Date): Promise<void> {
  await db
    .deleteFrom('account_phones')
    .where('account_id', '=', accountId)
    .where('verified_at', 'is', null)
    .where('created_at', '<', before)
    .execute();
}

// Email codes as a method ---------------------------------------------------------------------------------------

export async function findEmailOtp(db: DbHandle, accountId: string): Promise<{ enabled_at: Date } | undefined> {
  return db.selectFrom('account_email_otp').select('enabled_at').where('account_id', '=', accountId).executeTakeFirst();
}

export async function enableEmailOtp(db: DbHandle, accountId: string, at: Date): Promise<void> {
  await db
    .insertInto('account_email_otp')
    .values({ account_id: accountId, enabled_at: at })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
}

export async function disableEmailOtp(db: DbHandle, accountId: string): Promise<boolean> {
  const result = await db.deleteFrom('account_email_otp').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteTotp(db: DbHandle, accountId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('account_totp')
    .where('account_id', '=', accountId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// One-time codes ------------------------------------------------------------------------------------------------

/** Stores the account's one live code, replacing any earlier one (whatever its purpose). */
export async function replaceOneTimeCode(db: DbHandle, code: Insertable<AccountOneTimeCodesTable>): Promise<void> {
  await db
    .insertInto('account_one_time_codes')
    .values(code)
    .onConflict((oc) =>
      oc.column('account_id').doUpdateSet({
        purpose: code.purpose,
        channel: code.channel,
        phone_id: code.phone_id ?? null,
        code_hash: code.code_hash,
        created_at: code.created_at,
        expires_at: code.expires_at,
        used_at: null,
      }),
    )
    .execute();
}

/** The account's live (unused, unexpired) code, if any. */
export async function findLiveOneTimeCode(db: DbHandle, accountId: string, now: Date) {
  return db
    .selectFrom('account_one_time_codes')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/**
 * Uses the account's live code if it matches (hash, purpose, channel and, for a phone, the number): marks it used
 * and answers its row; a second use, an expired code or another account's code finds nothing.
 */
export async function useOneTimeCode(
  db: DbHandle,
  accountId: string,
  match: {
    purpose: AccountOneTimeCodesTable['purpose'];
    channel: AccountOneTimeCodesTable['channel'];
    codeHash: string;
    phoneId?: string;
  },
  now: Date,
) {
  let query = db
    .updateTable('account_one_time_codes')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('purpose', '=', match.purpose)
    .where('channel', '=', match.channel)
    .where('code_hash', '=', match.codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now);
  if (match.phoneId) query = query.where('phone_id', '=', match.phoneId);
  return query.returning(['phone_id', 'channel', 'purpose']).executeTakeFirst();
}

/** When the account's codes were sent since `since`, oldest first (resend limits). */
export async function codeSendTimesSince(db: DbHandle, accountId: string, since: Date): Promise<Date[]> {
  const rows = await db
    .selectFrom('account_security_events')
    .select('occurred_at')
    .where('account_id', '=', accountId)
    .where('kind', '=', 'otp_sent')
    .where('occurred_at', '>', since)
    .orderBy('occurred_at')
    .execute();
  return rows.map((r) => new Date(r.occurred_at));
}

// Passkeys ------------------------------------------------------------------------------------------------------

export async function listPasskeys(db: DbHandle, accountId: string): Promise<AccountPasskeyRow[]> {
  return db
    .selectFrom('account_passkeys')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .execute();
}

export async function findPasskeyByCredentialId(
  db: DbHandle,
  credentialId: string,
): Promise<AccountPasskeyRow | undefined> {
  return db.selectFrom('account_passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
}

export async function insertPasskey(db: DbHandle, passkey: Insertable<AccountPasskeysTable>): Promise<void> {
  await db.insertInto('account_passkeys').values(passkey).execute();
}

/** Records a use: the new signature counter, but only forward (a replayed or cloned authenticator fails). */
export async function usePasskey(
  db: DbHandle,
  id: string,
  counter: number,
  previous: number,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('account_passkeys')
    .set({ counter, last_used_at: at })
    .where('id', '=', id)
    .where('counter', '=', previous)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function renamePasskey(db: DbHandle, accountId: string, id: string, name: string): Promise<boolean> {
  const result = await db
    .updateTable('account_passkeys')
    .set({ name })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deletePasskey(db: DbHandle, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('account_passkeys')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

// WebAuthn challenges ----------------------------------------------------------------------------------------------

export async function storeChallenge(db: DbHandle, row: AccountWebauthnChallengesTable): Promise<void> {
  await db
    .insertInto('account_webauthn_challenges')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['session_id_hash', 'ceremony']).doUpdateSet({ challenge: row.challenge, expires_at: row.expires_at }),
    )
    .execute();
}

/** Takes (deletes) the session's challenge for a ceremony: answers it if it had not expired. Single use. */
export async function takeChallenge(
  db: DbHandle,
  sessionIdHash: string,
  ceremony: AccountWebauthnChallengesTable['ceremony'],
  now: Date,
): Promise<string | undefined> {
  const row = await db
    .deleteFrom('account_webauthn_challenges')
    .where('session_id_hash', '=', sessionIdHash)
    .where('ceremony', '=', ceremony)
    .returning(['challenge', 'expires_at'])
    .executeTakeFirst();
  return row && new Date(row.expires_at) > now ? row.challenge : undefined;
}
