import type { StaffRole } from '../../platform/db/tables.js';

/**
 * The reschedule rules (BIO-2, BIO-3, CC-11), pure: what the page explains before the person tries, and what refuses
 * a request, each refusal a rule the page names (`biometrics:rules.<rule>`) with what to do instead.
 */

/** BIO-3: the good-cause reasons for an online reschedule; `other` takes free text. */
export const GOOD_CAUSES = ['work_or_care', 'life_event', 'medical', 'notice_late', 'other'] as const;
export type GoodCause = (typeof GOOD_CAUSES)[number];

/** BIO-2: cases of these forms are not rescheduled online (intercountry adoption: the Contact Center does it). */
export const NOT_ONLINE_FORMS = ['I-600', 'I-600A', 'I-800', 'I-800A'] as const;

/** BIO-2: the online reschedules a booking chain may have had already (fewer than two: the third is refused). */
export const ONLINE_RESCHEDULE_LIMIT = 2;

export const REASON_TEXT_MAX = 500;

/**
 * Why a reschedule is refused: `no_appointment` (nothing to reschedule: an agent never schedules a first one, CC-11),
 * `passed` (the appointment has passed or the biometrics were taken), `rescheduled_twice` (BIO-2), `form` (I-600,
 * I-600A, I-800, I-800A online), `good_cause` (no BIO-3 reason), `other_text` ("other" without words),
 * `reason_text` (an agent's note missing), `too_long` (a text over 500 characters), `not_tier2` (an expedite is
 * Tier 2's or Tier 3's, BIO-4), `no_earlier` (no free slot earlier than the appointment), `paper_case` (a case whose
 * account features do not include the online reschedule: a CASE-6 paper case, rescheduled by phone).
 */
export type Refusal =
  | 'no_appointment'
  | 'passed'
  | 'rescheduled_twice'
  | 'form'
  | 'good_cause'
  | 'other_text'
  | 'reason_text'
  | 'too_long'
  | 'not_tier2'
  | 'paper_case';

export interface RescheduleFacts {
  /** The current appointment's start, if the case has one booked. */
  appointmentAt?: Date;
  /** The case's form (I-600 ... refused online). */
  formCode: string;
  /** Online reschedules the appointment has had already. */
  onlineReschedules: number;
  /**
   * The case offers the online reschedule in the account (its `caseFeatures` include `biometrics_reschedule`): not
   * a CASE-6 paper case added by receipt number, which has status, history and notifications only.
   */
  offeredOnline: boolean;
  now: Date;
}

export interface RescheduleAsk {
  channel: 'online' | 'agent';
  reason: string;
  reasonText: string;
}

/**
 * The rules that refuse before any reason is given (what the page checks first, to explain and not offer the form):
 * an appointment to move, not passed, and, online, a case that offers it, fewer than two reschedules and a form
 * that may be rescheduled.
 */
export function standingRefusal(
  facts: RescheduleFacts,
  channel: 'online' | 'agent',
): Extract<Refusal, 'no_appointment' | 'passed' | 'paper_case' | 'rescheduled_twice' | 'form'> | undefined {
  if (!facts.appointmentAt) return 'no_appointment';
  if (facts.appointmentAt.getTime() <= facts.now.getTime()) return 'passed';
  if (channel === 'agent') return undefined;
  if (!facts.offeredOnline) return 'paper_case';
  if ((NOT_ONLINE_FORMS as readonly string[]).includes(facts.formCode)) return 'form';
  if (facts.onlineReschedules >= ONLINE_RESCHEDULE_LIMIT) return 'rescheduled_twice';
  return undefined;
}

/**
 * Every rule of a reschedule, in the order the page explains them; undefined when it may go ahead. Online (BIO-2):
 * an appointment to come, a form other than I-600/I-600A/I-800/I-800A, fewer than two online reschedules, a BIO-3
 * good cause, words for "other". An agent (CC-11): an appointment to come and a good cause with a note, whatever the
 * form and however often the person rescheduled online (the Contact Center is where those cases go).
 */
export function rescheduleRefusal(facts: RescheduleFacts, ask: RescheduleAsk): Refusal | undefined {
  const standing = standingRefusal(facts, ask.channel);
  if (standing) return standing;
  if (!(GOOD_CAUSES as readonly string[]).includes(ask.reason)) return 'good_cause';
  const text = ask.reasonText.trim();
  if (text.length > REASON_TEXT_MAX) return 'too_long';
  if (ask.channel === 'agent' && !text) return 'reason_text';
  if (ask.reason === 'other' && !text) return 'other_text';
  return undefined;
}

/**
 * Who grants an expedited appointment (BIO-4, CC-8: urgent appointment needs go to Tier 2): Tier 2, and Tier 3, who
 * alone handles Section 1367 callers (CC-6) and so must be able to expedite theirs. Never Tier 1.
 */
export function mayExpedite(roles: readonly StaffRole[]): boolean {
  return roles.includes('tier2') || roles.includes('tier3');
}

/** An expedite (BIO-4): Tier 2's or Tier 3's, with a reason, for an appointment to come. */
export function expediteRefusal(
  facts: Pick<RescheduleFacts, 'appointmentAt' | 'now'>,
  p: { roles: readonly StaffRole[]; reasonText: string },
): Refusal | undefined {
  if (!mayExpedite(p.roles)) return 'not_tier2';
  if (!facts.appointmentAt) return 'no_appointment';
  if (facts.appointmentAt.getTime() <= facts.now.getTime()) return 'passed';
  const text = p.reasonText.trim();
  if (!text) return 'reason_text';
  if (text.length > REASON_TEXT_MAX) return 'too_long';
  return undefined;
}
