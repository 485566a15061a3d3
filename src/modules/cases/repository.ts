import { sql, type RawBuilder, type Selectable } from 'kysely';
import { preparedQuery, type DbHandle } from '../../platform/db/database.js';
import type { CaseApplicantsTable, CaseRow } from './tables.js';

/** All SQL of the cases module. */

export interface HistoryEntry {
  statusKey: string;
  occurredAt: Date;
}

export interface CaseWithHistory extends CaseRow {
  /** Every dated status of the case, newest first (the current status included). */
  history: HistoryEntry[];
}

/**
 * The dated history of the case whose row is `alias` (ADR 13): the rows of demo or migrated data, and the case's
 * status-bearing events. Columns: status_key, occurred_at, params, event_id (null for data rows), id (null for
 * events). Name it `x` and order it with HISTORY_ORDER.
 */
export function historyOf(alias: string): RawBuilder<unknown> {
  return sql`
    SELECT h.status_key, h.occurred_at, '{}'::jsonb AS params, NULL::text AS event_id, h.id FROM case_status_history h WHERE h.case_id = ${sql.ref(`${alias}.id`)}
    UNION ALL
    SELECT e.status_key, e.occurred_at, e.status_params, e.event_id, NULL::int FROM case_events e
    WHERE e.receipt_number = ${sql.ref(`${alias}.receipt_number`)} AND e.status_key IS NOT NULL`;
}

/** Newest first; at the same moment an event before a data row, a greater event id first (the current status is first). */
export const HISTORY_ORDER = sql`x.occurred_at DESC, x.event_id DESC NULLS LAST, x.id DESC`;

/** The columns a case's status is described from (describeCase). */
const DESCRIBED_COLUMNS = [
  'c.receipt_number',
  'c.form_code',
  'c.office_code',
  'c.received_at',
  'c.status_key',
  'c.status_at',
  'c.status_params',
] as const satisfies readonly `c.${keyof CaseRow}`[];

/** Every column of a case, named (a prepared statement must not select `*`). */
const CASE_COLUMNS = [
  'c.id',
  ...DESCRIBED_COLUMNS,
  'c.from_events',
  'c.filing_channel',
  'c.section_1367',
  'c.form_category',
  'c.created_at',
  'c.updated_at',
] as const satisfies readonly `c.${keyof CaseRow}`[];

/** What Case Status Online reads: the described columns, and whether the public may see the case (Section 1367). */
const STATUS_COLUMNS = [...DESCRIBED_COLUMNS, 'c.section_1367'] as const;

type StatusColumn = (typeof STATUS_COLUMNS)[number] extends `c.${infer K}` ? K : never;

/** What Case Status Online needs of a case: its status columns and its dated history. */
export interface CaseStatusRow extends Pick<CaseRow, StatusColumn> {
  /** Every dated status of the case, newest first (the current status included). */
  history: HistoryEntry[];
}

/** The case's history aggregated as JSON in the same statement (one round trip), newest first. */
const HISTORY_JSON = sql<{ s: string; t: string }[] | null>`(
  SELECT json_agg(json_build_object('s', x.status_key, 't', x.occurred_at) ORDER BY ${HISTORY_ORDER})
  FROM (${historyOf('c')}) x)`.as('history_json');

function withHistory<R extends { history_json: { s: string; t: string }[] | null }>(
  row: R,
): Omit<R, 'history_json'> & { history: HistoryEntry[] } {
  const { history_json, ...rest } = row;
  return { ...rest, history: (history_json ?? []).map((h) => ({ statusKey: h.s, occurredAt: new Date(h.t) })) };
}

/**
 * A prepared lookup of a case by receipt number: these columns of it and its history, in one round trip (a lookup by
 * the unique receipt number has one plan whatever the value).
 */
function lookupWithHistory<C extends `c.${keyof CaseRow}`>(columns: readonly C[]) {
  const find = preparedQuery((db: DbHandle, receiptNumber: string) =>
    db.selectFrom('cases as c').select(columns).select(HISTORY_JSON).where('c.receipt_number', '=', receiptNumber),
  );
  return async (db: DbHandle, receiptNumber: string) => {
    const [row] = await find(db, receiptNumber);
    return row && withHistory(row);
  };
}

/** A whole case and its history, for the account pages (which need its id and flags). */
export const findWithHistoryByReceiptNumber: (
  db: DbHandle,
  receiptNumber: string,
) => Promise<CaseWithHistory | undefined> = lookupWithHistory(CASE_COLUMNS);

/**
 * The hottest query of the public API (Case Status Online): only the columns it needs, each of which pg decodes on
 * every call.
 */
export const findStatusByReceiptNumber: (db: DbHandle, receiptNumber: string) => Promise<CaseStatusRow | undefined> =
  lookupWithHistory(STATUS_COLUMNS);

export interface NewCaseWithHistory {
  receiptNumber: string;
  formCode: string;
  officeCode: string;
  receivedAt: Date;
  statusParams: Record<string, string>;
  /** Oldest first; the last one is the current status. */
  history: HistoryEntry[];
  /** The applicant as the agency's records know them (`case_applicants`): what adding the case to an account asks. */
  applicant?: NewCaseApplicant;
}

export interface NewCaseApplicant {
  familyName: string;
  dateOfBirth: string;
  zip?: string;
  aNumber?: string;
}

/** Inserts cases with their histories in a few statements (a batch of hundreds at a time). */
export async function insertCases(db: DbHandle, cases: NewCaseWithHistory[]): Promise<void> {
  if (cases.length === 0) return;
  const inserted = await db
    .insertInto('cases')
    .values(
      cases.map((c) => {
        const current = c.history[c.history.length - 1]!;
        return {
          receipt_number: c.receiptNumber,
          form_code: c.formCode,
          office_code: c.officeCode,
          received_at: c.receivedAt,
          status_key: current.statusKey,
          status_at: current.occurredAt,
          status_params: JSON.stringify(c.statusParams),
        };
      }),
    )
    .onConflict((oc) => oc.column('receipt_number').doNothing())
    .returning(['id', 'receipt_number'])
    .execute();
  const ids = new Map(inserted.map((r) => [r.receipt_number, r.id]));
  const history = cases.flatMap((c) => {
    const id = ids.get(c.receiptNumber);
    return id === undefined
      ? []
      : c.history.map((h) => ({ case_id: id, status_key: h.statusKey, occurred_at: h.occurredAt }));
  });
  for (let i = 0; i < history.length; i += 5000) {
    await db
      .insertInto('case_status_history')
      .values(history.slice(i, i + 5000))
      .execute();
  }
  const applicants = cases.flatMap((c) => {
    const id = ids.get(c.receiptNumber);
    return id === undefined || !c.applicant ? [] : [{ case_id: id, ...applicantColumns(c.applicant) }];
  });
  if (applicants.length)
    await db
      .insertInto('case_applicants')
      .values(applicants)
      .onConflict((oc) => oc.column('case_id').doNothing())
      .execute();
}

/** A new case's applicant as the columns of `case_applicants`. */
export function applicantColumns(a: NewCaseApplicant): {
  family_name: string;
  date_of_birth: string;
  zip: string | null;
  a_number: string | null;
} {
  return { family_name: a.familyName, date_of_birth: a.dateOfBirth, zip: a.zip ?? null, a_number: a.aNumber ?? null };
}

export async function countCases(db: DbHandle): Promise<number> {
  const row = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function maxCaseId(db: DbHandle): Promise<number> {
  const row = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

/** After a bulk COPY with explicit ids, move the identity sequences past them. */
export async function resetCaseSequences(db: DbHandle): Promise<void> {
  await sql`SELECT setval(pg_get_serial_sequence('cases', 'id'), COALESCE((SELECT max(id) FROM cases), 0) + 1, false)`.execute(
    db,
  );
  await sql`SELECT setval(pg_get_serial_sequence('case_status_history', 'id'), COALESCE((SELECT max(id) FROM case_status_history), 0) + 1, false)`.execute(
    db,
  );
}

/** Every receipt number (the bulk loader never generates one again). */
export async function allReceiptNumbers(db: DbHandle): Promise<string[]> {
  return (await db.selectFrom('cases').select('receipt_number').execute()).map((r) => r.receipt_number);
}

/** Fresh planner statistics after a bulk load. */
export async function analyzeCaseTables(db: DbHandle): Promise<void> {
  await sql`ANALYZE cases`.execute(db);
  await sql`ANALYZE case_status_history`.execute(db);
}

/** A random sample of existing receipt numbers (for benchmarks and the demo). */
export async function sampleReceiptNumbers(db: DbHandle, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('cases').select('receipt_number').orderBy('id').limit(limit).execute();
  return rows.map((r) => r.receipt_number);
}

/** Cases (not Section 1367 ones) for the demo Contact Center history to be about. */
export async function casesForDemoItems(
  db: DbHandle,
  limit: number,
): Promise<{ id: number; receipt_number: string; office_code: string }[]> {
  return db
    .selectFrom('cases')
    .select(['id', 'receipt_number', 'office_code'])
    .where('section_1367', '=', false)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * A legacy paper case whose applicant the records know (family name in plain letters, date of birth), not protected:
 * the first start prints it to try "add a case by receipt number" (CASE-6).
 */
export async function sampleCaseToAddByReceiptNumber(
  db: DbHandle,
): Promise<{ receiptNumber: string; familyName: string; dateOfBirth: string } | undefined> {
  const row = await db
    .selectFrom('cases as c')
    .innerJoin('case_applicants as a', 'a.case_id', 'c.id')
    .select(['c.receipt_number', 'a.family_name', 'a.date_of_birth'])
    .where('c.receipt_number', 'not like', 'IOE%')
    .where('c.section_1367', '=', false)
    .where('a.date_of_birth', 'is not', null)
    .where(sql<boolean>`a.family_name ~ '^[A-Za-z]+$'`)
    .orderBy('c.id')
    .limit(1)
    .executeTakeFirst();
  return row
    ? { receiptNumber: row.receipt_number, familyName: row.family_name!, dateOfBirth: row.date_of_birth! }
    : undefined;
}

/*
 * Cases and their applicants as other modules ask for them (the cases module owns `cases`, `case_status_history` and
 * `case_applicants`; the case-events module writes them through the functions here).
 */

/** The id of the case with this receipt number. */
export async function caseIdByReceiptNumber(db: DbHandle, receiptNumber: string): Promise<number | undefined> {
  return (await db.selectFrom('cases').select('id').where('receipt_number', '=', receiptNumber).executeTakeFirst())?.id;
}

/** A case's receipt number and protection, by id (whether a viewer may see it: maySeeCase). */
export async function caseProtectionById(
  db: DbHandle,
  caseId: number,
): Promise<Pick<CaseRow, 'receipt_number' | 'section_1367'> | undefined> {
  return db.selectFrom('cases').select(['receipt_number', 'section_1367']).where('id', '=', caseId).executeTakeFirst();
}

/** A case's protection, by id. */
export async function section1367OfCase(db: DbHandle, caseId: number): Promise<boolean | undefined> {
  return (await db.selectFrom('cases').select('section_1367').where('id', '=', caseId).executeTakeFirst())
    ?.section_1367;
}

/** What a case search shows (receipt number, form and its category, office) and its protection, by receipt number. */
export async function caseSummaryByReceiptNumber(
  db: DbHandle,
  receiptNumber: string,
): Promise<
  Pick<CaseRow, 'id' | 'receipt_number' | 'form_code' | 'form_category' | 'office_code' | 'section_1367'> | undefined
> {
  return db
    .selectFrom('cases')
    .select(['id', 'receipt_number', 'form_code', 'form_category', 'office_code', 'section_1367'])
    .where('receipt_number', '=', receiptNumber)
    .executeTakeFirst();
}

/** What routing a service item needs of its case, read FOR SHARE (the item's transaction keeps the case as read). */
export async function caseForRoutingForShare(
  db: DbHandle,
  caseId: number,
): Promise<Pick<CaseRow, 'id' | 'office_code' | 'section_1367' | 'receipt_number'> | undefined> {
  return db
    .selectFrom('cases')
    .select(['id', 'office_code', 'section_1367', 'receipt_number'])
    .where('id', '=', caseId)
    .forShare()
    .executeTakeFirst();
}

export type CaseApplicantRow = Selectable<CaseApplicantsTable>;

/** The applicant's identity details on the agency's records of a case. */
export async function applicantOfCase(db: DbHandle, caseId: number): Promise<CaseApplicantRow | undefined> {
  return db.selectFrom('case_applicants').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

/** Cases, each with its applicant's details on the agency's records (null columns where there are none). */
function withApplicant(db: DbHandle) {
  return db.selectFrom('cases as c').leftJoin('case_applicants as a', 'a.case_id', 'c.id');
}

/** A case an e-Request names, with the applicant's date of birth the agency has (to match it). */
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
  return withApplicant(db)
    .select([
      'c.id',
      'c.receipt_number',
      'c.form_code',
      'c.office_code',
      'c.received_at',
      'c.section_1367',
      'a.date_of_birth',
    ])
    .where('c.receipt_number', '=', receiptNumber)
    .executeTakeFirst();
}

/** A case someone adds to an account by receipt number, with the applicant's details to match. */
export async function findCaseForAdding(db: DbHandle, receiptNumber: string) {
  return withApplicant(db)
    .select(['c.id', 'c.receipt_number', 'c.section_1367', 'a.date_of_birth', 'a.family_name'])
    .where('c.receipt_number', '=', receiptNumber)
    .executeTakeFirst();
}

/** The form of a case and the applicant's email on record (where a new Online Access Code is sent). */
export async function caseForNewCode(db: DbHandle, caseId: number) {
  return withApplicant(db).select(['c.form_code', 'a.email']).where('c.id', '=', caseId).executeTakeFirstOrThrow();
}
