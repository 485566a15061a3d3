import { z } from 'zod';
import { normalizeOnlineAccessCode } from '../account-cases/index.js';
import {
  categoriesOf,
  FORM_CATEGORIES,
  findForm,
  findFormCategory,
  findOffice,
  findStatus,
  parseReceiptNumber,
  RECEIPT_PREFIXES,
  statusKey,
  type ReceiptNumberProblem,
} from '../cases/index.js';

/**
 * Case events (issue 4 item 1): what the agency's case management systems report, and what each does to a case.
 * Field names follow the agency API's JSON (camelCase).
 */

export const CASE_EVENT_TYPES = [
  'case_received',
  'biometrics_scheduled',
  'fingerprints_taken',
  'rfe_sent',
  'rfe_response_received',
  'interview_scheduled',
  'interview_completed',
  'approved',
  'denied',
  'card_being_produced',
  'card_mailed',
  'card_delivered',
  'transferred',
  'notice_issued',
  'case_closed',
  'status_updated',
  'account_acceptance_notice',
  'protection_updated',
  'address_change_recorded',
  'biometrics_required',
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
  address_change_recorded: null,
  biometrics_required: null, // no status until the appointment is scheduled (biometrics_scheduled with its time)
};

const isoDate = z
  .string({ message: 'a date as YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'a real date',
  );
const instant = z
  .string({ message: 'a date and time with its offset, e.g. 2026-11-23T15:04:05Z' })
  .datetime({ offset: true, message: 'a date and time with its offset, e.g. 2026-11-23T15:04:05Z' });
/** Text whose every problem (not text, or not right) says what it must be. */
const text = (expected: string) => z.string({ message: expected });
/** The IANA time zone of an appointment's place (its notice and the card show the time by that clock). */
const placeTimeZone = text('an IANA time zone, e.g. America/Chicago')
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return zone.includes('/') || zone === 'UTC';
    } catch {
      return false;
    }
  }, 'an IANA time zone, e.g. America/Chicago');
const formCode = text('a form of the forms catalog, e.g. I-485').refine(
  (c) => Boolean(findForm(c)),
  'a form of the forms catalog, e.g. I-485',
);
const officeCode = text('an office of the offices catalog, e.g. NBC').refine(
  (c) => Boolean(findOffice(c)),
  'an office of the offices catalog, e.g. NBC',
);
const CATEGORY = 'a category of the form, e.g. employment';
/**
 * A category code of the catalog (of some form: `formCategoryProblem` checks it against the case's form), in any case
 * and spacing ("Employment" is employment); null is the same as absent.
 */
const formCategory = text(CATEGORY)
  .trim()
  .toLowerCase()
  .refine((c) => FORM_CATEGORIES.some((f) => f.code === c), CATEGORY)
  .nullish();
const catalogStatus = text('a status key of the official catalog, e.g. case-was-approved').refine(
  (k) => Boolean(findStatus(k)),
  'a status key of the official catalog, e.g. case-was-approved',
);
const addressLine = (what: string) => text(what).trim().min(1, `${what} (not empty)`).max(100);
/** Where the agency mails the applicant's notices (a windowed envelope shows it). */
const mailingAddress = z.object(
  {
    inCareOf: addressLine('a name in care of whom mail goes').optional(),
    street: addressLine('a street address'),
    unit: addressLine('an apartment, suite or unit').optional(),
    city: addressLine('a city'),
    state: addressLine('a state or province').optional(),
    zip: addressLine('a ZIP or postal code').optional(),
    country: addressLine('a country').optional(),
  },
  { message: 'an object of the mailing address (street, city, state, zip; inCareOf, unit, country optional)' },
);
/** The evidence a Request for Evidence asks for: one item a line. */
const evidenceRequested = z
  .array(text('a piece of evidence requested').trim().min(1, 'a piece of evidence requested (not empty)').max(500), {
    message: 'a list of the evidence requested',
  })
  .min(1, 'a list of at least one piece of evidence')
  .max(50, 'a list of at most 50 pieces of evidence');

/** The applicant as the agency's records know them (what a person must match to add the case, CASE-4 and CASE-6). */
const applicant = z.object(
  {
    dateOfBirth: isoDate.optional(),
    familyName: text('a family name').trim().min(1, 'a family name (not empty)').max(100).optional(),
    aNumber: text('an A-Number such as A012345678')
      .regex(/^A[0-9]{8,9}$/, 'an A-Number such as A012345678')
      .optional(),
    zip: text('a 5-digit ZIP code')
      .regex(/^[0-9]{5}$/, 'a 5-digit ZIP code')
      .optional(),
    /** I-134 / I-134A beneficiaries: the address the supporter gave, where their Online Access Code is emailed. */
    email: text('an email address').trim().toLowerCase().max(254).email().optional(),
    /** The name and mailing address notices are addressed to (issue 15 point 3). */
    givenName: text('a given name').trim().min(1, 'a given name (not empty)').max(100).optional(),
    mailingAddress: mailingAddress.optional(),
  },
  {
    message:
      "an object of the applicant's details (dateOfBirth, familyName, givenName, aNumber, zip, email, mailingAddress)",
  },
);
const onlineAccessCode = text('an Online Access Code: 5-4-5 letters and digits, e.g. ABCDE-1234-ABC12').refine(
  (c) => Boolean(normalizeOnlineAccessCode(c)),
  'an Online Access Code: 5-4-5 letters and digits, e.g. ABCDE-1234-ABC12',
);

/** Payload fields each type accepts (others are kept as sent, unread). */
const common = {
  formCode: formCode.optional(),
  formCategory,
  officeCode: officeCode.optional(),
  applicant: applicant.optional(),
};
const PAYLOADS: Record<CaseEventType, z.ZodType<Record<string, unknown>>> = {
  // channel: how it was filed (online cases have every feature, CASE-3); onlineAccountNumber: the account that filed it online.
  case_received: z.looseObject({
    ...common,
    channel: z.enum(['online', 'paper']).optional(),
    onlineAccountNumber: text('a 12-digit Online Account Number')
      .regex(/^[0-9]{12}$/, 'a 12-digit Online Account Number')
      .optional(),
  }),
  biometrics_scheduled: z.looseObject({
    ...common,
    appointmentAt: instant.optional(),
    locationName: text('a place name').max(200).optional(),
    timeZone: placeTimeZone.optional(),
  }),
  fingerprints_taken: z.looseObject({ ...common }),
  rfe_sent: z.looseObject({ ...common, responseDue: isoDate, evidenceRequested: evidenceRequested.optional() }),
  rfe_response_received: z.looseObject({ ...common }),
  interview_scheduled: z.looseObject({
    ...common,
    interviewAt: instant.optional(),
    locationName: text('a place name').max(200).optional(),
    timeZone: placeTimeZone.optional(),
  }),
  interview_completed: z.looseObject({ ...common }),
  approved: z.looseObject({ ...common }),
  denied: z.looseObject({ ...common }),
  card_being_produced: z.looseObject({ ...common }),
  card_mailed: z.looseObject({
    ...common,
    trackingNumber: text('a tracking number: 8 to 40 capital letters and digits')
      .regex(/^[A-Z0-9]{8,40}$/, 'a tracking number: 8 to 40 capital letters and digits')
      .optional(),
  }),
  card_delivered: z.looseObject({ ...common }),
  transferred: z.looseObject({ ...common, officeCode }),
  // A noticeType among the case notice kinds (receipt_notice, biometrics_notice, rfe_notice, interview_notice,
  // approval_notice, denial_notice) is also rendered to PDF as a document of the case, in `language` (default en).
  // What the notice says comes from this event: an RFE notice's evidence and deadline, an appointment notice's time
  // and place, the priority date; what it does not carry, from the case's latest event of that kind up to it.
  notice_issued: z.looseObject({
    ...common,
    noticeType: text('a notice type, e.g. receipt_notice').min(1, 'a notice type, e.g. receipt_notice').max(100),
    language: z.enum(['en', 'es']).optional(),
    responseDue: isoDate.optional(),
    evidenceRequested: evidenceRequested.optional(),
    appointmentAt: instant.optional(),
    locationName: text('a place name').max(200).optional(),
    timeZone: placeTimeZone.optional(),
    priorityDate: isoDate.optional(),
  }),
  case_closed: z.looseObject({ ...common, statusKey: catalogStatus.optional() }),
  status_updated: z.looseObject({ ...common, statusKey: catalogStatus }),
  account_acceptance_notice: z.looseObject({ ...common, onlineAccessCode }),
  protection_updated: z.looseObject({ ...common, section1367: z.boolean({ message: 'true or false' }) }),
  // The agency's answer to a change of address read from GET /api/v1/address-changes (issue 17 point 4): recorded on
  // the case (accepted) or not, with the reason the person is told.
  address_change_recorded: z.looseObject({
    ...common,
    changeId: text('the id of a change of address, as the feed gives it (a UUID)').uuid(
      'the id of a change of address, as the feed gives it (a UUID)',
    ),
    accepted: z.boolean({ message: 'true or false' }),
    reason: text('a reason the person can read').trim().min(1, 'a reason (not empty)').max(500).optional(),
  }),
  // The case needs biometrics (BIO-1, issue 17 point 2): Casedesk schedules them at the Application Support Center
  // nearest the applicant, or, with `reuse: true`, schedules nothing (the biometrics taken before are reused).
  biometrics_required: z.looseObject({ ...common, reuse: z.boolean({ message: 'true or false' }).optional() }),
};

/** The payload fields a type reads (the OpenAPI description documents each: test/openapi-fields.test.ts). */
export function payloadFieldsOf(type: CaseEventType): string[] {
  return Object.keys((PAYLOADS[type] as z.ZodObject).shape);
}

const EVENT_ID = 'an event id: 1 to 100 letters, digits and . _ : -';
const RECEIPT_SHAPE = 'a receipt number: three letters and ten digits, e.g. EAC9999103403';

export const eventEnvelope = z.object({
  id: z.string({ message: EVENT_ID }).regex(/^[A-Za-z0-9._:-]{1,100}$/, EVENT_ID),
  receiptNumber: z.string({ message: RECEIPT_SHAPE }).max(40, RECEIPT_SHAPE),
  type: z.enum(CASE_EVENT_TYPES, { message: `one of ${CASE_EVENT_TYPES.join(', ')}` }),
  occurredAt: instant,
  payload: z.record(z.string(), z.unknown(), { message: 'an object of the fields of its type' }).default({}),
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

/*
 * Problems in words (issue 13 point 18). Every problem names its field and says what is wrong:
 * `receiptNumber: "EAC12" is not a receipt number: three letters and ten digits, e.g. EAC9999103403 (it has 5 characters)`.
 * The schemas above state what a field must be (a date as YYYY-MM-DD, ...); `expectation` says it for the checks
 * that carry no text of their own (types, lengths, choices, email addresses).
 */
type ZodIssueLike = {
  code: string;
  expected?: unknown;
  origin?: unknown;
  maximum?: unknown;
  minimum?: unknown;
  values?: unknown;
  format?: unknown;
};

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
};

function expectation(issue: ZodIssueLike): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[String(issue.expected)] ?? String(issue.expected);
    case 'too_big':
      return issue.origin === 'string'
        ? `text of at most ${Number(issue.maximum).toLocaleString('en-US')} characters`
        : `at most ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) === 1
          ? 'non-empty text'
          : `text of at least ${String(issue.minimum)} characters`
        : `at least ${String(issue.minimum)}`;
    case 'invalid_value':
      return Array.isArray(issue.values) ? `one of ${issue.values.map(String).join(', ')}` : undefined;
    case 'invalid_format':
      return issue.format === 'email' ? 'an email address' : undefined;
    default:
      return undefined;
  }
}

/** The per-parse error map: only issues without a text of their own from the schema come here. */
const inWords = { error: (issue: ZodIssueLike) => expectation(issue) ?? 'valid' };

/** A value as the problem shows it: JSON, shortened; objects and lists by what they are (never `[object Object]`). */
export function shownValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const text = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return value.length > 40 ? `${text} (${value.length.toLocaleString('en-US')} characters)` : text;
  }
  return JSON.stringify(value) ?? String(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `field: value is not what it must be`, or `field is missing: what it must be`. */
function problemText(field: string, value: unknown, expected: string): string {
  return value === undefined ? `${field} is missing: ${expected}` : `${field}: ${shownValue(value)} is not ${expected}`;
}

/** What is wrong with a receipt number, in words (the problems of cases/receipt-number.ts). */
export function receiptProblemText(input: unknown, problem: ReceiptNumberProblem): string {
  const field = 'receiptNumber';
  switch (problem.code) {
    case 'empty':
      return typeof input === 'string'
        ? `${field}: ${shownValue(input)} is empty: ${RECEIPT_SHAPE}`
        : problemText(field, input, RECEIPT_SHAPE);
    case 'invalid_characters':
      return `${field}: ${shownValue(input)} is not ${RECEIPT_SHAPE} (only letters and digits; dashes and spaces are ignored; not: ${problem.characters})`;
    case 'wrong_length':
      return `${field}: ${shownValue(input)} is not ${RECEIPT_SHAPE} (it has ${problem.length} characters, not 13)`;
    case 'wrong_shape':
      return `${field}: ${shownValue(input)} is not ${RECEIPT_SHAPE}`;
    case 'unknown_prefix':
      return `${field}: ${shownValue(input)} is not ${RECEIPT_SHAPE} (no receipt number starts with ${problem.prefix}; they start with ${RECEIPT_PREFIXES.join(', ')})`;
  }
}

/** Checks one event (envelope, receipt number per CASE-1, payload of its type); answers it normalized or its problems. */
export function parseEvent(
  raw: unknown,
  index: number,
): { ok: true; event: CaseEvent } | { ok: false; problems: EventProblem[] } {
  const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [
        {
          index,
          id,
          field: '(event)',
          message: `(event): ${shownValue(raw)} is not an event: an object with id, receiptNumber, type, occurredAt and payload`,
        },
      ],
    };
  }
  // Parsed without the error map first: with one, Zod leaves its fast path (about 2.5 µs more per event, measured).
  const envelope = eventEnvelope.safeParse(raw);
  if (!envelope.success) {
    return {
      ok: false,
      problems: eventEnvelope.safeParse(raw, inWords).error!.issues.map((i) => {
        const field = i.path.join('.') || '(event)';
        return { index, id, field, message: problemText(field, valueAt(raw, i.path), i.message) };
      }),
    };
  }
  const receipt = parseReceiptNumber(envelope.data.receiptNumber);
  if (!receipt.ok)
    return {
      ok: false,
      problems: [
        {
          index,
          id,
          field: 'receiptNumber',
          message: receiptProblemText(envelope.data.receiptNumber, receipt.problem),
        },
      ],
    };
  const payload = PAYLOADS[envelope.data.type].safeParse(envelope.data.payload);
  if (!payload.success) {
    return {
      ok: false,
      problems: PAYLOADS[envelope.data.type].safeParse(envelope.data.payload, inWords).error!.issues.map((i) => {
        const field = ['payload', ...i.path].join('.');
        return { index, id, field, message: problemText(field, valueAt(envelope.data.payload, i.path), i.message) };
      }),
    };
  }
  const category = payload.data.formCategory;
  if (typeof category === 'string' && typeof payload.data.formCode === 'string') {
    const message = formCategoryProblem(payload.data.formCode, category);
    if (message) return { ok: false, problems: [{ index, id, field: 'payload.formCategory', message }] };
  }
  const size = JSON.stringify(payload.data).length;
  if (size > 10_000)
    return {
      ok: false,
      problems: [
        {
          index,
          id,
          field: 'payload',
          message: `payload: ${size.toLocaleString('en-US')} characters of JSON is more than the 10,000 allowed`,
        },
      ],
    };
  return {
    ok: true,
    event: {
      id: envelope.data.id,
      receiptNumber: receipt.value,
      type: envelope.data.type,
      occurredAt: new Date(envelope.data.occurredAt),
      payload: payload.data,
    },
  };
}

/**
 * What is wrong with an event's `formCategory` for the case's form, in words, or undefined when the form has it. Only
 * the codes of the form's own categories are accepted (a form published per form has none).
 */
export function formCategoryProblem(formCode: string, category: string): string | undefined {
  if (findFormCategory(formCode, category)) return undefined;
  const codes = categoriesOf(formCode).map((c) => c.code);
  return `payload.formCategory: ${shownValue(category)} is not ${CATEGORY} (${
    codes.length ? `the categories of ${formCode} are ${codes.join(', ')}` : `${formCode} has no categories`
  })`;
}

/** The status an event gives its case (a catalog key), or undefined when it gives none. */
export function statusOfEvent(event: Pick<CaseEvent, 'type' | 'payload'>): string | undefined {
  if (event.type === 'status_updated' || (event.type === 'case_closed' && typeof event.payload.statusKey === 'string'))
    return event.payload.statusKey as string;
  return STATUS_KEY.get(event.type);
}

/** The status key of each type's title, worked out once (every event of a batch asks). */
const STATUS_KEY = new Map(
  Object.entries(STATUS_TITLE).flatMap(([type, title]) =>
    title ? [[type as CaseEventType, statusKey(title)] as const] : [],
  ),
);

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
export function openRequestForEvidence(
  events: { id: string; type: string; occurredAt: Date; payload: Record<string, unknown> }[],
): { sentAt: Date; responseDue: string } | undefined {
  const ordered = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : 1));
  let open: { sentAt: Date; responseDue: string } | undefined;
  for (const e of ordered) {
    if (e.type === 'rfe_sent' && typeof e.payload.responseDue === 'string')
      open = { sentAt: e.occurredAt, responseDue: e.payload.responseDue };
    if (e.type === 'rfe_response_received') open = undefined;
  }
  return open;
}

/**
 * Whether an event asks Casedesk to schedule biometrics (BIO-1): `biometrics_required`, and `biometrics_scheduled`
 * without `appointmentAt` (the agency asked for the appointment and left its time to us). `reuse`: the event says the
 * biometrics taken before are reused, so nothing is scheduled.
 */
export function biometricsRequestOf(event: Pick<CaseEvent, 'type' | 'payload'>): { reuse: boolean } | undefined {
  if (event.type === 'biometrics_required') return { reuse: event.payload.reuse === true };
  if (event.type === 'biometrics_scheduled' && typeof event.payload.appointmentAt !== 'string') return { reuse: false };
  return undefined;
}

/**
 * Whether the case's biometrics are reused: its latest biometrics event (by occurrence) is a `biometrics_required`
 * with `reuse: true` (a later scheduling, or fingerprints taken, ends it).
 */
export function biometricsReused(
  events: { id: string; type: string; occurredAt: Date; payload: Record<string, unknown> }[],
): boolean {
  const ordered = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : 1));
  let reused = false;
  for (const e of ordered) {
    if (e.type === 'biometrics_required') reused = e.payload.reuse === true;
    if (e.type === 'biometrics_scheduled' || e.type === 'fingerprints_taken') reused = false;
  }
  return reused;
}

/** An appointment a case's events scheduled: biometrics at an Application Support Center, or an interview. */
export interface CaseAppointment {
  kind: 'biometrics' | 'interview';
  at: Date;
  /** The place the event names, if it names one. */
  locationName?: string;
  /** The place's IANA time zone, if the event gives it (the time is shown by the place's clock). */
  timeZone?: string;
}

/**
 * The appointments a case's events scheduled and that are still to come at `now`, soonest first: the latest
 * `biometrics_scheduled` (its `appointmentAt`) unless fingerprints were taken after it, and the latest
 * `interview_scheduled` (its `interviewAt`) unless the interview was completed after it. A later scheduling of the
 * same kind replaces an earlier one (a reschedule).
 */
export function upcomingAppointments(
  events: { id: string; type: string; occurredAt: Date; payload: Record<string, unknown> }[],
  now: Date,
): CaseAppointment[] {
  const ordered = [...events].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : 1));
  const latest: Partial<Record<CaseAppointment['kind'], CaseAppointment>> = {};
  for (const e of ordered) {
    const place = {
      ...(typeof e.payload.locationName === 'string' ? { locationName: e.payload.locationName } : {}),
      ...(typeof e.payload.timeZone === 'string' ? { timeZone: e.payload.timeZone } : {}),
    };
    if (e.type === 'biometrics_scheduled')
      latest.biometrics =
        typeof e.payload.appointmentAt === 'string'
          ? { kind: 'biometrics', at: new Date(e.payload.appointmentAt), ...place }
          : undefined;
    if (e.type === 'interview_scheduled')
      latest.interview =
        typeof e.payload.interviewAt === 'string'
          ? { kind: 'interview', at: new Date(e.payload.interviewAt), ...place }
          : undefined;
    if (e.type === 'fingerprints_taken') latest.biometrics = undefined;
    if (e.type === 'interview_completed') latest.interview = undefined;
  }
  return [latest.biometrics, latest.interview]
    .filter((a): a is CaseAppointment => a !== undefined && a.at.getTime() > now.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}
