import type { Insertable, Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { CaseDocumentsTable } from './tables.js';

/** All SQL of notices: the documents of a case (`case_documents`) and the print-and-mail batches (`mail_items`, `mail_batches`). */

/** The id of the document rendered for an event, if there is one. */
export async function documentIdOfEvent(db: DbHandle, eventId: string): Promise<string | undefined> {
  return (await db.selectFrom('case_documents').select('id').where('event_id', '=', eventId).executeTakeFirst())?.id;
}

/** Stores the document of an event unless the event has one already; answers the id stored, undefined when it had one. */
export async function insertEventDocument(
  db: DbHandle,
  row: Insertable<CaseDocumentsTable> & { event_id: string },
): Promise<string | undefined> {
  const inserted = await db
    .insertInto('case_documents')
    .values(row)
    .onConflict((oc) => oc.column('event_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

/** The id of the document rendered for an event, which must exist. */
export async function documentIdOfEventOrThrow(db: DbHandle, eventId: string): Promise<string> {
  return (await db.selectFrom('case_documents').select('id').where('event_id', '=', eventId).executeTakeFirstOrThrow())
    .id;
}

export async function insertDocument(db: DbHandle, row: Insertable<CaseDocumentsTable>): Promise<void> {
  await db.insertInto('case_documents').values(row).execute();
}

export async function insertMailItem(
  db: DbHandle,
  row: { id: string; documentId: string; caseId: number; createdAt: Date; expectedBy: Date },
): Promise<void> {
  await db
    .insertInto('mail_items')
    .values({
      id: row.id,
      document_id: row.documentId,
      case_id: row.caseId,
      created_at: row.createdAt,
      expected_by: row.expectedBy,
      batch_id: null,
    })
    .execute();
}

/** A document as listed on the case card and in the officer workspace. */
/** A document as listed on the case card and in the officer workspace. */
export type CaseDocument = Pick<
  Selectable<CaseDocumentsTable>,
  | 'id'
  | 'kind'
  | 'language'
  | 'created_at'
  | 'byte_size'
  | 'content_type'
  | 'title'
  | 'file_name'
  | 'shared_with_holder'
>;

/** The documents of a case, newest first; `holder`: only those shown to its account holder. */
export async function documentsOfCase(db: DbHandle, caseId: number, which: 'all' | 'holder'): Promise<CaseDocument[]> {
  let query = db
    .selectFrom('case_documents')
    .select([
      'id',
      'kind',
      'language',
      'created_at',
      'byte_size',
      'content_type',
      'title',
      'file_name',
      'shared_with_holder',
    ])
    .where('case_id', '=', caseId);
  if (which === 'holder') query = query.where('shared_with_holder', '=', true);
  return query.orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Where a document of the given case is kept, and what a download needs. */
export async function documentFileOf(db: DbHandle, caseId: number, documentId: string) {
  return db
    .selectFrom('case_documents')
    .select(['storage_key', 'content_type', 'kind', 'file_name'])
    .where('id', '=', documentId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
}

/**
 * The letters waiting for a batch, oldest first, locked for the batch being closed. Reads the receipt number from
 * `cases` in the same statement (its FOR UPDATE covers the joined rows, as it always did).
 */
export async function waitingLettersForUpdate(
  db: DbHandle,
): Promise<{ id: string; receipt_number: string; storage_key: string }[]> {
  return db
    .selectFrom('mail_items as m')
    .innerJoin('case_documents as d', 'd.id', 'm.document_id')
    .innerJoin('cases as c', 'c.id', 'm.case_id')
    .select(['m.id', 'c.receipt_number', 'd.storage_key'])
    .where('m.batch_id', 'is', null)
    .orderBy('m.created_at')
    .forUpdate()
    .execute();
}

/** Closes a batch: records it and puts the given letters in it. */
export async function insertBatch(
  db: DbHandle,
  batch: { id: string; closedAt: Date; letterIds: string[] },
): Promise<void> {
  await db
    .insertInto('mail_batches')
    .values({ id: batch.id, closed_at: batch.closedAt, item_count: batch.letterIds.length })
    .execute();
  await db.updateTable('mail_items').set({ batch_id: batch.id }).where('id', 'in', batch.letterIds).execute();
}
