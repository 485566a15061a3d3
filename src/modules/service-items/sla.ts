import { createRequire } from 'node:module';
import type Holidays from 'date-holidays';
import { numericDateTimeFormat } from '../../platform/format.js';

/**
 * SLA clock arithmetic for Contact Center service items (CC-4, CC-5, CC-7). Pure: no database, no I/O, no real
 * clock — every function takes the moments it needs, so the service passes `clock.now()` and tests pass fixed dates.
 *
 * Conventions (the reference for the service code and for customer-facing wording):
 * - Days are local calendar days in the agency time zone (`AGENCY_TIME_ZONE`, America/New_York, overridable per
 *   call). The day an item starts on never counts, whatever the time of day and whether or not it is a business day.
 * - A day-based due moment is the END of the n-th counted day after the start day: 23:59:59.999 local time of that
 *   day, so "due December 3" means the agency has all of December 3, and across a DST change the due moment is still
 *   local end of day (its UTC offset is the one in force on the due day).
 * - Business day: Monday–Friday that is not a US federal holiday, including the observed day when a holiday falls on
 *   a weekend (5 U.S.C. 6103(b): Saturday → the Friday before, Sunday → the Monday after).
 * - Hour-based targets (urgent, CC-5) are elapsed hours of real time, weekends and nights included (callbacks may
 *   come outside business hours, CB-1): 72 hours is 72 × 3,600,000 ms, so across a DST change the local wall-clock
 *   time of the due moment shifts by an hour.
 * - Breach is strict: an item is breached only when `now > dueAt`. At exactly the due moment it is still on time.
 */

/** The agency's time zone: the default for every function taking a `tz`. */
export const AGENCY_TIME_ZONE = 'America/New_York';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const END_OF_DAY_MS = DAY_MS - 1;

// ---------------------------------------------------------------------------------------------------------------
// Local calendar days ("day numbers": days since 1970-01-01 in the proleptic Gregorian calendar, no time zone)

type DayNumber = number;

function dayNumberOf(y: number, m: number, d: number): DayNumber {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d); // not Date.UTC: it maps years 0–99 to 1900–1999
  return Math.floor(t.getTime() / DAY_MS);
}

function isoOf(day: DayNumber): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function yearOf(day: DayNumber): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOf(day: DayNumber): number {
  return (((day + 4) % 7) + 7) % 7;
}

function parseIsoDate(s: string): DayNumber {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) {
    const day = dayNumberOf(Number(m[1]), Number(m[2]), Number(m[3]));
    if (isoOf(day) === s) return day;
  }
  throw new RangeError(`Not a calendar date (YYYY-MM-DD): ${JSON.stringify(s)}`);
}

function instantOf(at: Date, what = 'date'): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ${what}`);
  return ms;
}

// ---------------------------------------------------------------------------------------------------------------
// Time zones, with Intl only

interface WallClock {
  day: DayNumber;
  /** Milliseconds since local midnight (whole seconds; the instant's own milliseconds are not included). */
  msOfDay: number;
}

function wallClock(ms: number, tz: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of numericDateTimeFormat(tz).formatToParts(new Date(ms)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const day = dayNumberOf(parts.year!, parts.month!, parts.day!);
  return { day, msOfDay: ((parts.hour! % 24) * 60 + parts.minute!) * 60_000 + parts.second! * 1000 };
}

/** Local time minus UTC, in ms, at an instant. */
function offsetAt(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return w.day * DAY_MS + w.msOfDay - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the local wall clock in `tz` reads `day` + `msOfDay`. */
function instantAtLocal(day: DayNumber, msOfDay: number, tz: string): number {
  const wall = day * DAY_MS + msOfDay;
  const o1 = offsetAt(wall, tz);
  const t = wall - o1;
  const o2 = offsetAt(t, tz);
  if (o1 === o2) return t;
  const t2 = wall - o2;
  return offsetAt(t2, tz) === o2 ? t2 : t; // in a spring-forward gap no wall time exists; either answer is fine
}

function localDay(ms: number, tz: string): DayNumber {
  return wallClock(ms, tz).day;
}

/**
 * A daily window of local wall-clock time (e.g. calling hours 8:00-21:00) in a time zone: the first such window,
 * on an allowed weekday, that has not closed at `from` (its start is `from` when it is already open). DST-correct:
 * each day's opening and closing are placed by the zone's own offset that day. Answers null when no weekday is
 * allowed. (Used by callbacks' calling windows, CB-1.)
 */
export function nextLocalWindow(
  from: Date,
  tz: string,
  p: { openMinutes: number; closeMinutes: number; weekdays: readonly number[] },
): { start: Date; end: Date } | null {
  const at = instantOf(from);
  const first = localDay(at, tz);
  for (let day = first; day < first + 9; day++) {
    if (!p.weekdays.includes(weekdayOf(day))) continue;
    const open = instantAtLocal(day, p.openMinutes * 60_000, tz);
    const close = instantAtLocal(day, p.closeMinutes * 60_000, tz);
    if (close > at) return { start: new Date(Math.max(open, at)), end: new Date(close) };
  }
  return null;
}

/** The local wall clock at an instant: the date (YYYY-MM-DD), weekday (0 = Sunday) and minutes since midnight. */
export function localTimeOf(at: Date, tz: string): { date: string; weekday: number; minutes: number } {
  const w = wallClock(instantOf(at), tz);
  return { date: isoOf(w.day), weekday: weekdayOf(w.day), minutes: Math.floor(w.msOfDay / 60_000) };
}

function endOfLocalDay(day: DayNumber, tz: string): number {
  return instantAtLocal(day, END_OF_DAY_MS, tz);
}

// ---------------------------------------------------------------------------------------------------------------
// US federal holidays from date-holidays

/**
 * The eleven US federal holidays (5 U.S.C. 6103(a)), spelled as date-holidays names them in 'en-us'. date-holidays'
 * country 'US' also returns observances (Valentine's Day, Day after Thanksgiving Day, Election Day…) and an
 * 'optional' Christmas Eve: they are not federal holidays and are business days here.
 */
export const FEDERAL_HOLIDAYS = [
  "New Year's Day",
  'Martin Luther King Jr. Day',
  "Washington's Birthday",
  'Memorial Day',
  'Juneteenth',
  'Independence Day',
  'Labor Day',
  'Columbus Day',
  'Veterans Day',
  'Thanksgiving Day',
  'Christmas Day',
] as const;

export type FederalHolidayName = (typeof FEDERAL_HOLIDAYS)[number];

export interface FederalHoliday {
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  name: FederalHolidayName;
  /** True for the weekday on which a weekend holiday is observed (date-holidays' "substitute day"). */
  observed: boolean;
}

const FEDERAL_NAMES: ReadonlySet<string> = new Set(FEDERAL_HOLIDAYS);
const SUBSTITUTE_SUFFIX = ' (substitute day)';

let holidaySource: Holidays | undefined;
/** Federal holidays by the year of their (possibly observed) date. Shared by every calendar: dates carry no zone. */
const holidayCache = new Map<number, { list: readonly FederalHoliday[]; days: ReadonlySet<DayNumber> }>();

/**
 * What date-holidays 3.37 gives for 'US' and how it is read here:
 * - the actual holidays have type 'public'; when one falls on a weekend a second entry "<name> (substitute day)"
 *   with `substitute: true` carries the observed weekday — type 'public' for most, but type 'bank' for Veterans Day
 *   (note "Federal Government offices are closed"), so substitutes are taken whether 'public' or 'bank';
 * - the substitute lies in the year of its own date (New Year's Day 2028, a Saturday, is observed on Friday
 *   2027-12-31, which getHolidays(2027) lists); the neighbouring years are read anyway so that a year's list never
 *   depends on that;
 * - names depend on the language: 'en' says "Labour Day", so names are read in 'en-us'.
 */
function holidaysOfYear(year: number): { list: readonly FederalHoliday[]; days: ReadonlySet<DayNumber> } {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  // Loaded on first use (a quarter of a second at start otherwise), synchronously: these functions are pure.
  holidaySource ??= new (createRequire(import.meta.url)('date-holidays') as typeof Holidays)('US');
  const seen = new Set<string>();
  const list: FederalHoliday[] = [];
  for (const y of [year - 1, year, year + 1]) {
    for (const h of holidaySource.getHolidays(y, 'en-us')) {
      const substitute = h.substitute === true;
      const name =
        substitute && h.name.endsWith(SUBSTITUTE_SUFFIX) ? h.name.slice(0, -SUBSTITUTE_SUFFIX.length) : h.name;
      if (!FEDERAL_NAMES.has(name)) continue;
      if (!(h.type === 'public' || (substitute && h.type === 'bank'))) continue;
      const date = h.date.slice(0, 10);
      if (Number(date.slice(0, 4)) !== year || seen.has(`${date} ${name}`)) continue;
      seen.add(`${date} ${name}`);
      list.push({ date, name: name as FederalHolidayName, observed: substitute });
    }
  }
  list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : Number(a.observed) - Number(b.observed)));
  const entry = {
    list: Object.freeze(list.map((h) => Object.freeze(h))),
    days: new Set(list.map((h) => parseIsoDate(h.date))),
  };
  holidayCache.set(year, entry);
  return entry;
}

function isHolidayDay(day: DayNumber): boolean {
  return holidaysOfYear(yearOf(day)).days.has(day);
}

function isBusinessDayNumber(day: DayNumber): boolean {
  const wd = weekdayOf(day);
  return wd !== 0 && wd !== 6 && !isHolidayDay(day);
}

/** Business days d with a < d <= b (negative when b < a). */
function businessDaysBetweenDays(a: DayNumber, b: DayNumber): number {
  if (b < a) return -businessDaysBetweenDays(b, a);
  let n = 0;
  for (let d = a + 1; d <= b; d++) if (isBusinessDayNumber(d)) n++;
  return n;
}

function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Expected a whole number of days >= 0, got ${n}`);
}

// ---------------------------------------------------------------------------------------------------------------
// BusinessCalendar

/**
 * Business days in one time zone: Monday–Friday except US federal holidays and their observed days.
 * `Date` arguments are instants, read as the local calendar day they fall on in `timeZone`; string arguments are
 * local calendar dates 'YYYY-MM-DD'. Holidays are computed once per year and cached.
 */
export class BusinessCalendar {
  static readonly #byZone = new Map<string, BusinessCalendar>();

  /** The shared calendar for a time zone (the agency's by default). */
  static for(timeZone: string = AGENCY_TIME_ZONE): BusinessCalendar {
    let c = BusinessCalendar.#byZone.get(timeZone);
    if (!c) {
      c = new BusinessCalendar(timeZone);
      BusinessCalendar.#byZone.set(timeZone, c);
    }
    return c;
  }

  /** @throws RangeError for a time zone Intl does not know. */
  constructor(readonly timeZone: string = AGENCY_TIME_ZONE) {
    numericDateTimeFormat(timeZone);
  }

  #day(date: Date | string): DayNumber {
    return typeof date === 'string' ? parseIsoDate(date) : localDay(instantOf(date), this.timeZone);
  }

  /** Federal holidays whose date (actual or observed) lies in `year`, in date order. */
  holidays(year: number): readonly FederalHoliday[] {
    return holidaysOfYear(year).list;
  }

  /** True when the local day is a federal holiday or the observed day of one. */
  isHoliday(date: Date | string): boolean {
    return isHolidayDay(this.#day(date));
  }

  /** True for Monday–Friday local days that are neither a federal holiday nor an observed holiday. */
  isBusinessDay(date: Date | string): boolean {
    return isBusinessDayNumber(this.#day(date));
  }

  /** The local calendar date of an instant, 'YYYY-MM-DD'. */
  localDate(at: Date): string {
    return isoOf(this.#day(at));
  }

  /** 23:59:59.999 local time on the given local day. */
  endOfDay(date: Date | string): Date {
    return new Date(endOfLocalDay(this.#day(date), this.timeZone));
  }

  /**
   * The end (23:59:59.999 local) of the n-th business day after the local day of `start`. The start day itself
   * never counts: Friday + 1 = Monday, Saturday + 1 = Monday, Wednesday 2026-11-25 + 1 = Friday 2026-11-27
   * (Thanksgiving skipped). n = 0 gives the end of the start day.
   * @throws RangeError unless n is a whole number >= 0.
   */
  addBusinessDays(start: Date, n: number): Date {
    checkCount(n);
    let day = this.#day(start);
    for (let left = n; left > 0;) if (isBusinessDayNumber(++day)) left--;
    return new Date(endOfLocalDay(day, this.timeZone));
  }

  /** The end (23:59:59.999 local) of the n-th calendar day after the local day of `start`. */
  addCalendarDays(start: Date, n: number): Date {
    checkCount(n);
    return new Date(endOfLocalDay(this.#day(start) + n, this.timeZone));
  }

  /**
   * Business days d with day(a) < d <= day(b), where day() is the local day: so
   * `businessDaysBetween(s, addBusinessDays(s, n)) === n`. Same day → 0; b before a → the negative count.
   */
  businessDaysBetween(a: Date | string, b: Date | string): number {
    return businessDaysBetweenDays(this.#day(a), this.#day(b));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Policies (CC-4, CC-5, CC-7)

export type SlaPolicyKind = 'urgent' | 'non_urgent' | 'office_service_request' | 'technical_reset' | 'technical_other';

/** How a target is measured: elapsed real hours, business days, or calendar days (see the file comment). */
export type SlaMeasure = 'elapsed_hours' | 'business_days' | 'calendar_days';

/** Levels of an owning-office service request (CC-7): the first request, then up to two follow-ups. */
export const FOLLOW_UP_LEVELS = ['primary', 'secondary', 'tertiary'] as const;
export type FollowUpLevel = (typeof FOLLOW_UP_LEVELS)[number];

export interface SlaPolicy {
  readonly kind: SlaPolicyKind;
  /** The domain rule the numbers come from (../shared/domain.md). */
  readonly rule: 'CC-5' | 'CC-7' | 'ACC-6';
  readonly measure: SlaMeasure;
  /** From the start to the due moment, in `measure` units. */
  readonly target: number;
  /** Start of the answer window, in `measure` units (urgent: "within 24-72 hours" → from 24); null when none. */
  readonly respondFrom: number | null;
  /** Who answers and how (CC-5: email or return call; CC-7: the owning office; ACC-6: the help desk by email). */
  readonly answeredBy: readonly ('email' | 'return_call' | 'owning_office')[];
  /** Follow-up requests the Contact Center can create, in order, each after the previous one's target (CC-7). */
  readonly followUps: readonly Exclude<FollowUpLevel, 'primary'>[];
  /** A key for the wording of the customer expectation (the wording itself is the lead's). */
  readonly textKey: string;
}

/**
 * The SLA policies, as data: the single source for code and docs.
 * - urgent (CC-5): answered by email or return call within 24–72 hours → due 72 elapsed hours after the start,
 *   an answer expected from 24 hours on.
 * - non_urgent (CC-5): within 30 business days.
 * - office_service_request (CC-7): what the Contact Center cannot resolve goes to the owning office; if unanswered
 *   after 30 calendar days the Contact Center can create a secondary request, and after 30 more a tertiary one.
 * - technical_reset (ACC-6): password resets and lockouts are handled within one day → due 24 elapsed hours after
 *   the start (a locked-out person waits nights and weekends too).
 * - technical_other (ACC-6): other technical inquiries in two to three days → due 72 elapsed hours after the start,
 *   an answer expected from 48 hours on.
 * The technical-help form's items get these by the routing rules (migration 0035); every surface that tells a
 * customer or an agent how long a technical request takes asks these numbers (`expectation`, `promisedDays`).
 */
export const SLA_POLICIES = {
  urgent: {
    kind: 'urgent',
    rule: 'CC-5',
    measure: 'elapsed_hours',
    target: 72,
    respondFrom: 24,
    answeredBy: ['email', 'return_call'],
    followUps: [],
    textKey: 'sla.expectation.urgent',
  },
  non_urgent: {
    kind: 'non_urgent',
    rule: 'CC-5',
    measure: 'business_days',
    target: 30,
    respondFrom: null,
    answeredBy: ['email', 'return_call'],
    followUps: [],
    textKey: 'sla.expectation.non_urgent',
  },
  office_service_request: {
    kind: 'office_service_request',
    rule: 'CC-7',
    measure: 'calendar_days',
    target: 30,
    respondFrom: null,
    answeredBy: ['owning_office'],
    followUps: ['secondary', 'tertiary'],
    textKey: 'sla.expectation.office_service_request',
  },
  technical_reset: {
    kind: 'technical_reset',
    rule: 'ACC-6',
    measure: 'elapsed_hours',
    target: 24,
    respondFrom: null,
    answeredBy: ['email'],
    followUps: [],
    textKey: 'sla.expectation.technical_reset',
  },
  technical_other: {
    kind: 'technical_other',
    rule: 'ACC-6',
    measure: 'elapsed_hours',
    target: 72,
    respondFrom: 48,
    answeredBy: ['email'],
    followUps: [],
    textKey: 'sla.expectation.technical_other',
  },
} as const satisfies Record<SlaPolicyKind, SlaPolicy>;

function policyOf(kind: SlaPolicyKind): SlaPolicy {
  const p: SlaPolicy | undefined = (SLA_POLICIES as Record<string, SlaPolicy>)[kind];
  if (!p) throw new RangeError(`Unknown SLA policy: ${String(kind)}`);
  return p;
}

/**
 * The promise of an hour-based policy in whole days ("within 1 day", "within 2 to 3 days"), for the words a customer
 * reads; null for day-based policies (their promise is a date) and for urgent items (told in hours, CC-5).
 */
export function promisedDays(kind: SlaPolicyKind): { min: number; max: number } | null {
  const p = policyOf(kind);
  if (p.rule !== 'ACC-6' || p.measure !== 'elapsed_hours') return null;
  const max = p.target / 24;
  return { min: p.respondFrom === null ? max : p.respondFrom / 24, max };
}

/** Due moment of a target measured from `start` with no pauses. */
function targetFrom(policy: SlaPolicy, start: number, tz: string): number {
  if (policy.measure === 'elapsed_hours') return start + policy.target * HOUR_MS;
  const cal = BusinessCalendar.for(tz);
  const s = new Date(start);
  return (
    policy.measure === 'business_days' ? cal.addBusinessDays(s, policy.target) : cal.addCalendarDays(s, policy.target)
  ).getTime();
}

/**
 * CC-7 follow-ups. For an owning-office service request created at `createdAt` at `level`, when the next follow-up
 * becomes due (the end of the 30th calendar day after the creation day) and which level it is: primary → secondary
 * → tertiary → none (null). Each follow-up's 30 days run from the creation of the request at the level before
 * it, so pass the secondary's own creation moment to learn when the tertiary is due. The Contact Center *can*
 * create the follow-up once `now > dueAt`; nothing here creates it.
 */
export function nextFollowUp(
  createdAt: Date,
  level: FollowUpLevel,
  tz: string = AGENCY_TIME_ZONE,
): { level: Exclude<FollowUpLevel, 'primary'>; dueAt: Date } | null {
  const i = FOLLOW_UP_LEVELS.indexOf(level);
  if (i < 0) throw new RangeError(`Unknown follow-up level: ${String(level)}`);
  const next = FOLLOW_UP_LEVELS[i + 1];
  if (!next || next === 'primary') return null;
  return {
    level: next,
    dueAt: new Date(targetFrom(SLA_POLICIES.office_service_request, instantOf(createdAt, 'createdAt'), tz)),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The SLA clock, with pauses

export interface SlaPause {
  readonly from: Date;
  /** null while the clock is paused (only the last pause may be open). */
  readonly to: Date | null;
}

/**
 * The persisted state of one item's SLA clock. Values are immutable: `pause`/`resume` return a new state.
 * Pauses are in order, do not overlap, start no earlier than `startedAt`, and only the last may be open.
 */
export interface SlaClock {
  readonly startedAt: Date;
  readonly policy: SlaPolicyKind;
  readonly pauses: readonly SlaPause[];
}

export type SlaClockErrorCode = 'already_paused' | 'not_paused' | 'before_start' | 'out_of_order' | 'invalid_state';

export class SlaClockError extends Error {
  constructor(
    readonly code: SlaClockErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SlaClockError';
  }
}

function freezeClock(
  startedAt: number,
  policy: SlaPolicyKind,
  pauses: readonly { from: number; to: number | null }[],
): SlaClock {
  return Object.freeze({
    startedAt: new Date(startedAt),
    policy,
    pauses: Object.freeze(
      pauses.map((p) => Object.freeze({ from: new Date(p.from), to: p.to === null ? null : new Date(p.to) })),
    ),
  });
}

interface Span {
  from: number;
  to: number | null;
}

/** Reads and checks a state: throws SlaClockError('invalid_state') for pauses out of order, overlapping, etc. */
function readClock(state: SlaClock): { policy: SlaPolicy; start: number; spans: Span[] } {
  const policy = policyOf(state.policy);
  const start = instantOf(state.startedAt, 'startedAt');
  const spans: Span[] = [];
  let last = start;
  state.pauses.forEach((p, i) => {
    const from = instantOf(p.from, 'pause start');
    const to = p.to === null ? null : instantOf(p.to, 'pause end');
    if (from < last)
      throw new SlaClockError('invalid_state', `Pause ${i} starts before the start or the previous pause's end`);
    if (to !== null && to < from) throw new SlaClockError('invalid_state', `Pause ${i} ends before it starts`);
    if (to === null && i !== state.pauses.length - 1)
      throw new SlaClockError('invalid_state', `Pause ${i} is open but not the last`);
    spans.push({ from, to });
    last = to ?? from;
  });
  return { policy, start, spans };
}

/** A new, running clock. */
export function startClock(policy: SlaPolicyKind, startedAt: Date): SlaClock {
  policyOf(policy);
  return freezeClock(instantOf(startedAt, 'startedAt'), policy, []);
}

/** True while the last pause is open. */
export function isPaused(state: SlaClock): boolean {
  const last = state.pauses[state.pauses.length - 1];
  return last !== undefined && last.to === null;
}

/**
 * Pauses the clock at `at` (e.g. waiting for the customer). Pausing is allowed after the due moment, but then it
 * moves nothing: the breach stands.
 * @throws SlaClockError 'already_paused' if paused; 'before_start' if at < startedAt; 'out_of_order' if at is
 *   before the end of the previous pause.
 */
export function pause(state: SlaClock, at: Date): SlaClock {
  const { start, spans } = readClock(state);
  const t = instantOf(at);
  if (isPaused(state)) throw new SlaClockError('already_paused', 'The SLA clock is already paused');
  if (t < start) throw new SlaClockError('before_start', 'Cannot pause before the clock started');
  const last = spans[spans.length - 1];
  if (last && t < last.to!) throw new SlaClockError('out_of_order', 'Cannot pause before the previous pause ended');
  return freezeClock(start, state.policy, [...spans, { from: t, to: null }]);
}

/**
 * Resumes a paused clock at `at`.
 * @throws SlaClockError 'not_paused' if running; 'out_of_order' if at is before the pause started.
 */
export function resume(state: SlaClock, at: Date): SlaClock {
  const { start, spans } = readClock(state);
  const t = instantOf(at);
  const last = spans[spans.length - 1];
  if (!last || last.to !== null) throw new SlaClockError('not_paused', 'The SLA clock is not paused');
  if (t < last.from) throw new SlaClockError('out_of_order', 'Cannot resume before the pause started');
  return freezeClock(start, state.policy, [...spans.slice(0, -1), { from: last.from, to: t }]);
}

/**
 * The due moment, pauses included; `openEnd` closes an open pause (null: an open pause has no end → null).
 *
 * - elapsed_hours: the clock runs except while paused, and is due when it has run `target` hours. So the due moment
 *   moves by exactly the paused time, weekends and nights included.
 * - business_days / calendar_days: the target counts days after the start day (business days, or every day); a day
 *   on which the clock was paused for any part of it does not count. So the due date moves by one business day
 *   (resp. calendar day) for each such day that was even partly paused. In words for a customer: "the due date moves
 *   by the number of business days on which we were waiting for you". A pause over a weekend moves nothing; a pause
 *   from Friday 5 p.m. to Monday 9 a.m. moves it by two business days (Friday and Monday); a pause during the start
 *   day moves nothing (that day never counts).
 * - A pause that begins after the due moment (the clock has already run out) moves nothing: the breach stands.
 */
function computeDue(state: SlaClock, tz: string, openEnd: number | null): number | null {
  const { policy, start, spans } = readClock(state);
  if (policy.measure === 'elapsed_hours') {
    let cursor = start;
    let left = policy.target * HOUR_MS;
    for (const p of spans) {
      if (p.from > cursor + left) break;
      left -= p.from - cursor;
      const to = p.to ?? (openEnd === null ? null : Math.max(openEnd, p.from));
      if (to === null) return null;
      cursor = to;
    }
    return cursor + left;
  }
  // Local days touched by each pause: [day(from), day(to - 1 ms)]; an empty pause touches none; open → forever.
  const touched = spans.map((p) => {
    const to = p.to ?? (openEnd === null ? null : Math.max(openEnd, p.from));
    return {
      first: localDay(p.from, tz),
      last: to === null ? Number.POSITIVE_INFINITY : to > p.from ? localDay(to - 1, tz) : Number.NEGATIVE_INFINITY,
    };
  });
  const counts = policy.measure === 'business_days' ? isBusinessDayNumber : () => true;
  let day = localDay(start, tz);
  let i = 0;
  for (let left = policy.target; left > 0;) {
    day++;
    while (i < touched.length && touched[i]!.last < day) i++;
    let paused = false;
    for (let j = i; j < touched.length && touched[j]!.first <= day; j++) {
      if (touched[j]!.last === Number.POSITIVE_INFINITY) return null;
      if (touched[j]!.last >= day) paused = true;
    }
    if (!paused && counts(day)) left--;
  }
  return endOfLocalDay(day, tz);
}

/**
 * The due moment with every pause taken into account (see `computeDue` above for the rules), or null while the clock
 * is paused before its due moment (the date is not known until it resumes; use `projectedDueAt` to show one).
 */
export function dueAt(state: SlaClock, tz: string = AGENCY_TIME_ZONE): Date | null {
  const due = computeDue(state, tz, null);
  return due === null ? null : new Date(due);
}

/** The due moment if an open pause ended at `now` ("if we resumed now"); equals `dueAt` when running. */
export function projectedDueAt(state: SlaClock, now: Date, tz: string = AGENCY_TIME_ZONE): Date {
  return new Date(computeDue(state, tz, instantOf(now, 'now'))!);
}

/**
 * True when `now` is strictly after the due moment: at exactly `dueAt` the item is still on time. A paused clock is
 * not breached, unless it was paused after it had already run out.
 */
export function isBreached(state: SlaClock, now: Date, tz: string = AGENCY_TIME_ZONE): boolean {
  return instantOf(now, 'now') > projectedDueAt(state, now, tz).getTime();
}

export interface SlaRemaining {
  policy: SlaPolicyKind;
  paused: boolean;
  breached: boolean;
  /** `projectedDueAt(state, now)`: the due moment, or while paused the due moment if resumed now. */
  dueAt: Date;
  /** dueAt − now: negative once breached; while paused it does not run down (for hour targets it is frozen). */
  ms: number;
  /**
   * For day targets, the counted days (business days, resp. calendar days) after today up to the due day: 0 on the
   * due day, negative past it. null for hour targets.
   */
  days: number | null;
}

/** How much time is left at `now`. */
export function remaining(state: SlaClock, now: Date, tz: string = AGENCY_TIME_ZONE): SlaRemaining {
  const t = instantOf(now, 'now');
  const due = projectedDueAt(state, now, tz);
  const measure = policyOf(state.policy).measure;
  const today = localDay(t, tz);
  const dueDay = localDay(due.getTime(), tz);
  return {
    policy: state.policy,
    paused: isPaused(state),
    breached: t > due.getTime(),
    dueAt: due,
    ms: due.getTime() - t,
    days:
      measure === 'elapsed_hours'
        ? null
        : measure === 'business_days'
          ? businessDaysBetweenDays(today, dueDay)
          : dueDay - today,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Customer-facing expectation (data only; the wording is the lead's)

export interface SlaExpectation {
  kind: SlaPolicyKind;
  rule: SlaPolicy['rule'];
  measure: SlaMeasure;
  /** The target, in `measure` units (72 hours, 30 business days, 30 calendar days). */
  target: number;
  /** Urgent: start + 24 hours, the earliest the customer should expect the answer (CC-5 "24-72 hours"); else null. */
  respondFrom: Date | null;
  dueAt: Date;
  /** The due moment's local date in `timeZone`, 'YYYY-MM-DD' ("by December 3, 2026"). */
  dueLocalDate: string;
  timeZone: string;
  answeredBy: SlaPolicy['answeredBy'];
  /** Office service requests: the request the Contact Center can create if unanswered by dueAt (CC-7); else null. */
  followUp: Exclude<FollowUpLevel, 'primary'> | null;
  textKey: string;
}

/** What to tell the customer when an item starts under `policy` at `startedAt` (CC-4: urgent or non-urgent). */
export function expectation(policy: SlaPolicyKind, startedAt: Date, tz: string = AGENCY_TIME_ZONE): SlaExpectation {
  const p = policyOf(policy);
  const start = instantOf(startedAt, 'startedAt');
  const due = targetFrom(p, start, tz);
  return {
    kind: p.kind,
    rule: p.rule,
    measure: p.measure,
    target: p.target,
    respondFrom:
      p.respondFrom === null ? null : p.measure === 'elapsed_hours' ? new Date(start + p.respondFrom * HOUR_MS) : null,
    dueAt: new Date(due),
    dueLocalDate: isoOf(localDay(due, tz)),
    timeZone: tz,
    answeredBy: p.answeredBy,
    followUp: p.followUps[0] ?? null,
    textKey: p.textKey,
  };
}
