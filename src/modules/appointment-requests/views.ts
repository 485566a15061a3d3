import { longDate } from '../../platform/format.js';
import {
  alert,
  button,
  checkboxGroup,
  csrfField,
  errorFor,
  memorableDate,
  radioGroup,
  submissionField,
  table,
  textArea,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { publicPage, titledStaffPage, type SignedIn, type StaffPageContext } from '../../platform/views/frame.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { siteAddressLines, siteName } from '../appointments/index.js';
import type { ServiceItemRow } from '../service-items/index.js';
import { LIMITS, WEEKDAYS } from './schema.js';
import { MAX_ANSWER, type RequestView, type SiteOption } from './service.js';
import { REQUEST_REASONS, TIMES_OF_DAY, type AppointmentRequestRow, type RequestReason } from './tables.js';

/** Pages of the online appointment request: the reasons, the form, the reference number, "View your appointment", and the agent's decision. */

export type Values = Record<string, string | string[] | undefined>;
const one = (v: Values | undefined, name: string): string | undefined => {
  const value = v?.[name];
  return typeof value === 'string' ? value : undefined;
};
const T = 'appointment_requests';

/** The date of birth, asked the same way on the request and on "View your appointment". */
function dateOfBirthField(t: PageContext['t'], v: Values | undefined, error: string | undefined): SafeHtml {
  return memorableDate({
    name: 'dob',
    legend: t(`${T}:form.dob.legend`),
    hint: t(`${T}:form.dob.hint`),
    labels: { month: t(`${T}:date.month`), day: t(`${T}:date.day`), year: t(`${T}:date.year`) },
    month: one(v, 'dob_month'),
    day: one(v, 'dob_day'),
    year: one(v, 'dob_year'),
    error,
  });
}

/** The Contact Center's numbers and hours (CC-1), said wherever the online request cannot help. */
function contactCenter(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return html`<ul class="usa-list">
  <li>${t(`${T}:contact.phone`)} <a class="usa-link" href="tel:1-800-375-5283">800-375-5283</a></li>
  <li>${t(`${T}:contact.tty`)} <a class="usa-link" href="tel:1-800-767-1833">800-767-1833</a></li>
  <li>${t(`${T}:contact.hours`)}</li>
</ul>`;
}

/** Start: why the person needs an appointment (APPT-1). A GET form: works without JavaScript. */
export function startPage(ctx: PageContext, p: { errors?: FieldError[] } = {}): SafeHtml {
  const { t } = ctx;
  return publicPage(
    ctx,
    t(`${T}:start.title`),
    html`<h1>${t(`${T}:start.title`)}</h1>
<p class="usa-intro">${t(`${T}:start.intro`)}</p>
<p>${t(`${T}:start.how`)}</p>
<form class="usa-form usa-form--large" method="get" action="/appointments/request" novalidate>
<input type="hidden" name="chosen" value="1">
${radioGroup({
  name: 'reason',
  legend: t(`${T}:start.legend`),
  options: [
    ...REQUEST_REASONS.map((r) => ({ value: r, label: t(`${T}:reasons.${r}`), hint: t(`${T}:reason_hints.${r}`) })),
    { value: 'other', label: t(`${T}:reasons.other`), hint: t(`${T}:reason_hints.other`) },
  ],
  error: errorFor(p.errors, 'reason'),
})}
${button(t(`${T}:start.continue`))}
</form>
<p class="margin-top-4"><a class="usa-link" href="/appointments/view">${t(`${T}:start.view_link`)}</a></p>`,
    p.errors ?? [],
    'medium',
  );
}

/** "Other": no request is taken (APPT-1); the Contact Center serves it. */
export function otherPage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return publicPage(
    ctx,
    t(`${T}:other.title`),
    html`<h1>${t(`${T}:other.title`)}</h1>
${alert({ type: 'info', body: t(`${T}:other.body`) })}
${contactCenter(ctx)}
<p><a class="usa-link" href="/appointments/request">${t(`${T}:other.back`)}</a></p>`,
    [],
    'medium',
  );
}

/** The request form (APPT-2) of one reason. */
export function formPage(
  ctx: PageContext,
  p: { reason: RequestReason; csrf: string; submission: string; values?: Values; errors?: FieldError[] },
): SafeHtml {
  const { t, lang } = ctx;
  const v = p.values;
  const e = (field: string) => errorFor(p.errors, field);
  const L = (key: string) => t(`${T}:form.${key}.label`);
  const H = (key: string) => t(`${T}:form.${key}.hint`);
  const weekdays = Array.isArray(v?.weekdays) ? v.weekdays : [];
  return publicPage(
    ctx,
    t(`${T}:form.title`, { reason: t(`${T}:reasons.${p.reason}`) }),
    html`<h1>${t(`${T}:form.title`, { reason: t(`${T}:reasons.${p.reason}`) })}</h1>
<p class="usa-intro">${t(`${T}:form.intro`)}</p>
<p>${t(`${T}:form.required_note`)}</p>
<form class="usa-form usa-form--large" method="post" action="/appointments/request/${p.reason}" novalidate>
${csrfField(p.csrf)}${submissionField(p.submission)}
<fieldset class="usa-fieldset">
  <legend class="usa-legend usa-legend--large">${t(`${T}:form.name_legend`)}</legend>
  <p class="usa-hint" id="name-hint">${t(`${T}:form.name_hint`)}</p>
  ${textInput({ name: 'first_name', label: L('first_name'), value: one(v, 'first_name'), error: e('first_name'), autocomplete: 'given-name', required: true, maxlength: LIMITS.first_name, spellcheck: false })}
  ${textInput({ name: 'middle_name', label: L('middle_name'), value: one(v, 'middle_name'), error: e('middle_name'), autocomplete: 'additional-name', maxlength: LIMITS.middle_name, spellcheck: false })}
  ${textInput({ name: 'last_name', label: L('last_name'), value: one(v, 'last_name'), error: e('last_name'), autocomplete: 'family-name', required: true, maxlength: LIMITS.last_name, spellcheck: false })}
</fieldset>
${dateOfBirthField(t, v, e('dob_month'))}
${textInput({ name: 'country_of_birth', label: L('country_of_birth'), value: one(v, 'country_of_birth'), error: e('country_of_birth'), autocomplete: 'country-name', required: true, maxlength: LIMITS.country_of_birth })}
${textInput({ name: 'zip', label: L('zip'), hint: H('zip'), value: one(v, 'zip'), error: e('zip'), autocomplete: 'postal-code', inputmode: 'numeric', required: true, maxlength: LIMITS.zip, width: 'sm' })}
${textInput({ name: 'email', label: L('email'), value: one(v, 'email'), error: e('email'), type: 'email', autocomplete: 'email', required: true, maxlength: LIMITS.email, spellcheck: false })}
${textInput({ name: 'phone', label: L('phone'), hint: H('phone'), value: one(v, 'phone'), error: e('phone'), type: 'tel', autocomplete: 'tel', required: true, maxlength: LIMITS.phone })}
<fieldset class="usa-fieldset">
  <legend class="usa-legend usa-legend--large">${t(`${T}:form.identifier_legend`)}</legend>
  <p class="usa-hint">${t(`${T}:form.identifier_hint`)}</p>
  ${textInput({ name: 'a_number', label: L('a_number'), hint: H('a_number'), value: one(v, 'a_number'), error: e('a_number'), maxlength: LIMITS.a_number, width: 'md', autocapitalize: 'characters', spellcheck: false })}
  ${textInput({ name: 'receipt_number', label: L('receipt_number'), hint: H('receipt_number'), value: one(v, 'receipt_number'), error: e('receipt_number'), maxlength: LIMITS.receipt_number, width: 'md', autocapitalize: 'characters', spellcheck: false })}
</fieldset>
<fieldset class="usa-fieldset">
  <legend class="usa-legend usa-legend--large">${t(`${T}:form.preferences_legend`)}</legend>
  ${alert({ type: 'info', slim: true, body: t(`${T}:form.not_guaranteed`) })}
  ${checkboxGroup({
    name: 'weekdays',
    legend: t(`${T}:form.weekdays.legend`),
    hint: t(`${T}:form.weekdays.hint`),
    options: WEEKDAYS.map((d) => ({ value: d, label: t(`${T}:weekdays.${d}`) })),
    values: weekdays,
    error: e('weekdays'),
  })}
  ${radioGroup({
    name: 'time_of_day',
    legend: t(`${T}:form.time_of_day.legend`),
    options: TIMES_OF_DAY.map((x) => ({ value: x, label: t(`${T}:times.${x}`) })),
    value: one(v, 'time_of_day') || 'any',
    error: e('time_of_day'),
  })}
</fieldset>
${radioGroup({
  name: 'language',
  legend: t(`${T}:form.language.legend`),
  options: [
    { value: 'en', label: 'English' },
    { value: 'es', label: 'Español' },
  ],
  value: one(v, 'language') || lang,
  error: e('language'),
})}
${checkboxGroup({
  name: 'text_reminder',
  legend: t(`${T}:form.text_reminder.legend`),
  options: [{ value: 'yes', label: t(`${T}:form.text_reminder.label`), hint: t(`${T}:form.text_reminder.hint`) }],
  values: one(v, 'text_reminder') ? ['yes'] : [],
})}
${button(t(`${T}:form.submit`))}
</form>`,
    p.errors ?? [],
    'medium',
  );
}

/** The reference number (APPT-3), after the post (Post/Redirect/Get). */
export function sentPage(ctx: PageContext, p: { request: AppointmentRequestRow }): SafeHtml {
  const { t } = ctx;
  return publicPage(
    ctx,
    t(`${T}:sent.title`),
    html`<h1>${t(`${T}:sent.title`)}</h1>
<div class="usa-summary-box" role="region" aria-labelledby="reference-heading"><div class="usa-summary-box__body">
<h2 class="usa-summary-box__heading" id="reference-heading">${t(`${T}:sent.reference`)}</h2>
<p class="font-sans-xl text-bold margin-y-1" data-reference>${String(p.request.item_number)}</p>
<p>${t(`${T}:sent.keep`)}</p>
</div></div>
<h2>${t(`${T}:sent.next_heading`)}</h2>
<p>${t(`${T}:sent.next`, { email: p.request.email })}</p>
<p>${t(`${T}:sent.urgent`)}</p>
<p><a class="usa-link" href="/appointments/view">${t(`${T}:sent.view_link`)}</a></p>`,
    [],
    'medium',
  );
}

/** "View your appointment": the reference number and date of birth form, or what they name (APPT-4). */
export function viewPage(
  ctx: PageContext & { timeZone: string },
  p: { csrf: string; values?: Values; errors?: FieldError[]; result?: RequestView; notice?: string; dobText?: string },
): SafeHtml {
  const { t, lang } = ctx;
  const v = p.values;
  const e = (field: string) => errorFor(p.errors, field);
  const r = p.result;
  const body = r
    ? html`${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${table({
  caption: t(`${T}:view.summary`),
  headers: [t(`${T}:view.field`), t(`${T}:view.value`)],
  rows: [
    [t(`${T}:view.reference`), String(r.request.item_number)],
    [t(`${T}:view.reason`), t(`${T}:reasons.${r.request.reason}`)],
    [t(`${T}:view.requested`), longDate(r.request.created_at, lang, ctx.timeZone)],
    [t(`${T}:view.status`), html`<strong>${t(`${T}:statuses.${r.request.status}`)}</strong>`],
    ...(r.appointment
      ? [
          [t(`${T}:view.when`), r.appointment.when],
          [
            t(`${T}:view.where`),
            html`${siteName(r.appointment.site, lang)}<br>${siteAddressLines(r.appointment.site).map((l, i) => html`${i ? html`<br>` : ''}${l}`)}`,
          ],
        ]
      : []),
  ],
  stacked: true,
})}
<p>${t(`${T}:status_help.${r.request.status}`)}</p>
${
  r.request.status === 'booked' && r.appointment
    ? html`<h2>${t(`${T}:view.documents`)}</h2>
<ul class="usa-list">
  <li><a class="usa-link" href="/appointments/view/letter.pdf" download>${t(`${T}:view.letter`)}</a></li>
  <li><a class="usa-link" href="/appointments/view/appointment.ics" download>${t(`${T}:view.calendar`)}</a></li>
</ul>`
    : ''
}
${
  r.mayCancel
    ? html`<h2>${t(`${T}:view.cancel_heading`)}</h2>
<form class="usa-form" method="post" action="/appointments/view/cancel" novalidate>${csrfField(p.csrf)}
${checkboxGroup({
  name: 'confirm',
  legend: t(`${T}:view.cancel_legend`),
  options: [{ value: 'yes', label: t(`${T}:view.cancel_confirm`) }],
  error: e('confirm'),
})}
${button(t(`${T}:view.cancel_button`), { secondary: true })}
</form>`
    : ''
}
<p class="margin-top-4"><a class="usa-link" href="/appointments/view?leave=1">${t(`${T}:view.another`)}</a></p>`
    : html`<p class="usa-intro">${t(`${T}:view.intro`)}</p>
<form class="usa-form usa-form--large" method="post" action="/appointments/view" novalidate>${csrfField(p.csrf)}
${textInput({ name: 'reference', label: t(`${T}:view.reference`), hint: t(`${T}:view.reference_hint`), value: one(v, 'reference'), error: e('reference'), inputmode: 'numeric', maxlength: 20, width: 'md', autocomplete: 'off' })}
${dateOfBirthField(t, v, e('dob_month'))}
${button(t(`${T}:view.submit`))}
</form>
<p class="margin-top-4"><a class="usa-link" href="/appointments/request">${t(`${T}:view.request_link`)}</a></p>`;
  return publicPage(
    ctx,
    t(`${T}:view.title`),
    html`<h1>${t(`${T}:view.title`)}</h1>
${body}`,
    p.errors ?? [],
    'medium',
  );
}

// ---- The agent's page (APPT-3) ---------------------------------------------------------------------------------------

/** An appointment-request item without an online form behind it (logged from a call, or from the demo data). */
export function noRequestPage(ctx: StaffPageContext, p: { signedIn: SignedIn; item: ServiceItemRow }): SafeHtml {
  const { t } = ctx;
  const number = String(p.item.number);
  return titledStaffPage(ctx, p, {
    title: t(`${T}:agent.title`, { number }),
    current: '/agent',
    body: html`<p>${t(`${T}:agent.no_request`)}</p>
<p><a class="usa-link" href="/agent/items/${number}">${t(`${T}:agent.back`, { number })}</a></p>`,
  });
}

export function agentPage(
  ctx: StaffPageContext,
  p: {
    signedIn: SignedIn;
    item: ServiceItemRow;
    request: AppointmentRequestRow;
    preferences: string;
    dob: string;
    view: RequestView;
    options: SiteOption[];
    errors?: FieldError[];
    values?: Values;
    notice?: string;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const r = p.request;
  const number = String(p.item.number);
  const open = r.status === 'requested' && p.item.status !== 'resolved' && p.item.status !== 'closed';
  const name = [r.first_name, r.middle_name, r.last_name].filter(Boolean).join(' ');
  const slotsOffered = p.options.some((o) => o.slots.length > 0);
  return titledStaffPage(ctx, p, {
    title: t(`${T}:agent.title`, { number }),
    current: '/agent',
    body: html`${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
<p><a class="usa-link" href="/agent/items/${number}">${t(`${T}:agent.back`, { number })}</a></p>
${table({
  caption: t(`${T}:agent.request`),
  headers: [t(`${T}:view.field`), t(`${T}:view.value`)],
  rows: [
    [t(`${T}:view.reason`), t(`${T}:reasons.${r.reason}`)],
    [t(`${T}:view.status`), t(`${T}:statuses.${r.status}`)],
    [t(`${T}:agent.name`), name],
    [t(`${T}:form.dob.legend`), p.dob],
    [t(`${T}:form.country_of_birth.label`), r.country_of_birth],
    [t(`${T}:form.zip.label`), r.zip],
    [t(`${T}:form.a_number.label`), r.a_number ?? '—'],
    [t(`${T}:form.receipt_number.label`), r.receipt_number ?? '—'],
    [t(`${T}:agent.contact`), html`${r.email}<br>${r.phone}`],
    [t(`${T}:agent.language`), r.language === 'es' ? 'Español' : 'English'],
    [t(`${T}:agent.preferences`), p.preferences],
    [t(`${T}:agent.text_reminder`), r.text_reminder ? t(`${T}:agent.yes`) : t(`${T}:agent.no`)],
    ...(p.view.appointment
      ? [[t(`${T}:view.when`), `${p.view.appointment.when}, ${siteName(p.view.appointment.site, lang)}`]]
      : []),
  ],
  stacked: true,
})}
${
  open
    ? html`<h2>${t(`${T}:agent.book_heading`)}</h2>
<p>${t(`${T}:agent.book_help`)}</p>
${
  slotsOffered
    ? html`<form class="usa-form usa-form--large" method="post" action="/agent/items/${number}/appointment/book" novalidate>${csrfField(p.signedIn.csrf)}
${p.options
  .filter((o) => o.slots.length)
  .map((o, i) =>
    radioGroup({
      name: 'slot',
      id: i === 0 ? 'slot' : `slot-${o.site.code}`,
      legend: t(`${T}:agent.site_legend`, {
        site: siteName(o.site, lang),
        address: siteAddressLines(o.site).join(', '),
        miles: String(Math.round(o.miles)),
      }),
      options: o.slots.map((s) => ({
        value: String(s.slot.id),
        label: s.when,
        ...(s.fits ? { hint: t(`${T}:agent.fits`) } : {}),
      })),
      value: one(p.values, 'slot'),
      error: i === 0 ? errorFor(p.errors, 'slot') : undefined,
    }),
  )}
${button(t(`${T}:agent.book_button`))}
</form>`
    : alert({ type: 'warning', slim: true, body: t(`${T}:agent.no_slots`) })
}
<h2>${t(`${T}:agent.answer_heading`)}</h2>
<form class="usa-form usa-form--large" method="post" action="/agent/items/${number}/appointment/answer" novalidate>${csrfField(p.signedIn.csrf)}
${textArea({ name: 'message', label: t(`${T}:agent.answer_label`, { language: r.language === 'es' ? 'Español' : 'English' }), hint: t(`${T}:agent.answer_hint`), value: one(p.values, 'message'), error: errorFor(p.errors, 'message'), maxlength: MAX_ANSWER })}
${button(t(`${T}:agent.answer_button`), { secondary: true })}
</form>`
    : html`<p>${t(`${T}:agent.decided`)}</p>`
}`,
  });
}
