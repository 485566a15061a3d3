import { createRequire } from 'node:module';

/**
 * U.S. addresses, in one place (issue 17: change of address; appointments and the nearest site by ZIP code reuse
 * it): the states, the District of Columbia and the territories the Postal Service serves; APO/FPO/DPO military and
 * diplomatic addresses (states AA, AE, AP and their ZIP ranges); ZIP codes as 5 digits or ZIP+4; whether a ZIP code
 * belongs to the state given, and where it is (latitude and longitude), from the `zipcodes` package's offline ZIP
 * code table (about 42,000 U.S. ZIP codes, each with its state and coordinates; pinned in package.json); an "in care
 * of" line; and a foreign address (a country and free lines) where the caller allows one.
 *
 * `validateAddress` answers the address, or each field's problem as a catalog key of `locales/{en,es}/address.json`
 * (`address:errors.<problem>`), so every page shows the same words in both languages.
 */

export interface Place {
  code: string;
  name: string;
}

/** The 50 states and the District of Columbia. */
export const US_STATES: readonly Place[] = [
  ['AL', 'Alabama'],
  ['AK', 'Alaska'],
  ['AZ', 'Arizona'],
  ['AR', 'Arkansas'],
  ['CA', 'California'],
  ['CO', 'Colorado'],
  ['CT', 'Connecticut'],
  ['DE', 'Delaware'],
  ['DC', 'District of Columbia'],
  ['FL', 'Florida'],
  ['GA', 'Georgia'],
  ['HI', 'Hawaii'],
  ['ID', 'Idaho'],
  ['IL', 'Illinois'],
  ['IN', 'Indiana'],
  ['IA', 'Iowa'],
  ['KS', 'Kansas'],
  ['KY', 'Kentucky'],
  ['LA', 'Louisiana'],
  ['ME', 'Maine'],
  ['MD', 'Maryland'],
  ['MA', 'Massachusetts'],
  ['MI', 'Michigan'],
  ['MN', 'Minnesota'],
  ['MS', 'Mississippi'],
  ['MO', 'Missouri'],
  ['MT', 'Montana'],
  ['NE', 'Nebraska'],
  ['NV', 'Nevada'],
  ['NH', 'New Hampshire'],
  ['NJ', 'New Jersey'],
  ['NM', 'New Mexico'],
  ['NY', 'New York'],
  ['NC', 'North Carolina'],
  ['ND', 'North Dakota'],
  ['OH', 'Ohio'],
  ['OK', 'Oklahoma'],
  ['OR', 'Oregon'],
  ['PA', 'Pennsylvania'],
  ['RI', 'Rhode Island'],
  ['SC', 'South Carolina'],
  ['SD', 'South Dakota'],
  ['TN', 'Tennessee'],
  ['TX', 'Texas'],
  ['UT', 'Utah'],
  ['VT', 'Vermont'],
  ['VA', 'Virginia'],
  ['WA', 'Washington'],
  ['WV', 'West Virginia'],
  ['WI', 'Wisconsin'],
  ['WY', 'Wyoming'],
].map(([code, name]) => ({ code: code!, name: name! }));

/** Territories and the freely associated states the Postal Service delivers to with U.S. ZIP codes. */
export const US_TERRITORIES: readonly Place[] = [
  ['AS', 'American Samoa'],
  ['GU', 'Guam'],
  ['MP', 'Northern Mariana Islands'],
  ['PR', 'Puerto Rico'],
  ['VI', 'U.S. Virgin Islands'],
  ['FM', 'Federated States of Micronesia'],
  ['MH', 'Marshall Islands'],
  ['PW', 'Palau'],
].map(([code, name]) => ({ code: code!, name: name! }));

/**
 * APO/FPO/DPO "states" and the first three digits of their ZIP codes: Armed Forces Americas 340; Armed Forces Europe
 * (with the Middle East, Africa and Canada) 090 to 098; Armed Forces Pacific 962 to 966.
 */
export const MILITARY_STATES: readonly (Place & { zipPrefixes: readonly string[] })[] = [
  { code: 'AA', name: 'Armed Forces Americas', zipPrefixes: ['340'] },
  {
    code: 'AE',
    name: 'Armed Forces Europe',
    zipPrefixes: ['090', '091', '092', '093', '094', '095', '096', '097', '098'],
  },
  { code: 'AP', name: 'Armed Forces Pacific', zipPrefixes: ['962', '963', '964', '965', '966'] },
];

/** The "city" of a military or diplomatic address: Army/Air Force, Fleet, or Diplomatic Post Office. */
export const MILITARY_CITIES = ['APO', 'FPO', 'DPO'] as const;
export type MilitaryCity = (typeof MILITARY_CITIES)[number];

const CIVIL = new Map([...US_STATES, ...US_TERRITORIES].map((p) => [p.code, p]));
const MILITARY = new Map(MILITARY_STATES.map((p) => [p.code, p]));

/** The name of a state, territory or military code (undefined for none of them). */
export function stateName(code: string): string | undefined {
  return (CIVIL.get(code) ?? MILITARY.get(code))?.name;
}

// ---- ZIP codes -------------------------------------------------------------------------------------------------------

export interface Zip {
  /** The five digits. */
  zip5: string;
  /** The four digits of ZIP+4, when given. */
  plus4?: string;
}

/** A ZIP code as people type it: 5 digits, or ZIP+4 as 9 digits with or without a hyphen or a space. */
export function parseZip(input: string): Zip | undefined {
  const m = /^\s*(\d{5})(?:[-\s]?(\d{4}))?\s*$/.exec(input);
  if (!m) return undefined;
  return m[2] ? { zip5: m[1]!, plus4: m[2] } : { zip5: m[1]! };
}

/** How a ZIP code is written: 12345 or 12345-6789. */
export function formatZip(zip: Zip): string {
  return zip.plus4 ? `${zip.zip5}-${zip.plus4}` : zip.zip5;
}

export interface ZipInfo {
  zip5: string;
  state: string;
  city: string;
  latitude: number;
  longitude: number;
}

interface ZipTable {
  codes: Record<string, { zip: string; latitude: number; longitude: number; city: string; state: string }>;
}

let zipTable: ZipTable['codes'] | undefined;

/** The table, loaded on first use (about 5 MB of JavaScript: a process that never asks does not pay for it). */
function table(): ZipTable['codes'] {
  if (!zipTable) {
    const require = createRequire(import.meta.url);
    // The U.S. table only (the package's index also merges Canadian postal codes).
    zipTable = (require('zipcodes/lib/codes.js') as ZipTable).codes;
  }
  return zipTable;
}

/** The state and place of a 5-digit ZIP code, from the offline table; undefined for a ZIP code it does not know. */
export function zipInfo(zip5: string): ZipInfo | undefined {
  if (!/^\d{5}$/.test(zip5)) return undefined;
  const row = table()[zip5];
  return row ? { zip5, state: row.state, city: row.city, latitude: row.latitude, longitude: row.longitude } : undefined;
}

/** Every 5-digit ZIP code the table knows, with its state (for tests and bulk checks). */
export function knownZips(): readonly { zip5: string; state: string }[] {
  return Object.values(table()).map((r) => ({ zip5: r.zip, state: r.state }));
}

/** Whether a ZIP code (5 digits or ZIP+4) is one of the state's, by the table (and, for AA/AE/AP, their ranges). */
export function zipMatchesState(zipInput: string, state: string): boolean {
  const zip = parseZip(zipInput);
  if (!zip) return false;
  const military = MILITARY.get(state);
  if (military && !military.zipPrefixes.includes(zip.zip5.slice(0, 3))) return false;
  return zipInfo(zip.zip5)?.state === state;
}

/** Great-circle distance in miles between two points (haversine, mean Earth radius). */
export function distanceMiles(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }) {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 3958.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

// ---- Addresses -------------------------------------------------------------------------------------------------------

/** Where an address is: a U.S. street address, an APO/FPO/DPO address, or an address in another country. */
export const ADDRESS_KINDS = ['us', 'military', 'foreign'] as const;
export type AddressKind = (typeof ADDRESS_KINDS)[number];

export type Address =
  | { kind: 'us'; inCareOf?: string; street: string; unit?: string; city: string; state: string; zip: string }
  | {
      kind: 'military';
      inCareOf?: string;
      street: string;
      unit?: string;
      city: MilitaryCity;
      state: 'AA' | 'AE' | 'AP';
      zip: string;
    }
  | {
      kind: 'foreign';
      inCareOf?: string;
      street: string;
      unit?: string;
      city: string;
      region?: string;
      postalCode?: string;
      country: string;
    };

/** An address form's fields, as typed (all text; empty when not given). */
export interface AddressFields {
  kind: string;
  inCareOf: string;
  street: string;
  unit: string;
  city: string;
  state: string;
  zip: string;
  region: string;
  postalCode: string;
  country: string;
}

export const ADDRESS_FIELDS = [
  'kind',
  'inCareOf',
  'street',
  'unit',
  'city',
  'state',
  'zip',
  'region',
  'postalCode',
  'country',
] as const satisfies readonly (keyof AddressFields)[];

/** The longest text of each line (what an envelope and the agency's systems take). */
export const ADDRESS_LINE_MAX = 100;

/** One field's problem: the field, and the catalog key of its message (`address:errors.<problem>`). */
export interface AddressFieldError {
  field: keyof AddressFields;
  key: `address:errors.${AddressProblem}`;
}

export type AddressProblem =
  | 'kind_required'
  | 'kind_not_allowed'
  | 'street_required'
  | 'city_required'
  | 'too_long'
  | 'not_text'
  | 'state_required'
  | 'state_unknown'
  | 'state_military'
  | 'zip_required'
  | 'zip_format'
  | 'zip_unknown'
  | 'zip_state'
  | 'military_city'
  | 'military_state'
  | 'military_zip'
  | 'country_required'
  | 'country_is_us';

export type AddressResult = { ok: true; address: Address } | { ok: false; errors: AddressFieldError[] };

/** What a person may mean by the United States, which a foreign address may not name. */
const UNITED_STATES =
  /^(u\.?\s*s\.?\s*a?\.?|united\s+states(\s+of\s+america)?|estados\s+unidos(\s+de\s+am[eé]rica)?|ee\.?\s*uu\.?)$/i;

/** Spaces collapsed and trimmed; control characters out (an address line is one line). */
function clean(value: string): string {
  const oneLine = Array.from(value, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('');
  return oneLine.replace(/\s+/g, ' ').trim();
}

/**
 * Checks an address form. `allowed` says which kinds the caller takes (a mailing address: U.S. or military; a
 * physical address: U.S. or foreign). U.S.: street, city, a state or territory, a ZIP code of that state. Military:
 * APO, FPO or DPO as the city, AA, AE or AP as the state, and a ZIP code of that state's range. Foreign: street,
 * city, country (not the United States), region and postal code optional. "In care of" and the unit line are
 * optional everywhere. Every line at most ADDRESS_LINE_MAX characters.
 */
export function validateAddress(input: AddressFields, allowed: readonly AddressKind[] = ['us']): AddressResult {
  const errors: AddressFieldError[] = [];
  const problem = (field: keyof AddressFields, p: AddressProblem) => errors.push({ field, key: `address:errors.${p}` });
  const v = Object.fromEntries(
    ADDRESS_FIELDS.map((f) => [f, clean(String(input[f] ?? ''))]),
  ) as unknown as AddressFields;
  const kind = (allowed.length === 1 && !v.kind ? allowed[0] : v.kind) as AddressKind;
  if (!kind) return { ok: false, errors: [{ field: 'kind', key: 'address:errors.kind_required' }] };
  if (!(ADDRESS_KINDS as readonly string[]).includes(kind) || !allowed.includes(kind))
    return { ok: false, errors: [{ field: 'kind', key: 'address:errors.kind_not_allowed' }] };
  const lines: (keyof AddressFields)[] = ['inCareOf', 'street', 'unit', 'city', 'region', 'postalCode', 'country'];
  for (const f of lines) if (v[f].length > ADDRESS_LINE_MAX) problem(f, 'too_long');
  if (!v.street) problem('street', 'street_required');
  const optional = (s: string) => (s ? s : undefined);
  const common = {
    ...(v.inCareOf ? { inCareOf: v.inCareOf } : {}),
    street: v.street,
    ...(optional(v.unit) ? { unit: v.unit } : {}),
  };
  if (kind === 'foreign') {
    if (!v.city) problem('city', 'city_required');
    if (!v.country) problem('country', 'country_required');
    else if (UNITED_STATES.test(v.country)) problem('country', 'country_is_us');
    if (errors.length) return { ok: false, errors };
    return {
      ok: true,
      address: {
        kind,
        ...common,
        city: v.city,
        ...(v.region ? { region: v.region } : {}),
        ...(v.postalCode ? { postalCode: v.postalCode } : {}),
        country: v.country,
      },
    };
  }
  const state = v.state.toUpperCase();
  const zip = parseZip(v.zip);
  if (kind === 'military') {
    const city = v.city.toUpperCase().replace(/\./g, '');
    if (!(MILITARY_CITIES as readonly string[]).includes(city)) problem('city', 'military_city');
    if (!MILITARY.has(state)) problem('state', 'military_state');
    if (!v.zip) problem('zip', 'zip_required');
    else if (!zip) problem('zip', 'zip_format');
    else if (MILITARY.has(state) && !zipMatchesState(v.zip, state)) problem('zip', 'military_zip');
    if (errors.length) return { ok: false, errors };
    return {
      ok: true,
      address: {
        kind,
        ...common,
        city: city as MilitaryCity,
        state: state as 'AA' | 'AE' | 'AP',
        zip: formatZip(zip!),
      },
    };
  }
  if (!v.city) problem('city', 'city_required');
  if (!state) problem('state', 'state_required');
  else if (MILITARY.has(state)) problem('state', 'state_military');
  else if (!CIVIL.has(state)) problem('state', 'state_unknown');
  if (!v.zip) problem('zip', 'zip_required');
  else if (!zip) problem('zip', 'zip_format');
  else if (!zipInfo(zip.zip5)) problem('zip', 'zip_unknown');
  else if (CIVIL.has(state) && !zipMatchesState(v.zip, state)) problem('zip', 'zip_state');
  if (errors.length) return { ok: false, errors };
  return { ok: true, address: { kind: 'us', ...common, city: v.city, state, zip: formatZip(zip!) } };
}

/** The form's fields of an address (to show it again in its form). */
export function fieldsOf(address: Address | undefined): AddressFields {
  const empty: AddressFields = {
    kind: '',
    inCareOf: '',
    street: '',
    unit: '',
    city: '',
    state: '',
    zip: '',
    region: '',
    postalCode: '',
    country: '',
  };
  if (!address) return empty;
  return {
    ...empty,
    kind: address.kind,
    inCareOf: address.inCareOf ?? '',
    street: address.street,
    unit: address.unit ?? '',
    city: address.city,
    ...(address.kind === 'foreign'
      ? { region: address.region ?? '', postalCode: address.postalCode ?? '', country: address.country }
      : { state: address.state, zip: address.zip }),
  };
}

/**
 * The lines of an address as an envelope shows them ("C/O" line first; city, state and ZIP on one line; the
 * country last for a foreign address). `careOf` is the words before the in-care-of name ("C/O").
 */
export function addressLines(address: Address, careOf = 'C/O'): string[] {
  const lines = [
    address.inCareOf ? `${careOf} ${address.inCareOf}` : '',
    [address.street, address.unit].filter(Boolean).join(' '),
  ];
  if (address.kind === 'foreign') {
    lines.push([address.city, address.region, address.postalCode].filter(Boolean).join(' '), address.country);
  } else {
    lines.push(`${address.city}, ${address.state} ${address.zip}`);
  }
  return lines.filter(Boolean);
}
