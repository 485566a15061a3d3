import { CSV_BOM, csvRecord } from '../../platform/csv.js';
import type { DashboardData, DashboardPeriod, Dataset } from './service.js';

/**
 * The dashboards' CSV exports: RFC 4180 (CRLF line ends, quoted fields where needed, quotes doubled), UTF-8 with a
 * byte order mark for Excel, machine values (channel and queue codes, ISO dates, decimal points, no grouping),
 * and the protection against formula injection of src/platform/csv.ts.
 */

/** Rounds to a number of decimals for the export (null stays empty). */
const round = (value: number | null, decimals: number): number | null =>
  value === null ? null : Math.round(value * 10 ** decimals) / 10 ** decimals;

/** The file's rows: a header, then the dataset. `queueName` gives a queue's name in the language of the request. */
export function dashboardCsv<D extends Dataset>(
  name: D,
  data: DashboardData[D],
  queueName: (row: { nameEn: string; nameEs: string }) => string,
): string {
  const records: (string | number | null)[][] = [];
  switch (name) {
    case 'channels': {
      const d = data as DashboardData['channels'];
      records.push(['channel', 'items'], ...d.rows.map((r) => [r.channel, r.items]));
      break;
    }
    case 'weekdays': {
      const d = data as DashboardData['weekdays'];
      const names = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
      records.push(
        ['iso_weekday', 'weekday', 'items', 'days_in_period'],
        ...d.rows.map((r) => [r.weekday, names[r.weekday - 1]!, r.items, r.days]),
      );
      break;
    }
    case 'backlog': {
      const d = data as DashboardData['backlog'];
      records.push(
        ['queue', 'queue_name', 'open', 'in_progress', 'escalated', 'waiting_on_customer', 'total'],
        ...d.rows.map((r) => [r.code, queueName(r), r.open, r.inProgress, r.escalated, r.waitingOnCustomer, r.total]),
      );
      break;
    }
    case 'sla': {
      const d = data as DashboardData['sla'];
      records.push(
        ['week_start', 'week_end', 'due', 'resolved_on_time', 'compliance_percent', 'breaches'],
        ...d.weeks.map((w) => [
          w.week.start,
          w.week.end,
          w.due,
          w.met,
          round(w.compliance === null ? null : w.compliance * 100, 1),
          w.breaches,
        ]),
      );
      break;
    }
    case 'first-response': {
      const d = data as DashboardData['first-response'];
      const times = (r: { items: number; responded: number; medianHours: number | null; p90Hours: number | null }) => [
        r.items,
        r.responded,
        round(r.medianHours, 2),
        round(r.p90Hours, 2),
      ];
      records.push(
        ['week_start', 'week_end', 'channel', 'items', 'responded', 'median_hours', 'p90_hours'],
        ...d.weeks.flatMap((w) => [
          [w.week.start, w.week.end, 'all', ...times(w)],
          ...d.cells
            .filter((c) => c.week.key === w.week.key)
            .map((c) => [c.week.start, c.week.end, c.channel, ...times(c)]),
        ]),
      );
      break;
    }
    case 'quality': {
      const d = data as DashboardData['quality'];
      records.push(
        ['week_start', 'week_end', 'reviews', 'average_total', 'wrong_answers'],
        ...(d.available
          ? d.weeks.map((w) => [w.week.start, w.week.end, w.reviews, round(w.average, 2), w.wrongAnswers])
          : []),
      );
      break;
    }
    case 'containment': {
      const d = data as DashboardData['containment'];
      records.push(
        ['week_start', 'week_end', 'calls', 'contained', 'containment_percent'],
        ...d.weeks.map((w) => [
          w.week.start,
          w.week.end,
          w.calls,
          w.contained,
          round(w.share === null ? null : w.share * 100, 1),
        ]),
      );
      break;
    }
    case 'callbacks': {
      const d = data as DashboardData['callbacks'];
      records.push(
        ['text_ahead', 'finished', 'reached_nobody', 'reached_nobody_percent'],
        ...d.rows.map((r) => [
          r.textAhead ? 'yes' : 'no',
          r.finished,
          r.unreached,
          round(r.share === null ? null : r.share * 100, 1),
        ]),
      );
      break;
    }
    case 'appointments': {
      const d = data as DashboardData['appointments'];
      records.push(
        ['booked', 'within_two_weeks', 'within_two_weeks_percent'],
        [d.booked, d.within, round(d.share === null ? null : d.share * 100, 1)],
      );
      break;
    }
  }
  return CSV_BOM + records.map(csvRecord).join('');
}

/** `dashboard-<dataset>-<to>-<days>d[-<channel>].csv` */
export function csvFilename(name: Dataset, period: DashboardPeriod): string {
  return `dashboard-${name}-${period.to}-${period.days}d${period.channel ? `-${period.channel}` : ''}.csv`;
}
