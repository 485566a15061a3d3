import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { localDate } from '../../../platform/format.js';
import { z } from 'zod';
import { US_STATES as PLACES, US_TERRITORIES } from '../../../platform/us-address.js';

/**
 * The representative profile (issue 3 item 1; REP-3 matches paper G-28s against it): what an attorney or an
 * accredited representative must give before using a representative account, and its validation. Pure rules:
 * no SQL, no HTTP. Problems come back as `{ field, code }`; pages translate `profile:errors.<field>.<code>`.
 */

/**
 * Bar admission and business address: the states, the District of Columbia and the five inhabited territories (not
 * the freely associated states), by name. The places themselves are platform/us-address.ts's, the one list of them.
 */
const FREELY_ASSOCIATED = new Set(['FM', 'MH', 'PW']);
export const US_STATES: readonly (readonly [code: string, name: string])[] = [
  ...PLACES,
  ...US_TERRITORIES.filter((t) => !FREELY_ASSOCIATED.has(t.code)),
]
  .sort((a, b) => a.name.localeCompare(b.name, 'en'))
  .map((p) => [p.code, p.name] as const);
const STATE_CODES = new Set(US_STATES.map(([code]) => code));

export function stateName(code: string | null | undefined): string {
  return US_STATES.find(([c]) => c === code)?.[1] ?? '';
}

export const REPRESENTATIVE_ROLES = ['attorney', 'accredited_representative'] as const;
export type RepresentativeRole = (typeof REPRESENTATIVE_ROLES)[number];

/** The furthest an accreditation expiry may be: EOIR accredits for three years; more than ten is a typo. */
const ACCREDITATION_MAX_YEARS = 10;

export interface Problem {
  field: string;
  code: string;
}

/**
 * A legal name (APPT-2's rule: given and family name required, middle optional; no nicknames): letters (any
 * script), spaces, apostrophes, hyphens and periods, at most 100 characters.
 */
const NAME_PATTERN = /^\p{L}[\p{L}\p{M}' ’.-]*$/u;
const nameField = (optional: boolean) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').trim().replace(/\s+/g, ' '))
    .pipe(
      optional
        ? z
            .string()
            .max(100, 'too_long')
            .refine((s) => s === '' || NAME_PATTERN.test(s), 'invalid')
        : z.string().min(1, { error: 'required', abort: true }).max(100, 'too_long').regex(NAME_PATTERN, 'invalid'),
    );

export const nameSchema = z.object({
  given_name: nameField(false),
  middle_name: nameField(true),
  family_name: nameField(false),
});
export type NameInput = z.infer<typeof nameSchema>;

/** Trimmed single-line text with a maximum length; `required` gives the code 'required' when empty. */
const line = (max: number, required: boolean) =>
  z
    .string()
    .transform((s) => s.trim().replace(/\s+/g, ' '))
    .pipe(
      required
        ? z.string().min(1, { error: 'required', abort: true }).max(max, 'too_long')
        : z.string().max(max, 'too_long'),
    );

/** A business phone: any number libphonenumber-js accepts as valid (United States unless it starts with +), as E.164. */
export function parseBusinessPhone(
  input: string,
): { ok: true; e164: string } | { ok: false; code: 'required' | 'invalid' | 'extension' } {
  const text = input.trim();
  if (!text) return { ok: false, code: 'required' };
  if (text.length > 40) return { ok: false, code: 'invalid' };
  const phone = parsePhoneNumberFromString(text, 'US');
  if (!phone?.isValid()) return { ok: false, code: 'invalid' };
  // E.164 has no room for an extension; we will not drop what the person typed without saying so.
  if (phone.ext) return { ok: false, code: 'extension' };
  return { ok: true, e164: phone.number };
}

/** "(202) 555-0143" for United States numbers, the international form for others. */
export function formatPhone(e164: string): string {
  const phone = parsePhoneNumberFromString(e164);
  if (!phone) return e164;
  return phone.country === 'US' ? phone.formatNational() : phone.formatInternational();
}

/** 'YYYY-MM-DD' of the calendar day `at` falls on in a time zone. */
export const calendarDay = localDate;

/** A date typed as month, day and year (USWDS memorable date) as 'YYYY-MM-DD', or the problem with it. */
export function parseMemorableDate(
  month: string,
  day: string,
  year: string,
): { ok: true; date: string } | { ok: false; code: 'required' | 'invalid' } {
  const [m, d, y] = [month.trim(), day.trim(), year.trim()];
  if (!m && !d && !y) return { ok: false, code: 'required' };
  if (!/^\d{1,2}$/.test(m) || !/^\d{1,2}$/.test(d) || !/^\d{4}$/.test(y)) return { ok: false, code: 'invalid' };
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  // Date.UTC rolls 31 April into 1 May: a real date reads back the same.
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d))
    return { ok: false, code: 'invalid' };
  return { ok: true, date: date.toISOString().slice(0, 10) };
}

/** The raw form, every field a string (missing fields are empty). */
export const REPRESENTATIVE_FIELDS = [
  'given_name',
  'middle_name',
  'family_name',
  'role',
  'bar_state',
  'bar_number',
  'recognized_organization',
  'accreditation_expires_month',
  'accreditation_expires_day',
  'accreditation_expires_year',
  'firm_name',
  'street1',
  'street2',
  'city',
  'state',
  'zip',
  'phone',
] as const;
export type RepresentativeForm = Record<(typeof REPRESENTATIVE_FIELDS)[number], string>;

export interface RepresentativeProfileInput {
  name: NameInput;
  role: RepresentativeRole;
  barState: string | null;
  barNumber: string | null;
  recognizedOrganization: string | null;
  accreditationExpiresOn: string | null;
  firmName: string;
  street1: string;
  street2: string | null;
  city: string;
  state: string;
  zip: string;
  phoneE164: string;
}

const addressSchema = z.object({
  firm_name: line(200, true),
  street1: line(200, true),
  street2: line(200, false),
  city: line(100, true),
  state: z.string().refine((s) => STATE_CODES.has(s), 'required'),
  zip: z
    .string()
    .transform((s) => s.trim())
    .pipe(
      z
        .string()
        .min(1, { error: 'required', abort: true })
        .regex(/^\d{5}(-\d{4})?$/, 'invalid'),
    ),
});

/**
 * Validates the representative form. `today` is the agency's calendar day ('YYYY-MM-DD'): an accreditation must
 * expire after it. Problems are listed in the order of the form's fields.
 */
export function parseRepresentativeProfile(
  form: RepresentativeForm,
  today: string,
): { ok: true; value: RepresentativeProfileInput } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const issues = (result: z.ZodSafeParseResult<unknown>) => {
    if (!result.success)
      for (const i of result.error.issues) problems.push({ field: String(i.path[0]), code: i.message });
  };
  const name = nameSchema.safeParse(form);
  issues(name);
  const role = REPRESENTATIVE_ROLES.find((r) => r === form.role);
  if (!role) problems.push({ field: 'role', code: 'required' });

  let barState: string | null = null;
  let barNumber: string | null = null;
  let recognizedOrganization: string | null = null;
  let accreditationExpiresOn: string | null = null;
  if (role === 'attorney') {
    if (STATE_CODES.has(form.bar_state)) barState = form.bar_state;
    else problems.push({ field: 'bar_state', code: 'required' });
    const number = form.bar_number.trim().toUpperCase();
    if (!number) problems.push({ field: 'bar_number', code: 'required' });
    else if (!/^[A-Z0-9][A-Z0-9 .-]{0,29}$/.test(number)) problems.push({ field: 'bar_number', code: 'invalid' });
    else barNumber = number;
  } else if (role === 'accredited_representative') {
    const organization = line(200, true).safeParse(form.recognized_organization);
    if (organization.success) recognizedOrganization = organization.data;
    else problems.push({ field: 'recognized_organization', code: organization.error.issues[0]!.message });
    const date = parseMemorableDate(
      form.accreditation_expires_month,
      form.accreditation_expires_day,
      form.accreditation_expires_year,
    );
    const latest = `${Number(today.slice(0, 4)) + ACCREDITATION_MAX_YEARS}${today.slice(4)}`;
    // The error summary links to the first of the three boxes.
    if (!date.ok) problems.push({ field: 'accreditation_expires_month', code: date.code });
    else if (date.date <= today) problems.push({ field: 'accreditation_expires_month', code: 'not_future' });
    else if (date.date > latest) problems.push({ field: 'accreditation_expires_month', code: 'too_far' });
    else accreditationExpiresOn = date.date;
  }

  const address = addressSchema.safeParse(form);
  issues(address);
  const phone = parseBusinessPhone(form.phone);
  if (!phone.ok) problems.push({ field: 'phone', code: phone.code });

  if (problems.length || !name.success || !role || !address.success || !phone.ok) {
    const order: string[] = [...REPRESENTATIVE_FIELDS];
    return { ok: false, problems: problems.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field)) };
  }
  return {
    ok: true,
    value: {
      name: name.data,
      role,
      barState,
      barNumber,
      recognizedOrganization,
      accreditationExpiresOn,
      firmName: address.data.firm_name,
      street1: address.data.street1,
      street2: address.data.street2 || null,
      city: address.data.city,
      state: address.data.state,
      zip: address.data.zip,
      phoneE164: phone.e164,
    },
  };
}
