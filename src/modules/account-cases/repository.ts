import type { DbHandle } from '../../platform/db/database.js';
import type { AccountCasesTable } from '../../platform/db/tables.js';

/** All SQL of the cases in accounts. */

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
    .select(['c.id', 'c.receipt_number', 'c.form_code', 'c.status_key', 'c.status_at', 'c.received_at', 'c.filing_channel', 'l.added_via'])
    .where('l.account_id', '=', accountId)
    .orderBy('c.status_at', 'desc')
    .execute();
}

export async function isLinked(db: DbHandle, accountId: string, caseId: number): Promise<boolean> {
  return Boolean(await db.selectFrom('account_cases').select('case_id').where('account_id', '=', accountId).where('case_id', '=', caseId).executeTakeFirst());
}

export async function findCaseForAdding(db: DbHandle, receiptNumber: string) {
  return db
    .selectFrom('cases as c')
    .leftJoin('case_applicants as a', 'a.case_id', 'c.id')
    .select(['c.id', 'c.receipt_number', 'a.date_of_birth', 'a.family_name'])
    .where('c.receipt_number', '=', receiptNumber)
    .executeTakeFirst();
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

export async function link(db: DbHandle, row: AccountCasesTable): Promise<boolean> {
  const r = await db.insertInto('account_cases').values(row).onConflict((oc) => oc.columns(['account_id', 'case_id']).doNothing()).returning('case_id').executeTakeFirst();
  return Boolean(r);
}
