import { longCalendarDate, longDate } from '../../platform/format.js';
import { alert, button, errorFor, memorableDate, select, type FieldError } from '../../platform/views/components.js';
import { publicPage } from '../../platform/views/frame.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { categoriesOf, findForm, findFormCategory, officeName } from '../cases/index.js';
import { publishedForms, publishedOffices } from './api-shapes.js';
import type { InquiryDate, ProcessingTimeFigure, Publication } from './published.js';
import { boundText, publishedRange, rangeText } from './ranges.js';

const T = 'processing_times_public';
/** The e-Request form for a case outside normal processing time (CC-10). */
export const CASE_INQUIRY_HREF = '/e-request/outside-processing-time';

export interface Choice {
  form?: string;
  category?: string;
  office?: string;
}

export type CheckOutcome =
  | { kind: 'yes' }
  /** `askOn`: the first day the case may be asked about while the published time holds (absent for an override). */
  | { kind: 'no'; inquiryDate: string; askOn?: string };

export interface ProcessingTimesPageProps {
  publication: Publication | null;
  /** What was chosen and is valid (a form with figures, a category of it, an office). */
  choice: Choice;
  timeZone: string;
  errors?: FieldError[];
  /** The chosen figure; undefined while the choice is not complete. */
  result?: { figure: ProcessingTimeFigure; inquiry: InquiryDate | null };
  /** The choice is complete but nothing is published for it. */
  notPublished?: boolean;
  check?: { month?: string; day?: string; year?: string; outcome?: CheckOutcome };
}

function contactList(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return html`<ul class="usa-list">
  <li>${t(`${T}:contact.phone`)} <a class="usa-link" href="tel:1-800-375-5283">800-375-5283</a></li>
  <li>${t(`${T}:contact.tty`)} <a class="usa-link" href="tel:1-800-767-1833">800-767-1833</a></li>
  <li>${t(`${T}:contact.hours`)}</li>
</ul>`;
}

function formLabel(code: string, lang: 'en' | 'es'): string {
  const form = findForm(code);
  return form ? `${code}, ${lang === 'es' ? form.nameEs : form.nameEn}` : code;
}

function categoryLabel(formCode: string, code: string, lang: 'en' | 'es'): string {
  const c = findFormCategory(formCode, code);
  return c ? (lang === 'es' ? c.infoEs : c.infoEn) : code;
}

/** The choice form: the form, then (once the form is known) its category and the office. A GET form: no script. */
function choiceForm(ctx: PageContext, p: ProcessingTimesPageProps, publication: Publication): SafeHtml {
  const { t, lang } = ctx;
  const errors = p.errors ?? [];
  const { form, category } = p.choice;
  const selectOption = ['', t(`${T}:choose.select`)] as const;
  const forms = publishedForms(publication);
  const categories = form
    ? categoriesOf(form).filter((c) =>
        publication.figures.some((f) => f.formCode === form && f.categoryCode === c.code),
      )
    : [];
  const offices = form
    ? publishedOffices(
        category
          ? { ...publication, figures: publication.figures.filter((f) => f.categoryCode === category) }
          : publication,
        form,
      )
    : [];
  return html`<form class="usa-form usa-form--large" method="get" action="/processing-times" novalidate>
  <h2>${t(`${T}:choose.heading`)}</h2>
  ${select({
    name: 'form',
    label: t(`${T}:choose.form`),
    hint: t(`${T}:choose.form_hint`),
    value: form,
    error: errorFor(errors, 'form'),
    options: [selectOption, ...forms.map((code) => [code, formLabel(code, lang)] as const)],
  })}
  ${
    categories.length > 0
      ? select({
          name: 'category',
          label: t(`${T}:choose.category`),
          hint: t(`${T}:choose.category_hint`),
          value: category,
          error: errorFor(errors, 'category'),
          options: [selectOption, ...categories.map((c) => [c.code, lang === 'es' ? c.infoEs : c.infoEn] as const)],
        })
      : ''
  }
  ${
    form
      ? select({
          name: 'office',
          label: t(`${T}:choose.office`),
          hint: t(`${T}:choose.office_hint`),
          value: p.choice.office,
          error: errorFor(errors, 'office'),
          options: [selectOption, ...offices.map((code) => [code, officeName(code, lang)] as const)],
        })
      : ''
  }
  ${button(t(form ? `${T}:choose.show` : `${T}:choose.continue`))}
  ${form ? html`<p><a class="usa-link" href="/processing-times">${t(`${T}:choose.start_over`)}</a></p>` : ''}
</form>`;
}

function resultSection(
  ctx: PageContext,
  p: ProcessingTimesPageProps,
  publication: Publication,
  result: NonNullable<ProcessingTimesPageProps['result']>,
): SafeHtml {
  const { t, lang } = ctx;
  const { figure, inquiry } = result;
  const range = publishedRange(figure);
  const published = longDate(publication.publishedAt, lang, p.timeZone);
  const office = officeName(figure.officeCode, lang);
  const heading = figure.categoryCode
    ? t(`${T}:result.heading_category`, {
        form: figure.formCode,
        category: categoryLabel(figure.formCode, figure.categoryCode, lang),
        office,
      })
    : t(`${T}:result.heading`, { form: figure.formCode, office });
  return html`<section class="margin-top-4" aria-labelledby="result-heading">
  <h2 id="result-heading">${heading}</h2>
  <div class="usa-summary-box" role="region" aria-labelledby="range-label">
    <div class="usa-summary-box__body">
      <p class="usa-summary-box__heading" id="range-label">${t(`${T}:result.range_label`)}</p>
      <p class="font-sans-xl text-bold margin-y-1" id="range">${rangeText(range, lang)}</p>
      <p>${t(`${T}:result.meaning`, { published, upper: boundText(range.upper, lang), lower: boundText(range.lower, lang) })}</p>
      <p class="text-base-darker">${t(`${T}:result.published`, { date: published })} ${t(`${T}:result.based_on`, { count: figure.completedCount })}</p>
    </div>
  </div>
  ${
    inquiry
      ? html`<h3>${t(`${T}:result.inquiry_label`)}</h3>
  <p class="font-sans-lg text-bold" id="inquiry-date">${longCalendarDate(inquiry.date, lang)}</p>
  <p>${t(`${T}:result.inquiry_body`, { date: longCalendarDate(inquiry.date, lang) })}${inquiry.source === 'override' ? html` ${t(`${T}:result.inquiry_override`)}` : ''}</p>
  ${checkSection(ctx, p, inquiry)}`
      : ''
  }
</section>`;
}

function checkSection(ctx: PageContext, p: ProcessingTimesPageProps, inquiry: InquiryDate): SafeHtml {
  const { t, lang } = ctx;
  const errors = p.errors ?? [];
  const c = p.check ?? {};
  const outcome = c.outcome;
  const answer = !outcome
    ? ''
    : outcome.kind === 'yes'
      ? alert({
          type: 'success',
          live: true,
          headingLevel: 3,
          heading: t(`${T}:check.yes_heading`),
          body: html`<p>${t(`${T}:check.yes_body`)}</p><p><a class="usa-link" href="${CASE_INQUIRY_HREF}">${t(`${T}:check.yes_link`)}</a></p>`,
        })
      : alert({
          type: 'info',
          live: true,
          headingLevel: 3,
          heading: t(`${T}:check.no_heading`),
          body: outcome.askOn
            ? t(`${T}:check.no_body`, { date: longCalendarDate(outcome.askOn, lang) })
            : t(`${T}:check.no_body_override`, { date: longCalendarDate(inquiry.date, lang) }),
        });
  return html`<h3 id="check-heading">${t(`${T}:check.heading`)}</h3>
  ${answer}
  <form class="usa-form usa-form--large" method="get" action="/processing-times" novalidate>
    <input type="hidden" name="form" value="${p.choice.form ?? ''}">
    ${p.choice.category ? html`<input type="hidden" name="category" value="${p.choice.category}">` : ''}
    <input type="hidden" name="office" value="${p.choice.office ?? ''}">
    ${memorableDate({
      name: 'received',
      legend: t(`${T}:check.legend`),
      hint: t(`${T}:check.hint`),
      labels: { month: t(`${T}:check.month`), day: t(`${T}:check.day`), year: t(`${T}:check.year`) },
      month: c.month,
      day: c.day,
      year: c.year,
      error: errorFor(errors, 'received_month'),
    })}
    ${button(t(`${T}:check.submit`))}
  </form>`;
}

/** GET /processing-times: choose, see the range and the inquiry date, check a receipt date (issue 18 point 3). */
export function processingTimesPage(ctx: PageContext, p: ProcessingTimesPageProps): SafeHtml {
  const { t } = ctx;
  const title = t(`${T}:title`);
  const publication = p.publication;
  if (!publication || publication.figures.length === 0) {
    return publicPage(
      ctx,
      title,
      html`<h1>${title}</h1>
<p class="usa-intro">${t(`${T}:intro`)}</p>
${alert({ type: 'info', heading: t(`${T}:none.heading`), headingLevel: 2, body: t(`${T}:none.body`) })}
${contactList(ctx)}
<p>${t(`${T}:none.status`)} <a class="usa-link" href="/case-status">${t(`${T}:none.status_link`)}</a></p>`,
      [],
      'medium',
    );
  }
  return publicPage(
    ctx,
    title,
    html`<h1>${title}</h1>
<p class="usa-intro">${t(`${T}:intro`)}</p>
${choiceForm(ctx, p, publication)}
${p.notPublished ? alert({ type: 'warning', live: true, body: t(`${T}:not_published`) }) : ''}
${p.notPublished ? contactList(ctx) : ''}
${p.result ? resultSection(ctx, p, publication, p.result) : ''}`,
    p.errors ?? [],
    'medium',
  );
}
