import { formatDate, longDate } from '../../platform/format.js';
import {
  addressLines,
  MILITARY_STATES,
  US_STATES,
  US_TERRITORIES,
  type Address,
  type AddressFields,
} from '../../platform/us-address.js';
import {
  alert,
  button,
  csrfField,
  submissionField,
  errorFor,
  radioGroup,
  select,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { page, type SignedIn } from '../../platform/views/frame.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { FIELD_IDS, type AddressChangeForm, type ChangeHistoryEntry, type Overview } from './service.js';

type Ctx = PageContext & { timeZone: string };

/** An address as lines, one per line (a screen reader reads them in order). */
function addressBlock(ctx: Ctx, address: Address): SafeHtml {
  return html`<address class="casedesk-address">${addressLines(address, ctx.t('address:care_of')).map((line, i) =>
    i ? html`<br>${line}` : html`${line}`,
  )}</address>`;
}

function s1367Notice(ctx: Ctx): SafeHtml {
  const { t } = ctx;
  return alert({ type: 'info', heading: t('address_change:s1367.heading'), body: t('address_change:s1367.body') });
}

function statusText(ctx: Ctx, c: ChangeHistoryEntry['cases'][number]): SafeHtml {
  const { t } = ctx;
  return html`<span class="usa-tag${c.status === 'failed' ? ' bg-secondary-dark' : c.status === 'confirmed' ? ' bg-green' : ''}" data-status="${c.status}">${t(`address_change:status.${c.status}`)}</span>${
    c.status === 'failed'
      ? html`<br>${c.reason ? t('address_change:reason', { reason: c.reason }) : ''} ${t('address_change:failed_help')}`
      : ''
  }`;
}

function historySection(ctx: Ctx, history: ChangeHistoryEntry[]): SafeHtml {
  const { t, lang } = ctx;
  return html`<section aria-labelledby="history-heading" id="address-history">
  <h2 id="history-heading">${t('address_change:history.heading')}</h2>
  ${
    history.length
      ? history.map(
          (h) => html`<div class="margin-bottom-4 casedesk-address-change" id="change-${h.id}">
  <h3>${t('address_change:history.change_of', { date: longDate(h.requestedAt, lang, ctx.timeZone) })}</h3>
  <div class="grid-row grid-gap">
    <div class="tablet:grid-col-6"><h4 class="margin-bottom-05">${t('address_change:current.mailing')}</h4>${addressBlock(ctx, h.mailing)}</div>
    <div class="tablet:grid-col-6"><h4 class="margin-bottom-05">${t('address_change:current.physical')}</h4>${h.same ? html`<p>${t('address_change:current.same')}</p>` : addressBlock(ctx, h.physical)}</div>
  </div>
  ${
    h.cases.length
      ? html`<table class="usa-table usa-table--borderless usa-table--stacked">
    <caption>${t('address_change:history.caption')}</caption>
    <thead><tr><th scope="col">${t('address_change:history.receipt')}</th><th scope="col">${t('address_change:history.status')}</th><th scope="col">${t('address_change:history.updated')}</th></tr></thead>
    <tbody>${h.cases.map(
      (c) =>
        html`<tr data-receipt="${c.receiptNumber}"><th scope="row" data-label="${t('address_change:history.receipt')}">${c.receiptNumber}</th><td data-label="${t('address_change:history.status')}">${statusText(ctx, c)}</td><td data-label="${t('address_change:history.updated')}">${formatDate(c.at, lang, ctx.timeZone, 'dateTime')}</td></tr>`,
    )}</tbody>
  </table>`
      : html`<p>${t('address_change:history.no_cases')}</p>`
  }
</div>`,
        )
      : html`<p>${t('address_change:history.none')}</p>`
  }
</section>`;
}

/** `/account/address`: the addresses on file, the cases a change applies to, the history with a status per case. */
export function overviewPage(
  ctx: Ctx,
  p: SignedIn & { overview: Overview; sent?: ChangeHistoryEntry; refused?: boolean },
): SafeHtml {
  const { t, lang } = ctx;
  const o = p.overview;
  const title = t('address_change:title');
  if (!o.offered) {
    return page(
      ctx,
      title,
      html`<h1>${title}</h1>
${p.refused ? alert({ type: 'error', live: true, slim: true, body: t('address_change:refused') }) : ''}
${s1367Notice(ctx)}`,
      [],
      p,
    );
  }
  const sent = p.sent
    ? alert({
        type: 'success',
        live: true,
        heading: t('address_change:done.heading'),
        body: t('address_change:done.body', { count: p.sent.cases.length }),
      })
    : '';
  return page(
    ctx,
    title,
    html`<h1>${title}</h1>
${sent}
<p class="usa-intro">${t('address_change:intro')}</p>
<section aria-labelledby="current-heading" id="current-addresses">
  <h2 id="current-heading">${t('address_change:current.heading')}</h2>
  ${
    o.current
      ? html`<p class="usa-hint">${t('address_change:current.since', { date: longDate(o.current.at, lang, ctx.timeZone) })}</p>
  <div class="grid-row grid-gap">
    <div class="tablet:grid-col-6"><h3>${t('address_change:current.mailing')}</h3>${addressBlock(ctx, o.current.mailing)}</div>
    <div class="tablet:grid-col-6"><h3>${t('address_change:current.physical')}</h3>${o.current.same ? html`<p>${t('address_change:current.same')}</p>` : addressBlock(ctx, o.current.physical)}</div>
  </div>`
      : html`<p>${t('address_change:current.none')}</p>`
  }
  <p><a class="usa-button" href="/account/address/change">${t('address_change:start')}</a></p>
</section>
<section aria-labelledby="cases-heading" id="address-cases">
  <h2 id="cases-heading">${t('address_change:cases.heading')}</h2>
  ${
    o.cases.length
      ? html`<ul class="usa-list">${o.cases.map((c) => html`<li>${c.receiptNumber} (${c.formCode})</li>`)}</ul>`
      : html`<p>${t('address_change:cases.none')}</p>`
  }
  ${
    o.representedCases.length
      ? alert({
          type: 'info',
          slim: true,
          body: t('address_change:cases.represented', { count: o.representedCases.length }),
        })
      : ''
  }
</section>
${historySection(ctx, o.history)}`,
    [],
    p,
  );
}

const stateOptions = (ctx: Ctx, military: boolean): (readonly [string, string])[] => [
  ['', ctx.t('address:fields.state_choose')],
  ...[...US_STATES, ...US_TERRITORIES, ...(military ? MILITARY_STATES : [])].map(
    (s) => [s.code, `${s.code} - ${s.name}`] as const,
  ),
];

/** One address's fields, named with the prefix (`m_` mailing, `p_` physical). */
function addressFields(
  ctx: Ctx,
  prefix: 'm_' | 'p_',
  v: AddressFields,
  errors: FieldError[],
  kinds: readonly ('us' | 'military' | 'foreign')[],
): SafeHtml {
  const { t } = ctx;
  const name = (f: keyof AddressFields) => `${prefix}${FIELD_IDS[f]}`;
  const text = (f: keyof AddressFields, extra: Partial<Parameters<typeof textInput>[0]> = {}) =>
    textInput({
      name: name(f),
      label: t(`address:fields.${FIELD_IDS[f]}`),
      value: v[f],
      error: errorFor(errors, name(f)),
      maxlength: 100,
      ...extra,
    });
  const section = prefix === 'm_' ? 'shipping' : 'home';
  return html`${radioGroup({
    name: name('kind'),
    legend: t('address:kind.legend'),
    value: v.kind || 'us',
    error: errorFor(errors, name('kind')),
    options: kinds.map((k) => ({ value: k, label: t(`address:kind.${k}`) })),
  })}
${prefix === 'm_' ? text('inCareOf', { hint: t('address:fields.in_care_of_hint'), autocomplete: 'off' }) : ''}
${text('street', { hint: kinds.includes('military') ? t('address:fields.street_hint') : undefined, autocomplete: `section-${section} address-line1` })}
${text('unit', { autocomplete: `section-${section} address-line2` })}
${text('city', { hint: kinds.includes('military') ? t('address:fields.city_hint') : undefined, autocomplete: `section-${section} address-level2` })}
${select({
  name: name('state'),
  label: t('address:fields.state'),
  value: v.state,
  error: errorFor(errors, name('state')),
  autocomplete: `section-${section} address-level1`,
  options: stateOptions(ctx, kinds.includes('military')),
})}
${text('zip', { hint: t('address:fields.zip_hint'), inputmode: 'numeric', width: 'md', maxlength: 10, autocomplete: `section-${section} postal-code` })}
${
  kinds.includes('foreign')
    ? html`<fieldset class="usa-fieldset margin-top-3">
  <legend class="usa-legend">${t('address:fields.abroad')}</legend>
  ${text('region')}
  ${text('postalCode', { width: 'md', maxlength: 20 })}
  ${text('country', { autocomplete: `section-${section} country-name` })}
</fieldset>`
    : ''
}`;
}

/** The form: both addresses, "same as mailing", Continue to the check page. */
export function formPage(ctx: Ctx, p: SignedIn & { values: AddressChangeForm; errors: FieldError[] }): SafeHtml {
  const { t } = ctx;
  const title = t('address_change:form.title');
  return page(
    ctx,
    title,
    html`<h1>${title}</h1>
<form class="usa-form usa-form--large" method="post" action="/account/address/change" novalidate>
  ${csrfField(p.csrf)}
  <fieldset class="usa-fieldset">
    <legend class="usa-legend usa-legend--large">${t('address_change:form.mailing')}</legend>
    <p class="usa-hint">${t('address_change:form.mailing_hint')}</p>
    ${addressFields(ctx, 'm_', p.values.mailing, p.errors, ['us', 'military'])}
  </fieldset>
  <fieldset class="usa-fieldset margin-top-4">
    <legend class="usa-legend usa-legend--large">${t('address_change:form.physical')}</legend>
    <p class="usa-hint">${t('address_change:form.physical_hint')}</p>
    <div class="usa-form-group${errorFor(p.errors, 'same') ? ' usa-form-group--error' : ''}">
      ${errorFor(p.errors, 'same') ? html`<span class="usa-error-message" id="same-error" role="alert">${errorFor(p.errors, 'same')}</span>` : ''}
      <div class="usa-checkbox">
        <input class="usa-checkbox__input" id="same" type="checkbox" name="same" value="yes"${p.values.same ? html` checked` : ''}${errorFor(p.errors, 'same') ? html` aria-describedby="same-error"` : ''}>
        <label class="usa-checkbox__label" for="same">${t('address_change:form.same')}</label>
      </div>
    </div>
    ${addressFields(ctx, 'p_', p.values.physical, p.errors, ['us', 'foreign'])}
  </fieldset>
  ${button(t('address_change:form.continue'))}
  <p><a class="usa-link" href="/account/address">${t('address_change:form.cancel')}</a></p>
</form>`,
    p.errors,
    p,
  );
}

/** Hidden fields that carry the form's values through the check page. */
function carried(form: AddressChangeForm): SafeHtml {
  const hidden = (prefix: 'm_' | 'p_', v: AddressFields) =>
    (Object.keys(FIELD_IDS) as (keyof AddressFields)[]).map(
      (f) => html`<input type="hidden" name="${prefix}${FIELD_IDS[f]}" value="${v[f]}">`,
    );
  return html`${hidden('m_', form.mailing)}${hidden('p_', form.physical)}${form.same ? html`<input type="hidden" name="same" value="yes">` : ''}`;
}

/** GOV.UK "Check your answers": both addresses as they will be sent, the cases, Change and Send. */
export function checkPage(
  ctx: Ctx,
  p: SignedIn & { values: AddressChangeForm; mailing: Address; physical: Address; cases: string[]; submission: string },
): SafeHtml {
  const { t } = ctx;
  const title = t('address_change:check.title');
  const change = (what: string) =>
    html`<button class="usa-button usa-button--unstyled" type="submit" name="action" value="change">${t('address_change:check.change')}<span class="usa-sr-only"> ${what}</span></button>`;
  return page(
    ctx,
    title,
    html`<h1>${title}</h1>
<p>${t('address_change:check.intro')}</p>
<form method="post" action="/account/address/confirm">
  ${csrfField(p.csrf)}${submissionField(p.submission)}
  ${carried(p.values)}
  <dl class="casedesk-check-answers">
    <div class="grid-row grid-gap border-bottom-1px border-base-lighter padding-y-2">
      <dt class="tablet:grid-col-4 text-bold">${t('address_change:current.mailing')}</dt>
      <dd class="tablet:grid-col-6 margin-left-0" id="check-mailing">${addressBlock(ctx, p.mailing)}</dd>
      <dd class="tablet:grid-col-2 margin-left-0">${change(t('address_change:current.mailing'))}</dd>
    </div>
    <div class="grid-row grid-gap border-bottom-1px border-base-lighter padding-y-2">
      <dt class="tablet:grid-col-4 text-bold">${t('address_change:current.physical')}</dt>
      <dd class="tablet:grid-col-6 margin-left-0" id="check-physical">${p.values.same ? html`<p class="margin-0">${t('address_change:current.same')}</p>` : addressBlock(ctx, p.physical)}</dd>
      <dd class="tablet:grid-col-2 margin-left-0">${change(t('address_change:current.physical'))}</dd>
    </div>
    <div class="grid-row grid-gap border-bottom-1px border-base-lighter padding-y-2">
      <dt class="tablet:grid-col-4 text-bold">${t('address_change:check.applies')}</dt>
      <dd class="tablet:grid-col-8 margin-left-0" id="check-cases">${p.cases.length ? html`<ul class="usa-list usa-list--unstyled">${p.cases.map((r) => html`<li>${r}</li>`)}</ul>` : t('address_change:check.applies_none')}</dd>
    </div>
  </dl>
  <p>${t('address_change:check.declaration')}</p>
  ${button(t('address_change:check.submit'), { name: 'action', value: 'submit' })}
</form>`,
    [],
    p,
  );
}
