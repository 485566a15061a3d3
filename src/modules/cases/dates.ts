/** Dates as people and the agency's systems read them, in the agency's time zone. Pure functions. */

const longFormats = new Map<string, Intl.DateTimeFormat>();

/** "November 3, 2026" / "3 de noviembre de 2026". */
export function longDate(date: Date, lang: 'en' | 'es', timeZone: string): string {
  const key = `${lang}|${timeZone}`;
  let format = longFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', { year: 'numeric', month: 'long', day: 'numeric', timeZone });
    longFormats.set(key, format);
  }
  return format.format(date);
}

/** A calendar date 'YYYY-MM-DD' (no time zone) in long form. */
export function longCalendarDate(isoDate: string, lang: 'en' | 'es'): string {
  return longDate(new Date(`${isoDate}T12:00:00Z`), lang, 'UTC');
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const QUARTER_HOUR = 15 * 60_000;

/**
 * The time zone's offset from UTC at a moment, in ms. Asking Intl is slow (formatToParts), and case events format
 * thousands of dates a second, so the answer is kept per time zone and quarter hour: every offset in use and every
 * change of offset falls on a quarter hour, so the offset is the same throughout one.
 */
function offsetAt(date: Date, timeZone: string): number {
  const quarter = Math.floor(date.getTime() / QUARTER_HOUR);
  const key = `${timeZone}|${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    let format = partsFormats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', era: 'short',
      });
      partsFormats.set(timeZone, format);
    }
    const start = quarter * QUARTER_HOUR;
    const p = Object.fromEntries(format.formatToParts(new Date(start)).map((x) => [x.type, x.value]));
    const year = p.era === 'BC' || p.era === 'B' ? 1 - Number(p.year) : Number(p.year);
    const local = new Date(0);
    local.setUTCFullYear(year, Number(p.month) - 1, Number(p.day));
    local.setUTCHours(Number(p.hour), Number(p.minute), Number(p.second), 0);
    offset = local.getTime() - start;
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const two = (n: number) => String(n).padStart(2, '0');

function parts(date: Date, timeZone: string): { year: string; month: string; day: string; hour: string; minute: string; second: string } {
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

/** The agency API's history date format: `YYYY-MM-DD`. */
export function agencyDate(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** 'YYYY-MM-DD' plus n calendar days. */
export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
