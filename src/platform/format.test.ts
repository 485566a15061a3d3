import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agencyDate,
  agencyDateTime,
  dateTimeFormatter,
  formatCalendarDate,
  formatDate,
  localDate,
  longDate,
} from './format.js';

/** What Intl says, asked every time (the slow way the cached offsets must agree with). */
const referenceFormats = new Map<string, Intl.DateTimeFormat>();
function reference(date: Date, timeZone: string): string {
  let format = referenceFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    referenceFormats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.month}-${p.day}-${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'America/Chicago',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
  'Pacific/Guam',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'UTC',
];

describe('agency dates in a time zone', () => {
  it('agree with Intl for any moment from 1970 to 2100 in zones with odd offsets and daylight saving time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }), fc.constantFrom(...ZONES), (ms, zone) => {
        const date = new Date(ms);
        expect(agencyDateTime(date, zone)).toBe(reference(date, zone));
        const r = reference(date, zone);
        expect(agencyDate(date, zone)).toBe(`${r.slice(6, 10)}-${r.slice(0, 2)}-${r.slice(3, 5)}`);
      }),
      { numRuns: 5000 },
    );
  });

  it('agree with Intl on each side of the 2026 daylight saving changes in New York', () => {
    for (const at of [
      '2026-03-08T06:59:59Z',
      '2026-03-08T07:00:00Z',
      '2026-11-01T05:59:59Z',
      '2026-11-01T06:00:00Z',
      '2026-11-01T06:30:00Z',
    ]) {
      expect(agencyDateTime(new Date(at), 'America/New_York')).toBe(reference(new Date(at), 'America/New_York'));
    }
    expect(agencyDateTime(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('11-01-2026 01:30:00');
    expect(agencyDateTime(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('11-01-2026 01:30:00');
  });

  it('agree with Intl at every quarter hour (and a second either side) of every day the offset changes, 2024 to 2027', () => {
    const DAY = 86_400_000;
    const offsetOf = (ms: number, zone: string) => {
      const r = reference(new Date(ms), zone);
      return (
        Date.UTC(
          Number(r.slice(6, 10)),
          Number(r.slice(0, 2)) - 1,
          Number(r.slice(3, 5)),
          Number(r.slice(11, 13)),
          Number(r.slice(14, 16)),
          Number(r.slice(17, 19)),
        ) - ms
      );
    };
    let changes = 0;
    for (const zone of ZONES) {
      for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2028, 0, 1); day += DAY) {
        // A moment late in the day first, so the day's cached offset is the one the rest of the day is checked against.
        for (const ms of [day + DAY - 1000, day, day + DAY / 2])
          expect(agencyDateTime(new Date(ms), zone)).toBe(reference(new Date(ms), zone));
        if (offsetOf(day, zone) === offsetOf(day + DAY - 1000, zone)) continue;
        changes++;
        for (let q = day; q < day + DAY; q += 15 * 60_000) {
          for (const ms of [q - 1000, q, q + 1000])
            expect(agencyDateTime(new Date(ms), zone)).toBe(reference(new Date(ms), zone));
        }
      }
    }
    expect(changes).toBeGreaterThanOrEqual(40); // New York, Los Angeles, Chicago, St. John's and Lord Howe change twice a year
  });

  it('give the long date Intl gives, in English and Spanish, for any moment and zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...ZONES),
        fc.constantFrom('en' as const, 'es' as const),
        (ms, zone, lang) => {
          const date = new Date(ms);
          const intl = new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', {
            year: 'numeric',
            month: 'long',
            day: 'numeric',
            timeZone: zone,
          });
          expect(longDate(date, lang, zone)).toBe(intl.format(date));
          // Twice: the second answer comes from the cache of that local day.
          expect(longDate(date, lang, zone)).toBe(intl.format(date));
        },
      ),
      { numRuns: 3000 },
    );
    expect(longDate(new Date('2026-11-01T03:59:59Z'), 'en', 'America/New_York')).toBe('October 31, 2026');
    expect(longDate(new Date('2026-11-01T04:00:00Z'), 'es', 'America/New_York')).toBe('1 de noviembre de 2026');
  });

  it('say what the pages said with their own Intl formats before they shared these (long date, date and time, calendar dates, local date)', () => {
    const locale = (lang: 'en' | 'es') => (lang === 'es' ? 'es-US' : 'en-US');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Date.UTC(2100, 0, 1) }),
        fc.constantFrom(...ZONES),
        fc.constantFrom('en' as const, 'es' as const),
        (ms, zone, lang) => {
          const date = new Date(ms);
          const iso = date.toISOString().slice(0, 10);
          expect(formatDate(date, lang, zone, 'longDate')).toBe(
            new Intl.DateTimeFormat(locale(lang), { dateStyle: 'long', timeZone: zone }).format(date),
          );
          expect(dateTimeFormatter(lang, zone)(date)).toBe(
            new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short', timeZone: zone }).format(
              date,
            ),
          );
          expect(formatCalendarDate(iso, lang)).toBe(
            new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeZone: 'UTC' }).format(
              new Date(`${iso}T12:00:00Z`),
            ),
          );
          expect(formatCalendarDate(iso, lang, 'longDate')).toBe(
            new Intl.DateTimeFormat(locale(lang), { dateStyle: 'long', timeZone: 'UTC' }).format(
              new Date(`${iso}T00:00:00Z`),
            ),
          );
          expect(localDate(date, zone)).toBe(
            new Intl.DateTimeFormat('en-CA', {
              timeZone: zone,
              year: 'numeric',
              month: '2-digit',
              day: '2-digit',
            }).format(date),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
