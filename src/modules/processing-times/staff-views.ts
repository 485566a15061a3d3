import {
  alert,
  button,
  csrfField,
  errorFor,
  memorableDate,
  select,
  table,
  textArea,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type HtmlValue, type SafeHtml } from '../../platform/views/html.js';
import { titledStaffPage, type SignedIn, type StaffPageContext } from '../../platform/views/frame.js';
import { longCalendarDate } from '../../platform/format.js';
import { FORMS, categoriesOf, findFormCategory, formLongName, OFFICES, officeName } from '../cases/index.js';
import type { FigureFlag } from './compute.js';
import type { RunRow } from './repository.js';
import type { InquiryDateLine, ReviewLine } from './service.js';

/** Administrators' pages of processing times: the runs, a run's review, and the inquiry date overrides. */

export type Values = Record<string, string | undefined>;

type Ctx = StaffPageContext;

const categoryName = (ctx: Ctx, formCode: string, code: string): string => {
  if (!code) return ctx.t('processing_times:staff.whole_form');
  const c = findFormCategory(formCode, code);
  return c ? (ctx.lang === 'es' ? c.infoEs : c.infoEn) : code;
};

const number = (ctx: Ctx, n: number) => n.toLocaleString(ctx.lang === 'es' ? 'es-US' : 'en-US');

/** "45 to 120 days" (median to 80th percentile). */
const range = (ctx: Ctx, f: { medianDays: number; p80Days: number } | undefined): HtmlValue =>
  f
    ? ctx.t('processing_times:staff.range', { median: number(ctx, f.medianDays), p80: number(ctx, f.p80Days) })
    : ctx.t('processing_times:staff.none_published');

const stateTag = (ctx: Ctx, state: RunRow['state']): SafeHtml =>
  html`<span class="usa-tag${state === 'pending_review' ? ' bg-gold text-ink' : state === 'published' ? ' bg-green' : ''}">${ctx.t(`processing_times:states.${state}`)}</span>`;

const flagTags = (ctx: Ctx, flags: readonly FigureFlag[]): HtmlValue =>
  flags.length
    ? flags.map(
        (f) =>
          html`<span class="usa-tag${f === 'jump' ? ' bg-secondary-dark' : ' bg-gold text-ink'} margin-right-05">${ctx.t(`processing_times:flags.${f}`)}</span>`,
      )
    : '';

export function runsPage(
  ctx: Ctx,
  p: { signedIn: SignedIn; runs: RunRow[]; when(d: Date): string; notice?: string },
): SafeHtml {
  const { t } = ctx;
  return titledStaffPage(ctx, p, {
    title: t('processing_times:staff.title'),
    current: '/staff/processing-times',
    body: html`<p class="usa-intro">${t('processing_times:staff.intro')}</p>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
<form method="post" action="/staff/processing-times/recompute" class="margin-bottom-4">
  ${csrfField(p.signedIn.csrf)}
  <p>${t('processing_times:staff.recompute_intro')}</p>
  ${button(t('processing_times:staff.recompute'))}
</form>
${
  p.runs.length
    ? table({
        caption: t('processing_times:staff.runs_caption'),
        headers: [
          t('processing_times:staff.run'),
          t('processing_times:staff.state'),
          t('processing_times:staff.computed'),
          t('processing_times:staff.window'),
          t('processing_times:staff.cases_read'),
          t('processing_times:staff.published_at'),
        ],
        rows: p.runs.map((run) => [
          html`<a class="usa-link" href="/staff/processing-times/runs/${run.id}">${t('processing_times:staff.run_number', { id: run.id })}</a>`,
          stateTag(ctx, run.state),
          p.when(run.computed_at),
          t('processing_times:staff.window_value', { start: p.when(run.window_start), end: p.when(run.window_end) }),
          number(ctx, run.cases_read),
          run.published_at ? p.when(run.published_at) : '—',
        ]),
        stacked: true,
      })
    : html`<p>${t('processing_times:staff.no_runs')}</p>`
}
<p><a class="usa-link" href="/staff/inquiry-dates">${t('processing_times:overrides.link')}</a></p>`,
  });
}

export function reviewPage(
  ctx: Ctx,
  p: {
    signedIn: SignedIn;
    run: RunRow;
    lines: ReviewLine[];
    when(d: Date): string;
    values?: Values;
    errors?: FieldError[];
    notice?: string;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const errors = p.errors ?? [];
  const v = p.values ?? {};
  const run = p.run;
  const flagged = p.lines.filter((l) => l.computed?.flags.length).length;
  const headers = [
    t('processing_times:staff.form'),
    t('processing_times:staff.category'),
    t('processing_times:staff.office'),
    t('processing_times:staff.published_range'),
    t('processing_times:staff.new_range'),
    t('processing_times:staff.change'),
    t('processing_times:staff.completed'),
    t('processing_times:staff.flags'),
  ];
  const change = (l: ReviewLine): HtmlValue =>
    l.p80Change === undefined
      ? '—'
      : t('processing_times:staff.change_value', {
          sign: l.p80Change > 0 ? '+' : l.p80Change < 0 ? '−' : '±',
          days: number(ctx, Math.abs(l.p80Change)),
        });
  const body = html`${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
<ul class="usa-list usa-list--unstyled margin-bottom-3">
  <li>${t('processing_times:staff.state')}: ${stateTag(ctx, run.state)}</li>
  <li>${t('processing_times:staff.computed')}: ${p.when(run.computed_at)}</li>
  <li>${t('processing_times:staff.window')}: ${t('processing_times:staff.window_value', { start: p.when(run.window_start), end: p.when(run.window_end) })}</li>
  <li>${t('processing_times:staff.cases_read')}: ${number(ctx, run.cases_read)}</li>
  ${run.published_at ? html`<li>${t('processing_times:staff.published_at')}: ${p.when(run.published_at)}</li>` : ''}
  ${run.review_note ? html`<li>${t('processing_times:staff.note')}: ${run.review_note}</li>` : ''}
</ul>
<p>${t('processing_times:staff.review_intro', { count: flagged })}</p>
${
  p.lines.length
    ? html`<div class="usa-table-container--scrollable" tabindex="0">
<table class="usa-table usa-table--compact">
  <caption>${t('processing_times:staff.review_caption', { id: run.id })}</caption>
  <thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
  <tbody>
    ${p.lines.map(
      (l) => html`<tr${l.computed?.flags.length ? html` class="bg-gold-lighter"` : ''}>
      <th scope="row">${formLongName(l.formCode, lang)}</th>
      <td>${categoryName(ctx, l.formCode, l.categoryCode)}</td>
      <td>${officeName(l.officeCode, lang)}</td>
      <td>${range(ctx, l.published)}</td>
      <td>${l.computed ? range(ctx, l.computed) : html`<span class="usa-tag bg-secondary-dark">${t('processing_times:staff.dropped')}</span>`}</td>
      <td>${change(l)}</td>
      <td>${l.computed ? number(ctx, l.computed.completedCount) : '—'}</td>
      <td>${l.computed ? flagTags(ctx, l.computed.flags) : ''}</td>
    </tr>`,
    )}
  </tbody>
</table></div>`
    : html`<p>${t('processing_times:staff.no_figures')}</p>`
}
${
  run.state === 'pending_review'
    ? html`<h2 id="approve-heading">${t('processing_times:staff.approve_heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="/staff/processing-times/runs/${run.id}/approve" aria-labelledby="approve-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${textArea({ name: 'approve_note', label: t('processing_times:staff.approve_note'), hint: t('processing_times:staff.approve_note_hint'), value: v.approve_note, maxlength: 500, error: errorFor(errors, 'approve_note') })}
  ${button(t('processing_times:staff.approve'))}
</form>
<h2 id="reject-heading">${t('processing_times:staff.reject_heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="/staff/processing-times/runs/${run.id}/reject" aria-labelledby="reject-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${textArea({ name: 'reject_note', label: t('processing_times:staff.reject_note'), value: v.reject_note, maxlength: 500, error: errorFor(errors, 'reject_note') })}
  ${button(t('processing_times:staff.reject'), { secondary: true })}
</form>`
    : ''
}
<p><a class="usa-link" href="/staff/processing-times">${t('processing_times:staff.back')}</a></p>`;
  return titledStaffPage(
    ctx,
    { signedIn: p.signedIn, errors },
    {
      title: t('processing_times:staff.review_title', { id: run.id }),
      current: '/staff/processing-times',
      body,
    },
  );
}

export function overridesPage(
  ctx: Ctx,
  p: {
    signedIn: SignedIn;
    lines: InquiryDateLine[];
    when(d: Date): string;
    values?: Values;
    errors?: FieldError[];
    notice?: string;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const v = p.values ?? {};
  const errors = p.errors ?? [];
  const who = (l: InquiryDateLine) =>
    html`<span class="usa-sr-only"> ${l.formCode}, ${categoryName(ctx, l.formCode, l.categoryCode)}, ${officeName(l.officeCode, lang)}</span>`;
  const hidden = (l: InquiryDateLine) =>
    html`<input type="hidden" name="form_code" value="${l.formCode}"><input type="hidden" name="category_code" value="${l.categoryCode}"><input type="hidden" name="office_code" value="${l.officeCode}">`;
  return titledStaffPage(
    ctx,
    { signedIn: p.signedIn, errors },
    {
      title: t('processing_times:overrides.title'),
      current: '/staff/inquiry-dates',
      body: html`<p class="usa-intro">${t('processing_times:overrides.intro')}</p>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${
  p.lines.length
    ? table({
        caption: t('processing_times:overrides.caption'),
        headers: [
          t('processing_times:staff.form'),
          t('processing_times:staff.category'),
          t('processing_times:staff.office'),
          t('processing_times:overrides.computed'),
          t('processing_times:overrides.override'),
          t('processing_times:overrides.reason'),
          t('processing_times:overrides.actions'),
        ],
        rows: p.lines.map((l) => [
          formLongName(l.formCode, lang),
          categoryName(ctx, l.formCode, l.categoryCode),
          officeName(l.officeCode, lang),
          l.computedDate ? longCalendarDate(l.computedDate, lang) : t('processing_times:overrides.not_published'),
          l.override ? longCalendarDate(l.override.date, lang) : '—',
          l.override ? html`${l.override.reason} (${p.when(l.override.updatedAt)})` : '—',
          html`<a class="usa-link" href="/staff/inquiry-dates?form=${l.formCode}&amp;category=${l.categoryCode}&amp;office=${l.officeCode}#form_code">${t(l.override ? 'processing_times:overrides.change' : 'processing_times:overrides.add')}${who(l)}</a>
${l.override ? html`<form method="post" action="/staff/inquiry-dates/remove" class="display-inline margin-left-2">${csrfField(p.signedIn.csrf)}${hidden(l)}<button class="usa-button usa-button--unstyled" type="submit">${t('processing_times:overrides.remove')}${who(l)}</button></form>` : ''}`,
        ]),
        stacked: true,
      })
    : html`<p>${t('processing_times:overrides.none')}</p>`
}
<h2 id="save-heading">${t('processing_times:overrides.save_heading')}</h2>
<p>${t('processing_times:overrides.save_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/staff/inquiry-dates" aria-labelledby="save-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${select({ name: 'form_code', label: t('processing_times:staff.form'), value: v.form_code, error: errorFor(errors, 'form_code'), options: [['', t('processing_times:overrides.select')], ...FORMS.map((f): [string, string] => [f.code, formLongName(f.code, lang)])] })}
  ${select({ name: 'category_code', label: t('processing_times:staff.category'), hint: t('processing_times:overrides.category_hint'), value: v.category_code, error: errorFor(errors, 'category_code'), options: [['', t('processing_times:staff.whole_form')], ...FORMS.flatMap((f) => categoriesOf(f.code).map((c): [string, string] => [c.code, `${f.code}: ${lang === 'es' ? c.infoEs : c.infoEn}`]))] })}
  ${select({ name: 'office_code', label: t('processing_times:staff.office'), value: v.office_code, error: errorFor(errors, 'office_code'), options: [['', t('processing_times:overrides.select')], ...OFFICES.map((o): [string, string] => [o.code, officeName(o.code, lang)])] })}
  ${memorableDate({ name: 'inquiry', legend: t('processing_times:overrides.date'), hint: t('processing_times:overrides.date_hint'), labels: { month: t('processing_times:overrides.month'), day: t('processing_times:overrides.day'), year: t('processing_times:overrides.year') }, month: v.inquiry_month, day: v.inquiry_day, year: v.inquiry_year, error: errorFor(errors, 'inquiry_month') })}
  ${textArea({ name: 'reason', label: t('processing_times:overrides.reason'), hint: t('processing_times:overrides.reason_hint'), value: v.reason, maxlength: 500, error: errorFor(errors, 'reason') })}
  ${button(t('processing_times:overrides.save'))}
</form>
<p><a class="usa-link" href="/staff/processing-times">${t('processing_times:overrides.runs_link')}</a></p>`,
    },
  );
}
