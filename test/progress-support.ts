import type { DbHandle } from '../src/platform/db/database.js';

const DAY = 86_400_000;

/** A case to insert with its dated history (status keys of the catalog), as demo or migrated data has them. */
export interface HistoryCase {
  receipt: string;
  form: string;
  category?: string | null;
  office: string;
  receivedAt: Date;
  /** Status keys with their dates, after `case-was-received`. */
  history: { key: string; at: Date }[];
}

/**
 * Inserts cases and their history rows directly (hundreds of cases in a few statements; posting events would take
 * minutes). The case's current status is its latest history row.
 */
export async function insertHistories(db: DbHandle, cases: HistoryCase[]): Promise<void> {
  for (let i = 0; i < cases.length; i += 200) {
    const chunk = cases.slice(i, i + 200);
    const ids = await db
      .insertInto('cases')
      .values(
        chunk.map((c) => {
          const last = c.history.at(-1) ?? { key: 'case-was-received', at: c.receivedAt };
          return {
            receipt_number: c.receipt,
            form_code: c.form,
            form_category: c.category ?? null,
            office_code: c.office,
            received_at: c.receivedAt,
            status_key: last.key,
            status_at: last.at,
            status_params: {},
          };
        }),
      )
      .returning(['id', 'receipt_number'])
      .execute();
    const idOf = new Map(ids.map((r) => [r.receipt_number, r.id]));
    await db
      .insertInto('case_status_history')
      .values(
        chunk.flatMap((c) => [
          { case_id: idOf.get(c.receipt)!, status_key: 'case-was-received', occurred_at: c.receivedAt },
          ...c.history.map((h) => ({ case_id: idOf.get(c.receipt)!, status_key: h.key, occurred_at: h.at })),
        ]),
      )
      .execute();
  }
}

/**
 * `count` cases of a form at an office received over the two years before `now`, a deterministic spread: biometrics
 * taken after about a month, the decision after 150 to 250 days; cases whose decision would come after `now` are
 * still open (their history stops at what happened by then).
 */
export function spreadOfCases(
  prefix: string,
  count: number,
  form: string,
  category: string | null,
  office: string,
  now: Date,
): HistoryCase[] {
  return Array.from({ length: count }, (_, i) => {
    const receivedAt = new Date(now.getTime() - ((i * 7919) % 700) * DAY - DAY);
    const bio = new Date(receivedAt.getTime() + (25 + (i % 10)) * DAY);
    const decided = new Date(receivedAt.getTime() + (150 + ((i * 37) % 100)) * DAY);
    const history = [
      { key: 'case-was-updated-to-show-fingerprints-were-taken', at: bio },
      { key: 'case-was-approved', at: decided },
    ].filter((h) => h.at <= now);
    return {
      receipt: `${prefix}${String(i).padStart(13 - prefix.length, '0')}`,
      form,
      category,
      office,
      receivedAt,
      history,
    };
  });
}
