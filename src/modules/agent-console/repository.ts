import type { Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { CallerVerificationsTable } from './tables.js';

/** All SQL of the agent console: the callers' verifications (`caller_verifications`, migration 0023; CC-2). */

/** The latest verification of the caller on an item. */
export async function lastVerificationOf(db: DbHandle, itemId: string) {
  return db
    .selectFrom('caller_verifications')
    .select(['outcome', 'caller_role', 'created_at'])
    .where('item_id', '=', itemId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertVerification(db: DbHandle, row: Insertable<CallerVerificationsTable>): Promise<void> {
  await db.insertInto('caller_verifications').values(row).execute();
}
