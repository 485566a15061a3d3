import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { Address } from '../../platform/us-address.js';
import type { AddressChangeCaseRow, AddressChangeRow, AddressChangeStatus } from './tables.js';

/** All SQL of the change of address, on its own tables (address_changes, address_change_cases). */

/** The key of the advisory lock that orders writes to the feed (see db/migrations/0038_address_changes.sql). */
const FEED_LOCK = 170_004;

export async function insertChange(
  db: DbHandle,
  change: {
    id: string;
    accountId: string;
    mailing: Address;
    physical: Address;
    physicalSame: boolean;
    requestedAt: Date;
    cases: { caseId: number; receiptNumber: string }[];
  },
): Promise<void> {
  // Held to the end of the transaction: rows of the feed become visible in the order of their numbers.
  await sql`SELECT pg_advisory_xact_lock(${FEED_LOCK})`.execute(db);
  await db
    .insertInto('address_changes')
    .values({
      id: change.id,
      account_id: change.accountId,
      mailing: JSON.stringify(change.mailing),
      physical: JSON.stringify(change.physical),
      physical_same: change.physicalSame,
      requested_at: change.requestedAt,
    })
    .execute();
  if (!change.cases.length) return;
  await db
    .insertInto('address_change_cases')
    .values(
      change.cases.map((c) => ({
        change_id: change.id,
        case_id: c.caseId,
        receipt_number: c.receiptNumber,
        status: 'submitted' as const,
        status_at: change.requestedAt,
      })),
    )
    .execute();
}

/** An account's changes, newest first (at most `limit`). */
export async function changesOfAccount(db: DbHandle, accountId: string, limit = 50): Promise<AddressChangeRow[]> {
  return db
    .selectFrom('address_changes')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('requested_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The per-case rows of these changes, by receipt number. */
export async function casesOfChanges(db: DbHandle, changeIds: string[]): Promise<AddressChangeCaseRow[]> {
  if (!changeIds.length) return [];
  return db
    .selectFrom('address_change_cases')
    .selectAll()
    .where('change_id', 'in', changeIds)
    .orderBy('receipt_number')
    .execute();
}

/** The changes that reached a case, newest first, with the change's addresses and its status on this case. */
export async function changesOfCase(db: DbHandle, caseId: number, limit = 20) {
  return db
    .selectFrom('address_change_cases as k')
    .innerJoin('address_changes as c', 'c.id', 'k.change_id')
    .select(['c.id', 'c.mailing', 'c.physical', 'c.requested_at', 'k.status', 'k.status_at', 'k.reason'])
    .where('k.case_id', '=', caseId)
    .orderBy('k.seq', 'desc')
    .limit(limit)
    .execute();
}

/** A page of the feed: each change on each case after the cursor, in order. */
export async function feedAfter(db: DbHandle, after: number, limit: number) {
  return db
    .selectFrom('address_change_cases as k')
    .innerJoin('address_changes as c', 'c.id', 'k.change_id')
    .select([
      'k.seq',
      'c.id',
      'k.receipt_number',
      'c.mailing',
      'c.physical',
      'c.requested_at',
      'k.status',
      'k.status_at',
      'k.reason',
    ])
    .where('k.seq', '>', after)
    .orderBy('k.seq')
    .limit(limit)
    .execute();
}

/** What an agency system has read is recorded there: those still `submitted` among these rows become `recorded`. */
export async function markRecorded(db: DbHandle, seqs: number[], at: Date): Promise<void> {
  if (!seqs.length) return;
  await db
    .updateTable('address_change_cases')
    .set({ status: 'recorded', status_at: at })
    .where('seq', 'in', seqs)
    .where('status', '=', 'submitted')
    .execute();
}

/**
 * The agency's answer for a change on a case: confirmed or failed (with its reason). A later answer (by the time it
 * happened) replaces an earlier one; an older one arriving late changes nothing. Answers whether a row was updated.
 */
export async function answer(
  db: DbHandle,
  a: {
    changeId: string;
    caseId: number;
    status: Extract<AddressChangeStatus, 'confirmed' | 'failed'>;
    reason?: string;
    at: Date;
  },
): Promise<boolean> {
  const r = await db
    .updateTable('address_change_cases')
    .set({ status: a.status, status_at: a.at, reason: a.reason ?? null })
    .where('change_id', '=', a.changeId)
    .where('case_id', '=', a.caseId)
    .where((eb) => eb.or([eb('status', 'in', ['submitted', 'recorded']), eb('status_at', '<=', a.at)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The account and time of a change (for the message about the agency's answer). */
export async function changeById(db: DbHandle, changeId: string) {
  return db
    .selectFrom('address_changes')
    .select(['id', 'account_id', 'requested_at'])
    .where('id', '=', changeId)
    .executeTakeFirst();
}
