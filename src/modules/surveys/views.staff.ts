import { CSV_BOM, csvRecord } from '../../platform/csv.js';
import { FORMS } from '../cases/index.js';
import { type SignedIn, titledStaffPage, type StaffPageContext } from '../../platform/views/frame.js';
import { button, select, table, textInput, type FieldError } from '../../platform/views/components.js';
import { html, type HtmlValue, type SafeHtml } from '../../platform/views/html.js';
import { formatCalendarDate, LOCALES } from '../../platform/format.js';
import type { Language } from '../../platform/i18n/index.js';
import type { CommentRow, ExportRow, SurveyFilterValues, SurveyReport } from './service.js';

/** The staff view of survey responses (ACC-9) and its CSV export. */

const locale = (lang: Language): string => LOCALES[lang];

/** A calendar date 'YYYY-MM-DD' as people read it ("Nov 23, 2026" / "23 nov 2026"). */
const calendarDate = (iso: string, lang: Language): string => formatCalendarDate(iso, lang);

/** The query string of the filters (empty ones left out), for the CSV link and the page links. */
export function filterQuery(values: SurveyFilterValues, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...values, ...extra })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function filterForm(
  ctx: StaffPageContext,
  values: SurveyFilterValues,
  errors: FieldError[],
  timeZone: string,
): SafeHtml {
  const { t, lang } = ctx;
  const error = (field: string) => errors.find((e) => e.field === field)?.message;
  return html`<form id="filters" class="usa-form usa-form--large" method="get" action="/staff/surveys" aria-labelledby="filters-heading" novalidate>
  <h2 id="filters-heading">${t('surveys:staff.filters_heading')}</h2>
  ${select({
    name: 'survey',
    error: error('survey'),
    label: t('surveys:staff.survey_label'),
    value: values.survey === 'all' ? '' : values.survey,
    options: [
      ['', t('surveys:staff.survey_all')],
      ['exit', t('surveys:staff.surveys.exit')],
      ['account_created', t('surveys:staff.surveys.account_created')],
      ['service_item', t('surveys:staff.surveys.service_item')],
    ],
  })}
  <fieldset class="usa-fieldset">
    <legend class="usa-legend">${t('surveys:staff.dates_legend')}</legend>
    <p class="usa-hint" id="dates-hint">${t('surveys:staff.date_hint', { zone: timeZone })}</p>
    ${textInput({ name: 'from', label: t('surveys:staff.from_label'), value: values.from, error: error('from'), width: 'md', maxlength: 10, autocomplete: 'off', spellcheck: false })}
    ${textInput({ name: 'to', label: t('surveys:staff.to_label'), value: values.to, error: error('to'), width: 'md', maxlength: 10, autocomplete: 'off', spellcheck: false })}
  </fieldset>
  ${select({
    name: 'about_form',
    error: error('about_form'),
    label: t('surveys:staff.form_label'),
    value: values.about_form,
    options: [
      ['', t('surveys:staff.form_all')],
      ['account', t('surveys:staff.about_account')],
      ...FORMS.map((f): [string, string] => [f.code, `${f.code}, ${lang === 'es' ? f.nameEs : f.nameEn}`]),
    ],
  })}
  ${select({
    name: 'language',
    error: error('language'),
    label: t('surveys:staff.language_label'),
    value: values.language,
    options: [
      ['', t('surveys:staff.language_all')],
      ['en', t('surveys:staff.languages.en')],
      ['es', t('surveys:staff.languages.es')],
    ],
  })}
  ${button(t('surveys:staff.apply'))}
</form>`;
}

/** A bar for sighted readers; the number beside it is what screen readers read (so the bar is hidden from them). */
const bar = (value: number, min: number, max: number) =>
  html`<meter class="margin-left-1" min="${min}" max="${max}" value="${value}" aria-hidden="true"></meter>`;

function summarySection(ctx: StaffPageContext, report: SurveyReport): SafeHtml {
  const { t, lang } = ctx;
  const count = new Intl.NumberFormat(locale(lang));
  const oneDecimal = new Intl.NumberFormat(locale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 0 });
  const s = report.summary;
  const { filters } = report;
  return html`<h2 id="summary-heading">${t('surveys:staff.summary_heading')}</h2>
<p>${t('surveys:staff.range', { from: calendarDate(filters.from, lang), to: calendarDate(filters.to, lang) })}</p>
<dl>
  <dt>${t('surveys:staff.total')}</dt><dd id="summary-total">${count.format(s.total)}</dd>
  <dt>${t('surveys:staff.rated')}</dt><dd id="summary-rated">${count.format(s.rated)}</dd>
  <dt>${t('surveys:staff.average')}</dt><dd id="summary-average">${s.average === null ? t('surveys:staff.no_ratings') : t('surveys:staff.average_value', { value: oneDecimal.format(s.average) })}</dd>
</dl>
${table({
  caption: t('surveys:staff.distribution_caption'),
  headers: [t('surveys:staff.rating'), t('surveys:staff.responses'), t('surveys:staff.share')],
  rows: [
    ...[5, 4, 3, 2, 1].map((rating) => {
      const n = s.byRating[rating - 1]!;
      const share = s.rated ? n / s.rated : 0;
      return [
        `${rating} – ${t(`surveys:ratings.${rating}`)}`,
        count.format(n),
        html`${percent.format(share)}${bar(share, 0, 1)}`,
      ];
    }),
    [t('surveys:staff.unrated'), count.format(s.total - s.rated), '–'],
  ],
  stacked: true,
})}`;
}

function overTimeSection(ctx: StaffPageContext, report: SurveyReport): SafeHtml {
  const { t, lang } = ctx;
  const count = new Intl.NumberFormat(locale(lang));
  const oneDecimal = new Intl.NumberFormat(locale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const daily = report.unit === 'day';
  return html`<h2 id="over-time-heading">${t('surveys:staff.over_time_heading')}</h2>
${table({
  caption: t(daily ? 'surveys:staff.by_day_caption' : 'surveys:staff.by_week_caption'),
  headers: [
    t(daily ? 'surveys:staff.day' : 'surveys:staff.week'),
    t('surveys:staff.responses'),
    t('surveys:staff.average'),
  ],
  rows: report.periods.map((p) => [
    daily || p.start === p.end
      ? calendarDate(p.start, lang)
      : t('surveys:staff.week_range', { start: calendarDate(p.start, lang), end: calendarDate(p.end, lang) }),
    count.format(p.responses),
    p.average === null
      ? t('surveys:staff.no_rating_value')
      : html`${oneDecimal.format(p.average)}${bar(p.average, 0, 5)}`,
  ]),
  stacked: true,
})}`;
}

/** What a response is about: the form (or the account pages) and the page or step the person named. */
function aboutText(ctx: StaffPageContext, row: { about_form: string | null; about_page: string | null }): string {
  const { t } = ctx;
  const form =
    row.about_form === 'account'
      ? t('surveys:staff.about_account')
      : (row.about_form ?? t('surveys:staff.not_about_form'));
  return row.about_page ? `${form}; ${t('surveys:staff.page_label', { page: row.about_page })}` : form;
}

/** A comment is untrusted text: escaped by `html`, its line breaks kept as <br>. */
const commentText = (comment: string): SafeHtml =>
  html`${comment.split(/\r\n|\r|\n/).map((line, i) => (i ? html`<br>${line}` : line))}`;

function commentItem(ctx: StaffPageContext, row: CommentRow, when: (d: Date) => string): SafeHtml {
  const { t } = ctx;
  return html`<li class="usa-collection__item">
  <div class="usa-collection__body">
    <h3 class="usa-collection__heading">${when(row.created_at)}, ${t(`surveys:staff.surveys.${row.survey}`)}</h3>
    <p class="usa-collection__description">${commentText(row.comment)}</p>
    <ul class="usa-collection__meta" aria-label="${t('surveys:staff.comment_about')}">
      <li class="usa-collection__meta-item">${t('surveys:staff.comment_rating')}: ${row.rating === null ? t('surveys:staff.not_rated') : `${row.rating} – ${t(`surveys:ratings.${row.rating}`)}`}</li>
      <li class="usa-collection__meta-item">${t('surveys:staff.comment_about')}: ${aboutText(ctx, row)}</li>
      <li class="usa-collection__meta-item">${t('surveys:staff.comment_language')}: ${t(`surveys:staff.languages.${row.language}`)}</li>
    </ul>
  </div>
</li>`;
}

/** The page numbers to link: the first, the last, and two on each side of the current one; null marks a gap. */
export function pageWindow(page: number, pages: number): (number | null)[] {
  const shown = [...new Set([1, pages, ...[-2, -1, 0, 1, 2].map((d) => page + d)])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b);
  const out: (number | null)[] = [];
  shown.forEach((n, i) => {
    if (i > 0 && n - shown[i - 1]! > 1) out.push(null);
    out.push(n);
  });
  return out;
}

function pagination(ctx: StaffPageContext, values: SurveyFilterValues, page: number, pages: number): SafeHtml | string {
  const { t } = ctx;
  if (pages <= 1 && page === 1) return '';
  const href = (n: number) => `/staff/surveys${filterQuery(values, { page: String(n) })}#comments-heading`;
  return html`<nav aria-label="${t('surveys:staff.pagination_label')}" class="usa-pagination">
  <ul class="usa-pagination__list">
    ${page > 1 ? html`<li class="usa-pagination__item usa-pagination__arrow"><a href="${href(Math.min(page - 1, pages))}" class="usa-pagination__link usa-pagination__previous-page" rel="prev"><span class="usa-pagination__link-text">${t('surveys:staff.previous')}</span></a></li>` : ''}
    ${pageWindow(page, pages).map((n) =>
      n === null
        ? html`<li class="usa-pagination__item usa-pagination__overflow"><span>…</span></li>`
        : html`<li class="usa-pagination__item usa-pagination__page-no"><a href="${href(n)}" class="usa-pagination__button${n === page ? ' usa-current' : ''}" aria-label="${t('surveys:staff.page_n', { n })}"${n === page ? html` aria-current="page"` : ''}>${n}</a></li>`,
    )}
    ${page < pages ? html`<li class="usa-pagination__item usa-pagination__arrow"><a href="${href(page + 1)}" class="usa-pagination__link usa-pagination__next-page" rel="next"><span class="usa-pagination__link-text">${t('surveys:staff.next')}</span></a></li>` : ''}
  </ul>
</nav>`;
}

function commentsSection(
  ctx: StaffPageContext,
  report: SurveyReport,
  values: SurveyFilterValues,
  when: (d: Date) => string,
): SafeHtml {
  const { t } = ctx;
  const c = report.comments;
  const list: HtmlValue = c.rows.length
    ? html`<ul class="usa-collection" id="comments">${c.rows.map((row) => commentItem(ctx, row, when))}</ul>`
    : html`<p>${c.total === 0 ? t('surveys:staff.no_comments') : t('surveys:staff.no_comments_page', { pages: c.pages })}</p>`;
  return html`<h2 id="comments-heading">${t('surveys:staff.comments_heading')}</h2>
<p>${t('surveys:staff.comments_count', { count: c.total })}${c.total > c.perPage ? html` ${t('surveys:staff.page_of', { page: c.page, pages: c.pages })}` : ''}</p>
${list}
${pagination(ctx, values, c.page, c.pages)}`;
}

export interface SurveysStaffView {
  signedIn: SignedIn;
  values: SurveyFilterValues;
  timeZone: string;
  /** Absent when the filters have problems (then `errors` say which). */
  report?: SurveyReport;
  errors?: FieldError[];
  when(d: Date): string;
}

export function surveysStaffPage(ctx: StaffPageContext, p: SurveysStaffView): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return titledStaffPage(ctx, p, {
    title: t('surveys:staff.title'),
    current: '/staff/surveys',
    body: html`<p class="usa-intro">${t('surveys:staff.intro')}</p>
${filterForm(ctx, p.values, errors, p.timeZone)}
${
  p.report
    ? html`<p class="margin-top-4"><a class="usa-link" href="/staff/surveys.csv${filterQuery(p.values)}" download>${t('surveys:staff.download')}</a></p>
<p class="usa-hint">${t('surveys:staff.download_hint')}</p>
${summarySection(ctx, p.report)}
${overTimeSection(ctx, p.report)}
${commentsSection(ctx, p.report, p.values, p.when)}`
    : ''
}`,
  });
}

// --- CSV export ------------------------------------------------------------------------------------------------

export const CSV_HEADER = [
  'created_at',
  'survey',
  'rating',
  'about_form',
  'about_page',
  'language',
  'comment',
  'service_item_number',
] as const;
/**
 * A response as a CSV record; created_at is ISO 8601 in UTC. The service item's number closes the record (added
 * after the first columns, so readers of the earlier file keep their columns): empty but for a resolved item's survey.
 */
export function csvResponse(row: ExportRow): string {
  return csvRecord([
    row.created_at.toISOString(),
    row.survey,
    row.rating,
    row.about_form,
    row.about_page,
    row.language,
    row.comment,
    row.service_item_number === null ? null : String(row.service_item_number),
  ]);
}

/** The whole file as text chunks: BOM and header, then one chunk per batch of responses. */
export async function* surveyCsv(batches: AsyncIterable<ExportRow[]>): AsyncGenerator<string> {
  yield CSV_BOM + csvRecord(CSV_HEADER);
  for await (const rows of batches) yield rows.map(csvResponse).join('');
}
