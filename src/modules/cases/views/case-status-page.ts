import { alert, button, errorSummary, table, textInput, type FieldError } from '../../../platform/views/components.js';
import { html, type SafeHtml } from '../../../platform/views/html.js';
import { layout, type PageContext } from '../../../platform/views/layout.js';
import { longDate } from '../../../platform/format.js';
import { formLongName } from '../forms.js';
import type { CaseStatusView } from '../service.js';
import { statusDescriptionHtml } from './status-text.js';

export interface CaseStatusPageProps {
  value?: string;
  error?: FieldError;
  notFound?: boolean;
  result?: CaseStatusView;
  timeZone: string;
}

/** Case Status Online (CASE-8): the lookup form, then the status, its description and the dated history. */
export function caseStatusPage(ctx: PageContext, p: CaseStatusPageProps): SafeHtml {
  const { t, lang } = ctx;
  const r = p.result;
  const title = r
    ? `${r.current.title[lang]} | ${t('cases:status.title')}`
    : p.error
      ? `${t('common:errors.summary_heading')}: ${t('cases:status.title')}`
      : t('cases:status.title');
  const form = html`<form class="usa-form usa-form--large" method="get" action="/case-status" novalidate>
  ${textInput({
    name: 'receipt_number',
    label: t('cases:receipt.label'),
    hint: t('cases:receipt.hint'),
    value: p.value,
    error: p.error?.message,
    autocomplete: 'off',
    spellcheck: false,
    autocapitalize: 'characters',
    maxlength: 40,
    width: 'lg',
  })}
  ${button(t('cases:status.submit'))}
</form>`;
  const main = html`<div class="grid-row grid-gap"><div class="grid-col-12 tablet:grid-col-10 desktop:grid-col-8">
  ${p.error ? errorSummary(t('common:errors.summary_heading'), [p.error]) : ''}
  ${r ? '' : html`<h1>${t('cases:status.title')}</h1><p class="usa-intro">${t('cases:status.intro')}</p>`}
  ${p.notFound ? alert({ type: 'warning', heading: t('cases:status.not_found_heading'), body: t('cases:status.not_found'), live: true }) : ''}
  ${r ? resultSection(ctx, r, p.timeZone) : form}
  ${r ? html`<h2>${t('cases:status.check_another')}</h2>${form}` : ''}
  <p>${t('processing_times_public:links.case_status_intro')} <a class="usa-link" href="/processing-times">${t('processing_times_public:links.case_status')}</a></p>
  <p class="text-base">${t('cases:status.privacy')}</p>
</div></div>`;
  return layout(ctx, { title, main, nav: 'case-status' });
}

function resultSection(ctx: PageContext, r: CaseStatusView, timeZone: string): SafeHtml {
  const { t, lang } = ctx;
  return html`<section aria-labelledby="status-title">
  <p class="margin-bottom-05 text-base-dark">${t('cases:status.result_label', { receipt: r.receiptNumber })}</p>
  <h1 id="status-title" class="casedesk-status-title">${r.current.title[lang]}</h1>
  <p class="casedesk-status-description font-sans-md line-height-sans-5 measure-5">${statusDescriptionHtml(r.current.description[lang], t)}</p>
  ${table({
    caption: t('cases:status.details_caption'),
    headers: [
      t('cases:status.receipt_number'),
      t('cases:status.form'),
      t('cases:status.submitted'),
      t('cases:status.last_updated'),
    ],
    rows: [
      [
        html`<span class="casedesk-receipt">${r.receiptNumber}</span>`,
        formLongName(r.formCode, lang),
        longDate(r.submittedAt, lang, timeZone),
        longDate(r.modifiedAt, lang, timeZone),
      ],
    ],
    stacked: true,
    borderless: true,
  })}
  <p><a class="usa-link" href="/case-status/subscribe?receipt_number=${r.receiptNumber}">${t('cases:status.subscribe_link')}</a></p>
  <h2>${t('cases:status.history_heading')}</h2>
  <p>${t('cases:status.history_intro')}</p>
  <ol class="casedesk-history" reversed>
    ${r.history.map((h) => html`<li><time datetime="${h.at.toISOString()}">${longDate(h.at, lang, timeZone)}</time>${h.title[lang]}</li>`)}
  </ol>
</section>`;
}
