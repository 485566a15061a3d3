import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import type { DbHandle } from '../../platform/db/database.js';
import type { QueueKind, ServiceItemChannel } from '../service-items/index.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import { fields } from '../../platform/http/inputs.js';
import { addDays, instantAtLocalTime, localDate } from '../../platform/format.js';
import {
  backlogByQueue,
  breachesByWeek,
  firstResponseTimes,
  qualityByWeek,
  voiceCallsByWeek,
  qualityReviewColumns,
  slaDueByWeek,
  volumeByChannel,
  volumeByWeekday,
  type DashboardQuery,
} from './repository.js';

/**
 * Contact Center dashboards (issue 5 item 8; CC-15): volume by channel and weekday, backlog by queue, SLA
 * compliance, time to first response and quality scores, over the last 7, 30 or 90 days by the agency's clock.
 * Numbers only: no item is ever listed, so Section 1367 items (CC-6) are at most part of a count.
 */

export const PERIOD_CHOICES = [7, 30, 90] as const;
export type PeriodDays = (typeof PERIOD_CHOICES)[number];
export const DEFAULT_PERIOD_DAYS: PeriodDays = 30;

/** Every channel of service_items, in the order the filter lists them. */
export const CHANNELS: readonly ServiceItemChannel[] = [
  'phone',
  'chat',
  'voice_assistant',
  'e_request',
  'secure_message',
  'appointment_request',
  'technical_help_form',
];

/** The datasets, each a section of the page and a CSV export (`/staff/dashboards/<dataset>.csv`). */
export const DATASETS = [
  'channels',
  'weekdays',
  'backlog',
  'sla',
  'first-response',
  'quality',
  'containment',
  'callbacks',
  'appointments',
] as const;
export type Dataset = (typeof DATASETS)[number];

/** The statuses that make the backlog: not resolved, not closed. */
export const BACKLOG_STATUSES = ['open', 'in_progress', 'escalated', 'waiting_on_customer'] as const;

export interface DashboardFilters {
  days: PeriodDays;
  channel: ServiceItemChannel | null;
}

export interface DashboardFilterValues {
  days: string;
  channel: string;
}

export type DashboardFilterProblem =
  { field: 'days'; code: 'unknown_period' } | { field: 'channel'; code: 'unknown_channel' };

/** A filter as sent, cut to 40 characters; null when repeated (or not text). */
const filter = () =>
  z
    .unknown()
    .optional()
    .transform((value): string | null =>
      value === undefined ? '' : typeof value === 'string' ? value.slice(0, 40) : null,
    );

/** The filters of the page and the exports, as their routes declare them (ADR 15), read by `readDashboardFilters`. */
export const dashboardFilterQuery = fields({ days: filter(), channel: filter() });

/**
 * Reads the filters from a query string of any shape (or as `dashboardFilterQuery` read it: reading is the same):
 * repeated or unknown values are problems, never errors.
 */
export function readDashboardFilters(
  query: unknown,
):
  | { ok: true; filters: DashboardFilters; values: DashboardFilterValues }
  | { ok: false; problems: DashboardFilterProblem[]; values: DashboardFilterValues } {
  const { days: daysText, channel: channelText } = dashboardFilterQuery.parse(query);
  const values = { days: daysText ?? '', channel: channelText ?? '' };
  const problems: DashboardFilterProblem[] = [];
  const days = daysText === '' ? DEFAULT_PERIOD_DAYS : PERIOD_CHOICES.find((d) => String(d) === daysText);
  if (days === undefined) problems.push({ field: 'days', code: 'unknown_period' });
  const channel = channelText === '' || channelText === 'all' ? null : CHANNELS.find((c) => c === channelText);
  if (channel === undefined) problems.push({ field: 'channel', code: 'unknown_channel' });
  if (problems.length) return { ok: false, problems, values };
  return {
    ok: true,
    filters: { days: days!, channel: channel! },
    values: { days: String(days), channel: channel ?? '' },
  };
}

// --- calendar days ('YYYY-MM-DD', no time zone) ----------------------------------------------------------------

const DAY_MS = 86_400_000;
const dayNumber = (iso: string): number =>
  Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
const isoOf = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** 1 Monday … 7 Sunday (day 0, 1970-01-01, was a Thursday). */
const isoWeekday = (n: number): number => ((((n + 3) % 7) + 7) % 7) + 1;

/** A week of the period: its Monday (the key the database answers) and its days inside the period. */
export interface Week {
  key: string;
  start: string;
  end: string;
}

/** The ISO weeks (Monday to Sunday) that overlap `from`..`to`; the first and the last may be partial. */
export function weeksOf(from: string, to: string): Week[] {
  const first = dayNumber(from);
  const last = dayNumber(to);
  const weeks: Week[] = [];
  for (let monday = first - (isoWeekday(first) - 1); monday <= last; monday += 7) {
    weeks.push({ key: isoOf(monday), start: isoOf(Math.max(monday, first)), end: isoOf(Math.min(monday + 6, last)) });
  }
  return weeks;
}

/** How many of each weekday (index 0 Monday … 6 Sunday) the period holds. */
export function weekdaysIn(from: string, to: string): number[] {
  const counts = [0, 0, 0, 0, 0, 0, 0];
  for (let n = dayNumber(from); n <= dayNumber(to); n++) counts[isoWeekday(n) - 1]! += 1;
  return counts;
}

// --- what the page and the exports show --------------------------------------------------------------------------

export interface DashboardPeriod {
  days: PeriodDays;
  from: string;
  to: string;
  timeZone: string;
  channel: ServiceItemChannel | null;
  asOf: Date;
}

export interface ChannelVolume {
  channel: ServiceItemChannel;
  items: number;
}

export interface WeekdayVolume {
  /** 1 Monday … 7 Sunday. */
  weekday: number;
  items: number;
  /** How many such days the period has. */
  days: number;
}

export interface QueueBacklog {
  code: string;
  kind: QueueKind | null;
  nameEn: string;
  nameEs: string;
  open: number;
  inProgress: number;
  escalated: number;
  waitingOnCustomer: number;
  total: number;
}

export interface SlaWeek {
  week: Week;
  due: number;
  met: number;
  /** met / due, 0..1; null when nothing was due. */
  compliance: number | null;
  breaches: number;
}

export interface ResponseTimes {
  items: number;
  responded: number;
  medianHours: number | null;
  p90Hours: number | null;
}

export interface QualityWeek {
  week: Week;
  reviews: number;
  average: number | null;
  wrongAnswers: number | null;
}

export interface DashboardData {
  channels: { rows: ChannelVolume[]; total: number };
  weekdays: { rows: WeekdayVolume[]; total: number };
  backlog: { rows: QueueBacklog[]; total: number };
  sla: { weeks: SlaWeek[]; due: number; met: number; compliance: number | null; breaches: number };
  'first-response': {
    weeks: (ResponseTimes & { week: Week })[];
    channels: (ResponseTimes & { channel: ServiceItemChannel })[];
    cells: (ResponseTimes & { week: Week; channel: ServiceItemChannel })[];
    overall: ResponseTimes;
  };
  /**
   * CB-4: callbacks finished in the period (reached or not after the attempts), and the share that reached nobody,
   * without and with Text Ahead.
   */
  callbacks: { rows: CallbackReach[]; finished: number; unreached: number; share: number | null };
  /** `available` is false while the quality reviews table does not exist. */
  quality: {
    available: boolean;
    weeks: QualityWeek[];
    reviews: number;
    average: number | null;
    wrongAnswers: number | null;
  };
  /**
   * CC-8: field office appointments booked in the period for online appointment requests, and the share whose
   * appointment is within two weeks of the request.
   */
  appointments: { booked: number; within: number; share: number | null };
  /** Voice assistant calls and those it served without an agent (issue 16), per week and in all. */
  containment: { weeks: ContainmentWeek[]; calls: number; contained: number; share: number | null };
}

export interface ContainmentWeek {
  week: Week;
  calls: number;
  contained: number;
  share: number | null;
}

export interface CallbackReach {
  textAhead: boolean;
  finished: number;
  unreached: number;
  /** unreached / finished, 0..1; null when none finished. */
  share: number | null;
}

/** What the dashboards ask the callbacks module (CB-4), by instants: finished in [from, to). */
export interface CallbackReachSource {
  reach(p: { from: Date; to: Date }): Promise<{ textAhead: boolean; finished: number; unreached: number }[]>;
}

/** What the dashboards ask the appointment-requests module (CC-8), by instants: booked in [from, to). */
export interface AppointmentLeadSource {
  leadTimes(p: { from: Date; to: Date }): Promise<{ booked: number; within: number }>;
}

export type DashboardReport = { period: DashboardPeriod; weeks: Week[] } & DashboardData;

const QUEUE_ORDER: (QueueKind | null)[] = ['tier1', 'tier2', 'tier3', 'help_desk', 'office', null];
const noTimes: ResponseTimes = { items: 0, responded: 0, medianHours: null, p90Hours: null };

export class DashboardService {
  /** Set once the quality reviews table is seen (it does not go away); looked for again while it is missing. */
  #qualityColumns: string[] | null = null;

  constructor(
    private readonly deps: {
      db: DbHandle;
      clock: Clock;
      timeZone: string;
      callbacks?: CallbackReachSource;
      appointments?: AppointmentLeadSource;
    },
  ) {}

  /** The period by the agency's clock: the last `days` days, today included. */
  period(filters: DashboardFilters): DashboardPeriod {
    const asOf = this.deps.clock.now();
    const to = localDate(asOf, this.deps.timeZone);
    return {
      days: filters.days,
      from: isoOf(dayNumber(to) - (filters.days - 1)),
      to,
      timeZone: this.deps.timeZone,
      channel: filters.channel,
      asOf,
    };
  }

  /** Every dataset of the page; the view is audited with its filters. */
  async report(actor: StaffActor, filters: DashboardFilters): Promise<DashboardReport> {
    const period = this.period(filters);
    await auditStaffAction(this.deps.db, this.deps.clock, actor, 'dashboards.viewed', undefined, auditDetails(period));
    const q = this.#query(period);
    // One after the other: on PGlite every query goes through the one connection anyway.
    return {
      period,
      weeks: weeksOf(period.from, period.to),
      channels: await this.channels(q),
      weekdays: await this.weekdays(q),
      backlog: await this.backlog(q),
      sla: await this.sla(q),
      'first-response': await this.firstResponse(q),
      quality: await this.quality(q),
      containment: await this.containment(q),
      callbacks: await this.callbacks(q),
      appointments: await this.appointments(q),
    };
  }

  /** One dataset for a CSV export, audited with its name and filters before anything is read. */
  async dataset<D extends Dataset>(
    actor: StaffActor,
    name: D,
    filters: DashboardFilters,
  ): Promise<{ period: DashboardPeriod; data: DashboardData[D] }> {
    const period = this.period(filters);
    await auditStaffAction(this.deps.db, this.deps.clock, actor, 'dashboards.exported', undefined, {
      dataset: name,
      ...auditDetails(period),
    });
    const q = this.#query(period);
    const compute: { [K in Dataset]: () => Promise<DashboardData[K]> } = {
      channels: () => this.channels(q),
      weekdays: () => this.weekdays(q),
      backlog: () => this.backlog(q),
      sla: () => this.sla(q),
      'first-response': () => this.firstResponse(q),
      quality: () => this.quality(q),
      containment: () => this.containment(q),
      callbacks: () => this.callbacks(q),
      appointments: () => this.appointments(q),
    };
    return { period, data: await compute[name]() };
  }

  #query(period: DashboardPeriod): DashboardQuery {
    return { from: period.from, to: period.to, timeZone: period.timeZone, channel: period.channel, now: period.asOf };
  }

  /** Every channel (or the chosen one), most items first. */
  async channels(q: DashboardQuery): Promise<DashboardData['channels']> {
    const counts = new Map((await volumeByChannel(this.deps.db, q)).map((r) => [r.channel, r.items]));
    const rows = (q.channel ? [q.channel] : CHANNELS).map((channel) => ({ channel, items: counts.get(channel) ?? 0 }));
    rows.sort((a, b) => b.items - a.items || CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel));
    return { rows, total: rows.reduce((s, r) => s + r.items, 0) };
  }

  /** Monday to Sunday, each with the number of such days in the period. */
  async weekdays(q: DashboardQuery): Promise<DashboardData['weekdays']> {
    const counts = new Map((await volumeByWeekday(this.deps.db, q)).map((r) => [Number(r.weekday), r.items]));
    const days = weekdaysIn(q.from, q.to);
    const rows = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
      weekday,
      items: counts.get(weekday) ?? 0,
      days: days[weekday - 1]!,
    }));
    return { rows, total: rows.reduce((s, r) => s + r.items, 0) };
  }

  /** The tier and help-desk queues always, office queues (and unknown ones) when they hold items. */
  async backlog(q: Pick<DashboardQuery, 'channel'>): Promise<DashboardData['backlog']> {
    const rows = (await backlogByQueue(this.deps.db, q))
      .filter((r) => (r.kind !== null && r.kind !== 'office') || r.total > 0)
      .map((r) => ({
        code: r.code,
        kind: r.kind,
        nameEn: r.name_en ?? r.code,
        nameEs: r.name_es ?? r.code,
        open: r.open,
        inProgress: r.in_progress,
        escalated: r.escalated,
        waitingOnCustomer: r.waiting_on_customer,
        total: r.total,
      }))
      .sort(
        (a, b) =>
          QUEUE_ORDER.indexOf(a.kind) - QUEUE_ORDER.indexOf(b.kind) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
      );
    return { rows, total: rows.reduce((s, r) => s + r.total, 0) };
  }

  async sla(q: DashboardQuery): Promise<DashboardData['sla']> {
    const due = new Map((await slaDueByWeek(this.deps.db, q)).map((r) => [r.week, r]));
    const breaches = new Map((await breachesByWeek(this.deps.db, q)).map((r) => [r.week, r.breaches]));
    const weeks = weeksOf(q.from, q.to).map((week) => {
      const d = due.get(week.key);
      return {
        week,
        due: d?.due ?? 0,
        met: d?.met ?? 0,
        compliance: d?.due ? d.met / d.due : null,
        breaches: breaches.get(week.key) ?? 0,
      };
    });
    const totalDue = weeks.reduce((s, w) => s + w.due, 0);
    const met = weeks.reduce((s, w) => s + w.met, 0);
    return {
      weeks,
      due: totalDue,
      met,
      compliance: totalDue ? met / totalDue : null,
      breaches: weeks.reduce((s, w) => s + w.breaches, 0),
    };
  }

  async firstResponse(q: DashboardQuery): Promise<DashboardData['first-response']> {
    const rows = await firstResponseTimes(this.deps.db, q);
    const times = (r: (typeof rows)[number] | undefined): ResponseTimes =>
      r ? { items: r.items, responded: r.responded, medianHours: r.median_hours, p90Hours: r.p90_hours } : noTimes;
    const weeks = weeksOf(q.from, q.to);
    const channelsShown = q.channel ? [q.channel] : CHANNELS;
    return {
      weeks: weeks.map((week) => ({ week, ...times(rows.find((r) => r.week === week.key && r.channel === null)) })),
      channels: channelsShown.map((channel) => ({
        channel,
        ...times(rows.find((r) => r.week === null && r.channel === channel)),
      })),
      cells: weeks.flatMap((week) =>
        channelsShown.flatMap((channel) => {
          const row = rows.find((r) => r.week === week.key && r.channel === channel);
          return row ? [{ week, channel, ...times(row) }] : [];
        }),
      ),
      overall: times(rows.find((r) => r.week === null && r.channel === null)),
    };
  }

  async quality(q: DashboardQuery): Promise<DashboardData['quality']> {
    const weeks = weeksOf(q.from, q.to);
    const columns = await this.#qualityReviewColumns();
    if (!columns.includes('total') || !columns.includes('created_at')) {
      return {
        available: false,
        weeks: weeks.map((week) => ({ week, reviews: 0, average: null, wrongAnswers: null })),
        reviews: 0,
        average: null,
        wrongAnswers: null,
      };
    }
    const rows = await qualityByWeek(this.deps.db, q, {
      wrongAnswer: columns.includes('wrong_answer'),
      itemId: columns.includes('item_id'),
    });
    const overall = rows.find((r) => r.week === null);
    return {
      available: true,
      weeks: weeks.map((week) => {
        const r = rows.find((x) => x.week === week.key);
        return {
          week,
          reviews: r?.reviews ?? 0,
          average: r?.average ?? null,
          wrongAnswers: r ? r.wrong_answers : columns.includes('wrong_answer') ? 0 : null,
        };
      }),
      reviews: overall?.reviews ?? 0,
      average: overall?.average ?? null,
      wrongAnswers: overall?.wrong_answers ?? null,
    };
  }

  /** Containment of the voice assistant: the share of its calls served without an agent, per week (not by channel). */
  async containment(q: DashboardQuery): Promise<DashboardData['containment']> {
    const rows = await voiceCallsByWeek(this.deps.db, q);
    const share = (calls: number, contained: number) => (calls ? contained / calls : null);
    const all = rows.find((r) => r.week === null);
    return {
      weeks: weeksOf(q.from, q.to).map((week) => {
        const r = rows.find((x) => x.week === week.key);
        return {
          week,
          calls: r?.calls ?? 0,
          contained: r?.contained ?? 0,
          share: r ? share(r.calls, r.contained) : null,
        };
      }),
      calls: all?.calls ?? 0,
      contained: all?.contained ?? 0,
      share: all ? share(all.calls, all.contained) : null,
    };
  }

  /** CB-4 (the 10% Text Ahead exists to cut): without and with Text Ahead, always both rows. Not by channel. */
  async callbacks(q: Pick<DashboardQuery, 'from' | 'to' | 'timeZone'>): Promise<DashboardData['callbacks']> {
    const from = instantAtLocalTime(q.from, '00:00', q.timeZone);
    const to = instantAtLocalTime(addDays(q.to, 1), '00:00', q.timeZone);
    const found = this.deps.callbacks ? await this.deps.callbacks.reach({ from, to }) : [];
    const rows = [false, true].map((textAhead) => {
      const r = found.find((x) => x.textAhead === textAhead);
      const finished = r?.finished ?? 0;
      const unreached = r?.unreached ?? 0;
      return { textAhead, finished, unreached, share: finished ? unreached / finished : null };
    });
    const finished = rows.reduce((s, r) => s + r.finished, 0);
    const unreached = rows.reduce((s, r) => s + r.unreached, 0);
    return { rows, finished, unreached, share: finished ? unreached / finished : null };
  }

  /** CC-8: appointments booked in the period and the share within two weeks of their request. Not by channel. */
  async appointments(q: Pick<DashboardQuery, 'from' | 'to' | 'timeZone'>): Promise<DashboardData['appointments']> {
    const from = instantAtLocalTime(q.from, '00:00', q.timeZone);
    const to = instantAtLocalTime(addDays(q.to, 1), '00:00', q.timeZone);
    const found = this.deps.appointments ? await this.deps.appointments.leadTimes({ from, to }) : undefined;
    const booked = found?.booked ?? 0;
    const within = found?.within ?? 0;
    return { booked, within, share: booked ? within / booked : null };
  }

  async #qualityReviewColumns(): Promise<string[]> {
    if (this.#qualityColumns) return this.#qualityColumns;
    const columns = await qualityReviewColumns(this.deps.db);
    if (columns.length) this.#qualityColumns = columns;
    return columns;
  }
}

function auditDetails(period: DashboardPeriod): Record<string, unknown> {
  return { days: period.days, from: period.from, to: period.to, channel: period.channel, timeZone: period.timeZone };
}
