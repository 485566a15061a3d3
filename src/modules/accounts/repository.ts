import { sql } from 'kysely';
import type { ExpressionBuilder, Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { Tables } from '../../platform/db/tables.js';
import { sha256 } from '../../platform/hashing.js';
import type { AccountRow, AccountsTable, AccountTokensTable, SessionRow, SessionStage } from './tables.js';

/** All SQL of the accounts module. */

export async function findAccountByEmail(db: DbHandle, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findAccountById(db: DbHandle, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function onlineAccountNumberTaken(db: DbHandle, number: string): Promise<boolean> {
  return Boolean(
    await db.selectFrom('accounts').select('id').where('online_account_number', '=', number).executeTakeFirst(),
  );
}

export async function insertAccount(db: DbHandle, account: Insertable<AccountsTable>): Promise<void> {
  await db.insertInto('accounts').values(account).execute();
}

export async function updateAccount(db: DbHandle, id: string, changes: Partial<Omit<AccountRow, 'id'>>): Promise<void> {
  await db.updateTable('accounts').set(changes).where('id', '=', id).execute();
}

/** Stores a new single-use link's token (its hash), usable for `ttlMs` from `now`. */
export async function insertToken(
  db: DbHandle,
  token: string,
  link: Pick<Insertable<AccountTokensTable>, 'account_id' | 'purpose' | 'address'>,
  now: Date,
  ttlMs: number,
): Promise<void> {
  const times = { created_at: now, expires_at: new Date(now.getTime() + ttlMs), used_at: null };
  await db
    .insertInto('account_tokens')
    .values({ token_hash: sha256(token), ...link, ...times })
    .execute();
}

/** The token with this hash, when it is of this purpose, unused and unexpired. */
const usableToken =
  (tokenHash: string, purpose: AccountTokensTable['purpose'], now: Date) =>
  (eb: ExpressionBuilder<Tables, 'account_tokens'>) =>
    eb.and([
      eb('token_hash', '=', tokenHash),
      eb('purpose', '=', purpose),
      eb('used_at', 'is', null),
      eb('expires_at', '>', now),
    ]);

/**
 * Marks an unused, unexpired token used and answers its account (and the address it sets, for the settings'
 * address links); a second use finds nothing.
 */
export async function consumeToken(
  db: DbHandle,
  tokenHash: string,
  purpose: AccountTokensTable['purpose'],
  now: Date,
): Promise<{ account_id: string; address: string | null } | undefined> {
  return db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where(usableToken(tokenHash, purpose, now))
    .returning(['account_id', 'address'])
    .executeTakeFirst();
}

/** A token that can still be used, without using it (the page a link opens). */
export async function findUsableToken(
  db: DbHandle,
  tokenHash: string,
  purpose: AccountTokensTable['purpose'],
  now: Date,
) {
  return db
    .selectFrom('account_tokens')
    .select(['account_id', 'address', 'created_at', 'expires_at'])
    .where(usableToken(tokenHash, purpose, now))
    .executeTakeFirst();
}

export async function upsertTotp(db: DbHandle, accountId: string, secret: string): Promise<void> {
  await db
    .insertInto('account_totp')
    .values({ account_id: accountId, secret, confirmed_at: null, last_step: null })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ secret, confirmed_at: null, last_step: null }))
    .execute();
}

export async function findTotp(db: DbHandle, accountId: string) {
  return db.selectFrom('account_totp').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

/** Records the time step of an accepted code; refuses (false) a step already used or older. */
export async function useTotpStep(
  db: DbHandle,
  accountId: string,
  step: number,
  confirm: Date | null,
): Promise<boolean> {
  const result = await db
    .updateTable('account_totp')
    .set({ last_step: step, ...(confirm ? { confirmed_at: confirm } : {}) })
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function replaceBackupCodes(db: DbHandle, accountId: string, hashes: string[]): Promise<void> {
  await db.deleteFrom('account_backup_codes').where('account_id', '=', accountId).execute();
  await db
    .insertInto('account_backup_codes')
    .values(hashes.map((code_hash) => ({ account_id: accountId, code_hash, used_at: null })))
    .execute();
}

export async function useBackupCode(db: DbHandle, accountId: string, hash: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('account_backup_codes')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countUnusedBackupCodes(db: DbHandle, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('account_backup_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertSession(db: DbHandle, session: SessionRow): Promise<void> {
  await db.insertInto('account_sessions').values(session).execute();
}

export async function findSession(db: DbHandle, idHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('account_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

export async function touchSession(db: DbHandle, idHash: string, at: Date): Promise<void> {
  await db.updateTable('account_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

/** Re-authentication times of a session: the last full authentication, and a password given again just now. */
export async function setSessionAuthTimes(
  db: DbHandle,
  idHash: string,
  times: Partial<Pick<SessionRow, 'authenticated_at' | 'reauth_password_at'>>,
): Promise<void> {
  await db.updateTable('account_sessions').set(times).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: DbHandle, idHash: string): Promise<void> {
  await db.deleteFrom('account_sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteSessionsOf(db: DbHandle, accountId: string, exceptIdHash?: string): Promise<void> {
  let query = db.deleteFrom('account_sessions').where('account_id', '=', accountId);
  if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
  await query.execute();
}

export async function setSessionStage(db: DbHandle, idHash: string, stage: SessionStage): Promise<void> {
  await db.updateTable('account_sessions').set({ stage }).where('id_hash', '=', idHash).execute();
}

export async function recordSecurityEvent(
  db: DbHandle,
  event: { accountId: string; kind: string; at: Date; ip?: string; details?: Record<string, unknown> },
): Promise<void> {
  await db
    .insertInto('account_security_events')
    .values({
      account_id: event.accountId,
      kind: event.kind,
      occurred_at: event.at,
      ip: event.ip ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}

/** Security events that lockouts and limits count; a Technical Help Desk unlock starts them from zero (ACC-6). */
export const UNLOCKED_EVENT = 'help_desk_unlocked';

/**
 * How many events of a kind since a time (and the last one's time). For the counters behind lockouts and limits:
 * events before the account's last help-desk unlock do not count.
 */
export async function countSecurityEventsSince(
  db: DbHandle,
  accountId: string,
  kind: string,
  since: Date,
): Promise<{ count: number; last?: Date }> {
  const row = await db
    .selectFrom('account_security_events')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('occurred_at').as('last')])
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('occurred_at', '>', since)
    .where(({ eb, selectFrom }) =>
      eb.not(
        eb.exists(
          selectFrom('account_security_events as u')
            .select('u.id')
            .where('u.account_id', '=', accountId)
            .where('u.kind', '=', UNLOCKED_EVENT)
            .whereRef('u.id', '>', 'account_security_events.id'), // recorded after it (ids follow insertion)
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), last: row.last ? new Date(row.last) : undefined };
}

/**
 * A lockout's end: once `max` events of a kind fall within `windowMs` before `now`, `windowMs` after the last of
 * them; undefined while fewer.
 */
export async function lockedUntil(
  db: DbHandle,
  accountId: string,
  rule: { kind: string; max: number; windowMs: number },
  now: Date,
): Promise<Date | undefined> {
  const failures = await countSecurityEventsSince(db, accountId, rule.kind, new Date(now.getTime() - rule.windowMs));
  return failures.count >= rule.max && failures.last ? new Date(failures.last.getTime() + rule.windowMs) : undefined;
}

export async function listSessionsOf(db: DbHandle, accountId: string, now: Date): Promise<SessionRow[]> {
  return db
    .selectFrom('account_sessions')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('stage', '=', 'full')
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** Whether the account has signed in from this device (a hash of the device cookie) before. */
export async function deviceSeenBefore(
  db: DbHandle,
  accountId: string,
  deviceHash: string,
): Promise<{ seen: boolean; anyDevice: boolean }> {
  const rows = await db
    .selectFrom('account_security_events')
    .select(sql<boolean>`bool_or(details->>'device' = ${deviceHash})`.as('seen'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('kind', '=', 'device_seen')
    .executeTakeFirstOrThrow();
  return { seen: Boolean(rows.seen), anyDevice: Number(rows.n) > 0 };
}

/** A failed sign-in from a network address (any email); now and then, rows older than a day are removed. */
export async function recordAddressFailure(db: DbHandle, ip: string, at: Date): Promise<void> {
  await db.insertInto('sign_in_address_failures').values({ ip, occurred_at: at }).execute();
  if (Math.random() < 0.01)
    await db
      .deleteFrom('sign_in_address_failures')
      .where('occurred_at', '<', new Date(at.getTime() - 86_400_000))
      .execute();
}

export async function countAddressFailuresSince(
  db: DbHandle,
  ip: string,
  since: Date,
): Promise<{ count: number; last?: Date }> {
  const row = await db
    .selectFrom('sign_in_address_failures')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('occurred_at').as('last')])
    .where('ip', '=', ip)
    .where('occurred_at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), last: row.last ? new Date(row.last) : undefined };
}

/** A failed sign-in for a normalised email (a hash of it), with or without an account; now and then, rows older than a day are removed. */
export async function recordEmailFailure(db: DbHandle, emailHash: string, at: Date): Promise<void> {
  await db.insertInto('sign_in_email_failures').values({ email_hash: emailHash, occurred_at: at }).execute();
  if (Math.random() < 0.01)
    await db
      .deleteFrom('sign_in_email_failures')
      .where('occurred_at', '<', new Date(at.getTime() - 86_400_000))
      .execute();
}

/**
 * Failed sign-ins for an email since a time (and the last one's time). With the account that uses the email, failures
 * up to its last help-desk unlock or password reset do not count (both start the count again, as for the other
 * lockouts); an email without an account has neither, so the same query answers for every email.
 */
export async function countEmailFailuresSince(
  db: DbHandle,
  emailHash: string,
  since: Date,
  accountId: string | undefined,
): Promise<{ count: number; last?: Date }> {
  const row = await db
    .selectFrom('sign_in_email_failures')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('occurred_at').as('last')])
    .where('email_hash', '=', emailHash)
    .where('occurred_at', '>', since)
    .where(({ eb, selectFrom, fn }) =>
      eb(
        'occurred_at',
        '>',
        fn.coalesce(
          selectFrom('account_security_events')
            .select((s) => s.fn.max('occurred_at').as('at'))
            .where('account_id', '=', accountId ?? '00000000-0000-0000-0000-000000000000')
            .where('kind', 'in', [UNLOCKED_EVENT, 'password_reset']),
          sql<Date>`'-infinity'::timestamptz`,
        ),
      ),
    )
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), last: row.last ? new Date(row.last) : undefined };
}
