import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { normalizeANumber } from '../../platform/personal-details.js';
import { parseZip, zipInfo } from '../../platform/us-address.js';
import { emailSchema } from '../accounts/index.js';
import { parseReceiptNumber, receiptProblemMessage } from '../cases/index.js';
import { REQUEST_REASONS, TIMES_OF_DAY, type RequestReason, type TimeOfDay } from './tables.js';

/**
 * The online appointment request's form (APPT-2), parsed by one Zod schema: the posted text fields in, the clean
 * request or the problems of each field (in the order of the page) out. Pure: no I/O.
 */

export function isRequestReason(value: unknown): value is RequestReason {
  return typeof value === 'string' && (REQUEST_REASONS as readonly string[]).includes(value);
}

/** The longest value each text field takes (the page's maxlength; checked here again). */
export const LIMITS = {
  first_name: 50,
  middle_name: 50,
  last_name: 50,
  country_of_birth: 60,
  email: 254,
  phone: 30,
  zip: 10,
  a_number: 20,
  receipt_number: 40,
} as const;

export const TEXT_FIELDS = [
  'first_name',
  'middle_name',
  'last_name',
  'dob_month',
  'dob_day',
  'dob_year',
  'zip',
  'country_of_birth',
  'email',
  'phone',
  'a_number',
  'receipt_number',
  'time_of_day',
  'language',
  'text_reminder',
] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Monday to Friday, as ISO weekday numbers (what the checkboxes send). */
export const WEEKDAYS = ['1', '2', '3', '4', '5'] as const;

export type RawRequest = Partial<Record<TextField, string>> & { weekdays?: string[] };

export interface FieldProblem {
  field: string;
  key: string;
  values?: Record<string, string | number>;
}

export interface ParsedRequest {
  firstName: string;
  middleName: string | null;
  lastName: string;
  dateOfBirth: string;
  zip: string;
  countryOfBirth: string;
  email: string;
  phone: string;
  aNumber: string | null;
  receiptNumber: string | null;
  weekdays: number[];
  timeOfDay: TimeOfDay;
  language: 'en' | 'es';
  textReminder: boolean;
}

const K = (key: string) => `appointment_requests:errors.${key}`;

/** Letters (any alphabet, with accents), spaces, hyphens, apostrophes and periods: what legal names are made of. */
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u;
/** How a nickname is usually added to a name: quoted, in brackets, or after "aka" / "alias" / "apodo". */
const NICKNAME = /["“”„«»()[\]{}]|(^|[\s.])(a\.?\s?k\.?\s?a\.?|alias|apodo)(\s|$)/iu;

/** A name's problem key, or undefined when it reads as a legal name. */
export function nameProblem(name: string): string | undefined {
  if (NICKNAME.test(name)) return 'nickname';
  if (!NAME.test(name)) return 'characters';
  return undefined;
}

/** A date from its three boxes, 'YYYY-MM-DD', or the problem. */
function dateOf(month: string, day: string, year: string): { ok: true; iso: string } | { ok: false; code: string } {
  const [m, d, y] = [month.trim(), day.trim(), year.trim()];
  if (!m && !d && !y) return { ok: false, code: 'required' };
  if (!/^\d{1,2}$/.test(m) || !/^\d{1,2}$/.test(d) || !/^\d{4}$/.test(y)) return { ok: false, code: 'invalid' };
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso || Number(y) < 1900)
    return { ok: false, code: 'invalid' };
  return { ok: true, iso };
}

/** A text field as the schema reads it: trimmed, '' when missing. */
const field = z
  .string()
  .optional()
  .transform((v) => (v ?? '').trim());

/**
 * The schema of the form. `today` is the agency's calendar date: a date of birth is before it. Problems are Zod
 * issues whose path is the field's id (what the error summary links to) and whose message is a catalog key.
 */
export function requestSchema(today: string, pageLanguage: 'en' | 'es') {
  return z
    .object({
      ...(Object.fromEntries(TEXT_FIELDS.map((name) => [name, field])) as Record<TextField, typeof field>),
      weekdays: z.array(z.string()).optional(),
    })
    .transform((raw, ctx): ParsedRequest => {
      const problem = (path: string, key: string, params?: Record<string, string | number>) =>
        ctx.addIssue({ code: 'custom', path: [path], message: K(key), ...(params ? { params } : {}) });

      const name = (id: 'first_name' | 'middle_name' | 'last_name', required: boolean): string | null => {
        const value = raw[id].replace(/\s+/g, ' ');
        if (!value) {
          if (required) problem(id, `${id}.required`);
          return null;
        }
        if ([...value].length > LIMITS[id]) problem(id, `${id}.too_long`, { max: LIMITS[id] });
        else {
          const p = nameProblem(value);
          if (p) problem(id, `name.${p}`);
        }
        return value;
      };
      const firstName = name('first_name', true);
      const middleName = name('middle_name', false);
      const lastName = name('last_name', true);

      const dob = dateOf(raw.dob_month, raw.dob_day, raw.dob_year);
      if (!dob.ok) problem('dob_month', `dob.${dob.code}`);
      else if (dob.iso >= today) problem('dob_month', 'dob.future');

      const zip = raw.zip.length <= LIMITS.zip ? parseZip(raw.zip) : undefined;
      if (!raw.zip) problem('zip', 'zip.required');
      else if (!zip) problem('zip', 'zip.invalid');
      else if (!zipInfo(zip.zip5)) problem('zip', 'zip.unknown');

      const country = raw.country_of_birth.replace(/\s+/g, ' ');
      if (!country) problem('country_of_birth', 'country_of_birth.required');
      else if ([...country].length > LIMITS.country_of_birth || !NAME.test(country))
        problem('country_of_birth', 'country_of_birth.invalid');

      if (!raw.email) problem('email', 'email.required');
      else if (raw.email.length > LIMITS.email || !emailSchema.safeParse(raw.email).success)
        problem('email', 'email.invalid');

      const phone = raw.phone.length <= LIMITS.phone ? parsePhoneNumberFromString(raw.phone, 'US') : undefined;
      if (!raw.phone) problem('phone', 'phone.required');
      else if (!phone?.isValid()) problem('phone', 'phone.invalid');

      // APPT-2: an A-Number or a receipt number (either, or both).
      const aNumber =
        raw.a_number && raw.a_number.length <= LIMITS.a_number ? normalizeANumber(raw.a_number) : undefined;
      if (raw.a_number && !aNumber) problem('a_number', 'a_number.invalid');
      let receiptNumber: string | undefined;
      if (raw.receipt_number) {
        const receipt = parseReceiptNumber(raw.receipt_number);
        if (receipt.ok) receiptNumber = receipt.value;
        else {
          const m = receiptProblemMessage(receipt.problem);
          ctx.addIssue({ code: 'custom', path: ['receipt_number'], message: m.key, params: m.values });
        }
      }
      if (!raw.a_number && !raw.receipt_number) problem('a_number', 'identifier.required');

      const weekdays = [...new Set(raw.weekdays ?? [])];
      if (weekdays.some((d) => !(WEEKDAYS as readonly string[]).includes(d))) problem('weekdays', 'weekdays.invalid');

      const timeOfDay = raw.time_of_day || 'any';
      if (!(TIMES_OF_DAY as readonly string[]).includes(timeOfDay)) problem('time_of_day', 'time_of_day.invalid');

      const language = raw.language || pageLanguage;
      if (language !== 'en' && language !== 'es') problem('language', 'language.invalid');

      return {
        firstName: firstName ?? '',
        middleName,
        lastName: lastName ?? '',
        dateOfBirth: dob.ok ? dob.iso : '',
        zip: zip ? `${zip.zip5}${zip.plus4 ?? ''}` : '',
        countryOfBirth: country,
        email: raw.email,
        phone: phone?.isValid() ? phone.number : '',
        aNumber: aNumber ?? null,
        receiptNumber: receiptNumber ?? null,
        weekdays: weekdays.map(Number).sort(),
        timeOfDay: timeOfDay as TimeOfDay,
        language: language === 'es' ? 'es' : 'en',
        textReminder: raw.text_reminder !== '',
      };
    });
}

/** Parses a posted form: the clean request, or every field's problem. */
export function parseAppointmentRequest(
  raw: RawRequest,
  today: string,
  pageLanguage: 'en' | 'es',
): { ok: true; value: ParsedRequest } | { ok: false; problems: FieldProblem[] } {
  const result = requestSchema(today, pageLanguage).safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const params = (issue as { params?: Record<string, string | number> }).params;
      return {
        field: String(issue.path[0] ?? 'first_name'),
        key: issue.message,
        ...(params ? { values: params } : {}),
      };
    }),
  };
}
