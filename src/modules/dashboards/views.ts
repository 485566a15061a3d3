import { button, select, table, type FieldError } from '../../platform/views/components.js';
import { html, type HtmlValue, type SafeHtml } from '../../platform/views/html.js';
import type { ServiceItemChannel } from '../service-items/index.js';
import { type SignedIn, titledStaffPage, type StaffPageContext } from '../../platform/views/frame.js';
import { dateTimeFormatter, formatCalendarDate, LOCALES } from '../../platform/format.js';
import type { Language } from '../../platform/i18n/index.js';
import { barChart, columnChart, lineChart } from './charts.js';
import {
  CHANNELS,
  PERIOD_CHOICES,
  type CallbackReach,
  type DashboardFilterValues,
  type DashboardPeriod,
  type DashboardReport,
  type Dataset,
  type Week,
} from './service.js';

/** The Contact Center dashboards page (issue 5 item 8): per section a summary sentence, an SVG chart, a data table and its CSV. */

const locale = (lang: Language): string => LOCALES[lang];

interface Formats {
  count: (n: number) => string;
  decimal: (n: number) => string;
  percent: (share: number) => string;
  /** A percentage given as 0-100 (chart ticks and values of the compliance line). */
  percentOf100: (n: number) => string;
  /** 'YYYY-MM-DD' as "Nov 23, 2026". */
  date: (iso: string) => string;
  /** 'YYYY-MM-DD' as "Nov 23" (chart categories). */
  shortDate: (iso: string) => string;
  /** An instant as date and time in the agency's time zone. */
  when: (d: Date) => string;
}

export function formats(lang: 'en' | 'es', timeZone: string): Formats {
  const loc = locale(lang);
  const count = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(loc, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 0 });
  return {
    count: (n) => count.format(n),
    decimal: (n) => decimal.format(n),
    percent: (share) => percent.format(share),
    percentOf100: (n) => percent.format(n / 100),
    date: (iso) => formatCalendarDate(iso, lang),
    shortDate: (iso) => formatCalendarDate(iso, lang, 'dayMonth'),
    when: dateTimeFormatter(lang, timeZone),
  };
}

/** The query string of the filters (the default period included, so links say what they show). */
export function filterQuery(p: { days: number | string; channel: string | null }): string {
  const params = new URLSearchParams({ days: String(p.days) });
  if (p.channel) params.set('channel', p.channel);
  return `?${params.toString()}`;
}

const capitalize = (text: string) => text.charAt(0).toLocaleUpperCase() + text.slice(1);

function filterForm(ctx: StaffPageContext, values: DashboardFilterValues, errors: FieldError[]): SafeHtml {
  const { t } = ctx;
  const error = (field: string) => errors.find((e) => e.field === field)?.message;
  return html`<form id="filters" class="usa-form" method="get" action="/staff/dashboards" aria-labelledby="filters-heading" novalidate>
  <h2 id="filters-heading">${t('dashboards:filters_heading')}</h2>
  ${select({ name: 'days', label: t('dashboards:days_label'), value: values.days, error: error('days'), options: PERIOD_CHOICES.map((d): [string, string] => [String(d), t(`dashboards:days_options.${d}`)]) })}
  ${select({ name: 'channel', label: t('dashboards:channel_label'), value: values.channel, error: error('channel'), options: [['', t('dashboards:channel_all')], ...CHANNELS.map((c): [string, string] => [c, t(`dashboards:channels.${c}`)])] })}
  ${button(t('dashboards:apply'))}
</form>`;
}

/** A section: heading, summary sentence, chart(s), table(s) with the same numbers, and the CSV link. */
function section(
  ctx: StaffPageContext,
  p: { id: Dataset; heading: string; summary: string; before?: HtmlValue; body: HtmlValue; query: string },
): SafeHtml {
  const { t } = ctx;
  return html`<section class="margin-top-6" aria-labelledby="${p.id}-heading">
<h2 id="${p.id}-heading">${p.heading}</h2>
<p id="${p.id}-summary">${p.summary}</p>
${p.before ?? ''}
${p.body}
<p><a class="usa-link" id="${p.id}-csv" href="/staff/dashboards/${p.id}.csv${p.query}" download>${t('dashboards:download')}<span class="usa-sr-only">: ${p.heading}</span></a></p>
</section>`;
}

/** The names of the top entries joined as the language joins a list ("Mondays and Tuesdays"). */
function topOf<T>(rows: readonly T[], value: (r: T) => number): { top: T[]; max: number } {
  const max = Math.max(0, ...rows.map(value));
  return { top: max > 0 ? rows.filter((r) => value(r) === max) : [], max };
}

const weekLabel = (ctx: StaffPageContext, f: Formats, w: Week) =>
  w.start === w.end ? f.date(w.start) : ctx.t('dashboards:week_range', { start: f.date(w.start), end: f.date(w.end) });

function channelsSection(ctx: StaffPageContext, f: Formats, r: DashboardReport, query: string): SafeHtml {
  const { t, lang } = ctx;
  const list = new Intl.ListFormat(lang, { type: 'conjunction' });
  const name = (c: ServiceItemChannel) => t(`dashboards:channels.${c}`);
  const { rows, total } = r.channels;
  const { top, max } = topOf(rows, (row) => row.items);
  const summary = !top.length
    ? t('dashboards:volume_channel.none')
    : t(top.length > 1 ? 'dashboards:volume_channel.summary_tie' : 'dashboards:volume_channel.summary', {
        names: list.format(top.map((x) => name(x.channel))),
        n: f.count(max),
        total: f.count(total),
        share: f.percent(max / total),
      });
  const heading = t('dashboards:volume_channel.heading');
  return section(ctx, {
    id: 'channels',
    heading,
    summary,
    query,
    body: html`${barChart({ id: 'chart-channels', title: t('dashboards:volume_channel.chart_title'), desc: `${summary} ${t('dashboards:table_follows')}`, format: f.count, integers: true, axisLabel: t('dashboards:items'), data: rows.map((row) => ({ label: name(row.channel), value: row.items })) })}
${table({
  caption: t('dashboards:volume_channel.caption', { from: f.date(r.period.from), to: f.date(r.period.to) }),
  headers: [t('dashboards:volume_channel.channel'), t('dashboards:items'), t('dashboards:share')],
  rows: rows.map((row) => [name(row.channel), f.count(row.items), total ? f.percent(row.items / total) : '–']),
  stacked: true,
})}`,
  });
}

function weekdaysSection(ctx: StaffPageContext, f: Formats, r: DashboardReport, query: string): SafeHtml {
  const { t, lang } = ctx;
  const list = new Intl.ListFormat(lang, { type: 'conjunction' });
  const { rows, total } = r.weekdays;
  const { top, max } = topOf(rows, (row) => row.items);
  const summary = !top.length
    ? t('dashboards:volume_weekday.none')
    : capitalize(
        t(top.length > 1 ? 'dashboards:volume_weekday.summary_tie' : 'dashboards:volume_weekday.summary', {
          names: list.format(top.map((x) => t(`dashboards:weekdays_plural.${x.weekday}`))),
          n: f.count(max),
          share: f.percent(max / total),
        }),
      );
  return section(ctx, {
    id: 'weekdays',
    heading: t('dashboards:volume_weekday.heading'),
    summary,
    query,
    body: html`${columnChart({ id: 'chart-weekdays', title: t('dashboards:volume_weekday.chart_title'), desc: `${summary} ${t('dashboards:table_follows')}`, format: f.count, integers: true, xAxisLabel: t('dashboards:volume_weekday.axis'), yAxisLabel: t('dashboards:items'), data: rows.map((row) => ({ label: t(`dashboards:weekdays.${row.weekday}`), value: row.items })) })}
${table({
  caption: t('dashboards:volume_weekday.caption', { from: f.date(r.period.from), to: f.date(r.period.to) }),
  headers: [
    t('dashboards:volume_weekday.weekday'),
    t('dashboards:items'),
    t('dashboards:share'),
    t('dashboards:volume_weekday.days'),
    t('dashboards:volume_weekday.per_day'),
  ],
  rows: rows.map((row) => [
    t(`dashboards:weekdays.${row.weekday}`),
    f.count(row.items),
    total ? f.percent(row.items / total) : '–',
    f.count(row.days),
    row.days ? f.decimal(row.items / row.days) : '–',
  ]),
  stacked: true,
})}`,
  });
}

function backlogSection(ctx: StaffPageContext, f: Formats, r: DashboardReport, query: string): SafeHtml {
  const { t, lang } = ctx;
  const name = (row: { nameEn: string; nameEs: string }) => (lang === 'es' ? row.nameEs : row.nameEn);
  const { rows, total } = r.backlog;
  const { top, max } = topOf(rows, (row) => row.total);
  const summary = !top.length
    ? t('dashboards:backlog.none')
    : t('dashboards:backlog.summary', {
        count: total,
        n: f.count(total),
        queue: new Intl.ListFormat(lang, { type: 'conjunction' }).format(top.map(name)),
        top: f.count(max),
      });
  return section(ctx, {
    id: 'backlog',
    heading: t('dashboards:backlog.heading'),
    summary,
    query,
    before: html`<p class="usa-hint">${t('dashboards:backlog.not_period')} ${t('dashboards:backlog.note_1367')}</p>`,
    body: html`${barChart({ id: 'chart-backlog', title: t('dashboards:backlog.chart_title'), desc: `${summary} ${t('dashboards:table_follows')}`, format: f.count, integers: true, axisLabel: t('dashboards:items'), data: rows.map((row) => ({ label: name(row), value: row.total })) })}
${table({
  caption: t('dashboards:backlog.caption', { when: f.when(r.period.asOf) }),
  headers: [
    t('dashboards:backlog.queue'),
    t('dashboards:backlog.open'),
    t('dashboards:backlog.in_progress'),
    t('dashboards:backlog.escalated'),
    t('dashboards:backlog.waiting_on_customer'),
    t('dashboards:backlog.total'),
  ],
  rows: rows.map((row) => [
    name(row),
    f.count(row.open),
    f.count(row.inProgress),
    f.count(row.escalated),
    f.count(row.waitingOnCustomer),
    f.count(row.total),
  ]),
  stacked: true,
})}`,
  });
}

function slaSection(ctx: StaffPageContext, f: Formats, r: DashboardReport, query: string): SafeHtml {
  const { t } = ctx;
  const s = r.sla;
  const breaches = t('dashboards:sla.breaches_count', { count: s.breaches, n: f.count(s.breaches) });
  const summary =
    s.compliance === null
      ? t('dashboards:sla.none', { breaches })
      : t('dashboards:sla.summary', { compliance: f.percent(s.compliance), due: f.count(s.due), breaches });
  const categories = s.weeks.map((w) => f.shortDate(w.week.start));
  return section(ctx, {
    id: 'sla',
    heading: t('dashboards:sla.heading'),
    summary,
    query,
    before: html`<p class="usa-hint">${t('dashboards:sla.explain')}</p>`,
    body: html`${lineChart({
      id: 'chart-sla',
      title: t('dashboards:sla.chart_title'),
      desc: `${summary} ${t('dashboards:table_follows')}`,
      format: f.percentOf100,
      fixedMax: 100,
      categories,
      series: [
        {
          name: t('dashboards:sla.compliance'),
          values: s.weeks.map((w) => (w.compliance === null ? null : Math.round(w.compliance * 1000) / 10)),
        },
      ],
      xAxisLabel: t('dashboards:week_axis'),
      yAxisLabel: t('dashboards:sla.percent_axis'),
    })}
${columnChart({
  id: 'chart-breaches',
  title: t('dashboards:sla.breaches_chart_title'),
  desc: `${t('dashboards:sla.breaches_count', { count: s.breaches, n: f.count(s.breaches) })}. ${t('dashboards:table_follows')}`,
  format: f.count,
  integers: true,
  data: s.weeks.map((w) => ({ label: f.shortDate(w.week.start), value: w.breaches })),
  xAxisLabel: t('dashboards:week_axis'),
  yAxisLabel: t('dashboards:sla.breaches_axis'),
})}
${weeksTable(ctx, f, r, 'sla.caption', [t('dashboards:sla.due'), t('dashboards:sla.met'), t('dashboards:sla.compliance'), t('dashboards:sla.breaches')], s.weeks, (w) => [f.count(w.due), f.count(w.met), w.compliance === null ? t('dashboards:no_value') : f.percent(w.compliance), f.count(w.breaches)])}`,
  });
}

/** The table of a chart by week: a row a week, its label first; the caption (`captionKey`) gives the period. */
function weeksTable<W extends { week: Week }>(
  ctx: StaffPageContext,
  f: Formats,
  r: DashboardReport,
  captionKey: string,
  headers: string[],
  weeks: readonly W[],
  cells: (w: W) => HtmlValue[],
): SafeHtml {
  const { t } = ctx;
  return table({
    caption: t(`dashboards:${captionKey}`, { from: f.date(r.period.from), to: f.date(r.period.to) }),
    headers: [t('dashboards:week'), ...headers],
    rows: weeks.map((w) => [weekLabel(ctx, f, w.week), ...cells(w)]),
    stacked: true,
  });
}

function firstResponseSection(ctx: StaffPageContext, f: Formats, r: DashboardReport, query: string): SafeHtml {
  const { t } = ctx;
  const d = r['first-response'];
  const hours = (n: number | null) => (n === null ? t('dashboards:no_value') : f.decimal(n));
  const summary = d.overall.responded
    ? t('dashboards:first_response.summary', {
        n: f.count(d.overall.responded),
        median: f.decimal(d.overall.medianHours!),
        p90: f.decimal(d.overall.p90Hours!),
      })
    : t('dashboards:first_response.none');
  const oneDecimal = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
  return section(ctx, {
    id: 'first-response',
    heading: t('dashboards:first_response.heading'),
    summary,
    query,
    body: html`${lineChart({
      id: 'chart-first-response',
      title: t('dashboards:first_response.chart_title'),
      desc: `${summary} ${t('dashboards:table_follows')}`,
      format: f.decimal,
      categories: d.weeks.map((w) => f.shortDate(w.week.start)),
      series: [
        { name: t('dashboards:first_response.median_series'), values: d.weeks.map((w) => oneDecimal(w.medianHours)) },
        { name: t('dashboards:first_response.p90_series'), values: d.weeks.map((w) => oneDecimal(w.p90Hours)) },
      ],
      xAxisLabel: t('dashboards:week_axis'),
      yAxisLabel: t('dashboards:first_response.axis'),
    })}
${weeksTable(ctx, f, r, 'first_response.caption', [t('dashboards:first_response.created'), t('dashboards:first_response.responded'), t('dashboards:first_response.median'), t('dashboards:first_response.p90')], d.weeks, (w) => [f.count(w.items), f.count(w.responded), hours(w.medianHours), hours(w.p90Hours)])}
${table({
  caption: t('dashboards:first_response.channel_caption', { from: f.date(r.period.from), to: f.date(r.period.to) }),
  headers: [
    t('dashboards:first_response.channel'),
    t('dashboards:first_response.created'),
    t('dashboards:first_response.responded'),
    t('dashboards:first_response.median'),
    t('dashboards:first_response.p90'),
  ],
  rows: d.channels.map((c) => [
    t(`dashboards:channels.${c.channel}`),
    f.count(c.items),
    f.count(c.responded),
    hours(c.medianHours),
    hours(c.p90Hours),
  ]),
  stacked: true,
})}`,
  });
}

function qualitySection(ctx: StaffPageContext, f: Formats, r: DashboardReport, query: string): SafeHtml {
  const { t } = ctx;
  const q = r.quality;
  const heading = t('dashboards:quality.heading');
  if (!q.available || q.reviews === 0) {
    return html`<section class="margin-top-6" aria-labelledby="quality-heading">
<h2 id="quality-heading">${heading}</h2>
<p id="quality-summary">${t('dashboards:quality.none')}</p>
</section>`;
  }
  const summary = t('dashboards:quality.summary', { n: f.count(q.reviews), average: f.decimal(q.average!) });
  const withWrong = q.wrongAnswers !== null;
  return section(ctx, {
    id: 'quality',
    heading,
    summary,
    query,
    body: html`${lineChart({
      id: 'chart-quality',
      title: t('dashboards:quality.chart_title'),
      desc: `${summary} ${t('dashboards:table_follows')}`,
      format: f.decimal,
      fixedMax: 100,
      categories: q.weeks.map((w) => f.shortDate(w.week.start)),
      series: [
        {
          name: t('dashboards:quality.average'),
          values: q.weeks.map((w) => (w.average === null ? null : Math.round(w.average * 10) / 10)),
        },
      ],
      xAxisLabel: t('dashboards:week_axis'),
      yAxisLabel: t('dashboards:quality.axis'),
    })}
${weeksTable(ctx, f, r, 'quality.caption', [t('dashboards:quality.reviews'), t('dashboards:quality.average'), ...(withWrong ? [t('dashboards:quality.wrong_answers')] : [])], q.weeks, (w) => [f.count(w.reviews), w.average === null ? t('dashboards:no_value') : f.decimal(w.average), ...(withWrong ? [f.count(w.wrongAnswers ?? 0)] : [])])}`,
  });
}

function containmentSection(ctx: StaffPageContext, f: Formats, r: DashboardReport, query: string): SafeHtml {
  const { t } = ctx;
  const c = r.containment;
  const heading = t('dashboards:containment.heading');
  if (c.calls === 0) {
    return html`<section class="margin-top-6" aria-labelledby="containment-heading">
<h2 id="containment-heading">${heading}</h2>
<p id="containment-summary">${t('dashboards:containment.none')}</p>
</section>`;
  }
  const summary = t('dashboards:containment.summary', {
    share: f.percent(c.share ?? 0),
    contained: f.count(c.contained),
    calls: f.count(c.calls),
  });
  return section(ctx, {
    id: 'containment',
    heading,
    summary,
    query,
    body: html`${lineChart({
      id: 'chart-containment',
      title: t('dashboards:containment.chart_title'),
      desc: `${summary} ${t('dashboards:table_follows')}`,
      format: f.decimal,
      fixedMax: 100,
      categories: c.weeks.map((w) => f.shortDate(w.week.start)),
      series: [
        {
          name: t('dashboards:containment.share'),
          values: c.weeks.map((w) => (w.share === null ? null : Math.round(w.share * 1000) / 10)),
        },
      ],
      xAxisLabel: t('dashboards:week_axis'),
      yAxisLabel: t('dashboards:containment.axis'),
    })}
${weeksTable(ctx, f, r, 'containment.caption', [t('dashboards:containment.calls'), t('dashboards:containment.contained'), t('dashboards:containment.share')], c.weeks, (w) => [f.count(w.calls), f.count(w.contained), w.share === null ? t('dashboards:no_value') : f.percent(w.share)])}`,
  });
}

export interface DashboardsView {
  signedIn: SignedIn;
  values: DashboardFilterValues;
  timeZone: string;
  /** Absent when the filters have problems (then `errors` say which). */
  report?: DashboardReport;
  errors?: FieldError[];
}

function callbacksSection(ctx: StaffPageContext, f: Formats, r: DashboardReport, query: string): SafeHtml {
  const { t } = ctx;
  const d = r.callbacks;
  const [without, withText] = d.rows as [CallbackReach, CallbackReach];
  const share = (x: number | null) => (x === null ? t('dashboards:no_value') : f.percent(x));
  const summary = !d.finished
    ? t('dashboards:callbacks.none')
    : t('dashboards:callbacks.summary', {
        share: share(d.share),
        unreached: f.count(d.unreached),
        finished: f.count(d.finished),
        without: share(without.share),
        with: share(withText.share),
      });
  const heading = t('dashboards:callbacks.heading');
  return section(ctx, {
    id: 'callbacks',
    heading,
    summary,
    query,
    body: table({
      caption: t('dashboards:callbacks.caption', { from: f.date(r.period.from), to: f.date(r.period.to) }),
      headers: [
        t('dashboards:callbacks.kind'),
        t('dashboards:callbacks.finished'),
        t('dashboards:callbacks.unreached'),
        t('dashboards:callbacks.share'),
      ],
      rows: d.rows.map((row) => [
        t(row.textAhead ? 'dashboards:callbacks.with' : 'dashboards:callbacks.without'),
        f.count(row.finished),
        f.count(row.unreached),
        share(row.share),
      ]),
      stacked: true,
    }),
  });
}

function appointmentsSection(ctx: StaffPageContext, f: Formats, r: DashboardReport, query: string): SafeHtml {
  const { t } = ctx;
  const d = r.appointments;
  const share = d.share === null ? t('dashboards:no_value') : f.percent(d.share);
  return section(ctx, {
    id: 'appointments',
    heading: t('dashboards:appointments.heading'),
    summary: d.booked
      ? t('dashboards:appointments.summary', { share, within: f.count(d.within), booked: f.count(d.booked) })
      : t('dashboards:appointments.none'),
    query,
    body: table({
      caption: t('dashboards:appointments.caption', { from: f.date(r.period.from), to: f.date(r.period.to) }),
      headers: [
        t('dashboards:appointments.booked'),
        t('dashboards:appointments.within'),
        t('dashboards:appointments.share'),
      ],
      rows: [[f.count(d.booked), f.count(d.within), share]],
      stacked: true,
    }),
  });
}

function periodLine(ctx: StaffPageContext, f: Formats, period: DashboardPeriod): string {
  const args = { from: f.date(period.from), to: f.date(period.to), zone: period.timeZone };
  return period.channel
    ? ctx.t('dashboards:period_channel', { ...args, channel: ctx.t(`dashboards:channels.${period.channel}`) })
    : ctx.t('dashboards:period', args);
}

export function dashboardsPage(ctx: StaffPageContext, p: DashboardsView): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const r = p.report;
  const f = formats(ctx.lang, p.timeZone);
  const query = r ? filterQuery({ days: r.period.days, channel: r.period.channel }) : '';
  const sections: [Dataset, string][] = [
    ['channels', t('dashboards:volume_channel.heading')],
    ['weekdays', t('dashboards:volume_weekday.heading')],
    ['backlog', t('dashboards:backlog.heading')],
    ['sla', t('dashboards:sla.heading')],
    ['first-response', t('dashboards:first_response.heading')],
    ['quality', t('dashboards:quality.heading')],
    ['containment', t('dashboards:containment.heading')],
    ['callbacks', t('dashboards:callbacks.heading')],
    ['appointments', t('dashboards:appointments.heading')],
  ];
  return titledStaffPage(ctx, p, {
    title: t('dashboards:title'),
    current: '/staff/dashboards',
    body: html`<p class="usa-intro">${t('dashboards:intro')}</p>
${filterForm(ctx, p.values, errors)}
${
  r
    ? html`<p class="margin-top-4" id="period">${periodLine(ctx, f, r.period)}</p>
<nav aria-label="${t('dashboards:contents_label')}"><ul class="usa-list">${sections.map(([id, heading]) => html`<li><a class="usa-link" href="#${id}-heading">${heading}</a></li>`)}</ul></nav>
<p class="usa-hint">${t('dashboards:download_hint')}</p>
${channelsSection(ctx, f, r, query)}
${weekdaysSection(ctx, f, r, query)}
${backlogSection(ctx, f, r, query)}
${slaSection(ctx, f, r, query)}
${firstResponseSection(ctx, f, r, query)}
${qualitySection(ctx, f, r, query)}
${containmentSection(ctx, f, r, query)}
${callbacksSection(ctx, f, r, query)}
${appointmentsSection(ctx, f, r, query)}`
    : ''
}`,
  });
}
