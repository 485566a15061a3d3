import { describe, expect, it } from 'vitest';
import { officeTimeZone } from '../cases/index.js';
import { callingWindow, isInsideWindow } from './windows.js';

const at = (iso: string) => new Date(iso);
const w = (from: string, zone: string, highVolume = false, attempts = 0) => {
  const r = callingWindow(at(from), zone, highVolume, attempts);
  return { start: r.start.toISOString(), end: r.end.toISOString() };
};

describe('calling windows in the customer’s own time zone (CB-1)', () => {
  it('offices carry their IANA zone (not the phone’s area code)', () => {
    expect(officeTimeZone('VSC')).toBe('America/New_York');
    expect(officeTimeZone('NSC')).toBe('America/Chicago');
    expect(officeTimeZone('CSC')).toBe('America/Los_Angeles');
    expect(officeTimeZone('FO-HNL')).toBe('Pacific/Honolulu');
    expect(officeTimeZone('NOPE')).toBeUndefined();
  });

  it('opens at 8 a.m. local in New York, Los Angeles and Honolulu for one instant', () => {
    // Monday 2026-12-07 13:30 UTC: 8:30 a.m. in New York, 5:30 a.m. in Los Angeles, 3:30 a.m. in Honolulu.
    const now = '2026-12-07T13:30:00.000Z';
    expect(w(now, 'America/New_York')).toEqual({ start: now, end: '2026-12-08T00:30:00.000Z' });
    expect(w(now, 'America/Los_Angeles').start).toBe('2026-12-07T16:00:00.000Z');
    expect(w(now, 'Pacific/Honolulu').start).toBe('2026-12-07T18:00:00.000Z');
    // The last attempt may use the whole window, to 9 p.m.
    expect(w(now, 'America/New_York', false, 1).end).toBe('2026-12-08T02:00:00.000Z');
    expect(w(now, 'Pacific/Honolulu', false, 1).end).toBe('2026-12-08T07:00:00.000Z');
  });

  it('a callback asked for at 8:30 p.m. local waits until 8 a.m.; the last attempt may still be placed until 9 p.m.', () => {
    // Tuesday 2026-12-08 20:30 in Los Angeles = 04:30 UTC on the 9th.
    expect(w('2026-12-09T04:30:00.000Z', 'America/Los_Angeles').start).toBe('2026-12-09T16:00:00.000Z');
    expect(w('2026-12-09T04:30:00.000Z', 'America/Los_Angeles', false, 1).start).toBe('2026-12-09T04:30:00.000Z');
    // 9:00 p.m. sharp is closed: the next morning.
    expect(w('2026-12-09T05:00:00.000Z', 'America/Los_Angeles', false, 1).start).toBe('2026-12-09T16:00:00.000Z');
    expect(isInsideWindow(at('2026-12-09T04:59:00.000Z'), 'America/Los_Angeles', false)).toBe(true);
    expect(isInsideWindow(at('2026-12-09T05:00:00.000Z'), 'America/Los_Angeles', false)).toBe(false);
  });

  it('skips weekends unless high-volume mode is on', () => {
    // Saturday 2026-12-05 at 10 a.m. in New York.
    const saturday = '2026-12-05T15:00:00.000Z';
    expect(w(saturday, 'America/New_York').start).toBe('2026-12-07T13:00:00.000Z');
    expect(w(saturday, 'America/New_York', true).start).toBe(saturday);
    expect(isInsideWindow(at(saturday), 'America/New_York', false)).toBe(false);
    expect(isInsideWindow(at(saturday), 'America/New_York', true)).toBe(true);
  });

  it('is DST correct across the March change (clocks forward on Sunday 2026-03-08)', () => {
    // Friday 2026-03-06 at 8 p.m. EST (01:00 UTC Saturday): next is Monday 8 a.m. EDT = 12:00 UTC (not 13:00).
    expect(w('2026-03-07T01:00:00.000Z', 'America/New_York').start).toBe('2026-03-09T12:00:00.000Z');
    expect(w('2026-03-07T01:00:00.000Z', 'America/Los_Angeles', false, 1).start).toBe('2026-03-07T01:00:00.000Z');
    // Honolulu has no daylight saving time: 3 p.m. there, open; on Monday 8 a.m. HST is 18:00 UTC, as before.
    expect(w('2026-03-07T01:00:00.000Z', 'Pacific/Honolulu').start).toBe('2026-03-07T01:00:00.000Z');
    expect(w('2026-03-07T06:00:00.000Z', 'Pacific/Honolulu').start).toBe('2026-03-09T18:00:00.000Z');
    // High-volume mode on the change day itself: Sunday 8 a.m. EDT = 12:00 UTC; the window closes at 7:30 p.m. EDT.
    expect(w('2026-03-08T06:00:00.000Z', 'America/New_York', true)).toEqual({
      start: '2026-03-08T12:00:00.000Z',
      end: '2026-03-08T23:30:00.000Z',
    });
  });

  it('is DST correct across the November change (clocks back on Sunday 2026-11-01)', () => {
    // Friday 2026-10-30 at 8 p.m. EDT (00:00 UTC Saturday): next is Monday 8 a.m. EST = 13:00 UTC.
    expect(w('2026-10-31T00:00:00.000Z', 'America/New_York').start).toBe('2026-11-02T13:00:00.000Z');
    // 7 p.m. CDT in Chicago: still open for a first attempt until 7:30; at 7:45 the next is Monday 8 a.m. CST.
    expect(w('2026-10-31T00:00:00.000Z', 'America/Chicago').start).toBe('2026-10-31T00:00:00.000Z');
    expect(w('2026-10-31T00:45:00.000Z', 'America/Chicago').start).toBe('2026-11-02T14:00:00.000Z');
    // The change day in high-volume mode: 8 a.m. EST = 13:00 UTC, closes 9 p.m. EST = 02:00 UTC.
    expect(w('2026-11-01T05:00:00.000Z', 'America/New_York', true, 1)).toEqual({
      start: '2026-11-01T13:00:00.000Z',
      end: '2026-11-02T02:00:00.000Z',
    });
  });

  it('has no window on a federal holiday (the customer’s local date) unless high-volume mode is on', () => {
    // Wednesday 2026-11-25 at 8 p.m. in New York (01:00 UTC on Thanksgiving): the first attempt's window closed at
    // 7:30 p.m.; Thanksgiving Day has none; Friday 2026-11-27 (a business day) opens at 8 a.m. EST = 13:00 UTC.
    const evening = '2026-11-26T01:00:00.000Z';
    expect(w(evening, 'America/New_York')).toEqual({
      start: '2026-11-27T13:00:00.000Z',
      end: '2026-11-28T00:30:00.000Z',
    });
    expect(w(evening, 'America/New_York', false, 1).start).toBe(evening);
    expect(w(evening, 'America/Los_Angeles').start).toBe('2026-11-26T01:00:00.000Z');
    expect(w('2026-11-26T04:00:00.000Z', 'America/Los_Angeles').start).toBe('2026-11-27T16:00:00.000Z');
    // Thanksgiving at noon: closed; high-volume mode opens holidays as it opens weekends (the decision in windows.ts).
    expect(isInsideWindow(at('2026-11-26T17:00:00.000Z'), 'America/New_York', false)).toBe(false);
    expect(isInsideWindow(at('2026-11-26T17:00:00.000Z'), 'America/New_York', true)).toBe(true);
    expect(w(evening, 'America/New_York', true).start).toBe('2026-11-26T13:00:00.000Z');
    // The local date decides: 06:30 UTC on Friday is still Thanksgiving evening (8:30 p.m.) in Honolulu: closed there,
    // while the same hour a week before was open; Honolulu's next window is Friday 8 a.m. HST = 18:00 UTC.
    expect(isInsideWindow(at('2026-11-27T06:30:00.000Z'), 'Pacific/Honolulu', false)).toBe(false);
    expect(isInsideWindow(at('2026-11-20T06:30:00.000Z'), 'Pacific/Honolulu', false)).toBe(true);
    expect(w('2026-11-27T06:30:00.000Z', 'Pacific/Honolulu', false, 1).start).toBe('2026-11-27T18:00:00.000Z');
  });

  it('skips an observed holiday and the weekend after it, in daylight saving time (Independence Day 2026)', () => {
    // July 4, 2026 is a Saturday, observed on Friday July 3. Thursday July 2 at 8 p.m. EDT (00:00 UTC): the next
    // window is Monday July 6 at 8 a.m. EDT = 12:00 UTC (not 13:00: summer time).
    expect(w('2026-07-03T00:00:00.000Z', 'America/New_York').start).toBe('2026-07-06T12:00:00.000Z');
    expect(w('2026-07-03T00:00:00.000Z', 'America/Chicago', false, 1).start).toBe('2026-07-03T00:00:00.000Z');
    expect(w('2026-07-03T02:00:00.000Z', 'America/Chicago', false, 1).start).toBe('2026-07-06T13:00:00.000Z');
    expect(isInsideWindow(at('2026-07-03T15:00:00.000Z'), 'America/New_York', false)).toBe(false);
    // New Year's Day 2028 (a Saturday) is observed on Friday 2027-12-31.
    expect(w('2027-12-31T15:00:00.000Z', 'America/New_York').start).toBe('2028-01-03T13:00:00.000Z');
  });
});
