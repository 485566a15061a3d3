/**
 * Dates and times as people and the agency's systems read them, in the agency's time zone (`config.timeZone`,
 * passed in) and the page's language. Every page, email and notice formats through here; the `Intl.DateTimeFormat`
 * instances are made once per language, time zone and style and kept.
 */
import type { Language } from './i18n/index.js';

const DAY = 86_400_000;
const QUARTER_HOUR = 15 * 60_000;
/** Cached answers per time zone, cleared when one grows past this (a year of days is 366). */
const CACHE_LIMIT = 100_000;

interface Zone {
  /** Asks Intl for the local time at a moment (slow: formatToParts). */
  parts: Intl.DateTimeFormat;
  /** UTC day → the offset that holds all day, or NaN on a day the offset changes. */
  days: Map<number, number>;
  /** Quarter hour → offset, on the days the offset changes. */
  quarters: Map<number, number>;
  /** Per language: Intl's long format, and the long date of each local day asked so far. */
  longDates: Map<Language, { format: Intl.DateTimeFormat; byDay: Map<number, string> }>;
}

const zones = new Map<string, Zone>();

function zone(timeZone: string): Zone {
  let z = zones.get(timeZone);
  if (!z) {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      era: 'short',
    });
    z = { parts, days: new Map(), quarters: new Map(), longDates: new Map() };
    zones.set(timeZone, z);
  }
  return z;
}

/**
 * Intl's numeric reading of a moment in a time zone (year to second on a 24-hour clock, and the era), made once per
 * zone: to take apart with `formatToParts`. Throws RangeError for an unknown time zone.
 */
export function numericDateTimeFormat(timeZone: string): Intl.DateTimeFormat {
  return zone(timeZone).parts;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= CACHE_LIMIT) map.clear();
  map.set(key, value);
  return value;
}

/** The offset Intl gives at a moment, in ms. */
function intlOffset(z: Zone, ms: number): number {
  const p = Object.fromEntries(z.parts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const year = p.era === 'BC' || p.era === 'B' ? 1 - Number(p.year) : Number(p.year);
  const local = new Date(0);
  local.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
  local.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), 0);
  return local.getTime() - ms;
}

/**
 * The time zone's offset from UTC at a moment, in ms. Asking Intl is slow, and the status API and case events
 * format thousands of dates a second over years of history, so the answer is kept per time zone and UTC day: every
 * offset in use and every change of offset falls on a quarter hour, and no zone changes its offset and back within
 * one day, so a day whose first and last quarter hours have the same offset has it throughout. On the few days the
 * offset changes, it is kept per quarter hour.
 */
function offsetAt(date: Date, timeZone: string): number {
  const ms = date.getTime();
  const z = zone(timeZone);
  const day = Math.floor(ms / DAY);
  let offset = z.days.get(day);
  if (offset === undefined) {
    const first = intlOffset(z, day * DAY);
    offset = remember(z.days, day, first === intlOffset(z, (day + 1) * DAY - QUARTER_HOUR) ? first : Number.NaN);
  }
  if (!Number.isNaN(offset)) return offset;
  const quarter = Math.floor(ms / QUARTER_HOUR);
  return z.quarters.get(quarter) ?? remember(z.quarters, quarter, intlOffset(z, quarter * QUARTER_HOUR));
}

/** The locale of each language: United States English and Spanish. */
export const LOCALES: Record<Language, string> = { en: 'en-US', es: 'es-US' };

/** The styles pages use. */
const STYLES = {
  /** "Dec 6, 2026" / "6 dic 2026" */
  date: { dateStyle: 'medium' },
  /** "December 6, 2026" / "6 de diciembre de 2026" */
  longDate: { year: 'numeric', month: 'long', day: 'numeric' },
  /** "Dec 6, 2026, 3:04 PM" */
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
  /** "3:04 PM EST": a time a person waits for (with its zone) */
  time: { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
  /** "December 2026" */
  monthYear: { month: 'long', year: 'numeric' },
  /** "Dec 6" (chart ticks) */
  dayMonth: { month: 'short', day: 'numeric' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
export type DateStyle = keyof typeof STYLES;

const formats = new Map<string, Intl.DateTimeFormat>();

/** Intl's formatter of a language, time zone and style, made once. */
function formatOf(lang: Language, timeZone: string, style: DateStyle): Intl.DateTimeFormat {
  const key = `${lang} ${timeZone} ${style}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[lang], { ...STYLES[style], timeZone });
    formats.set(key, f);
  }
  return f;
}

/** A moment in the time zone, in the language and style (default: the medium date). */
export function formatDate(date: Date, lang: Language, timeZone: string, style: DateStyle = 'date'): string {
  return formatOf(lang, timeZone, style).format(date);
}

/** The formatter of one style, for a page that formats many moments: `const when = formatterOf(lang, zone, 'dateTime')`. */
export function formatterOf(lang: Language, timeZone: string, style: DateStyle): (date: Date) => string {
  const f = formatOf(lang, timeZone, style);
  return (date) => f.format(date);
}

/** Date and time of moments on staff and account pages: "Dec 6, 2026, 3:04 PM". */
export function dateTimeFormatter(lang: Language, timeZone: string): (date: Date) => string {
  return formatterOf(lang, timeZone, 'dateTime');
}

/** A calendar date 'YYYY-MM-DD' (no time zone) in the language and style. */
export function formatCalendarDate(isoDate: string, lang: Language, style: DateStyle = 'date'): string {
  return formatDate(new Date(`${isoDate}T12:00:00Z`), lang, 'UTC', style);
}

/** "November 3, 2026" / "3 de noviembre de 2026": Intl's words, asked once per local day (the status API formats thousands). */
export function longDate(date: Date, lang: Language, timeZone: string): string {
  const z = zone(timeZone);
  let long = z.longDates.get(lang);
  if (!long) {
    long = { format: formatOf(lang, timeZone, 'longDate'), byDay: new Map() };
    z.longDates.set(lang, long);
  }
  const localDay = Math.floor((date.getTime() + offsetAt(date, timeZone)) / DAY);
  return long.byDay.get(localDay) ?? remember(long.byDay, localDay, long.format.format(date));
}

/** A calendar date 'YYYY-MM-DD' (no time zone) in long form. */
export function longCalendarDate(isoDate: string, lang: Language): string {
  return longDate(new Date(`${isoDate}T12:00:00Z`), lang, 'UTC');
}

const two = (n: number) => String(n).padStart(2, '0');

function parts(
  date: Date,
  timeZone: string,
): { year: string; month: string; day: string; hour: string; minute: string; second: string } {
  const local = new Date(date.getTime() + offsetAt(date, timeZone));
  return {
    year: String(local.getUTCFullYear()).padStart(4, '0'),
    month: two(local.getUTCMonth() + 1),
    day: two(local.getUTCDate()),
    hour: two(local.getUTCHours()),
    minute: two(local.getUTCMinutes()),
    second: two(local.getUTCSeconds()),
  };
}

/** The agency API's date-time format: `MM-DD-YYYY HH:mm:ss`. */
export function agencyDateTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.month}-${p.day}-${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

/** The calendar date 'YYYY-MM-DD' of a moment by the clock of the time zone (also the agency API's history date). */
export function agencyDate(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}
/** The calendar date 'YYYY-MM-DD' of a moment in the time zone (dates compared by the agency's calendar). */
export const localDate = agencyDate;

/** 'YYYY-MM-DD' plus n calendar days. */
export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A time of day as people type it: `14:30`, `2:30 pm`, `2 PM`, `9.15 a.m.`; answers 'HH:mm' (24 hours) or undefined.
 */
export function parseTimeOfDay(input: string): string | undefined {
  const m = /^(\d{1,2})(?:[:.h](\d{2}))?\s*(?:([ap])\.?\s*m\.?)?$/.exec(input.trim().toLowerCase());
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = m[2] === undefined ? 0 : Number(m[2]);
  if (minute > 59) return undefined;
  if (m[3]) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (m[3] === 'p' ? 12 : 0);
  } else if (m[2] === undefined || hour > 23) return undefined; // "9" alone says neither minutes nor half of day
  return `${two(hour)}:${two(minute)}`;
}

/** The moment the clock of `timeZone` reads `isoDate` at `time` ('HH:mm'), e.g. an appointment at an office. */
export function instantAtLocalTime(isoDate: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${isoDate}T${time}:00Z`);
  const offset = (ms: number) => offsetAt(new Date(ms), timeZone);
  const first = wall - offset(wall);
  const second = wall - offset(first);
  return new Date(offset(second) === offset(first) ? second : first);
}
