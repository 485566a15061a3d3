import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import { historyOf } from './repository.js';

/**
 * Case timelines (issue 18): each case's received date and the first time it reached each milestone, read from the
 * event log (a case's dated statuses: its events' and, for demo or migrated data, its history rows). Processing times
 * (PT-1) and myProgress (PT-3) are computed from these; the status keys that make a milestone are listed once here.
 */
export const MILESTONES = [
  'biometrics_scheduled',
  'biometrics_taken',
  'interview_scheduled',
  'interview_completed',
  'rfe_sent',
  'rfe_answered',
  'decided',
  'rejected',
] as const;
export type Milestone = (typeof MILESTONES)[number];

/** The official statuses (keys of the catalog) that mark each milestone; its first occurrence counts. */
export const MILESTONE_STATUSES: Record<Milestone, readonly string[]> = {
  biometrics_scheduled: [
    'biometrics-appointment-was-scheduled',
    'fingerprint-and-biometrics-appointment-was-scheduled',
  ],
  biometrics_taken: ['case-was-updated-to-show-fingerprints-were-taken'],
  interview_scheduled: ['interview-was-scheduled'],
  interview_completed: ['interview-was-completed-and-my-case-must-be-reviewed'],
  rfe_sent: ['request-for-additional-evidence-was-sent', 'request-for-initial-evidence-was-sent'],
  rfe_answered: ['response-to-uscis-request-for-evidence-was-received'],
  // A completed case, as the agency counts completions: approved, denied, administratively closed or withdrawn.
  // Rejections at intake are not completions (the case was never accepted for processing).
  decided: [
    'case-was-approved',
    'case-was-approved-and-a-decision-notice-was-sent',
    'case-was-approved-and-my-decision-was-emailed',
    'case-was-denied',
    'case-was-denied-and-my-decision-notice-mailed',
    'case-closed-benefit-received-by-other-means',
    'withdrawal-acknowledgement-notice-was-sent',
    // What only follows an approval: a history replayed without its "approved" still completes at the first of them.
    'new-card-is-being-produced',
    'card-was-mailed-to-me',
    'card-was-picked-up-by-the-united-states-postal-service',
    'card-was-delivered-to-me-by-the-post-office',
    'request-for-a-duplicate-card-was-approved',
    'advance-parole-document-was-produced',
    'reentry-permit-was-produced',
    'refugee-travel-document-was-produced',
    'travel-document-was-mailed',
  ],
  // Closed without a decision: rejected at intake (not a completion; nothing left to estimate either).
  rejected: [
    'case-rejected-because-i-sent-an-incorrect-fee',
    'case-rejected-because-the-version-of-the-form-i-sent-is-no-longer-accepted',
    'case-rejected-for-form-not-signed-and-incorrect-form-version',
    'case-rejected-for-incorrect-fee-and-form-not-signed',
    'case-rejected-for-incorrect-fee-and-incorrect-form-version',
    'case-rejected-for-incorrect-fee-and-payment-not-signed',
    'case-rejected-for-incorrect-fee-payment-not-signed-and-incorrect-form-version',
    'case-was-rejected-because-i-did-not-sign-my-form',
    'case-was-rejected-because-it-was-improperly-filed',
    'case-was-rejected-because-my-check-or-money-order-is-not-signed',
    'petition-application-was-rejected-for-insufficient-funds',
  ],
};

export interface CaseTimeline {
  caseId: number;
  formCode: string;
  /** The case's effective category (see form-categories.ts), null for a form published per form. */
  formCategory: string | null;
  officeCode: string;
  receivedAt: Date;
  /** The first time the case reached each milestone (on or before `asOf` when one was given). */
  at: Partial<Record<Milestone, Date>>;
}

export interface TimelineFilter {
  /** Only these forms (all when absent). */
  formCodes?: readonly string[];
  /** Only cases received on or after this moment. */
  receivedFrom?: Date;
  /**
   * See the log as it stood at this moment: cases received after it are left out and later statuses ignored (the
   * backtest trains on the past this way). Default: everything.
   */
  asOf?: Date;
  /** Cases per round trip (default 20,000). */
  batchSize?: number;
}

interface TimelineRow {
  id: number;
  form_code: string;
  form_category: string | null;
  office_code: string;
  received_at: Date | string;
  biometrics_scheduled: Date | string | null;
  biometrics_taken: Date | string | null;
  interview_scheduled: Date | string | null;
  interview_completed: Date | string | null;
  rfe_sent: Date | string | null;
  rfe_answered: Date | string | null;
  decided: Date | string | null;
  rejected: Date | string | null;
}

const asDate = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/**
 * Every matching case's timeline, in batches by case id (keyset pages, so millions of cases stream in constant
 * memory). Section 1367 cases are included: only counts and durations leave this function's callers.
 */
export async function* caseTimelines(db: DbHandle, filter: TimelineFilter = {}): AsyncGenerator<CaseTimeline[]> {
  if (filter.formCodes?.length === 0) return;
  const batchSize = filter.batchSize ?? 20_000;
  const asOf = filter.asOf ?? null;
  const firstOf = (m: Milestone) =>
    sql`min(x.occurred_at) FILTER (WHERE x.status_key IN (${sql.join(MILESTONE_STATUSES[m].map((k) => sql.lit(k)))})${
      asOf ? sql` AND x.occurred_at <= ${asOf}` : sql``
    })`;
  let after = 0;
  for (;;) {
    const { rows } = await sql<TimelineRow>`
      SELECT c.id, c.form_code, c.form_category, c.office_code, c.received_at,
        m.biometrics_scheduled, m.biometrics_taken, m.interview_scheduled, m.interview_completed, m.rfe_sent,
        m.rfe_answered, m.decided, m.rejected
      FROM cases c
      CROSS JOIN LATERAL (
        SELECT ${firstOf('biometrics_scheduled')} AS biometrics_scheduled,
               ${firstOf('biometrics_taken')} AS biometrics_taken,
               ${firstOf('interview_scheduled')} AS interview_scheduled,
               ${firstOf('interview_completed')} AS interview_completed,
               ${firstOf('rfe_sent')} AS rfe_sent,
               ${firstOf('rfe_answered')} AS rfe_answered,
               ${firstOf('decided')} AS decided,
               ${firstOf('rejected')} AS rejected
        FROM (${historyOf('c')}) x
      ) m
      WHERE c.id > ${after}
        ${filter.formCodes ? sql`AND c.form_code IN (${sql.join(filter.formCodes.map((f) => sql`${f}`))})` : sql``}
        ${filter.receivedFrom ? sql`AND c.received_at >= ${filter.receivedFrom}` : sql``}
        ${asOf ? sql`AND c.received_at <= ${asOf}` : sql``}
      ORDER BY c.id
      LIMIT ${batchSize}`.execute(db);
    if (rows.length === 0) return;
    yield rows.map((r) => {
      const at: Partial<Record<Milestone, Date>> = {};
      for (const m of MILESTONES) {
        const v = r[m];
        if (v !== null) at[m] = asDate(v);
      }
      return {
        caseId: r.id,
        formCode: r.form_code,
        formCategory: r.form_category,
        officeCode: r.office_code,
        receivedAt: asDate(r.received_at),
        at,
      };
    });
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
