import {
  alert,
  breadcrumb,
  button,
  csrfField,
  errorFor,
  radioGroup,
  select,
  table,
  textArea,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type HtmlValue, type SafeHtml } from '../../platform/views/html.js';
import { type SignedIn, staffPage, titledStaffPage, type StaffPageContext } from '../../platform/views/frame.js';
import { formatCalendarDate, LOCALES } from '../../platform/format.js';
import type { Language } from '../../platform/i18n/index.js';
import type { StaffRole } from '../../platform/db/tables.js';
import type { ArticleSummary } from '../knowledge/index.js';
import type { ScoreSummaryRow, SampledItem, TaskRow } from './repository.js';
import {
  CHANNELS,
  COMMENT_MAX,
  CRITERIA,
  LEVELS,
  NOTE_MAX,
  PERIOD_MAX_DAYS,
  SAMPLE_MAX,
  type ReviewFormValues,
  type SampleFilters,
  type SampleFilterValues,
} from './rubric.js';
import type { ReviewPageData } from './service.js';

/** Pages of quality review (CC-14): the sample, the review of one interaction, the article fix tasks, the scores. */

export const QUALITY_ROLES: readonly StaffRole[] = ['quality_assurance', 'administrator'];

const locale = (lang: Language): string => LOCALES[lang];
/** A label from the catalog, or the stored code itself for a value the catalog does not know yet. */
const label = (ctx: StaffPageContext, group: string, code: string | null | undefined): string =>
  code ? ctx.t(`quality:${group}.${code}`, { defaultValue: code.replace(/_/g, ' ') }) : '—';

/** A calendar day 'YYYY-MM-DD' as people read it. */
const calendarDay = (iso: string, lang: Language): string => formatCalendarDate(iso, lang);

/** Plain text with its line breaks kept (escaped: no HTML from staff or customers). */
const lines = (text: string): SafeHtml =>
  html`${text.split(/\r\n|\r|\n/).map((line, i) => (i ? html`<br>${line}` : line))}`;

type Section = 'sample' | 'tasks' | 'scores';
const SECTIONS: [Section, string][] = [
  ['sample', '/staff/quality'],
  ['tasks', '/staff/quality/tasks'],
  ['scores', '/staff/quality/scores'],
];

function sections(ctx: StaffPageContext, current: Section | null): SafeHtml {
  const { t } = ctx;
  return html`<nav aria-label="${t('quality:nav.label')}" class="margin-bottom-2">
  <ul class="usa-button-group">
    ${SECTIONS.map(([key, href]) => html`<li class="usa-button-group__item"><a class="usa-button${key === current ? '' : ' usa-button--outline'}" href="${href}"${key === current ? html` aria-current="page"` : ''}>${t(`quality:nav.${key}`)}</a></li>`)}
  </ul>
</nav>`;
}

function qualityCrumbs(ctx: StaffPageContext, trail: { href?: string; label: string }[]): SafeHtml {
  const { t } = ctx;
  const all = [{ href: '/staff/quality', label: t('quality:sample.title') }, ...trail];
  return breadcrumb(t('quality:breadcrumb'), all);
}

// ---- The sample ----------------------------------------------------------------------------------------------------

export interface SampleView {
  signedIn: SignedIn;
  values: SampleFilterValues;
  agents: { account_id: string; display_name: string }[];
  timeZone: string;
  errors?: FieldError[];
  sample?: { filters: SampleFilters; query: string; items: SampledItem[]; eligible: number; withheld: number };
  when(d: Date): string;
}

function sampleForm(ctx: StaffPageContext, p: SampleView, errors: FieldError[]): SafeHtml {
  const { t } = ctx;
  const v = p.values;
  return html`<form id="filters" class="usa-form usa-form--large" method="get" action="/staff/quality" aria-labelledby="filters-heading" novalidate>
  <h2 id="filters-heading">${t('quality:sample.filters_heading')}</h2>
  <fieldset class="usa-fieldset">
    <legend class="usa-legend">${t('quality:sample.dates_legend')}</legend>
    <p class="usa-hint">${t('quality:sample.date_hint', { zone: p.timeZone, max: PERIOD_MAX_DAYS })}</p>
    ${textInput({ name: 'from', label: t('quality:sample.from_label'), value: v.from, error: errorFor(errors, 'from'), width: 'md', maxlength: 10, autocomplete: 'off', spellcheck: false })}
    ${textInput({ name: 'to', label: t('quality:sample.to_label'), value: v.to, error: errorFor(errors, 'to'), width: 'md', maxlength: 10, autocomplete: 'off', spellcheck: false })}
  </fieldset>
  ${select({ name: 'channel', label: t('quality:sample.channel_label'), value: v.channel, error: errorFor(errors, 'channel'), options: [['', t('quality:sample.channel_all')], ...CHANNELS.map((c): [string, string] => [c, label(ctx, 'channels', c)])] })}
  ${select({ name: 'agent', label: t('quality:sample.agent_label'), value: v.agent, error: errorFor(errors, 'agent'), options: [['', t('quality:sample.agent_all')], ...p.agents.map((a): [string, string] => [a.account_id, a.display_name])] })}
  ${textInput({ name: 'n', label: t('quality:sample.n_label'), hint: t('quality:sample.n_hint', { max: SAMPLE_MAX }), value: v.n, error: errorFor(errors, 'n'), width: 'xs', maxlength: 3, inputmode: 'numeric', autocomplete: 'off' })}
  ${textInput({ name: 'seed', label: t('quality:sample.seed_label'), hint: t('quality:sample.seed_hint'), value: v.seed, error: errorFor(errors, 'seed'), width: 'md', maxlength: 64, autocomplete: 'off', spellcheck: false, autocapitalize: 'none' })}
  ${button(t('quality:sample.apply'))}
</form>`;
}

function sampleResults(
  ctx: StaffPageContext,
  p: NonNullable<SampleView['sample']>,
  when: (d: Date) => string,
): SafeHtml {
  const { t, lang } = ctx;
  const f = p.filters;
  const newDraw = new URLSearchParams(p.query);
  newDraw.delete('seed');
  return html`<h2 id="sample-heading">${t('quality:sample.results_heading')}</h2>
<p>${t('quality:sample.period', { from: calendarDay(f.from, lang), to: calendarDay(f.to, lang) })}</p>
<p id="sample-seed">${t('quality:sample.seed_shown')} <code>${f.seed}</code>. ${t('quality:sample.seed_explained')}</p>
<p role="status" id="sample-count">${t('quality:sample.count', { count: p.items.length, eligible: p.eligible })}</p>
${p.withheld ? alert({ type: 'info', slim: true, body: html`<span id="sample-withheld">${t('quality:sample.withheld', { count: p.withheld })}</span>` }) : ''}
${
  p.items.length
    ? table({
        caption: t('quality:sample.caption'),
        headers: [
          t('quality:sample.number'),
          t('quality:sample.channel'),
          t('quality:sample.type'),
          t('quality:sample.resolved'),
          t('quality:sample.agent'),
        ],
        rows: p.items.map((i) => [
          html`<a class="usa-link" href="/staff/quality/items/${i.number}?sample=${encodeURIComponent(p.query)}">${t('quality:sample.review_link', { number: i.number })}</a>`,
          label(ctx, 'channels', i.channel),
          label(ctx, 'types', i.type),
          i.resolved_at ? when(i.resolved_at) : '—',
          i.agent_name ?? t('quality:sample.no_agent'),
        ]),
        stacked: true,
      })
    : alert({ type: 'info', slim: true, body: t('quality:sample.none') })
}
<p><a class="usa-link" href="/staff/quality?${newDraw.toString()}">${t('quality:sample.redraw')}</a></p>`;
}

export function samplePage(ctx: StaffPageContext, p: SampleView): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return titledStaffPage(ctx, p, {
    title: t('quality:sample.title'),
    current: '/staff/quality',
    body: html`${sections(ctx, 'sample')}
<p class="usa-intro">${t('quality:sample.intro')}</p>
${sampleForm(ctx, p, errors)}
${p.sample ? sampleResults(ctx, p.sample, p.when) : ''}`,
  });
}

// ---- Reviewing one interaction -----------------------------------------------------------------------------------

export interface ReviewView {
  signedIn: SignedIn;
  data: ReviewPageData;
  /** The sample the reviewer came from (its query string), for the way back. */
  sample: string;
  values?: Partial<ReviewFormValues>;
  errors?: FieldError[];
  articles: ArticleSummary[];
  articleQuery: string;
  articleSearchError?: string;
  notice?: string;
  /** Why the post was refused (the review exists, the item is not resolved, or it is the reviewer's own). */
  refused?: string;
  when(d: Date): string;
}

function itemFacts(ctx: StaffPageContext, d: ReviewPageData, when: (d: Date) => string): SafeHtml {
  const { t } = ctx;
  const i = d.item;
  return table({
    caption: t('quality:review.details_caption'),
    headers: [t('quality:review.field'), t('quality:review.value')],
    rows: [
      [t('quality:review.number'), String(i.number)],
      [t('quality:review.channel'), label(ctx, 'channels', i.channel)],
      [t('quality:review.type'), label(ctx, 'types', i.type)],
      [t('quality:review.language'), t(`quality:languages.${i.language}`)],
      [t('quality:review.status'), label(ctx, 'statuses', i.status)],
      [t('quality:review.created'), when(i.created_at)],
      [t('quality:review.resolved'), i.resolved_at ? when(i.resolved_at) : '—'],
      [t('quality:review.resolution'), label(ctx, 'resolutions', i.resolution)],
      [t('quality:review.agent'), d.agentName ?? t('quality:sample.no_agent')],
      [t('quality:review.subject'), i.subject],
      [t('quality:review.description'), lines(i.description)],
    ],
  });
}

function timeline(ctx: StaffPageContext, d: ReviewPageData, when: (d: Date) => string): SafeHtml {
  const { t } = ctx;
  return html`<h2 id="timeline-heading">${t('quality:review.timeline_heading')}</h2>
<ol class="usa-process-list" aria-labelledby="timeline-heading">
${d.timeline.map(
  (e) => html`<li class="usa-process-list__item">
  <h3 class="usa-process-list__heading font-sans-sm">${label(ctx, 'events', e.kind)} <span class="usa-tag${e.customer_visible ? '' : ' bg-gold text-ink'}">${e.customer_visible ? t('quality:review.customer_visible') : t('quality:review.internal')}</span></h3>
  <p class="margin-top-05 text-base">${when(e.occurred_at)}, ${e.actor_name ?? (e.actor_id ? t('quality:review.staff_member') : t('quality:review.system'))}</p>
  ${e.body ? html`<p>${lines(e.body)}</p>` : ''}
</li>`,
)}
</ol>`;
}

function savedReview(ctx: StaffPageContext, d: ReviewPageData, when: (d: Date) => string): SafeHtml {
  const { t, lang } = ctx;
  const r = d.review!;
  const pct = new Intl.NumberFormat(locale(lang), { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  const title = lang === 'es' ? r.article_title_es : r.article_title_en;
  return html`<h2 id="review-heading">${t('quality:review.done_heading')}</h2>
<p>${t('quality:review.done_when', { date: when(r.created_at) })}</p>
${table({
  caption: t('quality:review.scores_caption'),
  headers: [t('quality:review.criterion'), t('quality:review.score')],
  rows: [
    ...CRITERIA.map((c) => [t(`quality:criteria.${c}.name`), `${r.scores[c]} – ${t(`quality:levels.${r.scores[c]}`)}`]),
    [t('quality:review.total_label'), html`<strong id="review-total">${pct.format(r.total)} %</strong>`],
  ],
})}
<dl>
  <dt>${t('quality:review.wrong_legend')}</dt><dd id="review-wrong">${r.wrong_answer ? t('quality:review.wrong_yes') : t('quality:review.wrong_no')}</dd>
  ${r.article_slug ? html`<dt>${t('quality:review.article_label')}</dt><dd><a class="usa-link" href="/staff/knowledge/${r.article_slug}/versions/${String(r.article_version)}">${t('quality:review.article_version_link', { title, n: r.article_version })}</a></dd>` : ''}
  ${r.task_id ? html`<dt>${t('quality:review.task_label')}</dt><dd><a class="usa-link" href="/staff/quality/tasks/${r.task_id}">${t(`quality:tasks.statuses.${r.task_status}`)}</a></dd>` : ''}
  <dt>${t('quality:review.comment_label')}</dt><dd>${r.comment ? lines(r.comment) : '—'}</dd>
</dl>`;
}

function articleSearch(ctx: StaffPageContext, p: ReviewView): SafeHtml {
  const { t } = ctx;
  return html`<form class="usa-form usa-form--large" role="search" method="get" action="/staff/quality/items/${String(p.data.item.number)}">
  ${p.sample ? html`<input type="hidden" name="sample" value="${p.sample}">` : ''}
  ${textInput({ name: 'q', type: 'search', label: t('quality:review.article_search_label'), hint: t('quality:review.article_search_hint'), value: p.articleQuery, error: p.articleSearchError, maxlength: 200, autocomplete: 'off' })}
  ${button(t('quality:review.article_search_submit'), { secondary: true })}
</form>`;
}

function reviewForm(ctx: StaffPageContext, p: ReviewView, errors: FieldError[]): SafeHtml {
  const { t, lang } = ctx;
  const v = p.values ?? {};
  const articleOptions: [string, string][] = [
    ['', t('quality:review.article_none')],
    ...p.articles.map((a): [string, string] => [
      a.slug,
      `${a.title} (${t('quality:review.version_n', { n: a.version })})${a.archived ? ` – ${t('quality:review.archived')}` : ''}`,
    ]),
  ];
  // A slug posted back that the list (a search, say) does not hold stays selectable, so nothing typed is lost.
  if (v.article && !articleOptions.some(([slug]) => slug === v.article)) articleOptions.push([v.article, v.article]);
  return html`<h2 id="rubric-heading">${t('quality:review.rubric_heading')}</h2>
<p>${t('quality:review.rubric_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/staff/quality/items/${String(p.data.item.number)}" novalidate aria-labelledby="rubric-heading">
  ${csrfField(p.signedIn.csrf)}
  <input type="hidden" name="sample" value="${p.sample}">
  ${CRITERIA.map((c) =>
    radioGroup({
      name: c,
      legend: t('quality:review.score_legend', { criterion: t(`quality:criteria.${c}.name`) }),
      value: v[c],
      error: errorFor(errors, c),
      options: LEVELS.map((level) => ({
        value: String(level),
        label: `${level} – ${t(`quality:levels.${level}`)}`,
        hint: t(`quality:criteria.${c}.levels.${level}`),
      })),
    }),
  )}
  ${radioGroup({
    name: 'wrong_answer',
    legend: t('quality:review.wrong_legend'),
    value: v.wrong_answer,
    error: errorFor(errors, 'wrong_answer'),
    options: [
      { value: 'no', label: t('quality:review.wrong_no') },
      { value: 'yes', label: t('quality:review.wrong_yes'), hint: t('quality:review.wrong_hint') },
    ],
  })}
  <fieldset class="usa-fieldset">
    <legend class="usa-legend usa-legend--large">${t('quality:review.article_heading')}</legend>
    <p class="usa-hint">${t('quality:review.article_intro')}</p>
    ${select({ name: 'article', label: t('quality:review.article_label'), hint: p.articleQuery ? t('quality:review.article_hint_search', { query: p.articleQuery, count: p.articles.length }) : t('quality:review.article_hint'), value: v.article, error: errorFor(errors, 'article'), options: articleOptions })}
    ${textInput({ name: 'article_version', label: t('quality:review.version_label'), hint: t('quality:review.version_hint'), value: v.article_version, error: errorFor(errors, 'article_version'), width: 'xs', maxlength: 6, inputmode: 'numeric', autocomplete: 'off' })}
  </fieldset>
  ${textArea({ name: 'comment', label: t('quality:review.comment_label'), hint: t('quality:review.comment_hint', { max: COMMENT_MAX.toLocaleString(locale(lang)) }), value: v.comment, error: errorFor(errors, 'comment'), maxlength: COMMENT_MAX })}
  ${button(t('quality:review.save'))}
</form>`;
}

export function reviewPage(ctx: StaffPageContext, p: ReviewView): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const d = p.data;
  const heading = t('quality:review.title', { number: String(d.item.number) });
  const back = `/staff/quality${p.sample ? `?${p.sample}` : ''}`;
  const blockedText =
    d.blocked && d.blocked !== 'already_reviewed' ? t(`quality:review.blocked.${d.blocked}`) : undefined;
  return staffPage(ctx, {
    title: heading,
    current: '/staff/quality',
    signedIn: p.signedIn,
    errors: [...errors, ...(p.articleSearchError ? [{ field: 'q', message: p.articleSearchError }] : [])],
    body: html`${qualityCrumbs(ctx, [{ label: heading }])}
<h1>${heading}</h1>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${p.refused ? alert({ type: 'warning', slim: true, live: true, body: p.refused }) : ''}
<p><a class="usa-link" href="${back}">${t('quality:review.back_to_sample')}</a></p>
${itemFacts(ctx, d, p.when)}
${timeline(ctx, d, p.when)}
${d.review ? savedReview(ctx, d, p.when) : blockedText ? alert({ type: 'info', slim: true, body: blockedText }) : html`${articleSearch(ctx, p)}${reviewForm(ctx, p, errors)}`}`,
  });
}

// ---- Fix tasks -----------------------------------------------------------------------------------------------------

function articleCell(ctx: StaffPageContext, task: TaskRow): SafeHtml {
  const { lang } = ctx;
  const title = lang === 'es' ? task.current_title_es : task.current_title_en;
  return html`<a class="usa-link" href="/staff/knowledge/${task.article_slug}">${title}</a>`;
}

function flaggedCell(ctx: StaffPageContext, task: TaskRow): SafeHtml {
  const { t } = ctx;
  return html`<a class="usa-link" href="/staff/knowledge/${task.article_slug}/versions/${String(task.flagged_version)}">${t('quality:review.version_n', { n: task.flagged_version })}</a>`;
}

/** A comment on a Section 1367 interaction is shown only to those who may see the interaction. */
const commentOf = (ctx: StaffPageContext, task: TaskRow, canSee1367: boolean): SafeHtml | string =>
  task.item_1367 && !canSee1367 ? ctx.t('quality:tasks.withheld_1367') : task.comment ? lines(task.comment) : '—';

export interface TasksView {
  signedIn: SignedIn;
  open: TaskRow[];
  closed: TaskRow[];
  canSee1367: boolean;
  notice?: string;
  when(d: Date): string;
}

export function tasksPage(ctx: StaffPageContext, p: TasksView): SafeHtml {
  const { t } = ctx;
  return titledStaffPage(ctx, p, {
    title: t('quality:tasks.title'),
    current: '/staff/quality',
    body: html`${sections(ctx, 'tasks')}
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
<p class="usa-intro">${t('quality:tasks.intro')}</p>
<h2 id="open-heading">${t('quality:tasks.open_heading')}</h2>
${
  p.open.length
    ? table({
        caption: t('quality:tasks.open_caption', { count: p.open.length }),
        headers: [
          t('quality:tasks.article'),
          t('quality:tasks.flagged'),
          t('quality:tasks.comment'),
          t('quality:tasks.opened'),
          t('quality:tasks.actions'),
        ],
        rows: p.open.map((task) => [
          articleCell(ctx, task),
          flaggedCell(ctx, task),
          commentOf(ctx, task, p.canSee1367),
          html`${p.when(task.created_at)}<br>${task.reviewer_name ?? '—'}`,
          html`<a class="usa-link" href="/staff/knowledge/${task.article_slug}/edit">${t('quality:tasks.edit_article')}</a><br><a class="usa-link" href="/staff/quality/tasks/${task.id}">${t('quality:tasks.view_task')}</a>`,
        ]),
        stacked: true,
      })
    : alert({ type: 'info', slim: true, body: t('quality:tasks.none_open') })
}
<h2 id="closed-heading">${t('quality:tasks.closed_heading')}</h2>
${
  p.closed.length
    ? table({
        caption: t('quality:tasks.closed_caption'),
        headers: [
          t('quality:tasks.article'),
          t('quality:tasks.flagged'),
          t('quality:tasks.status'),
          t('quality:tasks.closed'),
          t('quality:tasks.actions'),
        ],
        rows: p.closed.map((task) => [
          articleCell(ctx, task),
          flaggedCell(ctx, task),
          statusText(ctx, task),
          html`${task.closed_at ? p.when(task.closed_at) : '—'}<br>${task.closed_by_name ?? (task.status === 'done' ? t('quality:tasks.by_edit') : '—')}`,
          html`<a class="usa-link" href="/staff/quality/tasks/${task.id}">${t('quality:tasks.view_task')}</a>`,
        ]),
        stacked: true,
      })
    : html`<p>${t('quality:tasks.none_closed')}</p>`
}`,
  });
}

function statusText(ctx: StaffPageContext, task: TaskRow): SafeHtml {
  const { t } = ctx;
  if (task.status === 'done' && task.fixed_version !== null) {
    return html`${t('quality:tasks.statuses.done')}: <a class="usa-link" href="/staff/knowledge/${task.article_slug}/versions/${String(task.fixed_version)}">${t('quality:tasks.fixed_in', { n: task.fixed_version })}</a>`;
  }
  return html`${t(`quality:tasks.statuses.${task.status}`)}`;
}

export interface TaskView {
  signedIn: SignedIn;
  task: TaskRow;
  canSee1367: boolean;
  errors?: FieldError[];
  note?: string;
  refused?: string;
  when(d: Date): string;
}

export function taskPage(ctx: StaffPageContext, p: TaskView): SafeHtml {
  const { t, lang } = ctx;
  const task = p.task;
  const errors = p.errors ?? [];
  const title = lang === 'es' ? task.flagged_title_es : task.flagged_title_en;
  const heading = t('quality:tasks.task_title', { title });
  const rows: HtmlValue[][] = [
    [t('quality:tasks.status'), statusText(ctx, task)],
    [t('quality:tasks.article'), articleCell(ctx, task)],
    [t('quality:tasks.flagged'), flaggedCell(ctx, task)],
    [
      t('quality:tasks.current'),
      html`<a class="usa-link" href="/staff/knowledge/${task.article_slug}">${t('quality:review.version_n', { n: task.current_version })}</a>`,
    ],
    [t('quality:tasks.opened'), p.when(task.created_at)],
    [t('quality:tasks.reviewer'), task.reviewer_name ?? '—'],
    [
      t('quality:tasks.item'),
      task.item_1367 && !p.canSee1367
        ? t('quality:tasks.withheld_1367')
        : html`<a class="usa-link" href="/staff/quality/items/${task.item_number}">${t('quality:sample.review_link', { number: task.item_number })}</a>`,
    ],
    [t('quality:tasks.comment'), commentOf(ctx, task, p.canSee1367)],
  ];
  if (task.status !== 'open')
    rows.push([
      t('quality:tasks.closed'),
      html`${task.closed_at ? p.when(task.closed_at) : '—'}, ${task.closed_by_name ?? (task.status === 'done' ? t('quality:tasks.by_edit') : '—')}`,
    ]);
  if (task.note) rows.push([t('quality:tasks.note'), lines(task.note)]);
  return staffPage(ctx, {
    title: heading,
    current: '/staff/quality',
    signedIn: p.signedIn,
    errors,
    body: html`${qualityCrumbs(ctx, [{ href: '/staff/quality/tasks', label: t('quality:tasks.title') }, { label: heading }])}
<h1>${heading}</h1>
${p.refused ? alert({ type: 'warning', slim: true, live: true, body: p.refused }) : ''}
${table({ caption: t('quality:tasks.facts_caption'), headers: [t('quality:review.field'), t('quality:review.value')], rows })}
<p><a class="usa-link" href="/staff/knowledge/${task.article_slug}">${t('quality:tasks.history_link')}</a></p>
${
  task.status === 'open'
    ? html`<p><a class="usa-button" href="/staff/knowledge/${task.article_slug}/edit">${t('quality:tasks.edit_article')}</a></p>
<p>${t('quality:tasks.auto_close')}</p>
<h2 id="dismiss-heading">${t('quality:tasks.dismiss_heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="/staff/quality/tasks/${task.id}/dismiss" novalidate aria-labelledby="dismiss-heading">
  ${csrfField(p.signedIn.csrf)}
  ${textArea({ name: 'note', label: t('quality:tasks.note_label'), hint: t('quality:tasks.note_hint', { max: NOTE_MAX }), value: p.note, error: errorFor(errors, 'note'), maxlength: NOTE_MAX })}
  ${button(t('quality:tasks.dismiss'), { secondary: true })}
</form>`
    : ''
}`,
  });
}

// ---- Scores ------------------------------------------------------------------------------------------------------

export interface ScoresView {
  signedIn: SignedIn;
  since: string;
  byAgent: ScoreSummaryRow[];
  byWeek: ScoreSummaryRow[];
}

export function scoresPage(ctx: StaffPageContext, p: ScoresView): SafeHtml {
  const { t, lang } = ctx;
  const count = new Intl.NumberFormat(locale(lang));
  const pct = new Intl.NumberFormat(locale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const average = (v: number | null) => (v === null ? t('quality:scores.no_reviews') : `${pct.format(v)} %`);
  return titledStaffPage(ctx, p, {
    title: t('quality:scores.title'),
    current: '/staff/quality',
    body: html`${sections(ctx, 'scores')}
<p class="usa-intro">${t('quality:scores.intro')}</p>
<p>${t('quality:scores.period', { since: calendarDay(p.since, lang) })}</p>
<p><a class="usa-link" href="/staff/quality/scores.csv" download>${t('quality:scores.download')}</a></p>
<p class="usa-hint">${t('quality:scores.download_hint')}</p>
<h2 id="agents-heading">${t('quality:scores.by_agent_heading')}</h2>
${
  p.byAgent.length
    ? table({
        caption: t('quality:scores.by_agent_caption'),
        headers: [
          t('quality:scores.agent'),
          t('quality:scores.reviews'),
          t('quality:scores.average'),
          t('quality:scores.wrong'),
        ],
        rows: p.byAgent.map((r) => [
          r.label ?? t('quality:sample.no_agent'),
          count.format(r.reviews),
          average(r.averageTotal),
          count.format(r.wrongAnswers),
        ]),
        stacked: true,
      })
    : alert({ type: 'info', slim: true, body: t('quality:scores.none') })
}
<h2 id="weeks-heading">${t('quality:scores.by_week_heading')}</h2>
${table({
  caption: t('quality:scores.by_week_caption'),
  headers: [
    t('quality:scores.week'),
    t('quality:scores.reviews'),
    t('quality:scores.average'),
    t('quality:scores.wrong'),
  ],
  rows: p.byWeek.map((r) => [
    t('quality:scores.week_of', { date: calendarDay(r.key!, lang) }),
    count.format(r.reviews),
    average(r.averageTotal),
    count.format(r.wrongAnswers),
  ]),
  stacked: true,
})}`,
  });
}
