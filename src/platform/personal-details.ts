/**
 * How the personal details people type are compared with the agency's records: names and dates of birth. Every
 * surface that checks who someone is (adding a case, caller verification, identity questions) asks these two
 * functions, so "nunez garcia" matches "Núñez García" and "3/5/1980" matches 1980-03-05 everywhere alike.
 */

/** A name as compared: accents and case removed, and anything that is not a letter (spaces, hyphens, apostrophes). */
export function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}]/gu, '')
    .toLowerCase();
}

/** Whether a typed name is the recorded one; an empty name never matches. */
export function sameName(typed: string, recorded: string | null | undefined): boolean {
  const key = nameKey(typed);
  return key !== '' && key === nameKey(recorded ?? '');
}

const MONTHS: Record<string, number> = {};
[
  ['january', 'jan', 'enero', 'ene'],
  ['february', 'feb', 'febrero'],
  ['march', 'mar', 'marzo'],
  ['april', 'apr', 'abril', 'abr'],
  ['may', 'mayo'],
  ['june', 'jun', 'junio'],
  ['july', 'jul', 'julio'],
  ['august', 'aug', 'agosto', 'ago'],
  ['september', 'sep', 'sept', 'septiembre', 'setiembre'],
  ['october', 'oct', 'octubre'],
  ['november', 'nov', 'noviembre'],
  ['december', 'dec', 'diciembre', 'dic'],
].forEach((names, i) => names.forEach((n) => (MONTHS[n] = i + 1)));

function isoDate(year: number, month: number, day: number): string | undefined {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return undefined; // 02/30
  return date.toISOString().slice(0, 10);
}

/**
 * A date as people type it, as `YYYY-MM-DD`, or undefined when it is not a date. Accepted: `1980-03-05`,
 * `03/05/1980` and `3-5-1980` (month first, as on the agency's forms; when the first number cannot be a month but the
 * second can, as in `25/03/1980`, day first), `March 5, 1980`, `5 March 1980`, `5 de marzo de 1980`, and
 * English or Spanish month names or their short forms in any case, with or without accents.
 */
export function parseDate(input: string): string | undefined {
  const text = input
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\bde(l)?\b/g, ' ')
    .replace(/[,.]/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
  let m = /^(\d{4})[-/ ](\d{1,2})[-/ ](\d{1,2})$/.exec(text);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-/ ](\d{1,2})[-/ ](\d{4})$/.exec(text);
  if (m) {
    const [first, second, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return first > 12 && second <= 12 ? isoDate(year, second, first) : isoDate(year, first, second);
  }
  m = /^([a-z]+) (\d{1,2}) (\d{4})$/.exec(text);
  if (m && MONTHS[m[1]!]) return isoDate(Number(m[3]), MONTHS[m[1]!]!, Number(m[2]));
  m = /^(\d{1,2}) ([a-z]+) (\d{4})$/.exec(text);
  if (m && MONTHS[m[2]!]) return isoDate(Number(m[3]), MONTHS[m[2]!]!, Number(m[1]));
  return undefined;
}

/**
 * An A-Number typed with or without the A, spaces or dashes: 'A' and nine digits (eight digits get a leading zero),
 * or undefined. Every form that takes an A-Number (e-Request, the appointment request) reads it with this.
 */
export function normalizeANumber(input: string): string | undefined {
  const value = input
    .normalize('NFKC')
    .replace(/[\s\-–—.]/g, '')
    .toUpperCase();
  const m = /^A?(\d{8,9})$/.exec(value);
  return m ? `A${m[1]!.padStart(9, '0')}` : undefined;
}
