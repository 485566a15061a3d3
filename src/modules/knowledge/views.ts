import {
  alert,
  breadcrumb,
  button,
  csrfField,
  errorFor,
  radioGroup,
  table,
  textArea,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type HtmlValue, type SafeHtml } from '../../platform/views/html.js';
import {
  publicPage as framePublicPage,
  type SignedIn,
  staffPage,
  titledStaffPage,
  type StaffPageContext,
} from '../../platform/views/frame.js';
import type { PageContext } from '../../platform/views/layout.js';
import type { StaffRole } from '../../platform/db/tables.js';
import type { KnowledgeAudience } from './tables.js';
import { formatterOf } from '../../platform/format.js';
import type { Language } from '../../platform/i18n/index.js';
import type { ArticleWithVersion, VersionSummary } from './repository.js';
import type { ArticleInLanguage, ArticleSummary } from './service.js';
import {
  BODY_MAX,
  CHANGE_NOTE_MAX,
  paragraphs,
  QUERY_MAX,
  SLUG_MAX,
  TITLE_MAX,
  type ArticleFormValues,
} from './text.js';

/** Pages of knowledge articles: the public help articles, and the staff list, article, history, write and edit. */

/** Who may write and edit articles (CC-14: quality assurance changes articles after wrong answers). */
export const EDITOR_ROLES: readonly StaffRole[] = ['quality_assurance', 'administrator'];
/** Who may read every article: the Contact Center tiers, the help desk, quality assurance and administrators. */
export const READER_ROLES: readonly StaffRole[] = [
  'tier1',
  'tier2',
  'tier3',
  'help_desk',
  'quality_assurance',
  'administrator',
];

const canEdit = (ctx: StaffPageContext) => ctx.roles.some((r) => EDITOR_ROLES.includes(r));

/** Plain text as paragraphs (blank lines between them); line breaks inside a paragraph kept. Escaped: no author HTML. */
export function articleBody(body: string): SafeHtml {
  return html`${paragraphs(body).map((lines) => html`<p>${lines.map((l, i) => (i ? html`<br>${l}` : l))}</p>`)}`;
}

const dateOnly = (lang: Language, timeZone: string) => formatterOf(lang, timeZone, 'longDate');

// ---- Public -----------------------------------------------------------------------------------------------------

/** A public page of knowledge: the wide column. */
const publicPage = (ctx: PageContext, title: string, body: HtmlValue, errors: FieldError[] = []): SafeHtml =>
  framePublicPage(ctx, title, body, errors, 'wide');

function searchForm(
  ctx: PageContext,
  p: { action: string; query?: string; error?: string; label: string; hint?: string },
): SafeHtml {
  const { t } = ctx;
  return html`<form class="usa-form usa-form--large" role="search" method="get" action="${p.action}">
  ${textInput({ name: 'q', type: 'search', label: p.label, hint: p.hint, value: p.query, error: p.error, maxlength: QUERY_MAX, autocomplete: 'off' })}
  ${button(t('knowledge:search.submit'))}
</form>`;
}

function collection(items: ArticleSummary[], href: (slug: string) => string): SafeHtml {
  return html`<ul class="usa-collection">
${items.map(
  (a) => html`<li class="usa-collection__item"><div class="usa-collection__body">
  <h2 class="usa-collection__heading"><a class="usa-link" href="${href(a.slug)}">${a.title}</a></h2>
  <p class="usa-collection__description">${a.summary}</p>
</div></li>`,
)}
</ul>`;
}

export function publicListPage(
  ctx: PageContext,
  p: { query: string; results: ArticleSummary[]; searched: boolean; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return publicPage(
    ctx,
    t('knowledge:public.title'),
    html`<h1>${t('knowledge:public.title')}</h1>
<p class="usa-intro">${t('knowledge:public.intro')}</p>
${searchForm(ctx, { action: '/help/articles', query: p.query, error: errorFor(errors, 'q'), label: t('knowledge:search.label'), hint: t('knowledge:search.hint') })}
<section aria-labelledby="results-heading">
<h2 id="results-heading" class="usa-sr-only">${p.searched ? t('knowledge:search.results_heading') : t('knowledge:public.all_heading')}</h2>
${p.searched ? html`<p role="status">${t('knowledge:search.count', { count: p.results.length, query: p.query })}</p>` : ''}
${p.results.length ? collection(p.results, (slug) => `/help/articles/${slug}`) : errors.length ? '' : alert({ type: 'info', slim: true, body: p.searched ? t('knowledge:search.none') : t('knowledge:public.none') })}
</section>
<p>${t('knowledge:public.more_help')} <a class="usa-link" href="/help/technical">${t('knowledge:public.technical_help')}</a></p>`,
    errors,
  );
}

export function publicArticlePage(ctx: PageContext, p: { article: ArticleInLanguage; timeZone: string }): SafeHtml {
  const { t } = ctx;
  const a = p.article;
  return publicPage(
    ctx,
    a.title,
    html`${breadcrumb(t('knowledge:breadcrumb'), [{ href: '/help/articles', label: t('knowledge:public.title') }, { label: a.title }])}
<article>
<h1>${a.title}</h1>
${articleBody(a.body)}
<p class="usa-hint">${t('knowledge:public.updated', { date: dateOnly(ctx.lang, p.timeZone)(a.updatedAt) })}</p>
</article>
<p><a class="usa-link" href="/help/articles">${t('knowledge:public.back')}</a></p>`,
  );
}

// ---- Staff ------------------------------------------------------------------------------------------------------

const audienceTag = (ctx: PageContext, audience: KnowledgeAudience) =>
  html`<span class="usa-tag${audience === 'agents' ? ' bg-secondary-dark' : ''}">${ctx.t(`knowledge:audiences.${audience}`)}</span>`;

function staffCrumbs(ctx: StaffPageContext, trail: { href?: string; label: string }[]): SafeHtml {
  const { t } = ctx;
  const all = [{ href: '/staff/knowledge', label: t('knowledge:staff.title') }, ...trail];
  return breadcrumb(t('staff:breadcrumb'), all);
}

function articlesTable(
  ctx: StaffPageContext,
  caption: string,
  items: ArticleSummary[],
  when: (d: Date) => string,
): SafeHtml {
  const { t } = ctx;
  return table({
    caption,
    headers: [
      t('knowledge:staff.article'),
      t('knowledge:staff.audience'),
      t('knowledge:staff.version'),
      t('knowledge:staff.updated'),
    ],
    rows: items.map((a) => [
      html`<a class="usa-link" href="/staff/knowledge/${a.slug}">${a.title}</a>`,
      audienceTag(ctx, a.audience),
      String(a.version),
      when(a.updatedAt),
    ]),
    stacked: true,
  });
}

export interface StaffListView {
  signedIn: SignedIn;
  query: string;
  searched: boolean;
  results: ArticleSummary[];
  archived: ArticleSummary[];
  when(d: Date): string;
  notice?: string;
  errors?: FieldError[];
}

export function staffListPage(ctx: StaffPageContext, p: StaffListView): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return titledStaffPage(ctx, p, {
    title: t('knowledge:staff.title'),
    current: '/staff/knowledge',
    body: html`${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
<p>${t('knowledge:staff.intro')}</p>
${canEdit(ctx) ? html`<p><a class="usa-button" href="/staff/knowledge/new">${t('knowledge:staff.new')}</a></p>` : ''}
${searchForm(ctx, { action: '/staff/knowledge', query: p.query, error: errorFor(errors, 'q'), label: t('knowledge:staff.search_label'), hint: t('knowledge:staff.search_hint') })}
${p.searched ? html`<p role="status">${t('knowledge:search.count', { count: p.results.length, query: p.query })}</p>` : ''}
${p.results.length ? articlesTable(ctx, p.searched ? t('knowledge:search.results_heading') : t('knowledge:staff.all_caption'), p.results, p.when) : errors.length ? '' : alert({ type: 'info', slim: true, body: p.searched ? t('knowledge:search.none') : t('knowledge:staff.none') })}
${p.archived.length ? html`<h2>${t('knowledge:staff.archived_heading')}</h2>${articlesTable(ctx, t('knowledge:staff.archived_heading'), p.archived, p.when)}` : ''}`,
  });
}

function bothLanguages(
  ctx: StaffPageContext,
  v: { title_en: string; body_en: string; title_es: string; body_es: string },
): SafeHtml {
  const { t } = ctx;
  const column = (
    lang: 'en' | 'es',
    title: string,
    body: string,
  ) => html`<section class="tablet:grid-col-6 margin-bottom-4" aria-label="${t(`knowledge:languages.${lang}`)}">
  <p class="usa-hint margin-bottom-0">${t(`knowledge:languages.${lang}`)}</p>
  <div lang="${lang}">
    <h2 class="font-sans-lg margin-top-05">${title}</h2>
    ${articleBody(body)}
  </div>
</section>`;
  return html`<div class="grid-row grid-gap">${column('en', v.title_en, v.body_en)}${column('es', v.title_es, v.body_es)}</div>`;
}

function versionFacts(ctx: StaffPageContext, a: ArticleWithVersion, when: (d: Date) => string): SafeHtml {
  const { t } = ctx;
  return table({
    caption: t('knowledge:staff.facts_caption', { version: a.version }),
    headers: [t('knowledge:staff.field'), t('knowledge:staff.value')],
    rows: [
      [t('knowledge:staff.address'), html`<code>${a.slug}</code>`],
      [t('knowledge:staff.audience'), audienceTag(ctx, a.version_audience)],
      [t('knowledge:staff.version'), String(a.version)],
      [t('knowledge:staff.saved'), when(a.version_created_at)],
      [t('knowledge:staff.author'), a.author_name ?? t('knowledge:staff.no_author')],
      [t('knowledge:staff.change_note'), a.change_note],
      [
        t('knowledge:staff.tags'),
        a.tags.length ? html`${a.tags.map((tag) => html`<span class="usa-tag margin-right-05">${tag}</span>`)}` : '—',
      ],
    ],
  });
}

export function staffArticlePage(
  ctx: StaffPageContext,
  p: {
    signedIn: SignedIn;
    article: ArticleWithVersion;
    history: VersionSummary[];
    when(d: Date): string;
    notice?: string;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const a = p.article;
  const title = lang === 'es' ? a.title_es : a.title_en;
  return staffPage(ctx, {
    title,
    current: '/staff/knowledge',
    signedIn: p.signedIn,
    body: html`${staffCrumbs(ctx, [{ label: title }])}
<h1>${title}</h1>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${a.archived_at ? alert({ type: 'warning', slim: true, body: t('knowledge:staff.archived_notice', { date: p.when(a.archived_at) }) }) : ''}
${a.audience === 'public' && !a.archived_at ? html`<p><a class="usa-link" href="/help/articles/${a.slug}">${t('knowledge:staff.public_link')}</a></p>` : ''}
${
  canEdit(ctx)
    ? html`<ul class="usa-button-group">
  <li class="usa-button-group__item"><a class="usa-button" href="/staff/knowledge/${a.slug}/edit">${t('knowledge:staff.edit')}</a></li>
  <li class="usa-button-group__item"><form method="post" action="/staff/knowledge/${a.slug}/${a.archived_at ? 'restore' : 'archive'}">${csrfField(p.signedIn.csrf)}${button(a.archived_at ? t('knowledge:staff.restore') : t('knowledge:staff.archive'), { secondary: true })}</form></li>
</ul>`
    : ''
}
${versionFacts(ctx, a, p.when)}
${bothLanguages(ctx, a)}
<h2 id="history-heading">${t('knowledge:staff.history_heading')}</h2>
${historyTable(ctx, a.slug, p.history, p.when, a.current_version)}`,
  });
}

function historyTable(
  ctx: StaffPageContext,
  slug: string,
  history: VersionSummary[],
  when: (d: Date) => string,
  current: number,
): SafeHtml {
  const { t } = ctx;
  return table({
    caption: t('knowledge:staff.history_caption'),
    headers: [
      t('knowledge:staff.version'),
      t('knowledge:staff.saved'),
      t('knowledge:staff.author'),
      t('knowledge:staff.audience'),
      t('knowledge:staff.change_note'),
    ],
    rows: history.map((v) => [
      html`<a class="usa-link" href="/staff/knowledge/${slug}/versions/${String(v.version)}">${t('knowledge:staff.version_n', { n: v.version })}</a>${v.version === current ? html` <span class="usa-tag">${t('knowledge:staff.current')}</span>` : ''}`,
      when(v.created_at),
      v.author_name ?? t('knowledge:staff.no_author'),
      audienceTag(ctx, v.audience),
      v.change_note,
    ]),
    stacked: true,
  });
}

export function staffVersionPage(
  ctx: StaffPageContext,
  p: { signedIn: SignedIn; article: ArticleWithVersion; when(d: Date): string },
): SafeHtml {
  const { t, lang } = ctx;
  const a = p.article;
  const title = lang === 'es' ? a.title_es : a.title_en;
  const heading = t('knowledge:staff.version_title', { title, n: a.version });
  return staffPage(ctx, {
    title: heading,
    current: '/staff/knowledge',
    signedIn: p.signedIn,
    body: html`${staffCrumbs(ctx, [{ href: `/staff/knowledge/${a.slug}`, label: lang === 'es' ? a.title_es : a.title_en }, { label: t('knowledge:staff.version_n', { n: a.version }) }])}
<h1>${heading}</h1>
${
  a.version === a.current_version
    ? alert({ type: 'info', slim: true, body: t('knowledge:staff.is_current') })
    : alert({
        type: 'warning',
        slim: true,
        body: html`${t('knowledge:staff.not_current', { current: a.current_version })} <a class="usa-link" href="/staff/knowledge/${a.slug}">${t('knowledge:staff.see_current')}</a>`,
      })
}
${versionFacts(ctx, a, p.when)}
${bothLanguages(ctx, a)}`,
  });
}

export interface ArticleFormView {
  signedIn: SignedIn;
  /** Absent when writing a new article. */
  article?: { slug: string; title: string; baseVersion: number };
  values: ArticleFormValues;
  errors?: FieldError[];
}

export function articleFormPage(ctx: StaffPageContext, p: ArticleFormView): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const v = p.values;
  const editing = p.article;
  const heading = editing ? t('knowledge:form.edit_title', { title: editing.title }) : t('knowledge:form.new_title');
  const action = editing ? `/staff/knowledge/${editing.slug}/edit` : '/staff/knowledge/new';
  const lengths = { title: TITLE_MAX, body: BODY_MAX };
  return staffPage(ctx, {
    title: heading,
    current: '/staff/knowledge',
    signedIn: p.signedIn,
    errors,
    body: html`${staffCrumbs(ctx, editing ? [{ href: `/staff/knowledge/${editing.slug}`, label: editing.title }, { label: t('knowledge:form.edit_crumb') }] : [{ label: t('knowledge:form.new_title') }])}
<h1>${heading}</h1>
<p>${editing ? t('knowledge:form.edit_intro', { version: editing.baseVersion + 1 }) : t('knowledge:form.new_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="${action}" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${editing ? html`<input type="hidden" name="base_version" value="${String(editing.baseVersion)}">` : textInput({ name: 'slug', label: t('knowledge:form.slug'), hint: t('knowledge:form.slug_hint'), value: v.slug, error: errorFor(errors, 'slug'), maxlength: SLUG_MAX, spellcheck: false, autocapitalize: 'none', autocomplete: 'off' })}
  ${radioGroup({
    name: 'audience',
    legend: t('knowledge:form.audience'),
    value: v.audience,
    error: errorFor(errors, 'audience'),
    options: (['public', 'agents'] as const).map((a) => ({
      value: a,
      label: t(`knowledge:audiences.${a}`),
      hint: t(`knowledge:form.audience_hints.${a}`),
    })),
  })}
  <fieldset class="usa-fieldset">
    <legend class="usa-legend usa-legend--large">${t('knowledge:form.english')}</legend>
    ${textInput({ name: 'title_en', label: t('knowledge:form.title_en'), value: v.title_en, error: errorFor(errors, 'title_en'), maxlength: lengths.title })}
    ${textArea({ name: 'body_en', label: t('knowledge:form.body_en'), hint: t('knowledge:form.body_hint', { max: BODY_MAX.toLocaleString(ctx.lang === 'es' ? 'es-US' : 'en-US') }), value: v.body_en, error: errorFor(errors, 'body_en'), maxlength: lengths.body })}
  </fieldset>
  <fieldset class="usa-fieldset">
    <legend class="usa-legend usa-legend--large">${t('knowledge:form.spanish')}</legend>
    ${textInput({ name: 'title_es', label: t('knowledge:form.title_es'), value: v.title_es, error: errorFor(errors, 'title_es'), maxlength: lengths.title })}
    ${textArea({ name: 'body_es', label: t('knowledge:form.body_es'), hint: t('knowledge:form.body_hint', { max: BODY_MAX.toLocaleString(ctx.lang === 'es' ? 'es-US' : 'en-US') }), value: v.body_es, error: errorFor(errors, 'body_es'), maxlength: lengths.body })}
  </fieldset>
  ${textInput({ name: 'tags', label: t('knowledge:form.tags'), hint: t('knowledge:form.tags_hint'), value: v.tags, error: errorFor(errors, 'tags'), maxlength: 1000, spellcheck: false, autocapitalize: 'none' })}
  ${textInput({ name: 'change_note', label: t('knowledge:form.change_note'), hint: t('knowledge:form.change_note_hint'), value: v.change_note, error: errorFor(errors, 'change_note'), maxlength: CHANGE_NOTE_MAX })}
  ${button(editing ? t('knowledge:form.save_version') : t('knowledge:form.create'))}
</form>`,
  });
}
