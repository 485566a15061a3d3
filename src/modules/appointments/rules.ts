import { parseTimeOfDay } from '../../platform/format.js';
import { parseZip, stateName, US_TERRITORIES, zipInfo, zipMatchesState } from '../../platform/us-address.js';
import {
  SITE_KINDS,
  SITE_SERVICES,
  type AppointmentSitesTable,
  type ClosureRow,
  type SiteKind,
  type SiteService,
  type SlotTemplateRow,
} from './tables.js';
import type { Insertable } from 'kysely';

/**
 * The administrators' forms for sites, slot templates and closures, checked here (pure): each problem names its
 * field and a key of `locales/{en,es}/appointments.json`.
 */

export interface FieldProblem {
  field: string;
  key: string;
}

/** The U.S. time zones a site may be in (IANA names; Intl applies their DST rules). */
export const SITE_TIME_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
  'America/St_Thomas',
  'Pacific/Guam',
  'Pacific/Saipan',
] as const;

export const LIMITS = { code: 20, name: 120, line: 100, city: 60, reason: 200 } as const;

export interface SiteForm {
  code: string;
  kind: string;
  name_en: string;
  name_es: string;
  address_line1: string;
  address_line2: string;
  city: string;
  state: string;
  zip: string;
  latitude: string;
  longitude: string;
  time_zone: string;
  services: readonly string[];
  active: boolean;
}

export interface TemplateForm {
  weekday: string;
  start_time: string;
  duration_minutes: string;
  capacity: string;
}

export interface ClosureForm {
  site_code: string;
  closure_month: string;
  closure_day: string;
  closure_year: string;
  reason_en: string;
  reason_es: string;
}

/** The value for "every site" in the closure form's site list. */
export const ALL_SITES = '*';

function required(problems: FieldProblem[], field: string, value: string, max: number): string {
  const v = value.trim();
  if (!v) problems.push({ field, key: `appointments:errors.${field}_required` });
  else if (v.length > max) problems.push({ field, key: 'appointments:errors.too_long' });
  return v;
}

function coordinate(problems: FieldProblem[], field: string, value: string, limit: number): number | undefined {
  const v = value.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!/^-?\d{1,3}(\.\d+)?$/.test(v) || !Number.isFinite(n) || Math.abs(n) > limit) {
    problems.push({ field, key: 'appointments:errors.coordinate_invalid' });
    return undefined;
  }
  return n;
}

export function isSiteTimeZone(zone: string): boolean {
  return (SITE_TIME_ZONES as readonly string[]).includes(zone);
}

export function parseSiteForm(
  form: SiteForm,
  existingCode?: string,
): { ok: true; site: Omit<Insertable<AppointmentSitesTable>, 'updated_at'> } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const code = existingCode ?? form.code.trim().toUpperCase();
  if (!existingCode && !/^[A-Z0-9][A-Z0-9-]{1,19}$/.test(code))
    problems.push({
      field: 'code',
      key: code ? 'appointments:errors.code_invalid' : 'appointments:errors.code_required',
    });
  if (!(SITE_KINDS as readonly string[]).includes(form.kind))
    problems.push({ field: 'kind', key: 'appointments:errors.kind_required' });
  const nameEn = required(problems, 'name_en', form.name_en, LIMITS.name);
  const nameEs = required(problems, 'name_es', form.name_es, LIMITS.name);
  const line1 = required(problems, 'address_line1', form.address_line1, LIMITS.line);
  const line2 = form.address_line2.trim();
  if (line2.length > LIMITS.line) problems.push({ field: 'address_line2', key: 'appointments:errors.too_long' });
  const city = required(problems, 'city', form.city, LIMITS.city);
  const state = form.state.trim().toUpperCase();
  const known = stateName(state) !== undefined || US_TERRITORIES.some((t) => t.code === state);
  if (!known) problems.push({ field: 'state', key: 'appointments:errors.state_required' });
  const zip = parseZip(form.zip);
  if (!zip) problems.push({ field: 'zip', key: 'appointments:errors.zip_invalid' });
  else if (known && !zipMatchesState(zip.zip5, state))
    problems.push({ field: 'zip', key: 'appointments:errors.zip_state' });
  let latitude = coordinate(problems, 'latitude', form.latitude, 90);
  let longitude = coordinate(problems, 'longitude', form.longitude, 180);
  if (
    (latitude === undefined) !== (longitude === undefined) &&
    !problems.some((p) => p.field === 'latitude' || p.field === 'longitude')
  )
    problems.push({ field: 'latitude', key: 'appointments:errors.coordinates_both' });
  if (latitude === undefined && longitude === undefined && zip) {
    const place = zipInfo(zip.zip5);
    latitude = place?.latitude;
    longitude = place?.longitude;
  }
  if (!isSiteTimeZone(form.time_zone))
    problems.push({ field: 'time_zone', key: 'appointments:errors.time_zone_required' });
  const services = [...new Set(form.services)].filter((s): s is SiteService =>
    (SITE_SERVICES as readonly string[]).includes(s),
  );
  if (services.length === 0 || services.length !== new Set(form.services).size)
    problems.push({ field: 'services', key: 'appointments:errors.services_required' });
  else if (form.kind === 'asc' && !services.includes('biometrics'))
    problems.push({ field: 'services', key: 'appointments:errors.asc_biometrics' });
  if (problems.length || latitude === undefined || longitude === undefined || !zip) return { ok: false, problems };
  return {
    ok: true,
    site: {
      code,
      kind: form.kind as SiteKind,
      name_en: nameEn,
      name_es: nameEs,
      address_line1: line1,
      address_line2: line2 || null,
      city,
      state,
      zip: zip.zip5,
      latitude,
      longitude,
      time_zone: form.time_zone,
      services: SITE_SERVICES.filter((s) => services.includes(s)),
      active: form.active,
    },
  };
}

export function parseTemplateForm(
  form: TemplateForm,
): { ok: true; template: Omit<SlotTemplateRow, 'id' | 'site_code'> } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const weekday = Number(form.weekday);
  if (!/^[1-7]$/.test(form.weekday)) problems.push({ field: 'weekday', key: 'appointments:errors.weekday_required' });
  const time = form.start_time.trim() ? parseTimeOfDay(form.start_time) : undefined;
  if (!time)
    problems.push({
      field: 'start_time',
      key: form.start_time.trim() ? 'appointments:errors.time_invalid' : 'appointments:errors.start_time_required',
    });
  const duration = Number(form.duration_minutes);
  if (!/^\d{1,3}$/.test(form.duration_minutes.trim()) || duration < 5 || duration > 480)
    problems.push({ field: 'duration_minutes', key: 'appointments:errors.duration_invalid' });
  const capacity = Number(form.capacity);
  if (!/^\d{1,3}$/.test(form.capacity.trim()) || capacity < 1 || capacity > 500)
    problems.push({ field: 'capacity', key: 'appointments:errors.capacity_invalid' });
  if (problems.length || !time) return { ok: false, problems };
  return { ok: true, template: { weekday, start_time: time, duration_minutes: duration, capacity } };
}

export function parseClosureForm(
  form: ClosureForm,
  siteCodes: readonly string[],
  today: string,
): { ok: true; closure: Omit<ClosureRow, 'id' | 'created_at'> } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const site = form.site_code === ALL_SITES ? null : form.site_code;
  if (site !== null && !siteCodes.includes(site))
    problems.push({ field: 'site_code', key: 'appointments:errors.closure_site_required' });
  const m = form.closure_month.trim();
  const d = form.closure_day.trim();
  const y = form.closure_year.trim();
  let date: string | undefined;
  if (!m && !d && !y) problems.push({ field: 'closure_month', key: 'appointments:errors.date_required' });
  else {
    const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
    const valid =
      /^\d{1,2}$/.test(m) &&
      /^\d{1,2}$/.test(d) &&
      /^\d{4}$/.test(y) &&
      !Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) &&
      new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso;
    if (!valid) problems.push({ field: 'closure_month', key: 'appointments:errors.date_invalid' });
    else if (iso < today) problems.push({ field: 'closure_month', key: 'appointments:errors.date_past' });
    else date = iso;
  }
  const reasonEn = required(problems, 'reason_en', form.reason_en, LIMITS.reason);
  const reasonEs = required(problems, 'reason_es', form.reason_es, LIMITS.reason);
  if (problems.length || !date) return { ok: false, problems };
  return { ok: true, closure: { site_code: site, date, reason_en: reasonEn, reason_es: reasonEs } };
}
