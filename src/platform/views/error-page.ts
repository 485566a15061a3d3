import { html, type SafeHtml } from './html.js';
import { layout, type PageContext } from './layout.js';

/**
 * 401, 403, 404, 429, other 4xx (bad request), 500 and 503 pages, in the visitor's language, without technical detail.
 * A request whose input does not fit its route's declared schema (400) lists the fields that could not be read.
 */
export function errorPage(
  ctx: PageContext,
  status: number,
  requestId?: string,
  fields: readonly string[] = [],
): SafeHtml {
  const { t } = ctx;
  const kind =
    status === 404
      ? 'not_found'
      : status === 403
        ? 'forbidden'
        : status === 401
          ? 'unauthorized'
          : status === 429
            ? 'too_many'
            : status === 503
              ? 'unavailable'
              : status >= 400 && status < 500
                ? 'bad_request'
                : 'server';
  return layout(ctx, {
    title: t(`common:error_pages.${kind}.title`),
    main: html`<div class="grid-row"><div class="grid-col-12 tablet:grid-col-8">
  <h1>${t(`common:error_pages.${kind}.title`)}</h1>
  <p class="usa-intro">${t(`common:error_pages.${kind}.body`)}</p>
  ${
    fields.length
      ? html`<div class="usa-alert usa-alert--error usa-alert--slim casedesk-error-summary" id="error-summary" tabindex="-1" aria-labelledby="error-summary-heading"><div class="usa-alert__body">
    <h2 class="usa-alert__heading" id="error-summary-heading">${t('common:error_pages.bad_request.summary')}</h2>
    <ul class="usa-list">${fields.map((field) => html`<li>${t('common:error_pages.bad_request.field', { field })}</li>`)}</ul>
  </div></div>`
      : ''
  }
  <ul class="usa-list">
    <li><a class="usa-link" href="/">${t('common:error_pages.home')}</a></li>
    <li><a class="usa-link" href="/case-status">${t('common:error_pages.case_status')}</a></li>
  </ul>
  <p>${t('common:error_pages.contact')}</p>
  ${requestId && status >= 500 ? html`<p class="text-base font-body-3xs">${t('common:error_pages.reference', { id: requestId })}</p>` : ''}
</div></div>`,
  });
}

/**
 * A form posted with a token that no longer fits (the page stayed open too long, or the browser dropped its cookie):
 * not a question of access. Says the form expired and nothing was sent, links to the form again (a fresh copy, with a
 * fresh token), and shows what was typed so it can be copied back; never passwords, codes or other secrets.
 */
export function formExpiredPage(
  ctx: PageContext,
  p: { formHref: string; typed: readonly { field: string; value: string }[] },
): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: t('common:error_pages.form_expired.title'),
    main: html`<div class="grid-row"><div class="grid-col-12 tablet:grid-col-8">
  <h1>${t('common:error_pages.form_expired.title')}</h1>
  <p class="usa-intro">${t('common:error_pages.form_expired.body')}</p>
  <p><a class="usa-button" href="${p.formHref}">${t('common:error_pages.form_expired.again')}</a></p>
  ${
    p.typed.length
      ? html`<h2>${t('common:error_pages.form_expired.typed')}</h2>
  <p>${t('common:error_pages.form_expired.typed_hint')}</p>
  <dl class="casedesk-typed">${p.typed.map((entry) => html`<dt class="text-bold">${entry.field}</dt><dd class="margin-left-0 margin-bottom-2 casedesk-typed__value">${entry.value}</dd>`)}</dl>`
      : ''
  }
  <p>${t('common:error_pages.contact')}</p>
</div></div>`,
  });
}
