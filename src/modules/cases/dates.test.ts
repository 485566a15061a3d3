import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { agencyDate, agencyDateTime } from './dates.js';

/** What Intl says, asked every time (the slow way the cached offsets must agree with). */
function reference(date: Date, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${p.month}-${p.day}-${p.year} ${p.hour}:${p.minute}:${p.second}`;
}

const ZONES = ['America/New_York', 'America/Los_Angeles', 'America/Chicago', 'Pacific/Honolulu', 'America/Puerto_Rico', 'Pacific/Guam', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'UTC'];

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
    for (const at of ['2026-03-08T06:59:59Z', '2026-03-08T07:00:00Z', '2026-11-01T05:59:59Z', '2026-11-01T06:00:00Z', '2026-11-01T06:30:00Z']) {
      expect(agencyDateTime(new Date(at), 'America/New_York')).toBe(reference(new Date(at), 'America/New_York'));
    }
    expect(agencyDateTime(new Date('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('11-01-2026 01:30:00');
    expect(agencyDateTime(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('11-01-2026 01:30:00');
  });
});
