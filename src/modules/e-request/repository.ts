import type { Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { InquiryDatesTable } from './tables.js';

/**
 * All SQL of e-Request: the receipt dates for a case inquiry (`inquiry_dates`, migration 0023; PT-2, CC-10). The
 * case a request names comes from the cases module (findCaseForRequest).
 */

export type InquiryDateRow = Pick<
  Selectable<InquiryDatesTable>,
  'form_code' | 'office_code' | 'inquiry_date' | 'updated_at'
>;

export async function findInquiryDate(
  db: DbHandle,
  formCode: string,
  officeCode: string,
): Promise<InquiryDateRow | undefined> {
  return db
    .selectFrom('inquiry_dates')
    .select(['form_code', 'office_code', 'inquiry_date', 'updated_at'])
    .where('form_code', '=', formCode)
    .where('office_code', '=', officeCode)
    .executeTakeFirst();
}

export async function listInquiryDates(db: DbHandle): Promise<InquiryDateRow[]> {
  return db
    .selectFrom('inquiry_dates')
    .select(['form_code', 'office_code', 'inquiry_date', 'updated_at'])
    .orderBy('form_code')
    .orderBy('office_code')
    .execute();
}

/** Adds or changes the row; answers the date it had before (undefined for a new row). The row is locked while it changes. */
export async function saveInquiryDate(
  db: DbHandle,
  row: { formCode: string; officeCode: string; date: string; at: Date; by: string },
): Promise<string | undefined> {
  const before = await db
    .selectFrom('inquiry_dates')
    .select('inquiry_date')
    .where('form_code', '=', row.formCode)
    .where('office_code', '=', row.officeCode)
    .forUpdate()
    .executeTakeFirst();
  await db
    .insertInto('inquiry_dates')
    .values({
      form_code: row.formCode,
      office_code: row.officeCode,
      inquiry_date: row.date,
      updated_at: row.at,
      updated_by: row.by,
    })
    .onConflict((oc) =>
      oc
        .columns(['form_code', 'office_code'])
        .doUpdateSet({ inquiry_date: row.date, updated_at: row.at, updated_by: row.by }),
    )
    .execute();
  return before?.inquiry_date;
}

/** Removes the row; answers the date it had (undefined when there was none). */
export async function deleteInquiryDate(
  db: DbHandle,
  formCode: string,
  officeCode: string,
): Promise<string | undefined> {
  const row = await db
    .deleteFrom('inquiry_dates')
    .where('form_code', '=', formCode)
    .where('office_code', '=', officeCode)
    .returning('inquiry_date')
    .executeTakeFirst();
  return row?.inquiry_date;
}

/** A failed case match, counted for the receipt number and the requester (its address and a hash of its email); now and then, rows older than a day are removed. */
export async function recordCaseFailure(
  db: DbHandle,
  failure: { receiptNumber: string; ip: string; emailHash: string; at: Date },
): Promise<void> {
  await db
    .insertInto('e_request_case_failures')
    .values({
      receipt_number: failure.receiptNumber,
      requester_ip: failure.ip,
      requester_email_hash: failure.emailHash,
      failed_at: failure.at,
    })
    .execute();
  if (Math.random() < 0.01)
    await db
      .deleteFrom('e_request_case_failures')
      .where('failed_at', '<', new Date(failure.at.getTime() - 86_400_000))
      .execute();
}

/**
 * Failed matches for a receipt number since a time by this requester, counted by its address and by its email
 * separately (a requester changing one of the two is still counted by the other), each with its last time.
 */
export async function countCaseFailuresSince(
  db: DbHandle,
  q: { receiptNumber: string; ip: string; emailHash: string; since: Date },
): Promise<{ byAddress: { count: number; last?: Date }; byEmail: { count: number; last?: Date } }> {
  const row = await db
    .selectFrom('e_request_case_failures')
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('requester_ip', '=', q.ip).as('ip_n'),
      eb.fn.max('failed_at').filterWhere('requester_ip', '=', q.ip).as('ip_last'),
      eb.fn.countAll<number>().filterWhere('requester_email_hash', '=', q.emailHash).as('email_n'),
      eb.fn.max('failed_at').filterWhere('requester_email_hash', '=', q.emailHash).as('email_last'),
    ])
    .where('receipt_number', '=', q.receiptNumber)
    .where('failed_at', '>', q.since)
    .where((eb) => eb.or([eb('requester_ip', '=', q.ip), eb('requester_email_hash', '=', q.emailHash)]))
    .executeTakeFirstOrThrow();
  const at = (value: unknown) => (value ? new Date(value as string) : undefined);
  return {
    byAddress: { count: Number(row.ip_n), last: at(row.ip_last) },
    byEmail: { count: Number(row.email_n), last: at(row.email_last) },
  };
}
