import { sql } from 'kysely';
import { isAnyOf, type DbHandle } from '../../platform/db/database.js';
import type { AccountRow } from './tables.js';

/**
 * What other modules may ask about accounts, and the few changes they may ask for. The account tables (accounts and
 * every account_* table) belong to this module: no other module queries them (test/table-ownership.test.ts), it
 * asks here, through accounts/index.ts. Every function takes the database handle (a transaction too) like the
 * repositories of this module.
 */

// ---- The Technical Help Desk ----------------------------------------------------------------------------------------

/** Applicant and representative accounts (never staff) with this Online Account Number. */
export async function accountsByOnlineAccountNumber(db: DbHandle, number: string): Promise<AccountRow[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('online_account_number', '=', number)
    .where('kind', '!=', 'staff')
    .execute();
}

/** Applicant and representative accounts (never staff) whose primary or recovery email is this one, ten at most. */
export async function accountsByAnyEmail(db: DbHandle, email: string): Promise<AccountRow[]> {
  return db
    .selectFrom('accounts')
    .selectAll()
    .where('kind', '!=', 'staff')
    .where((eb) => eb.or([eb('email', '=', email), eb('recovery_email', '=', email)]))
    .limit(10)
    .execute();
}

export interface TwoStepSummary {
  authenticator: boolean;
  backupCodes: number;
  phones: number;
  passkeys: number;
  emailCodes: boolean;
}

/** Which two-step methods the account has (never their secrets). */
export async function twoStepSummary(db: DbHandle, accountId: string): Promise<TwoStepSummary> {
  const row = await db
    .selectNoFrom([
      sql<boolean>`exists (select 1 from account_totp where account_id = ${accountId} and confirmed_at is not null)`.as(
        'authenticator',
      ),
      sql<number>`(select count(*) from account_backup_codes where account_id = ${accountId} and used_at is null)`.as(
        'backup_codes',
      ),
      sql<number>`(select count(*) from account_phones where account_id = ${accountId} and verified_at is not null)`.as(
        'phones',
      ),
      sql<number>`(select count(*) from account_passkeys where account_id = ${accountId})`.as('passkeys'),
      sql<boolean>`exists (select 1 from account_email_otp where account_id = ${accountId})`.as('email_codes'),
    ])
    .executeTakeFirstOrThrow();
  return {
    authenticator: Boolean(row.authenticator),
    backupCodes: Number(row.backup_codes),
    phones: Number(row.phones),
    passkeys: Number(row.passkeys),
    emailCodes: Boolean(row.email_codes),
  };
}

/** The account's verified phone numbers (E.164). */
export async function verifiedPhoneNumbers(db: DbHandle, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('account_phones')
    .select('e164')
    .where('account_id', '=', accountId)
    .where('verified_at', 'is not', null)
    .execute();
  return rows.map((r) => r.e164);
}

/** The account's latest security events, newest first. */
export async function recentSecurityEvents(
  db: DbHandle,
  accountId: string,
  limit: number,
): Promise<{ kind: string; occurred_at: Date; ip: string | null }[]> {
  return db
    .selectFrom('account_security_events')
    .select(['kind', 'occurred_at', 'ip'])
    .where('account_id', '=', accountId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Removes the password and every two-step method (a verified recovery: the person sets new ones up right after). */
export async function removeCredentials(db: DbHandle, accountId: string): Promise<void> {
  await db.updateTable('accounts').set({ password_hash: null }).where('id', '=', accountId).execute();
  await db.deleteFrom('account_totp').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_backup_codes').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_passkeys').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_email_otp').where('account_id', '=', accountId).execute();
  await db.deleteFrom('account_phones').where('account_id', '=', accountId).execute();
}

/** A new primary email, verified now (a recovery delivered to it); a recovery email equal to it is dropped. */
export async function setVerifiedPrimaryEmail(db: DbHandle, accountId: string, email: string, at: Date): Promise<void> {
  await db.updateTable('accounts').set({ email, email_verified_at: at }).where('id', '=', accountId).execute();
  // A recovery email equal to the new primary address is no longer a second address.
  await db
    .updateTable('accounts')
    .set({ recovery_email: null, recovery_email_verified_at: null })
    .where('id', '=', accountId)
    .where('recovery_email', '=', email)
    .execute();
}

// ---- Case events: who hears about a case, whose online filing it is ---------------------------------------------------

export interface NotificationRecipient {
  accountId: string;
  email: string;
  language: 'en' | 'es';
  /** The person's choices (profile settings): by email, by text to every verified phone, both or neither. */
  notifyByEmail: boolean;
  notifyByText: boolean;
  /** Verified phones (E.164) in the order they were added; read only when the person chose texts, else empty. */
  phones: string[];
}

/**
 * How each of these accounts wants to hear about its cases, by account id: activated accounts only (an account
 * not activated yet hears nothing). Two statements whatever the number of accounts.
 */
export async function notificationRecipients(
  db: DbHandle,
  accountIds: string[],
): Promise<Map<string, NotificationRecipient>> {
  const recipients = new Map<string, NotificationRecipient>();
  if (!accountIds.length) return recipients;
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'email', 'language', 'notify_by_email', 'notify_by_text'])
    .where(sql<boolean>`id = any(${accountIds}::uuid[])`)
    .where('activated_at', 'is not', null)
    .execute();
  for (const r of rows) {
    recipients.set(r.id, {
      accountId: r.id,
      email: r.email,
      language: r.language,
      notifyByEmail: r.notify_by_email,
      notifyByText: r.notify_by_text,
      phones: [],
    });
  }
  const texted = rows.filter((r) => r.notify_by_text).map((r) => r.id);
  if (texted.length) {
    const phones = await db
      .selectFrom('account_phones')
      .select(['account_id', 'e164'])
      .where(sql<boolean>`account_id = any(${texted}::uuid[])`)
      .where('verified_at', 'is not', null)
      .orderBy('created_at')
      .execute();
    for (const p of phones) recipients.get(p.account_id)!.phones.push(p.e164);
  }
  return recipients;
}

/** The applicant accounts (never representatives or staff) with these Online Account Numbers: number → account id. */
export async function applicantIdsByOnlineAccountNumber(db: DbHandle, numbers: string[]): Promise<Map<string, string>> {
  if (!numbers.length) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'online_account_number'])
    .where(isAnyOf('online_account_number', [...new Set(numbers)], 'text'))
    .where('kind', '=', 'applicant')
    .execute();
  return new Map(rows.map((r) => [r.online_account_number, r.id]));
}

// ---- The cases of an account: identity verification, links under review ---------------------------------------------

/** When the account's identity was verified against the agency's records (null: not yet). Throws for no such account. */
export async function identityVerifiedAt(db: DbHandle, accountId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('accounts')
    .select('identity_verified_at')
    .where('id', '=', accountId)
    .executeTakeFirstOrThrow();
  return row.identity_verified_at;
}

export async function markIdentityVerified(db: DbHandle, accountId: string, at: Date): Promise<void> {
  await db.updateTable('accounts').set({ identity_verified_at: at }).where('id', '=', accountId).execute();
}

/** The email and Online Account Number of these accounts, by account id. */
export async function contactsOf(
  db: DbHandle,
  accountIds: string[],
): Promise<Map<string, { email: string; online_account_number: string }>> {
  if (!accountIds.length) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'email', 'online_account_number'])
    .where(sql<boolean>`id = any(${[...new Set(accountIds)]}::uuid[])`)
    .execute();
  return new Map(rows.map((r) => [r.id, { email: r.email, online_account_number: r.online_account_number }]));
}

// ---- The agent console: people by email or Online Account Number ----------------------------------------------------

/** Applicants and representatives (never staff) with this email or Online Account Number, ten at most. */
export async function peopleBy(
  db: DbHandle,
  by: { email: string } | { onlineAccountNumber: string },
): Promise<Pick<AccountRow, 'given_name' | 'family_name' | 'email' | 'online_account_number' | 'kind'>[]> {
  return db
    .selectFrom('accounts')
    .select(['given_name', 'family_name', 'email', 'online_account_number', 'kind'])
    .where('kind', 'in', ['applicant', 'representative'])
    .$if('email' in by, (q) => q.where('email', '=', (by as { email: string }).email))
    .$if('onlineAccountNumber' in by, (q) =>
      q.where('online_account_number', '=', (by as { onlineAccountNumber: string }).onlineAccountNumber),
    )
    .limit(10)
    .execute();
}

/** The id of the account (of any kind) with this email or Online Account Number, if there is one (both are unique). */
export async function accountIdBy(
  db: DbHandle,
  by: { email: string } | { onlineAccountNumber: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .$if('email' in by, (q) => q.where('email', '=', (by as { email: string }).email))
    .$if('onlineAccountNumber' in by, (q) =>
      q.where('online_account_number', '=', (by as { onlineAccountNumber: string }).onlineAccountNumber),
    )
    .executeTakeFirst();
  return row?.id;
}

// ---- Staff: the accounts of staff members ----------------------------------------------------------------------------

export type StaffAccount = Pick<AccountRow, 'id' | 'email' | 'activated_at' | 'disabled_at' | 'created_at'>;

/** The staff accounts among these ids (accounts of another kind are left out), by id. */
export async function staffAccounts(db: DbHandle, accountIds: string[]): Promise<Map<string, StaffAccount>> {
  if (!accountIds.length) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'email', 'activated_at', 'disabled_at', 'created_at'])
    .where(sql<boolean>`id = any(${[...new Set(accountIds)]}::uuid[])`)
    .where('kind', '=', 'staff')
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** How many of these accounts are activated and not disabled. */
export async function countActiveAccounts(db: DbHandle, accountIds: string[]): Promise<number> {
  if (!accountIds.length) return 0;
  const row = await db
    .selectFrom('accounts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<boolean>`id = any(${[...new Set(accountIds)]}::uuid[])`)
    .where('activated_at', 'is not', null)
    .where('disabled_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The kind of the account and whether it is disabled (undefined: no such account), for the staff guard. */
export async function accountStanding(
  db: DbHandle,
  accountId: string,
): Promise<{ kind: AccountRow['kind']; disabled_at: Date | null } | undefined> {
  return db.selectFrom('accounts').select(['kind', 'disabled_at']).where('id', '=', accountId).executeTakeFirst();
}

/** Withdraws (a date) or restores (null) a staff account's access; accounts of another kind are left alone. */
export async function setStaffDisabled(db: DbHandle, accountId: string, at: Date | null): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ disabled_at: at })
    .where('id', '=', accountId)
    .where('kind', '=', 'staff')
    .execute();
}
