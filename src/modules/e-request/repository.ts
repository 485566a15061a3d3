import type { DbHandle } from '../../platform/db/database.js';

/**
 * All SQL of e-Request: the case a request names (with the applicant's date of birth the agency has, to match it),
 * and the receipt dates for a case inquiry (`inquiry_dates`, migration 0023; PT-2, CC-10).
 */

export interface RequestCase {
  id: number;
  receipt_number: string;
  form_code: string;
  office_code: string;
  received_at: Date;
  section_1367: boolean;
  date_of_birth: string | null;
}

export async function findCaseForRequest(db: DbHandle, receiptNumber: string): Promise<RequestCase | undefined> {
  return db
    .selectFrom('cases as c')
    .leftJoin('case_applicants as a', 'a.case_id', 'c.id')
    .select(['c.id', 'c.receipt_number', 'c.form_code', 'c.office_code', 'c.received_at', 'c.section_1367', 'a.date_of_birth'])
    .where('c.receipt_number', '=', receiptNumber)
    .executeTakeFirst();
}

export interface InquiryDateRow {
  form_code: string;
  office_code: string;
  inquiry_date: string;
  updated_at: Date;
}

export async function findInquiryDate(db: DbHandle, formCode: string, officeCode: string): Promise<InquiryDateRow | undefined> {
  return db
    .selectFrom('inquiry_dates')
    .select(['form_code', 'office_code', 'inquiry_date', 'updated_at'])
    .where('form_code', '=', formCode)
    .where('office_code', '=', officeCode)
    .executeTakeFirst();
}

export async function listInquiryDates(db: DbHandle): Promise<InquiryDateRow[]> {
  return db.selectFrom('inquiry_dates').select(['form_code', 'office_code', 'inquiry_date', 'updated_at']).orderBy('form_code').orderBy('office_code').execute();
}

/** Adds or changes the row; answers the date it had before (undefined for a new row). The row is locked while it changes. */
export async function saveInquiryDate(db: DbHandle, row: { formCode: string; officeCode: string; date: string; at: Date; by: string }): Promise<string | undefined> {
  const before = await db
    .selectFrom('inquiry_dates')
    .select('inquiry_date')
    .where('form_code', '=', row.formCode)
    .where('office_code', '=', row.officeCode)
    .forUpdate()
    .executeTakeFirst();
  await db
    .insertInto('inquiry_dates')
    .values({ form_code: row.formCode, office_code: row.officeCode, inquiry_date: row.date, updated_at: row.at, updated_by: row.by })
    .onConflict((oc) => oc.columns(['form_code', 'office_code']).doUpdateSet({ inquiry_date: row.date, updated_at: row.at, updated_by: row.by }))
    .execute();
  return before?.inquiry_date;
}

/** Removes the row; answers the date it had (undefined when there was none). */
export async function deleteInquiryDate(db: DbHandle, formCode: string, officeCode: string): Promise<string | undefined> {
  const row = await db.deleteFrom('inquiry_dates').where('form_code', '=', formCode).where('office_code', '=', officeCode).returning('inquiry_date').executeTakeFirst();
  return row?.inquiry_date;
}
