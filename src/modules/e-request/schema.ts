import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { emailSchema } from '../accounts/index.js';
import { findForm, parseReceiptNumber, receiptProblemMessage } from '../cases/index.js';
import { normalizeANumber } from '../../platform/personal-details.js';

export { normalizeANumber };

/**
 * e-Request forms (issue 5 item 4; CC-1, CC-8, CC-10, CC-12, CC-16, CASE-10): which forms exist, the request types
 * they file, every field they take, and the parsing of a posted form into clean values or field problems. Pure:
 * no I/O (matching the case and the inquiry date is the service's work).
 */

/** The forms, by their path under /e-request. Interview and oath reschedules share one form with a choice. */
export const REQUEST_FORMS = [
  'outside-processing-time',
  'typo-correction',
  'mail-not-received',
  'accommodation-request',
  'expedite-request',
  'interview-oath-reschedule',
] as const;
export type RequestForm = (typeof REQUEST_FORMS)[number];

/** The service item types e-Requests file (routing rules match on them: expedite and reschedules go to the owning office). */
export const REQUEST_TYPES = [
  'outside_processing_time',
  'typo_correction',
  'mail_not_received',
  'accommodation_request',
  'expedite_request',
  'interview_reschedule',
  'oath_reschedule',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export function isRequestForm(value: unknown): value is RequestForm {
  return typeof value === 'string' && (REQUEST_FORMS as readonly string[]).includes(value);
}

/** The published expedite criteria (CC-8); the owning office decides. */
export const EXPEDITE_CRITERIA = [
  'severe_financial_loss',
  'urgent_humanitarian',
  'nonprofit_interest',
  'government_interest',
  'agency_error',
] as const;
export const REQUESTER_ROLES = ['applicant', 'representative', 'other'] as const;
export const MAIL_KINDS = ['notice', 'card'] as const;
export const ACCOMMODATION_KINDS = ['sign_language_interpreter', 'wheelchair_access', 'other'] as const;
export const APPOINTMENT_KINDS = ['interview', 'biometrics', 'oath_ceremony', 'other'] as const;
export const RESCHEDULE_KINDS = ['interview', 'oath'] as const;

/** The longest value each text field accepts (the form's maxlength; the server checks it again). */
export const LIMITS = {
  given_name: 100,
  family_name: 100,
  email: 254,
  phone: 30,
  receipt_number: 40,
  form_sub_type: 100,
  a_number: 12,
  error_item: 300,
  correct_value: 300,
  missing_item: 300,
  street: 100,
  street2: 100,
  city: 60,
  state: 2,
  zip: 10,
  description: 2000,
} as const;

/** Every field name a form may post (the route reads only these). */
export const TEXT_FIELDS = [
  'given_name',
  'family_name',
  'email',
  'phone',
  'receipt_number',
  'dob_month',
  'dob_day',
  'dob_year',
  'requester_role',
  'section_1367',
  'form_number',
  'form_sub_type',
  'filed_month',
  'filed_day',
  'filed_year',
  'a_number',
  'error_item',
  'correct_value',
  'mail_kind',
  'missing_item',
  'street',
  'street2',
  'city',
  'state',
  'zip',
  'appointment_kind',
  'appointment_month',
  'appointment_day',
  'appointment_year',
  'criterion',
  'reschedule_kind',
  'description',
] as const;
export const LIST_FIELDS = ['accommodation'] as const;

export type RawForm = Partial<Record<(typeof TEXT_FIELDS)[number], string>> & { accommodation?: string[] };

/** A problem with one field: the id the error summary links to and a catalog key with its values. */
export interface FieldProblem {
  field: string;
  key: string;
  values?: Record<string, string | number>;
}

/** The clean values of a valid form. `details` holds every field of the type, by name, for the service item. */
export interface ParsedRequest {
  form: RequestForm;
  type: RequestType;
  givenName: string;
  familyName: string;
  email: string;
  phone: string | null;
  receiptNumber: string | null;
  dateOfBirth: string | null;
  role: (typeof REQUESTER_ROLES)[number];
  section1367: boolean;
  /** The person's own words (explanation, reason, details), or '' when the form has none or it was left empty. */
  text: string;
  details: Record<string, string | string[]>;
}

/** Whether the form must name a case (all but the accommodation request, which may be for any appointment). */
export function receiptRequired(form: RequestForm): boolean {
  return form !== 'accommodation-request';
}

/** Whether the form asks for the CC-16 fields (form number, sub type, date filed, A-Number). */
export function hasFilingFields(form: RequestForm): boolean {
  return form === 'typo-correction' || form === 'mail-not-received';
}

type DateResult = { kind: 'empty' } | { kind: 'invalid' } | { kind: 'ok'; iso: string };

/** Month, day and year boxes to 'YYYY-MM-DD'; empty when all three are empty. */
export function parseDateParts(
  month: string | undefined,
  day: string | undefined,
  year: string | undefined,
): DateResult {
  const m = (month ?? '').trim();
  const d = (day ?? '').trim();
  const y = (year ?? '').trim();
  if (!m && !d && !y) return { kind: 'empty' };
  if (!/^\d{1,2}$/.test(m) || !/^\d{1,2}$/.test(d) || !/^\d{4}$/.test(y)) return { kind: 'invalid' };
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso || Number(y) < 1900 || Number(y) > 2100)
    return { kind: 'invalid' };
  return { kind: 'ok', iso };
}

const E = (field: string, code: string, values?: Record<string, string | number>): FieldProblem => ({
  field,
  key: `e_request:errors.${field}.${code}`,
  ...(values ? { values } : {}),
});

/**
 * Parses a posted form. `today` is the agency's calendar date ('YYYY-MM-DD'): a date of birth and a filing date
 * are in the past, an appointment is today or later. Problems come in the order of the fields on the page.
 */
export function parseRequest(
  form: RequestForm,
  input: RawForm,
  today: string,
): { ok: true; value: ParsedRequest } | { ok: false; problems: FieldProblem[] } {
  // Only the known fields, only as text (a list of checked boxes for the accommodation kinds).
  const raw: RawForm = {};
  for (const name of TEXT_FIELDS) {
    const value: unknown = input[name];
    if (typeof value === 'string') raw[name] = value;
  }
  const kindsInput: unknown = input.accommodation;
  raw.accommodation = (Array.isArray(kindsInput) ? kindsInput : [kindsInput]).filter(
    (k): k is string => typeof k === 'string',
  );
  const problems: FieldProblem[] = [];
  const details: Record<string, string | string[]> = {};
  const text = (name: keyof typeof LIMITS) => (raw[name] ?? '').trim();
  const bounded = (name: keyof typeof LIMITS, required: boolean): string => {
    const value = text(name);
    if (!value) {
      // What to write in the free-text box depends on the form ("explain why ...", "tell us why ...").
      if (required) problems.push(E(name, name === 'description' ? form : 'required'));
      return '';
    }
    if (value.length > LIMITS[name]) {
      problems.push(E(name, 'too_long', { max: LIMITS[name].toLocaleString('en-US') }));
      return '';
    }
    return value;
  };
  const choice = <T extends string>(name: keyof RawForm, options: readonly T[]): T | undefined => {
    const value = raw[name];
    if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
    problems.push(E(name, 'required'));
    return undefined;
  };
  const date = (
    name: 'dob' | 'filed' | 'appointment',
    required: boolean,
    rule: 'past' | 'not_future' | 'not_past',
  ): string | null => {
    const parsed = parseDateParts(raw[`${name}_month`], raw[`${name}_day`], raw[`${name}_year`]);
    const field = `${name}_month`;
    if (parsed.kind === 'empty') {
      if (required) problems.push(E(field, 'required'));
      return null;
    }
    if (parsed.kind === 'invalid') {
      problems.push(E(field, 'invalid'));
      return null;
    }
    const bad = rule === 'past' ? parsed.iso >= today : rule === 'not_future' ? parsed.iso > today : parsed.iso < today;
    if (bad) {
      problems.push(E(field, rule));
      return null;
    }
    return parsed.iso;
  };

  // ---- The case -------------------------------------------------------------------------------------------------
  let receiptNumber: string | null = null;
  const receiptInput = raw.receipt_number ?? '';
  if (receiptInput.trim() || receiptRequired(form)) {
    const parsed = parseReceiptNumber(receiptInput);
    if (parsed.ok) receiptNumber = parsed.value;
    else {
      const message = receiptProblemMessage(parsed.problem);
      problems.push({ field: 'receipt_number', key: message.key, values: message.values });
    }
  }
  // The date of birth matches the case (when the agency has it); it is asked whenever a case is named.
  const dateOfBirth = date('dob', receiptRequired(form) || Boolean(receiptInput.trim()), 'past');

  // ---- CC-16: how the case was filed ----------------------------------------------------------------------------
  let type: RequestType;
  if (form === 'mail-not-received') {
    const kind = choice('mail_kind', MAIL_KINDS);
    if (kind) details.mail_kind = kind;
  }
  if (hasFilingFields(form)) {
    const formNumber = raw.form_number ?? '';
    if (findForm(formNumber)) details.form_number = formNumber;
    else problems.push(E('form_number', 'required'));
    const subType = bounded('form_sub_type', false);
    if (subType) details.form_sub_type = subType;
    const filed = date('filed', true, 'not_future');
    if (filed) details.date_filed = filed;
    const aInput = text('a_number');
    if (aInput) {
      const a = aInput.length <= 20 ? normalizeANumber(aInput) : undefined;
      if (a) details.a_number = a;
      else problems.push(E('a_number', 'invalid'));
    }
  }

  // ---- What the request is ------------------------------------------------------------------------------------
  let own = '';
  switch (form) {
    case 'outside-processing-time':
      type = 'outside_processing_time';
      own = bounded('description', false);
      break;
    case 'typo-correction':
      type = 'typo_correction';
      details.error_item = bounded('error_item', true);
      details.correct_value = bounded('correct_value', true);
      break;
    case 'mail-not-received': {
      type = 'mail_not_received';
      details.missing_item = bounded('missing_item', true);
      details.street = bounded('street', true);
      const street2 = bounded('street2', false);
      if (street2) details.street2 = street2;
      details.city = bounded('city', true);
      const state = text('state').toUpperCase();
      if (!state) problems.push(E('state', 'required'));
      else if (!/^[A-Z]{2}$/.test(state)) problems.push(E('state', 'invalid'));
      else details.state = state;
      const zip = text('zip');
      if (!zip) problems.push(E('zip', 'required'));
      else if (!/^\d{5}(-?\d{4})?$/.test(zip)) problems.push(E('zip', 'invalid'));
      else details.zip = zip.length === 9 ? `${zip.slice(0, 5)}-${zip.slice(5)}` : zip;
      break;
    }
    case 'accommodation-request': {
      type = 'accommodation_request';
      const kinds = raw.accommodation.filter(
        (k, i, all) => (ACCOMMODATION_KINDS as readonly string[]).includes(k) && all.indexOf(k) === i,
      );
      if (!kinds.length) problems.push(E('accommodation', 'required'));
      else details.accommodation = kinds;
      const appointment = choice('appointment_kind', APPOINTMENT_KINDS);
      if (appointment) details.appointment_kind = appointment;
      const on = date('appointment', false, 'not_past');
      if (on) details.appointment_date = on;
      own = bounded('description', kinds.includes('other') || appointment === 'other');
      break;
    }
    case 'expedite-request': {
      type = 'expedite_request';
      const criterion = choice('criterion', EXPEDITE_CRITERIA);
      if (criterion) details.criterion = criterion;
      own = bounded('description', true);
      break;
    }
    case 'interview-oath-reschedule': {
      const kind = choice('reschedule_kind', RESCHEDULE_KINDS);
      type = kind === 'oath' ? 'oath_reschedule' : 'interview_reschedule';
      if (kind) details.reschedule_kind = kind;
      const on = date('appointment', true, 'not_past');
      if (on) details.appointment_date = on;
      own = bounded('description', true);
      break;
    }
  }
  if (own) details.description = own;

  // ---- About the person -------------------------------------------------------------------------------------------
  const givenName = bounded('given_name', true);
  const familyName = bounded('family_name', true);
  const role = choice('requester_role', REQUESTER_ROLES);
  let email = '';
  const emailInput = text('email');
  if (!emailInput) problems.push(E('email', 'required'));
  else {
    const parsed = emailSchema.safeParse(emailInput);
    if (parsed.success) email = parsed.data;
    else problems.push(E('email', 'invalid'));
  }
  let phone: string | null = null;
  const phoneInput = text('phone');
  if (phoneInput) {
    const number = phoneInput.length <= LIMITS.phone ? parsePhoneNumberFromString(phoneInput, 'US') : undefined;
    if (number?.isValid()) phone = number.number;
    else problems.push(E('phone', 'invalid'));
  }
  const section1367 = raw.section_1367 === '1';

  if (problems.length || !role) return { ok: false, problems };
  return {
    ok: true,
    value: {
      form,
      type,
      givenName,
      familyName,
      email,
      phone,
      receiptNumber,
      dateOfBirth,
      role,
      section1367,
      text: own,
      details,
    },
  };
}
