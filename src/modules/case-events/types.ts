import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { findForm, findOffice, findStatus, parseReceiptNumber, statusKey } from '../cases/index.js';

/**
 * Case events (issue 4 item 1): what the agency's case management systems report, and what each does to a case.
 * Field names follow the agency API's JSON (camelCase).
 */

export const CASE_EVENT_TYPES = [
  'case_received', 'biometrics_scheduled', 'fingerprints_taken', 'rfe_sent', 'rfe_response_received', 'interview_scheduled',
  'interview_completed', 'approved', 'denied', 'card_being_produced', 'card_mailed', 'card_delivered', 'transferred',
  'notice_issued', 'case_closed', 'status_updated', 'account_acceptance_notice', 'protection_updated',
] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** The status (official catalog title) each type gives the case; null: the type records something, no status. */
const STATUS_TITLE: Record<CaseEventType, string | null> = {
  case_received: 'Case Was Received',
  biometrics_scheduled: 'Fingerprint and Biometrics Appointment Was Scheduled',
  fingerprints_taken: 'Case Was Updated To Show Fingerprints Were Taken',
  rfe_sent: 'Request for Additional Evidence Was Sent',
  rfe_response_received: "Response To USCIS' Request For Evidence Was Received",
  interview_scheduled: 'Interview Was Scheduled',
  interview_completed: 'Interview Was Completed And My Case Must Be Reviewed',
  approved: 'Case Was Approved',
  denied: 'Case Was Denied',
  card_being_produced: 'New Card Is Being Produced',
  card_mailed: 'Card Was Mailed To Me',
  card_delivered: 'Card Was Delivered To Me By The Post Office',
  transferred: 'Case Was Transferred And A New Office Has Jurisdiction',
  notice_issued: null,
  case_closed: 'Case Closed Benefit Received By Other Means',
  status_updated: null, // the payload names the status
  account_acceptance_notice: null,
  protection_updated: null,
};

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'a real date');
const instant = z.string().datetime({ offset: true, message: 'a date and time with its offset, e.g. 2026-11-23T15:04:05Z' });
const formCode = z.string().refine((c) => Boolean(findForm(c)), 'a form of the forms catalog, e.g. I-485');
const officeCode = z.string().refine((c) => Boolean(findOffice(c)), 'an office of the offices catalog');
const catalogStatus = z.string().refine((k) => Boolean(findStatus(k)), 'a status key of the official catalog');
/** The applicant as the agency's records know them (what a person must match to add the case, CASE-4 and CASE-6). */
const applicant = z.object({
  dateOfBirth: isoDate.optional(),
  familyName: z.string().trim().min(1).max(100).optional(),
  aNumber: z.string().regex(/^A[0-9]{8,9}$/, 'an A-Number such as A012345678').optional(),
  zip: z.string().regex(/^[0-9]{5}$/, 'a 5-digit ZIP code').optional(),
  /** I-134 / I-134A beneficiaries: the address the supporter gave, where their Online Access Code is emailed. */
  email: z.string().trim().toLowerCase().max(254).email().optional(),
});
/** CASE-5: 5-4-5 letters and digits; dashes, spaces and case do not matter. */
export function normalizeOnlineAccessCode(input: string): string | undefined {
  const clean = input.toUpperCase().replace(/[\s-]/g, '');
  return /^[A-Z0-9]{14}$/.test(clean) ? clean : undefined;
}
/** A new Online Access Code: 14 characters without the look-alikes 0, O, 1 and I (CASE-5), as normalized. */
export function generateOnlineAccessCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 14 }, () => alphabet[randomInt(0, alphabet.length)]).join('');
}
const onlineAccessCode = z.string().refine((c) => Boolean(normalizeOnlineAccessCode(c)), 'an Online Access Code: 5-4-5 letters and digits, e.g. ABCDE-1234-ABC12');

/** Payload fields each type accepts (others are kept as sent, unread). */
const common = { formCode: formCode.optional(), officeCode: officeCode.optional(), applicant: applicant.optional() };
const PAYLOADS: Record<CaseEventType, z.ZodType<Record<string, unknown>>> = {
  // channel: how it was filed (online cases have every feature, CASE-3); onlineAccountNumber: the account that filed it online.
  case_received: z.looseObject({ ...common, channel: z.enum(['online', 'paper']).optional(), onlineAccountNumber: z.string().regex(/^[0-9]{12}$/, 'a 12-digit Online Account Number').optional() }),
  biometrics_scheduled: z.looseObject({ ...common, appointmentAt: instant.optional(), locationName: z.string().max(200).optional() }),
  fingerprints_taken: z.looseObject({ ...common }),
  rfe_sent: z.looseObject({ ...common, responseDue: isoDate }),
  rfe_response_received: z.looseObject({ ...common }),
  interview_scheduled: z.looseObject({ ...common, interviewAt: instant.optional(), locationName: z.string().max(200).optional() }),
  interview_completed: z.looseObject({ ...common }),
  approved: z.looseObject({ ...common }),
  denied: z.looseObject({ ...common }),
  card_being_produced: z.looseObject({ ...common }),
  card_mailed: z.looseObject({ ...common, trackingNumber: z.string().regex(/^[A-Z0-9]{8,40}$/, 'a tracking number').optional() }),
  card_delivered: z.looseObject({ ...common }),
  transferred: z.looseObject({ ...common, officeCode }),
  // A noticeType among the case notice kinds (receipt_notice, biometrics_notice, rfe_notice, interview_notice,
  // approval_notice, denial_notice) is also rendered to PDF as a document of the case, in `language` (default en).
  notice_issued: z.looseObject({ ...common, noticeType: z.string().min(1).max(100), language: z.enum(['en', 'es']).optional() }),
  case_closed: z.looseObject({ ...common, statusKey: catalogStatus.optional() }),
  status_updated: z.looseObject({ ...common, statusKey: catalogStatus }),
  account_acceptance_notice: z.looseObject({ ...common, onlineAccessCode }),
  protection_updated: z.looseObject({ ...common, section1367: z.boolean() }),
};

export const eventEnvelope = z.object({
  id: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, '1 to 100 letters, digits and . _ : -'),
  receiptNumber: z.string().max(40),
  type: z.enum(CASE_EVENT_TYPES, { message: `one of ${CASE_EVENT_TYPES.join(', ')}` }),
  occurredAt: instant,
  payload: z.record(z.string(), z.unknown()).default({}),
});

export interface CaseEvent {
  id: string;
  receiptNumber: string;
  type: CaseEventType;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

export interface EventProblem {
  index: number;
  id?: string;
  field: string;
  message: string;
}

/** Checks one event (envelope, receipt number per CASE-1, payload of its type); answers it normalized or its problems. */
export function parseEvent(raw: unknown, index: number): { ok: true; event: CaseEvent } | { ok: false; problems: EventProblem[] } {
  const id = typeof (raw as { id?: unknown })?.id === 'string' ? ((raw as { id: string }).id) : undefined;
  const envelope = eventEnvelope.safeParse(raw);
  if (!envelope.success) {
    return { ok: false, problems: envelope.error.issues.map((i) => ({ index, id, field: i.path.join('.') || '(event)', message: i.message })) };
  }
  const receipt = parseReceiptNumber(envelope.data.receiptNumber);
  if (!receipt.ok) return { ok: false, problems: [{ index, id, field: 'receiptNumber', message: `not a receipt number (${receipt.problem})` }] };
  const payload = PAYLOADS[envelope.data.type].safeParse(envelope.data.payload);
  if (!payload.success) {
    return { ok: false, problems: payload.error.issues.map((i) => ({ index, id, field: ['payload', ...i.path].join('.'), message: i.message })) };
  }
  if (JSON.stringify(payload.data).length > 10_000) return { ok: false, problems: [{ index, id, field: 'payload', message: 'at most 10,000 characters of JSON' }] };
  return { ok: true, event: { id: envelope.data.id, receiptNumber: receipt.value, type: envelope.data.type, occurredAt: new Date(envelope.data.occurredAt), payload: payload.data } };
}

/** The status an event gives its case (a catalog key), or undefined when it gives none. */
export function statusOfEvent(event: Pick<CaseEvent, 'type' | 'payload'>): string | undefined {
  if (event.type === 'status_updated' || (event.type === 'case_closed' && typeof event.payload.statusKey === 'string')) return event.payload.statusKey as string;
  return STATUS_KEY.get(event.type as CaseEventType);
}

/** The status key of each type's title, worked out once (every event of a batch asks). */
const STATUS_KEY = new Map(Object.entries(STATUS_TITLE).flatMap(([type, title]) => (title ? [[type as CaseEventType, statusKey(title)] as const] : [])));

/** Values for the status text's placeholders that the event carries (notice deadline, tracking number, place). */
export function statusParamsOfEvent(event: Pick<CaseEvent, 'payload'>): Record<string, string> {
  const p = event.payload;
  const params: Record<string, string> = {};
  if (typeof p.responseDue === 'string') params.notice_deadline = p.responseDue;
  if (typeof p.trackingNumber === 'string') params.tracking_number = p.trackingNumber;
  if (typeof p.locationName === 'string') params.location_name = p.locationName;
  return params;
}

/** Every catalog title named above exists (checked by a test, so a typo cannot slip in). */
export function unknownStatusTitles(): string[] {
  return Object.values(STATUS_TITLE).filter((t): t is string => t !== null && !findStatus(statusKey(t)));
}

/**
 * The Request for Evidence still waiting for an answer, if any: the latest `rfe_sent` (by occurrence) with no
 * `rfe_response_received` after it. Its response deadline is the payload's `responseDue`.
 */
export function openRequestForEvidence(events: { id: string; type: string; occurredAt: Date; payload: Record<string, unknown> }[]): { sentAt: Date; responseDue: string } | undefined {
  const ordered = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : 1));
  let open: { sentAt: Date; responseDue: string } | undefined;
  for (const e of ordered) {
    if (e.type === 'rfe_sent' && typeof e.payload.responseDue === 'string') open = { sentAt: e.occurredAt, responseDue: e.payload.responseDue };
    if (e.type === 'rfe_response_received') open = undefined;
  }
  return open;
}
