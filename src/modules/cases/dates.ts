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

function parts(date: Date, timeZone: string): Record<string, string> {
  let format = partsFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    });
    partsFormats.set(timeZone, format);
  }
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
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
