import { sql } from 'kysely';
import { isAnyOf, type DbHandle } from '../../platform/db/database.js';
import { historyOf, HISTORY_ORDER } from './repository.js';
import type { CaseRow } from './tables.js';

/**
 * The state case events derive into cases (ADR 11, ADR 13): cases created from events, their current status, facts,
 * Section 1367 protection, filing channel and applicant. Only `case-events` calls these (through index.ts); batch
 * statements, so a batch of events costs a handful of round trips, not one per event.
 */

/** `status_at`: when the current status happened: no history row of the case is later (every writer keeps it so). */
export type StoredCase = Pick<
  CaseRow,
  'id' | 'receipt_number' | 'from_events' | 'form_code' | 'form_category' | 'office_code' | 'received_at' | 'status_at'
>;

export async function findCases(db: DbHandle, receipts: string[]): Promise<StoredCase[]> {
  if (!receipts.length) return [];
  // Times as milliseconds since the epoch: a number is much cheaper to read than a timestamp's text, for thousands of rows.
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'receipt_number', 'from_events', 'form_code', 'form_category', 'office_code'])
    .select([
      sql<number>`(extract(epoch from received_at) * 1000)::float8`.as('received_ms'),
      sql<number>`(extract(epoch from status_at) * 1000)::float8`.as('status_ms'),
    ])
    .where(isAnyOf('receipt_number', receipts, 'text'))
    .execute();
  return rows.map(({ received_ms, status_ms, ...c }) => ({
    ...c,
    received_at: new Date(Math.round(Number(received_ms))),
    status_at: new Date(Math.round(Number(status_ms))),
  }));
}

export interface NewEventCase {
  receiptNumber: string;
  formCode: string;
  /** The category the case counts under (`effectiveCategory`): null for a form published per form. */
  formCategory: string | null;
  officeCode: string;
  receivedAt: Date;
  statusKey: string;
  statusAt: Date;
  statusParams: Record<string, string>;
}

export async function insertEventCases(
  db: DbHandle,
  cases: NewEventCase[],
  now: Date,
): Promise<{ id: number; receipt_number: string }[]> {
  if (!cases.length) return [];
  return db
    .insertInto('cases')
    .values(
      cases.map((c) => ({
        receipt_number: c.receiptNumber,
        form_code: c.formCode,
        form_category: c.formCategory,
        office_code: c.officeCode,
        received_at: c.receivedAt,
        status_key: c.statusKey,
        status_at: c.statusAt,
        status_params: JSON.stringify(c.statusParams),
        from_events: true,
        created_at: now,
        updated_at: now,
      })),
    )
    .returning(['id', 'receipt_number'])
    .execute();
}

/**
 * Sets each case's current status to its latest history row (by occurrence time, then event id), when that row
 * came from an event; answers the cases whose status changed.
 */
export async function recomputeStatus(db: DbHandle, caseIds: number[], now: Date): Promise<number[]> {
  if (!caseIds.length) return [];
  const result = await sql<{ id: number }>`
    UPDATE cases c SET status_key = h.status_key, status_at = h.occurred_at, status_params = h.params, updated_at = ${now}
    FROM (
      SELECT DISTINCT ON (k.id) k.id AS case_id, x.status_key, x.occurred_at, x.params, x.event_id
      FROM cases k
      CROSS JOIN LATERAL (${historyOf('k')}) x
      WHERE k.id = any(${caseIds}::int[])
      ORDER BY k.id, ${HISTORY_ORDER}
    ) h
    WHERE c.id = h.case_id AND h.event_id IS NOT NULL
      AND (c.status_key, c.status_at, c.status_params) IS DISTINCT FROM (h.status_key, h.occurred_at, h.params)
    RETURNING c.id`.execute(db);
  return result.rows.map((r) => r.id);
}

/**
 * Sets cases' current status from the given history rows (each newer than everything the case had when the batch
 * began), and answers the cases whose status changed. A case whose status became as late or later meanwhile (a
 * concurrent batch committed first: PostgreSQL re-checks the condition on the row it waited for) is left alone
 * and not answered; the caller has the database compare its whole history.
 */
export async function setStatuses(
  db: DbHandle,
  rows: { caseId: number; statusKey: string; occurredAt: Date; params: Record<string, string> }[],
  now: Date,
): Promise<number[]> {
  if (!rows.length) return [];
  const result = await sql<{ id: number }>`
    UPDATE cases c SET status_key = s.status_key, status_at = s.occurred_at, status_params = s.params, updated_at = ${now}
    FROM unnest(${rows.map((r) => r.caseId)}::int[], ${rows.map((r) => r.statusKey)}::text[], ${rows.map((r) => r.occurredAt.toISOString())}::timestamptz[],
                ${rows.map((r) => JSON.stringify(r.params))}::jsonb[]) AS s (case_id, status_key, occurred_at, params)
    WHERE c.id = s.case_id AND c.status_at < s.occurred_at
    RETURNING c.id`.execute(db);
  return result.rows.map((r) => r.id);
}

/** Sets the form, category, office and received date of cases whose events changed them (callers pass only changes). */
export async function updateFacts(
  db: DbHandle,
  rows: { id: number; formCode: string; formCategory: string | null; officeCode: string; receivedAt: Date }[],
  now: Date,
): Promise<void> {
  if (!rows.length) return;
  await sql`
    UPDATE cases c SET form_code = f.form_code, form_category = f.form_category, office_code = f.office_code,
      received_at = f.received_at, updated_at = ${now}
    FROM unnest(${rows.map((r) => r.id)}::int[], ${rows.map((r) => r.formCode)}::text[], ${rows.map((r) => r.formCategory)}::text[],
                ${rows.map((r) => r.officeCode)}::text[], ${rows.map((r) => r.receivedAt.toISOString())}::timestamptz[])
      AS f (id, form_code, form_category, office_code, received_at)
    WHERE c.id = f.id`.execute(db);
}

export async function setSection1367(db: DbHandle, caseId: number, value: boolean, now: Date): Promise<void> {
  await db
    .updateTable('cases')
    .set({ section_1367: value, updated_at: now })
    .where('id', '=', caseId)
    .where('section_1367', '!=', value)
    .execute();
}

export async function setFilingChannel(
  db: DbHandle,
  caseIds: number[],
  channel: 'online' | 'paper',
  now: Date,
): Promise<void> {
  if (!caseIds.length) return;
  await db
    .updateTable('cases')
    .set({ filing_channel: channel, updated_at: now })
    .where(isAnyOf('id', caseIds, 'int'))
    .where('filing_channel', '!=', channel)
    .execute();
}

/** The applicants' identity details, one row per case (the latest event that gave them wins; the caller picks it). */
export async function upsertApplicants(
  db: DbHandle,
  rows: { caseId: number; dateOfBirth?: string; familyName?: string; aNumber?: string; zip?: string; email?: string }[],
): Promise<void> {
  if (!rows.length) return;
  await db
    .insertInto('case_applicants')
    .values(
      rows.map((a) => ({
        case_id: a.caseId,
        date_of_birth: a.dateOfBirth ?? null,
        family_name: a.familyName ?? null,
        a_number: a.aNumber ?? null,
        zip: a.zip ?? null,
        email: a.email ?? null,
      })),
    )
    .onConflict((oc) =>
      oc.column('case_id').doUpdateSet((eb) => ({
        date_of_birth: eb.ref('excluded.date_of_birth'),
        family_name: eb.ref('excluded.family_name'),
        a_number: eb.ref('excluded.a_number'),
        zip: eb.ref('excluded.zip'),
        email: eb.ref('excluded.email'),
      })),
    )
    .execute();
}

export async function casesByIds(db: DbHandle, ids: number[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('cases')
    .selectAll()
    .where(isAnyOf('id', ids, 'int'))
    .execute();
}
