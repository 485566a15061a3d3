import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AGENCY_TIME_ZONE,
  BusinessCalendar,
  FEDERAL_HOLIDAYS,
  SLA_POLICIES,
  SlaClockError,
  dueAt,
  expectation,
  isBreached,
  isPaused,
  nextFollowUp,
  pause,
  projectedDueAt,
  remaining,
  resume,
  startClock,
  type SlaClock,
  type SlaPolicyKind,
} from './sla.js';

const cal = BusinessCalendar.for();
const d = (s: string) => new Date(s);
const HOUR = 3_600_000;

/** Local wall-clock reading of an instant, 'YYYY-MM-DD HH:mm:ss' in a zone (Swedish short date, medium time). */
function wall(at: Date, tz = AGENCY_TIME_ZONE): string {
  const options: Intl.DateTimeFormatOptions = {
    timeZone: tz,
    dateStyle: 'short',
    timeStyle: 'medium',
    hourCycle: 'h23',
  };
  return new Intl.DateTimeFormat('sv-SE', options).format(at);
}

const caught = (f: () => unknown): SlaClockError => {
  try {
    f();
  } catch (e) {
    if (e instanceof SlaClockError) return e;
    throw e;
  }
  throw new Error('expected an SlaClockError');
};

describe('federal holidays from date-holidays', () => {
  it('2026: the eleven holidays plus Independence Day observed on Friday July 3; no observances', () => {
    expect(cal.holidays(2026).map((h) => `${h.date} ${h.name}${h.observed ? ' (observed)' : ''}`)).toEqual([
      "2026-01-01 New Year's Day",
      '2026-01-19 Martin Luther King Jr. Day',
      "2026-02-16 Washington's Birthday",
      '2026-05-25 Memorial Day',
      '2026-06-19 Juneteenth',
      '2026-07-03 Independence Day (observed)',
      '2026-07-04 Independence Day',
      '2026-09-07 Labor Day',
      '2026-10-12 Columbus Day',
      '2026-11-11 Veterans Day',
      '2026-11-26 Thanksgiving Day',
      '2026-12-25 Christmas Day',
    ]);
  });

  it("observed days: Juneteenth/July 4/Christmas 2027, New Year's 2028 on Friday 2027-12-31, Veterans Day 2028 (a 'bank' entry)", () => {
    const observed = (y: number) =>
      cal
        .holidays(y)
        .filter((h) => h.observed)
        .map((h) => `${h.date} ${h.name}`);
    expect(observed(2027)).toEqual([
      '2027-06-18 Juneteenth',
      '2027-07-05 Independence Day',
      '2027-12-24 Christmas Day',
      "2027-12-31 New Year's Day",
    ]);
    expect(observed(2028)).toEqual(['2028-11-10 Veterans Day']);
    expect(cal.holidays(2028).some((h) => h.date === '2027-12-31')).toBe(false);
    expect(cal.isBusinessDay('2027-12-31')).toBe(false);
    expect(cal.isBusinessDay('2028-11-10')).toBe(false);
    expect(observed(2022)).toEqual(['2022-06-20 Juneteenth', '2022-12-26 Christmas Day']);
  });

  it('every year 2021–2100 has each federal holiday once, and each weekend one is observed per 5 U.S.C. 6103(b)', () => {
    for (let y = 2021; y <= 2100; y++) {
      const actual = cal.holidays(y).filter((h) => !h.observed);
      expect(actual.map((h) => h.name).sort(), String(y)).toEqual([...FEDERAL_HOLIDAYS].sort());
      for (const h of actual) {
        const wd = new Date(`${h.date}T12:00:00Z`).getUTCDay();
        if (wd !== 0 && wd !== 6) continue;
        const o = new Date(`${h.date}T12:00:00Z`);
        o.setUTCDate(o.getUTCDate() + (wd === 6 ? -1 : 1));
        const observed = o.toISOString().slice(0, 10);
        expect(cal.isHoliday(observed), `${h.name} ${h.date} observed ${observed}`).toBe(true);
        expect(cal.isBusinessDay(observed)).toBe(false);
      }
    }
  });

  it('Juneteenth is a holiday only from 2021; observances and Christmas Eve are business days', () => {
    expect(cal.holidays(2020).some((h) => h.name === 'Juneteenth')).toBe(false);
    expect(cal.isBusinessDay('2020-06-19')).toBe(true);
    expect(cal.isBusinessDay('2026-11-27')).toBe(true); // Day after Thanksgiving (an observance)
    expect(cal.isBusinessDay('2026-12-24')).toBe(true); // Christmas Eve ('optional')
    expect(cal.isBusinessDay('2028-11-07')).toBe(true); // Election Day (an observance)
    expect(cal.isBusinessDay('2026-02-14')).toBe(false); // a Saturday
  });
});

describe('BusinessCalendar', () => {
  it('reads Date arguments as the local day in its time zone', () => {
    // 2026-11-21T03:00Z is Friday 22:00 in New York, Saturday in UTC.
    expect(cal.localDate(d('2026-11-21T03:00:00Z'))).toBe('2026-11-20');
    expect(cal.isBusinessDay(d('2026-11-21T03:00:00Z'))).toBe(true);
    expect(cal.isBusinessDay(d('2026-11-21T06:00:00Z'))).toBe(false);
    expect(() => cal.isBusinessDay('2026-02-30')).toThrow(RangeError);
    expect(() => new BusinessCalendar('Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it('weekends: Friday + 1 business day = end of Monday, local time', () => {
    const due = cal.addBusinessDays(d('2026-11-20T15:00:00Z'), 1);
    expect(due.toISOString()).toBe('2026-11-24T04:59:59.999Z');
    expect(wall(due)).toBe('2026-11-23 23:59:59');
    expect(cal.addBusinessDays(d('2026-11-21T03:00:00Z'), 1).toISOString()).toBe('2026-11-24T04:59:59.999Z'); // Friday night
    expect(cal.addBusinessDays(d('2026-11-21T15:00:00Z'), 1).toISOString()).toBe('2026-11-24T04:59:59.999Z'); // Saturday
    expect(cal.addBusinessDays(d('2026-11-20T15:00:00Z'), 0).toISOString()).toBe('2026-11-21T04:59:59.999Z');
  });

  it('holidays: Thanksgiving, Christmas (a Friday), July 3 2026 observed, New Year 2028 observed on 2027-12-31', () => {
    expect(cal.localDate(cal.addBusinessDays(d('2026-11-25T15:00:00Z'), 1))).toBe('2026-11-27');
    expect(cal.localDate(cal.addBusinessDays(d('2026-12-24T15:00:00Z'), 1))).toBe('2026-12-28');
    expect(cal.localDate(cal.addBusinessDays(d('2026-07-02T15:00:00Z'), 1))).toBe('2026-07-06');
    expect(cal.localDate(cal.addBusinessDays(d('2027-12-30T15:00:00Z'), 1))).toBe('2028-01-03');
  });

  it('the time zone is a parameter: the same instant is a different local day in Los Angeles', () => {
    const at = d('2026-11-25T05:30:00Z'); // Wednesday 00:30 in New York, Tuesday 21:30 in Los Angeles
    expect(cal.localDate(cal.addBusinessDays(at, 1))).toBe('2026-11-27');
    const la = BusinessCalendar.for('America/Los_Angeles');
    const due = la.addBusinessDays(at, 1);
    expect(la.localDate(due)).toBe('2026-11-25');
    expect(due.toISOString()).toBe('2026-11-26T07:59:59.999Z');
  });

  it('DST: a 30-business-day clock across the November DST end keeps local end of day (and in March too)', () => {
    const fall = cal.addBusinessDays(d('2026-10-20T14:00:00Z'), 30); // Tuesday 10:00 EDT
    expect(fall.toISOString()).toBe('2026-12-04T04:59:59.999Z'); // Thursday Dec 3, 23:59:59.999 EST
    expect(wall(fall)).toBe('2026-12-03 23:59:59');
    const spring = cal.addBusinessDays(d('2026-02-20T15:00:00Z'), 30); // Friday 10:00 EST
    expect(spring.toISOString()).toBe('2026-04-04T03:59:59.999Z'); // Friday Apr 3, 23:59:59.999 EDT
  });

  it('businessDaysBetween counts business days after a up to b', () => {
    expect(cal.businessDaysBetween('2026-11-20', '2026-11-23')).toBe(1);
    expect(cal.businessDaysBetween('2026-11-23', '2026-11-20')).toBe(-1);
    expect(cal.businessDaysBetween('2026-11-25', '2026-11-27')).toBe(1);
    expect(cal.businessDaysBetween(d('2026-11-20T10:00:00Z'), d('2026-11-20T20:00:00Z'))).toBe(0);
    expect(cal.businessDaysBetween('2026-12-31', '2027-12-31')).toBe(249); // 261 weekdays − 12 weekday closures (2027-12-31 is New Year 2028 observed)
  });

  it('refuses a negative or fractional count', () => {
    expect(() => cal.addBusinessDays(d('2026-11-20T15:00:00Z'), -1)).toThrow(RangeError);
    expect(() => cal.addBusinessDays(d('2026-11-20T15:00:00Z'), 1.5)).toThrow(RangeError);
    expect(() => cal.addBusinessDays(new Date(Number.NaN), 1)).toThrow(RangeError);
  });

  it('property: addBusinessDays lands at local end of a business day, n business days later', () => {
    fc.assert(
      fc.property(
        fc.date({ min: d('2021-01-01T00:00:00Z'), max: d('2060-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 70 }),
        fc.constantFrom(
          'America/New_York',
          'America/Los_Angeles',
          'America/Chicago',
          'Pacific/Honolulu',
          'America/Puerto_Rico',
        ),
        (start, n, tz) => {
          const c = BusinessCalendar.for(tz);
          const due = c.addBusinessDays(start, n);
          expect(c.businessDaysBetween(start, due)).toBe(n);
          if (n > 0) expect(c.isBusinessDay(due)).toBe(true);
          expect(wall(due, tz).slice(11)).toBe('23:59:59');
          expect(due.getUTCMilliseconds()).toBe(999);
          expect(wall(new Date(due.getTime() + 1), tz).slice(11)).toBe('00:00:00');
          expect(due.getTime()).toBeGreaterThan(start.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('policies and follow-ups (CC-5, CC-7)', () => {
  it('the policy table says what domain.md says', () => {
    expect(SLA_POLICIES.urgent).toMatchObject({ rule: 'CC-5', measure: 'elapsed_hours', respondFrom: 24, target: 72 });
    expect(SLA_POLICIES.non_urgent).toMatchObject({ rule: 'CC-5', measure: 'business_days', target: 30 });
    expect(SLA_POLICIES.office_service_request).toMatchObject({
      rule: 'CC-7',
      measure: 'calendar_days',
      target: 30,
      followUps: ['secondary', 'tertiary'],
    });
  });

  it('office request: 30 calendar days (weekends and holidays count), then secondary, then tertiary, then none', () => {
    const created = d('2026-11-23T15:00:00Z');
    const second = nextFollowUp(created, 'primary');
    expect(second).toEqual({ level: 'secondary', dueAt: d('2026-12-24T04:59:59.999Z') }); // end of Dec 23 local
    const third = nextFollowUp(d('2026-12-24T14:00:00Z'), 'secondary');
    expect(third?.level).toBe('tertiary');
    expect(cal.localDate(third!.dueAt)).toBe('2027-01-23'); // a Saturday: calendar days
    expect(nextFollowUp(d('2027-01-24T14:00:00Z'), 'tertiary')).toBeNull();
    expect(dueAt(startClock('office_service_request', created))).toEqual(second!.dueAt);
  });

  it('expectation: urgent answer from 24 h, due at 72 elapsed hours (across DST the wall time shifts)', () => {
    const start = d('2026-10-31T14:00:00Z'); // Saturday 10:00 EDT; DST ends Sunday Nov 1
    const e = expectation('urgent', start);
    expect(e).toMatchObject({
      kind: 'urgent',
      rule: 'CC-5',
      target: 72,
      measure: 'elapsed_hours',
      followUp: null,
      textKey: 'sla.expectation.urgent',
    });
    expect(e.respondFrom).toEqual(d('2026-11-01T14:00:00Z'));
    expect(e.dueAt).toEqual(d('2026-11-03T14:00:00Z'));
    expect(wall(e.dueAt)).toBe('2026-11-03 09:00:00');
    expect(e.dueLocalDate).toBe('2026-11-03');
  });

  it('expectation: non-urgent and office requests', () => {
    const n = expectation('non_urgent', d('2026-10-20T14:00:00Z'));
    expect(n).toMatchObject({
      kind: 'non_urgent',
      respondFrom: null,
      dueLocalDate: '2026-12-03',
      timeZone: 'America/New_York',
      followUp: null,
    });
    const o = expectation('office_service_request', d('2026-11-23T15:00:00Z'), 'America/Los_Angeles');
    expect(o).toMatchObject({
      kind: 'office_service_request',
      dueLocalDate: '2026-12-23',
      followUp: 'secondary',
      answeredBy: ['owning_office'],
    });
    expect(o.dueAt).toEqual(d('2026-12-24T07:59:59.999Z'));
  });
});

describe('SLA clock with pauses', () => {
  const monday = d('2026-11-02T15:00:00Z'); // Monday 10:00 EST
  const base = startClock('non_urgent', monday);
  const baseDue = dueAt(base)!;
  const cycle = (s: SlaClock, from: string, to: string) => resume(pause(s, d(from)), d(to));

  it('non-urgent due without pauses: 30 business days (Veterans Day and Thanksgiving skipped)', () => {
    expect(cal.localDate(baseDue)).toBe('2026-12-16');
    expect(cal.businessDaysBetween(monday, baseDue)).toBe(30);
  });

  it('a pause over a weekend moves nothing; Friday 5 p.m. to Monday 9 a.m. moves two business days', () => {
    const weekend = cycle(base, '2026-11-07T15:00:00Z', '2026-11-08T23:00:00Z'); // Saturday 10:00 → Sunday 18:00
    expect(dueAt(weekend)).toEqual(baseDue);
    const friToMon = cycle(base, '2026-11-06T22:00:00Z', '2026-11-09T14:00:00Z');
    expect(cal.businessDaysBetween(baseDue, dueAt(friToMon)!)).toBe(2);
  });

  it('a pause within one business day moves one; on the start day nothing; ending at midnight does not touch the next day', () => {
    expect(cal.businessDaysBetween(baseDue, dueAt(cycle(base, '2026-11-03T15:00:00Z', '2026-11-03T20:00:00Z'))!)).toBe(
      1,
    );
    expect(dueAt(cycle(base, '2026-11-02T16:00:00Z', '2026-11-02T20:00:00Z'))).toEqual(baseDue);
    expect(cal.businessDaysBetween(baseDue, dueAt(cycle(base, '2026-11-03T15:00:00Z', '2026-11-04T05:00:00Z'))!)).toBe(
      1,
    ); // to 00:00 Wed
  });

  it('urgent: the due moment moves by exactly the paused time, weekends included', () => {
    const u = startClock('urgent', d('2026-11-06T15:00:00Z'));
    const paused = cycle(u, '2026-11-07T15:00:00Z', '2026-11-07T20:00:00Z');
    expect(dueAt(paused)!.getTime() - dueAt(u)!.getTime()).toBe(5 * HOUR);
  });

  it('while paused: dueAt is null, not breached, remaining frozen; after resume the due moment is fixed', () => {
    const u = pause(startClock('urgent', d('2026-11-06T15:00:00Z')), d('2026-11-07T15:00:00Z'));
    expect(isPaused(u)).toBe(true);
    expect(dueAt(u)).toBeNull();
    const later = d('2026-11-20T15:00:00Z');
    expect(isBreached(u, later)).toBe(false);
    expect(remaining(u, later)).toMatchObject({ paused: true, breached: false, ms: 48 * HOUR, days: null });
    expect(remaining(u, d('2026-11-10T15:00:00Z')).ms).toBe(48 * HOUR);
    expect(projectedDueAt(u, later)).toEqual(d('2026-11-22T15:00:00Z'));
    expect(dueAt(resume(u, later))).toEqual(d('2026-11-22T15:00:00Z'));
  });

  it('a pause after the due moment moves nothing: the breach stands', () => {
    const u = startClock('urgent', d('2026-11-06T15:00:00Z'));
    const late = pause(u, d('2026-11-10T15:00:00Z'));
    expect(dueAt(late)).toEqual(d('2026-11-09T15:00:00Z'));
    expect(isBreached(late, d('2026-11-11T15:00:00Z'))).toBe(true);
    const lateNonUrgent = pause(base, d('2026-12-17T15:00:00Z'));
    expect(dueAt(lateNonUrgent)).toEqual(baseDue);
  });

  it('refuses a double pause, resuming a running clock, and out-of-order moments; states are immutable', () => {
    const p = pause(base, d('2026-11-03T15:00:00Z'));
    expect(caught(() => pause(p, d('2026-11-03T16:00:00Z'))).code).toBe('already_paused');
    expect(caught(() => resume(base, d('2026-11-03T16:00:00Z'))).code).toBe('not_paused');
    expect(caught(() => pause(base, d('2026-11-01T16:00:00Z'))).code).toBe('before_start');
    expect(caught(() => resume(p, d('2026-11-03T14:00:00Z'))).code).toBe('out_of_order');
    const r = resume(p, d('2026-11-03T17:00:00Z'));
    expect(caught(() => pause(r, d('2026-11-03T16:00:00Z'))).code).toBe('out_of_order');
    expect(base.pauses).toHaveLength(0);
    expect(p.pauses).toEqual([{ from: d('2026-11-03T15:00:00Z'), to: null }]);
    expect(Object.isFrozen(r) && Object.isFrozen(r.pauses)).toBe(true);
    const bad: SlaClock = {
      startedAt: monday,
      policy: 'non_urgent',
      pauses: [
        { from: d('2026-11-03T15:00:00Z'), to: null },
        { from: d('2026-11-04T15:00:00Z'), to: null },
      ],
    };
    expect(caught(() => dueAt(bad)).code).toBe('invalid_state');
  });

  it('breach exactly at the boundary: on time at dueAt, breached 1 ms later', () => {
    const u = startClock('urgent', d('2026-11-06T15:00:00Z'));
    const due = dueAt(u)!;
    expect(isBreached(u, due)).toBe(false);
    expect(remaining(u, due)).toMatchObject({ ms: 0, breached: false });
    expect(isBreached(u, new Date(due.getTime() + 1))).toBe(true);
    expect(isBreached(base, d('2026-12-17T04:59:59.999Z'))).toBe(false); // Dec 16 23:59:59.999 local
    expect(isBreached(base, d('2026-12-17T05:00:00.000Z'))).toBe(true);
    expect(remaining(base, d('2026-12-16T15:00:00Z')).days).toBe(0);
    expect(remaining(base, d('2026-12-14T15:00:00Z')).days).toBe(2);
    expect(remaining(base, d('2026-12-18T15:00:00Z'))).toMatchObject({ days: -2, breached: true });
  });

  it('property: pausing never makes the due date earlier, and each added pause keeps it monotone', () => {
    const pauseArb = fc.record({
      gap: fc.integer({ min: 0, max: 20 * 24 * HOUR }),
      length: fc.integer({ min: 0, max: 6 * 24 * HOUR }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom<SlaPolicyKind>('urgent', 'non_urgent', 'office_service_request'),
        fc.date({ min: d('2024-01-01T00:00:00Z'), max: d('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.array(pauseArb, { maxLength: 5 }),
        (policy, start, pauses) => {
          let s = startClock(policy, start);
          let t = start.getTime();
          let previous = dueAt(s)!.getTime();
          for (const p of pauses) {
            t += p.gap;
            s = pause(s, new Date(t));
            const asOf = new Date(t + p.length);
            expect(projectedDueAt(s, asOf).getTime()).toBeGreaterThanOrEqual(previous);
            t += p.length;
            s = resume(s, new Date(t));
            const now = dueAt(s)!.getTime();
            expect(now).toBeGreaterThanOrEqual(previous);
            expect(isBreached(s, new Date(now))).toBe(false);
            expect(isBreached(s, new Date(now + 1))).toBe(true);
            previous = now;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
