import type { NoticeKind } from './tables.js';

type CaseNoticeKind = Exclude<NoticeKind, 'account_acceptance_notice'>;

/**
 * What a notice says, from its own `notice_issued` event and the case's events up to it (issue 15 point 3): a notice
 * issued on October 1 says what was true on October 1, whatever happened to the case since. What the notice's event
 * does not carry comes from the case's latest event of the notice's kind at or before it (an RFE notice: the
 * `rfe_sent` with its deadline and evidence; an appointment notice: the scheduling event with its time and place).
 */

export interface NoticeEvent {
  id: string;
  type: string;
  occurredAt: Date;
  payload: Record<string, unknown>;
}

export interface MailingAddress {
  inCareOf?: string;
  street: string;
  unit?: string;
  city: string;
  state?: string;
  zip?: string;
  country?: string;
}

export interface NoticeContent {
  noticeDate: Date;
  priorityDate?: string;
  responseDue?: string;
  evidenceRequested?: string[];
  appointmentAt?: Date;
  locationName?: string;
  /** The appointment place's IANA time zone, when the events give it (else the agency's). */
  timeZone?: string;
  applicant: { givenName?: string; familyName?: string; aNumber?: string; mailingAddress?: MailingAddress };
}

/** The event whose facts each notice reports. */
const SOURCE: Record<CaseNoticeKind, string> = {
  receipt_notice: 'case_received',
  biometrics_notice: 'biometrics_scheduled',
  rfe_notice: 'rfe_sent',
  interview_notice: 'interview_scheduled',
  approval_notice: 'approved',
  denial_notice: 'denied',
};

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** By occurrence, then id: the order a case follows its events in. */
const byOccurrence = (a: NoticeEvent, b: NoticeEvent) =>
  a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function noticeContent(kind: CaseNoticeKind, notice: NoticeEvent, caseEvents: NoticeEvent[]): NoticeContent {
  // The events up to the notice, those of the same moment included (an officer's RFE and its notice share one), and
  // the notice itself last.
  const upTo = caseEvents
    .filter((e) => e.id !== notice.id && e.occurredAt.getTime() <= notice.occurredAt.getTime())
    .sort(byOccurrence)
    .concat([notice]);
  const latest = (has: (e: NoticeEvent) => boolean) => lastOf(upTo, has);
  const source = latest((e) => e.type === SOURCE[kind]);
  const fromNoticeOrSource = (field: string) => str(notice.payload[field]) ?? str(source?.payload[field]);
  const list = (v: unknown) => (Array.isArray(v) && v.every((i): i is string => typeof i === 'string') ? v : undefined);
  const appointmentAt =
    kind === 'biometrics_notice' || kind === 'interview_notice'
      ? (str(notice.payload.appointmentAt) ??
        str(source?.payload[kind === 'interview_notice' ? 'interviewAt' : 'appointmentAt']))
      : undefined;
  const applicantEvent =
    latest((e) => isObject(e.payload.applicant)) ??
    lastOf([...caseEvents].sort(byOccurrence), (e) => isObject(e.payload.applicant));
  const applicant = (applicantEvent?.payload.applicant ?? {}) as Record<string, unknown>;
  const address = isObject(applicant.mailingAddress)
    ? (applicant.mailingAddress as unknown as MailingAddress)
    : undefined;
  return {
    noticeDate: notice.occurredAt,
    priorityDate: str(latest((e) => typeof e.payload.priorityDate === 'string')?.payload.priorityDate),
    ...(kind === 'rfe_notice'
      ? {
          responseDue: fromNoticeOrSource('responseDue'),
          evidenceRequested: list(notice.payload.evidenceRequested) ?? list(source?.payload.evidenceRequested),
        }
      : {}),
    ...(appointmentAt
      ? {
          appointmentAt: new Date(appointmentAt),
          locationName: fromNoticeOrSource('locationName'),
          timeZone: fromNoticeOrSource('timeZone'),
        }
      : {}),
    applicant: {
      givenName: str(applicant.givenName),
      familyName: str(applicant.familyName),
      aNumber: str(applicant.aNumber),
      mailingAddress: address,
    },
  };
}

function lastOf<T>(list: T[], has: (item: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (has(list[i]!)) return list[i];
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
