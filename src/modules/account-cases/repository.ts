import { isAnyOf, type DbHandle } from '../../platform/db/database.js';
import { sql, type Insertable } from 'kysely';
import type { AccountCasesTable } from './tables.js';
import { contactsOf } from '../accounts/index.js';

/**
 * All SQL of the cases in accounts. A link suspended for a Section 1367 review (migration 0029) counts as no link
 * anywhere: every read of an account's cases goes through ACTIVE, so the list, the card and everything behind it agree.
 */

export interface LinkedCaseRow {
  id: number;
  receipt_number: string;
  form_code: string;
  status_key: string;
  status_at: Date;
  received_at: Date;
  filing_channel: 'online' | 'paper';
  added_via: AccountCasesTable['added_via'];
}

export async function casesOfAccount(db: DbHandle, accountId: string): Promise<LinkedCaseRow[]> {
  return db
    .selectFrom('account_cases as l')
    .innerJoin('cases as c', 'c.id', 'l.case_id')
    .select([
      'c.id',
      'c.receipt_number',
      'c.form_code',
      'c.status_key',
      'c.status_at',
      'c.received_at',
      'c.filing_channel',
      'l.added_via',
    ])
    .where('l.account_id', '=', accountId)
    .where('l.suspended_at', 'is', null)
    .orderBy('c.status_at', 'desc')
    .execute();
}

export async function isLinked(db: DbHandle, accountId: string, caseId: number): Promise<boolean> {
  return Boolean(
    await db
      .selectFrom('account_cases')
      .select('case_id')
      .where('account_id', '=', accountId)
      .where('case_id', '=', caseId)
      .where('suspended_at', 'is', null)
      .executeTakeFirst(),
  );
}

export async function findAccessCode(db: DbHandle, codeHash: string) {
  return db
    .selectFrom('online_access_codes as o')
    .innerJoin('cases as c', 'c.id', 'o.case_id')
    .leftJoin('case_applicants as a', 'a.case_id', 'c.id')
    .select(['o.case_id', 'o.expires_at', 'o.used_at', 'c.receipt_number', 'a.date_of_birth'])
    .where('o.code_hash', '=', codeHash)
    .executeTakeFirst();
}

/** Marks the code used; a second use (a double click, a replay) finds nothing. */
export async function useAccessCode(db: DbHandle, codeHash: string, accountId: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('online_access_codes')
    .set({ used_at: now, used_by: accountId })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function link(db: DbHandle, row: Insertable<AccountCasesTable>): Promise<boolean> {
  const r = await db
    .insertInto('account_cases')
    .values(row)
    .onConflict((oc) => oc.columns(['account_id', 'case_id']).doNothing())
    .returning('case_id')
    .executeTakeFirst();
  return Boolean(r);
}

/**
 * A link made with an Online Access Code (the holder's own way in, CASE-4): it also restores a link of the same
 * account that was suspended for a Section 1367 review, which the code confirms.
 */
export async function linkWithAccessCode(db: DbHandle, row: Insertable<AccountCasesTable>, now: Date): Promise<void> {
  await db
    .insertInto('account_cases')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'case_id'])
        .doUpdateSet({ suspended_at: null, confirmed_at: now, added_via: 'online_access_code' })
        .where('account_cases.suspended_at', 'is not', null),
    )
    .execute();
}

/** A code issued for the case since the given time and not used yet (a request already answered). */
export async function recentAccessCode(db: DbHandle, caseId: number, since: Date) {
  return db
    .selectFrom('online_access_codes')
    .select('issued_at')
    .where('case_id', '=', caseId)
    .where('issued_at', '>', since)
    .where('used_at', 'is', null)
    .orderBy('issued_at', 'desc')
    .executeTakeFirst();
}

export async function insertAccessCode(
  db: DbHandle,
  c: { codeHash: string; caseId: number; issuedAt: Date; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('online_access_codes')
    .values({
      code_hash: c.codeHash,
      case_id: c.caseId,
      issued_at: c.issuedAt,
      expires_at: c.expiresAt,
      used_at: null,
      used_by: null,
      event_id: null,
    })
    .execute();
}

// ---- Section 1367 reviews of receipt-number links (issue 13 item 1) ------------------------------------------------

export interface SuspendedLinkRow {
  account_id: string;
  email: string;
  online_account_number: string;
  added_at: Date;
  suspended_at: Date;
}

export async function suspendedLinksOf(db: DbHandle, caseId: number): Promise<SuspendedLinkRow[]> {
  const links = await db
    .selectFrom('account_cases as l')
    .select(['l.account_id', 'l.added_at', sql<Date>`l.suspended_at`.as('suspended_at')])
    .where('l.case_id', '=', caseId)
    .where('l.suspended_at', 'is not', null)
    .orderBy('l.added_at')
    .execute();
  // Every link has its account (a foreign key), whose email and number the accounts module gives.
  const contacts = await contactsOf(
    db,
    links.map((l) => l.account_id),
  );
  return links.flatMap((l) => {
    const contact = contacts.get(l.account_id);
    return contact
      ? [
          {
            account_id: l.account_id,
            email: contact.email,
            online_account_number: contact.online_account_number,
            added_at: l.added_at,
            suspended_at: l.suspended_at,
          },
        ]
      : [];
  });
}

/** The agency confirmed the holder: the link works again and is not suspended by a later protection. */
export async function confirmLink(
  db: DbHandle,
  caseId: number,
  accountId: string,
  by: string,
  now: Date,
): Promise<boolean> {
  const r = await db
    .updateTable('account_cases')
    .set({ suspended_at: null, confirmed_at: now, confirmed_by: by })
    .where('case_id', '=', caseId)
    .where('account_id', '=', accountId)
    .where('suspended_at', 'is not', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The agency found the link was not the holder's: it is removed. */
export async function removeSuspendedLink(db: DbHandle, caseId: number, accountId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('account_cases')
    .where('case_id', '=', caseId)
    .where('account_id', '=', accountId)
    .where('suspended_at', 'is not', null)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * The identity details on record of the newest case the account holds as its applicant (an active link) that has an
 * A-Number or ZIP code (identity verification, identity.ts). One statement across account_cases, cases and
 * case_applicants: the newest such case is chosen by the join.
 */
export async function identityFactsOf(db: DbHandle, accountId: string) {
  return db
    .selectFrom('account_cases as l')
    .innerJoin('cases as c', 'c.id', 'l.case_id')
    .innerJoin('case_applicants as a', 'a.case_id', 'c.id')
    .select(['c.form_code', 'c.received_at', 'a.a_number', 'a.zip'])
    .where('l.account_id', '=', accountId)
    .where('l.suspended_at', 'is', null)
    .where('l.relationship', '=', 'applicant')
    .where((eb) => eb.or([eb('a.a_number', 'is not', null), eb('a.zip', 'is not', null)]))
    .orderBy('c.received_at', 'desc')
    .executeTakeFirst();
}

// ---- What case events record in the cases of accounts (asked through index.ts) ----------------------------------------

/** Online Access Codes from account acceptance notices: the hash only, valid 90 days from the notice (CASE-5). */
export async function insertNoticeAccessCodes(
  db: DbHandle,
  rows: { codeHash: string; caseId: number; issuedAt: Date; expiresAt: Date; eventId: string }[],
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('online_access_codes')
    .values(
      rows.map((r) => ({
        code_hash: r.codeHash,
        case_id: r.caseId,
        issued_at: r.issuedAt,
        expires_at: r.expiresAt,
        used_at: null,
        used_by: null,
        event_id: r.eventId,
      })),
    )
    .onConflict((oc) => oc.column('code_hash').doNothing())
    .execute();
}

/** Online filings land in the accounts that filed them (the accounts found by the caller; a link already there stays as it is). */
export async function linkOnlineFilings(
  db: DbHandle,
  rows: { caseId: number; accountId: string; at: Date }[],
): Promise<void> {
  if (!rows.length) return;
  await sql`
    INSERT INTO account_cases (account_id, case_id, relationship, added_via, added_at)
    SELECT f.account_id, f.case_id, 'applicant', 'online_filing', f.added_at
    FROM unnest(${rows.map((r) => r.caseId)}::int[], ${rows.map((r) => r.accountId)}::uuid[], ${rows.map((r) => r.at.toISOString())}::timestamptz[])
      AS f (case_id, account_id, added_at)
    ON CONFLICT (account_id, case_id) DO NOTHING`.execute(db);
}

/**
 * A case became protected: its links made by receipt number (CASE-6: details others may know) are suspended until
 * the agency confirms the holder; links confirmed before stay. Protection lifted: the suspended links come back.
 */
export async function reviewReceiptNumberLinks(
  db: DbHandle,
  caseId: number,
  protectedNow: boolean,
  now: Date,
): Promise<void> {
  if (protectedNow) {
    await db
      .updateTable('account_cases')
      .set({ suspended_at: now })
      .where('case_id', '=', caseId)
      .where('added_via', '=', 'receipt_number')
      .where('confirmed_at', 'is', null)
      .where('suspended_at', 'is', null)
      .execute();
  } else {
    await db
      .updateTable('account_cases')
      .set({ suspended_at: null })
      .where('case_id', '=', caseId)
      .where('suspended_at', 'is not', null)
      .execute();
  }
}

/** The accounts that hold these cases by an active link (a link suspended for a Section 1367 review counts as none). */
export async function activeHoldersOf(
  db: DbHandle,
  caseIds: number[],
): Promise<{ case_id: number; account_id: string }[]> {
  if (!caseIds.length) return [];
  return db
    .selectFrom('account_cases')
    .select(['case_id', 'account_id'])
    .where(isAnyOf('case_id', caseIds, 'int'))
    .where('suspended_at', 'is', null)
    .execute();
}

/**
 * The cases an account holds by an active link, with how it holds each (its applicant, or as a representative) and
 * whether the case is Section 1367 protected: what the change of address asks (COA-1, issue 17 point 4).
 */
export async function casesForAddressChange(
  db: DbHandle,
  accountId: string,
): Promise<
  {
    id: number;
    receipt_number: string;
    form_code: string;
    relationship: 'applicant' | 'representative';
    section_1367: boolean;
  }[]
> {
  return db
    .selectFrom('account_cases as l')
    .innerJoin('cases as c', 'c.id', 'l.case_id')
    .select(['c.id', 'c.receipt_number', 'c.form_code', 'l.relationship', 'c.section_1367'])
    .where('l.account_id', '=', accountId)
    .where('l.suspended_at', 'is', null)
    .orderBy('c.receipt_number')
    .execute();
}
