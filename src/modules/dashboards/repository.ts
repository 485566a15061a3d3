import { sql, type RawBuilder } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { QueueKind, ServiceItemChannel } from '../service-items/index.js';

/**
 * All SQL of the Contact Center dashboards (issue 5 item 8). Everything is counted in the database: GROUP BY with
 * days and weeks cut by the agency's clock (`AT TIME ZONE`), ISO weeks starting on Monday (`date_trunc('week')`),
 * medians and 90th percentiles with `percentile_cont`. Plain PostgreSQL 15 SQL, the same on PGlite.
 */

/** What a dashboard is about: calendar days `from`..`to` (both included) by the clock of `timeZone`. */
export interface DashboardQuery {
  from: string;
  to: string;
  timeZone: string;
  /** Only the items of this channel; null for all. */
  channel: ServiceItemChannel | null;
  /** The moment the dashboard is drawn: only due moments already past count for SLA compliance. */
  now: Date;
}

/** The first instant of the period and the first instant after it, turned into instants in the agency's time zone. */
const periodStart = (q: DashboardQuery) => sql`((${q.from}::date)::timestamp at time zone ${q.timeZone})`;
const periodEnd = (q: DashboardQuery) => sql`((${q.to}::date + 1)::timestamp at time zone ${q.timeZone})`;
const inPeriod = (column: RawBuilder<unknown>, q: DashboardQuery) =>
  sql`${column} >= ${periodStart(q)} and ${column} < ${periodEnd(q)}`;
const ofChannel = (q: DashboardQuery, column: RawBuilder<unknown> = sql.ref('channel')) =>
  q.channel ? sql` and ${column} = ${q.channel}` : sql``;
/** The Monday ('YYYY-MM-DD') of the agency-time week of an instant. */
const weekOf = (column: RawBuilder<unknown>, q: DashboardQuery) =>
  sql<string>`to_char(date_trunc('week', ${column} at time zone ${q.timeZone}), 'YYYY-MM-DD')`;

/** Items created in the period, per channel (channels without items are left out). */
export async function volumeByChannel(
  db: DbHandle,
  q: DashboardQuery,
): Promise<{ channel: ServiceItemChannel; items: number }[]> {
  const result = await sql<{ channel: ServiceItemChannel; items: number }>`
    select channel, count(*)::int as items
    from service_items
    where ${inPeriod(sql.ref('created_at'), q)}${ofChannel(q)}
    group by channel`.execute(db);
  return result.rows;
}

/** Items created in the period per ISO weekday by the agency's clock (1 Monday … 7 Sunday); empty days left out. */
export async function volumeByWeekday(db: DbHandle, q: DashboardQuery): Promise<{ weekday: number; items: number }[]> {
  const result = await sql<{ weekday: number; items: number }>`
    select extract(isodow from created_at at time zone ${q.timeZone})::int as weekday, count(*)::int as items
    from service_items
    where ${inPeriod(sql.ref('created_at'), q)}${ofChannel(q)}
    group by 1`.execute(db);
  return result.rows;
}

export interface QueueBacklogRow {
  code: string;
  kind: QueueKind | null;
  name_en: string | null;
  name_es: string | null;
  open: number;
  in_progress: number;
  escalated: number;
  waiting_on_customer: number;
  total: number;
}

/**
 * Items not yet resolved or closed, now, per queue and status, for every queue (empty ones too) and any queue an
 * item names that is not in `service_queues`. Section 1367 items (CC-6) count in Tier 3 whatever queue they are in:
 * the dashboard shows them only as part of that number.
 */
export async function backlogByQueue(db: DbHandle, q: Pick<DashboardQuery, 'channel'>): Promise<QueueBacklogRow[]> {
  const result = await sql<QueueBacklogRow>`
    with b as (
      select case when section_1367 then 'tier3' else queue end as queue, status
      from service_items
      where status in ('open', 'in_progress', 'escalated', 'waiting_on_customer')${ofChannel(q as DashboardQuery)}
    )
    select coalesce(sq.code, b.queue) as code, sq.kind, sq.name_en, sq.name_es,
           (count(b.queue) filter (where b.status = 'open'))::int as open,
           (count(b.queue) filter (where b.status = 'in_progress'))::int as in_progress,
           (count(b.queue) filter (where b.status = 'escalated'))::int as escalated,
           (count(b.queue) filter (where b.status = 'waiting_on_customer'))::int as waiting_on_customer,
           count(b.queue)::int as total
    from service_queues sq
    full join b on b.queue = sq.code
    group by 1, 2, 3, 4
    order by 1`.execute(db);
  return result.rows;
}

/**
 * Per week of the due moment: items due in the period whose due moment has passed, and how many of them were
 * resolved by it (resolved_at <= due_at) and never breached (an escalation after a breach gives the item a new, later
 * due moment: it stays a miss).
 */
export async function slaDueByWeek(
  db: DbHandle,
  q: DashboardQuery,
): Promise<{ week: string; due: number; met: number }[]> {
  const result = await sql<{ week: string; due: number; met: number }>`
    select ${weekOf(sql.ref('due_at'), q)} as week,
           count(*)::int as due,
           (count(*) filter (where resolved_at is not null and resolved_at <= due_at and breached_at is null))::int as met
    from service_items
    where ${inPeriod(sql.ref('due_at'), q)} and due_at < ${q.now}${ofChannel(q)}
    group by 1`.execute(db);
  return result.rows;
}

/** Breaches per week of the moment the SLA clock marked them (breached_at) in the period. */
export async function breachesByWeek(db: DbHandle, q: DashboardQuery): Promise<{ week: string; breaches: number }[]> {
  const result = await sql<{ week: string; breaches: number }>`
    select ${weekOf(sql.ref('breached_at'), q)} as week, count(*)::int as breaches
    from service_items
    where ${inPeriod(sql.ref('breached_at'), q)}${ofChannel(q)}
    group by 1`.execute(db);
  return result.rows;
}

export interface FirstResponseRow {
  /** Null in the rows over all weeks. */
  week: string | null;
  /** Null in the rows over all channels. */
  channel: ServiceItemChannel | null;
  items: number;
  responded: number;
  median_hours: number | null;
  p90_hours: number | null;
}

/**
 * Time to first response (first_response_at - created_at, in hours) of the items created in the period: count,
 * answered count, median and 90th percentile, per week and channel, per week, per channel and overall (grouping
 * sets; percentile_cont ignores the items not answered yet).
 */
export async function firstResponseTimes(db: DbHandle, q: DashboardQuery): Promise<FirstResponseRow[]> {
  const result = await sql<FirstResponseRow & { all_weeks: number; all_channels: number }>`
    with r as (
      select ${weekOf(sql.ref('created_at'), q)} as week, channel,
             (extract(epoch from (first_response_at - created_at)) / 3600)::float8 as hours
      from service_items
      where ${inPeriod(sql.ref('created_at'), q)}${ofChannel(q)}
    )
    select week, channel, grouping(week) as all_weeks, grouping(channel) as all_channels,
           count(*)::int as items,
           count(hours)::int as responded,
           percentile_cont(0.5) within group (order by hours) as median_hours,
           percentile_cont(0.9) within group (order by hours) as p90_hours
    from r
    group by grouping sets ((week, channel), (week), (channel), ())`.execute(db);
  return result.rows.map((row) => ({
    week: Number(row.all_weeks) ? null : row.week,
    channel: Number(row.all_channels) ? null : row.channel,
    items: row.items,
    responded: row.responded,
    median_hours: row.median_hours === null ? null : Number(row.median_hours),
    p90_hours: row.p90_hours === null ? null : Number(row.p90_hours),
  }));
}

/**
 * The columns of the quality reviews table (issue 5, migration 0024), or an empty list while it does not exist:
 * the dashboard reads quality scores only when the table is there.
 */
export async function qualityReviewColumns(db: DbHandle): Promise<string[]> {
  const result = await sql<{ column_name: string }>`
    select column_name::text as column_name
    from information_schema.columns
    where table_schema = current_schema() and table_name = 'quality_reviews'`.execute(db);
  return result.rows.map((r) => r.column_name);
}

export interface QualityRow {
  /** Null in the row over the whole period. */
  week: string | null;
  reviews: number;
  average: number | null;
  wrong_answers: number | null;
}

/**
 * Reviews per week of review (created_at) and over the period: count, average total score (0-100) and, when the
 * table has the column, the reviews that found a wrong answer (CC-14). With a channel, only reviews of its items.
 */
export async function qualityByWeek(
  db: DbHandle,
  q: DashboardQuery,
  opts: { wrongAnswer: boolean; itemId: boolean },
): Promise<QualityRow[]> {
  const byChannel = q.channel && opts.itemId;
  const result = await sql<QualityRow & { all_weeks: number }>`
    with r as (
      select ${weekOf(sql.ref('r.created_at'), q)} as week, r.total,
             ${opts.wrongAnswer ? sql`r.wrong_answer` : sql`null::boolean`} as wrong_answer
      from quality_reviews r
      ${byChannel ? sql`join service_items i on i.id = r.item_id and i.channel = ${q.channel}` : sql``}
      where ${inPeriod(sql.ref('r.created_at'), q)}
    )
    select week, grouping(week) as all_weeks, count(*)::int as reviews,
           avg(total)::float8 as average,
           ${opts.wrongAnswer ? sql`(count(*) filter (where wrong_answer))::int` : sql`null::int`} as wrong_answers
    from r
    group by grouping sets ((week), ())`.execute(db);
  return result.rows.map((row) => ({
    week: Number(row.all_weeks) ? null : row.week,
    reviews: row.reviews,
    average: row.average === null ? null : Number(row.average),
    wrong_answers: row.wrong_answers,
  }));
}

/**
 * Calls of the voice assistant created in the period, per week (and in all: `week` null): every call leaves a
 * `voice_assistant` item when it ends without an agent, or a `phone` item (details.source 'voice_assistant') when it
 * reached a queue or booked a callback. Contained: the voice assistant served the caller (resolution 'answered').
 */
export async function voiceCallsByWeek(
  db: DbHandle,
  q: DashboardQuery,
): Promise<{ week: string | null; calls: number; contained: number }[]> {
  const result = await sql<{ week: string; all_weeks: number; calls: number; contained: number }>`
    with c as (
      select ${weekOf(sql.ref('created_at'), q)} as week,
             (channel = 'voice_assistant' and resolution = 'answered') as contained
      from service_items
      where ${inPeriod(sql.ref('created_at'), q)}
        and (channel = 'voice_assistant' or (channel = 'phone' and details->>'source' = 'voice_assistant'))
    )
    select week, grouping(week) as all_weeks, count(*)::int as calls, (count(*) filter (where contained))::int as contained
    from c
    group by grouping sets ((week), ())`.execute(db);
  return result.rows.map((r) => ({
    week: Number(r.all_weeks) ? null : r.week,
    calls: r.calls,
    contained: r.contained,
  }));
}
