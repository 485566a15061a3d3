import {
  alert,
  button,
  checkboxGroup,
  csrfField,
  errorFor,
  memorableDate,
  radioGroup,
  select,
  submissionField,
  table,
  textArea,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type HtmlValue, type SafeHtml } from '../../platform/views/html.js';
import { publicPage as framePublicPage } from '../../platform/views/frame.js';
import type { PageContext } from '../../platform/views/layout.js';
import { FORMS, formLongName, officeName } from '../cases/index.js';
import { longCalendarDate, longDate } from '../../platform/format.js';
import { type ServiceItemRow, expectationText, urgencyText } from '../service-items/index.js';
import {
  ACCOMMODATION_KINDS,
  APPOINTMENT_KINDS,
  EXPEDITE_CRITERIA,
  hasFilingFields,
  LIMITS,
  MAIL_KINDS,
  receiptRequired,
  REQUEST_FORMS,
  REQUESTER_ROLES,
  RESCHEDULE_KINDS,
  type RequestForm,
} from './schema.js';
import { MAX_ANSWER, type InquiryRefusal, type StatusView } from './service.js';

/** Pages of e-Request: the start page, one form per request, the answers and the status page. */

export type Values = Record<string, string | string[] | undefined>;
const one = (v: Values, name: string): string | undefined => {
  const value = v[name];
  return typeof value === 'string' ? value : undefined;
};

/** A public page of e-request: the medium column. */
const publicPage = (ctx: PageContext, title: string, body: HtmlValue, errors: FieldError[] = []): SafeHtml =>
  framePublicPage(ctx, title, body, errors, 'medium');

const dateLabels = (ctx: PageContext) => ({
  month: ctx.t('e_request:date.month'),
  day: ctx.t('e_request:date.day'),
  year: ctx.t('e_request:date.year'),
});

// ---- Start page --------------------------------------------------------------------------------------------------------

export function startPage(ctx: PageContext, p: { value?: string; errors?: FieldError[] } = {}): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return publicPage(
    ctx,
    t('e_request:start.title'),
    html`<h1>${t('e_request:start.title')}</h1>
<p class="usa-intro">${t('e_request:start.intro')}</p>
<p>${t('e_request:start.status_intro')} <a class="usa-link" href="/case-status">${t('e_request:start.status_link')}</a>.</p>
${alert({ type: 'info', heading: t('e_request:section_1367.heading'), headingLevel: 2, body: t('e_request:section_1367.start') })}
<form class="usa-form usa-form--large" method="get" action="/e-request" novalidate>
  <input type="hidden" name="chosen" value="1">
  ${radioGroup({
    name: 'type',
    legend: t('e_request:start.legend'),
    value: p.value,
    error: errorFor(errors, 'type'),
    options: REQUEST_FORMS.map((form) => ({
      value: form,
      label: t(`e_request:forms.${form}.title`),
      hint: t(`e_request:forms.${form}.choice`),
    })),
  })}
  ${button(t('e_request:start.continue'))}
</form>
<h2>${t('e_request:start.sent_heading')}</h2>
<p>${t('e_request:start.sent_intro')} <a class="usa-link" href="/e-request/status">${t('e_request:start.sent_link')}</a>.</p>`,
    errors,
  );
}

// ---- One form per request --------------------------------------------------------------------------------------------

export function requestFormPage(
  ctx: PageContext,
  p: { form: RequestForm; csrf: string; submission?: string; values?: Values; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const v = p.values ?? {};
  const errors = p.errors ?? [];
  const f = p.form;
  const e = (field: string) => errorFor(errors, field);
  const date = (name: 'dob' | 'filed' | 'appointment', legend: string, hint: string) =>
    memorableDate({
      name,
      legend,
      hint,
      labels: dateLabels(ctx),
      month: one(v, `${name}_month`),
      day: one(v, `${name}_day`),
      year: one(v, `${name}_year`),
      error: e(`${name}_month`),
    });
  const options = (key: string, values: readonly string[], hints = false) =>
    values.map((value) => ({
      value,
      label: t(`e_request:choices.${key}.${value}`),
      ...(hints ? { hint: t(`e_request:choices.${key}_hints.${value}`) } : {}),
    }));
  const description = (label: string, hint: string) =>
    textArea({
      name: 'description',
      label,
      hint,
      value: one(v, 'description'),
      error: e('description'),
      maxlength: LIMITS.description,
    });

  const filing = hasFilingFields(f)
    ? html`${select({
        name: 'form_number',
        label: t('e_request:fields.form_number'),
        value: one(v, 'form_number'),
        error: e('form_number'),
        options: [
          ['', t('e_request:fields.select')],
          ...FORMS.map((x): [string, string] => [x.code, formLongName(x.code, ctx.lang)]),
        ],
      })}
  ${textInput({ name: 'form_sub_type', label: t('e_request:fields.form_sub_type'), hint: t('e_request:fields.form_sub_type_hint'), value: one(v, 'form_sub_type'), error: e('form_sub_type'), maxlength: LIMITS.form_sub_type })}
  ${date('filed', t('e_request:fields.filed'), t('e_request:fields.filed_hint'))}
  ${textInput({ name: 'a_number', label: t('e_request:fields.a_number'), hint: t('e_request:fields.a_number_hint'), value: one(v, 'a_number'), error: e('a_number'), maxlength: LIMITS.a_number, width: 'md', spellcheck: false, autocapitalize: 'characters' })}`
    : '';

  let specific: SafeHtml;
  switch (f) {
    case 'outside-processing-time':
      specific = description(t('e_request:fields.inquiry_details'), t('e_request:fields.inquiry_details_hint'));
      break;
    case 'typo-correction':
      specific = html`${textInput({ name: 'error_item', label: t('e_request:fields.error_item'), hint: t('e_request:fields.error_item_hint'), value: one(v, 'error_item'), error: e('error_item'), maxlength: LIMITS.error_item })}
  ${textInput({ name: 'correct_value', label: t('e_request:fields.correct_value'), hint: t('e_request:fields.correct_value_hint'), value: one(v, 'correct_value'), error: e('correct_value'), maxlength: LIMITS.correct_value })}`;
      break;
    case 'mail-not-received':
      specific = html`${textInput({ name: 'missing_item', label: t('e_request:fields.missing_item'), hint: t('e_request:fields.missing_item_hint'), value: one(v, 'missing_item'), error: e('missing_item'), maxlength: LIMITS.missing_item })}
  <fieldset class="usa-fieldset" aria-describedby="address-hint">
    <legend class="usa-legend">${t('e_request:fields.address')}</legend>
    <p class="usa-hint" id="address-hint">${t('e_request:fields.address_hint')}</p>
    ${textInput({ name: 'street', label: t('e_request:fields.street'), value: one(v, 'street'), error: e('street'), autocomplete: 'address-line1', maxlength: LIMITS.street })}
    ${textInput({ name: 'street2', label: t('e_request:fields.street2'), value: one(v, 'street2'), error: e('street2'), autocomplete: 'address-line2', maxlength: LIMITS.street2 })}
    ${textInput({ name: 'city', label: t('e_request:fields.city'), value: one(v, 'city'), error: e('city'), autocomplete: 'address-level2', maxlength: LIMITS.city })}
    ${textInput({ name: 'state', label: t('e_request:fields.state'), hint: t('e_request:fields.state_hint'), value: one(v, 'state'), error: e('state'), autocomplete: 'address-level1', maxlength: LIMITS.state, width: 'xs', autocapitalize: 'characters' })}
    ${textInput({ name: 'zip', label: t('e_request:fields.zip'), value: one(v, 'zip'), error: e('zip'), autocomplete: 'postal-code', inputmode: 'numeric', maxlength: LIMITS.zip, width: 'md' })}
  </fieldset>`;
      break;
    case 'accommodation-request': {
      const chosen = Array.isArray(v.accommodation)
        ? v.accommodation
        : typeof v.accommodation === 'string'
          ? [v.accommodation]
          : [];
      specific = html`${checkboxGroup({
        name: 'accommodation',
        legend: t('e_request:fields.accommodation'),
        hint: t('e_request:fields.accommodation_hint'),
        values: chosen,
        error: e('accommodation'),
        options: ACCOMMODATION_KINDS.map((k) => ({ value: k, label: t(`e_request:accommodation_kinds.${k}`) })),
      })}
  ${radioGroup({ name: 'appointment_kind', legend: t('e_request:fields.appointment_kind'), value: one(v, 'appointment_kind'), error: e('appointment_kind'), options: options('appointment_kind', APPOINTMENT_KINDS) })}
  ${date('appointment', t('e_request:fields.appointment_optional'), t('e_request:fields.appointment_hint'))}
  ${description(t('e_request:fields.accommodation_details'), t('e_request:fields.accommodation_details_hint'))}`;
      break;
    }
    case 'expedite-request':
      specific = html`${radioGroup({ name: 'criterion', legend: t('e_request:fields.criterion'), value: one(v, 'criterion'), error: e('criterion'), options: options('criterion', EXPEDITE_CRITERIA, true) })}
  ${description(t('e_request:fields.expedite_explanation'), t('e_request:fields.expedite_explanation_hint'))}`;
      break;
    case 'interview-oath-reschedule':
      specific = html`${radioGroup({ name: 'reschedule_kind', legend: t('e_request:fields.reschedule_kind'), value: one(v, 'reschedule_kind'), error: e('reschedule_kind'), options: options('reschedule_kind', RESCHEDULE_KINDS) })}
  ${date('appointment', t('e_request:fields.appointment'), t('e_request:fields.appointment_hint'))}
  ${description(t('e_request:fields.reschedule_reason'), t('e_request:fields.reschedule_reason_hint'))}`;
      break;
  }
  const mailKind =
    f === 'mail-not-received'
      ? radioGroup({
          name: 'mail_kind',
          legend: t('e_request:fields.mail_kind'),
          value: one(v, 'mail_kind'),
          error: e('mail_kind'),
          options: options('mail_kind', MAIL_KINDS),
        })
      : '';
  const optionalCase = !receiptRequired(f);

  return publicPage(
    ctx,
    t(`e_request:forms.${f}.title`),
    html`<p class="margin-bottom-0"><a class="usa-link" href="/e-request">${t('e_request:form.back')}</a></p>
<h1>${t(`e_request:forms.${f}.title`)}</h1>
<p class="usa-intro">${t(`e_request:forms.${f}.intro`)}</p>
<p>${t(`e_request:forms.${f}.next`)}</p>
${f === 'interview-oath-reschedule' ? alert({ type: 'warning', heading: t('e_request:forms.interview-oath-reschedule.attend_heading'), headingLevel: 2, body: t('e_request:forms.interview-oath-reschedule.attend') }) : ''}
${f === 'expedite-request' ? alert({ type: 'info', slim: true, body: t('e_request:forms.expedite-request.no_documents') }) : ''}
${f === 'outside-processing-time' ? alert({ type: 'info', slim: true, body: html`${t('e_request:forms.outside-processing-time.rule')} <a class="usa-link" href="/case-status">${t('e_request:start.status_link')}</a>. <a class="usa-link" href="/processing-times">${t('processing_times_public:links.e_request')}</a>` }) : ''}
<p>${t('e_request:form.required_note')}</p>
<form class="usa-form usa-form--large" method="post" action="/e-request/${f}" novalidate>
  ${csrfField(p.csrf)}${submissionField(p.submission)}
  <h2>${t('e_request:form.case_heading')}</h2>
  ${optionalCase ? html`<p>${t('e_request:form.case_optional')}</p>` : ''}
  ${textInput({ name: 'receipt_number', label: optionalCase ? t('e_request:fields.receipt_optional') : t('cases:receipt.label'), hint: t('cases:receipt.hint'), value: one(v, 'receipt_number'), error: e('receipt_number'), maxlength: LIMITS.receipt_number, spellcheck: false, autocapitalize: 'characters', autocomplete: 'off' })}
  ${date('dob', optionalCase ? t('e_request:fields.dob_optional') : t('e_request:fields.dob'), t('e_request:fields.dob_hint'))}
  ${mailKind}
  ${filing}
  <h2>${t('e_request:form.request_heading')}</h2>
  ${specific}
  <h2>${t('e_request:form.you_heading')}</h2>
  ${textInput({ name: 'given_name', label: t('e_request:fields.given_name'), value: one(v, 'given_name'), error: e('given_name'), autocomplete: 'given-name' })}
  ${textInput({ name: 'family_name', label: t('e_request:fields.family_name'), value: one(v, 'family_name'), error: e('family_name'), autocomplete: 'family-name' })}
  ${radioGroup({ name: 'requester_role', legend: t('e_request:fields.requester_role'), value: one(v, 'requester_role'), error: e('requester_role'), options: REQUESTER_ROLES.map((r) => ({ value: r, label: t(`e_request:roles.${r}`) })) })}
  ${textInput({ name: 'email', label: t('e_request:fields.email'), hint: t('e_request:fields.email_hint'), type: 'email', value: one(v, 'email'), error: e('email'), autocomplete: 'email', spellcheck: false, maxlength: LIMITS.email })}
  ${textInput({ name: 'phone', label: t('e_request:fields.phone'), hint: t('e_request:fields.phone_hint'), type: 'tel', value: one(v, 'phone'), error: e('phone'), autocomplete: 'tel', maxlength: LIMITS.phone })}
  <p>${t('e_request:form.language_note')}</p>
  ${checkboxGroup({
    name: 'section_1367',
    legend: t('e_request:section_1367.heading'),
    values: one(v, 'section_1367') === '1' ? ['1'] : [],
    options: [{ value: '1', label: t('e_request:section_1367.label'), hint: t('e_request:section_1367.hint') }],
  })}
  ${button(t('e_request:form.submit'))}
</form>`,
    errors,
  );
}

// ---- Answers --------------------------------------------------------------------------------------------------------------

export function refusalPage(ctx: PageContext, r: InquiryRefusal): SafeHtml {
  const { t, lang } = ctx;
  const title = t(`e_request:refusal.${r.reason}.title`);
  const values = {
    form: formLongName(r.formCode, lang),
    office: officeName(r.officeCode, lang),
    received: longCalendarDate(r.receivedDate, lang),
    inquiry: r.inquiryDate ? longCalendarDate(r.inquiryDate, lang) : '',
    receipt: r.receiptNumber,
  };
  return publicPage(
    ctx,
    title,
    html`<h1>${title}</h1>
${alert({ type: 'info', body: html`<p class="margin-0">${t(`e_request:refusal.${r.reason}.body`, values)}</p>` })}
<p>${t('e_request:refusal.received', values)}</p>
<p>${t(`e_request:refusal.${r.reason}.next`, values)}</p>
<p>${t('e_request:refusal.no_item')}</p>
<ul class="usa-list">
  <li><a class="usa-link" href="/case-status">${t('e_request:refusal.case_status_link')}</a></li>
  <li><a class="usa-link" href="/e-request">${t('e_request:refusal.other_request_link')}</a></li>
</ul>`,
  );
}

export function sentPage(ctx: PageContext & { timeZone: string }, p: { item: ServiceItemRow }): SafeHtml {
  const { t, lang } = ctx;
  const i = p.item;
  const form = (i.details as { form?: string } | null)?.form;
  const next = form && (REQUEST_FORMS as readonly string[]).includes(form) ? t(`e_request:forms.${form}.next`) : '';
  return publicPage(
    ctx,
    t('e_request:sent.title'),
    html`<h1>${t('e_request:sent.title')}</h1>
${alert({ type: 'success', body: html`<p class="margin-0">${t('e_request:sent.number')} <strong class="casedesk-receipt" id="service-item-number">${String(i.number)}</strong></p>` })}
${table({
  caption: t('e_request:sent.caption'),
  headers: [t('e_request:sent.request'), t('e_request:sent.urgency'), t('e_request:sent.expected')],
  rows: [
    [
      t(`e_request:types.${i.type}`, { defaultValue: i.subject }),
      urgencyText(t, i.urgent),
      expectationText(t, lang, { kind: i.sla_policy, dueAt: i.due_at }, ctx.timeZone),
    ],
  ],
  stacked: true,
  borderless: true,
})}
<h2>${t('e_request:sent.next_heading')}</h2>
${next ? html`<p>${next}</p>` : ''}
${i.type === 'interview_reschedule' || i.type === 'oath_reschedule' ? html`<p><strong>${t('e_request:forms.interview-oath-reschedule.attend')}</strong></p>` : ''}
<p>${t('e_request:sent.email', { email: i.contact_email })}</p>
<p>${t('e_request:sent.keep')} <a class="usa-link" href="/e-request/status">${t('e_request:sent.status_link')}</a>.</p>`,
  );
}

// ---- Status page ---------------------------------------------------------------------------------------------------------

export function statusPage(
  ctx: PageContext & { timeZone: string },
  p: { csrf: string; values?: Values; errors?: FieldError[]; result?: StatusView; answered?: boolean },
): SafeHtml {
  const { t, lang } = ctx;
  const v = p.values ?? {};
  const errors = p.errors ?? [];
  const r = p.result;
  const when = (d: Date) => longDate(d, lang, ctx.timeZone);
  const result = r
    ? html`<section aria-labelledby="result-heading" class="margin-top-4">
<h2 id="result-heading">${t('e_request:status.result_heading', { number: r.number })}</h2>
${table({
  caption: t('e_request:status.caption'),
  headers: [
    t('e_request:status.request'),
    t('e_request:status.sent'),
    t('e_request:status.state'),
    t('e_request:status.expected'),
  ],
  rows: [
    [
      t(`e_request:types.${r.type}`, { defaultValue: r.subject }),
      when(r.sentAt),
      html`<strong>${t(`e_request:status.states.${r.status}`)}</strong>${r.answered ? html` <span class="usa-tag casedesk-answered">${t('e_request:status.answered')}</span>` : ''}`,
      r.status === 'working'
        ? expectationText(t, lang, { kind: r.slaPolicy, dueAt: r.dueAt }, ctx.timeZone)
        : t(`e_request:status.expected_${r.status}`),
    ],
  ],
  stacked: true,
})}
${p.answered ? alert({ type: 'success', slim: true, live: true, body: t('e_request:status.answer_sent') }) : ''}
${r.status === 'need_information' ? alert({ type: 'warning', slim: true, body: t('e_request:status.need_information') }) : ''}
<h3>${t('e_request:status.updates')}</h3>
<ol class="usa-process-list">
  ${r.timeline.map((entry) => html`<li class="usa-process-list__item"><p class="usa-process-list__heading font-sans-sm">${t(`e_request:status.events.${entry.kind}`, { defaultValue: t('e_request:status.events.other') })}</p><p class="margin-top-05"><time datetime="${entry.at.toISOString()}">${when(entry.at)}</time></p>${entry.body ? html`<p class="casedesk-pre">${entry.body}</p>` : ''}</li>`)}
</ol>
${
  r.status === 'need_information' || r.answered
    ? html`<h3 id="answer-heading">${t(r.status === 'need_information' ? 'e_request:status.answer_heading' : 'e_request:status.follow_up_heading')}</h3>
<form class="usa-form usa-form--large" method="post" action="/e-request/status/answer" aria-labelledby="answer-heading" novalidate>
  ${csrfField(p.csrf)}
  <input type="hidden" name="number" value="${r.number}">
  <input type="hidden" name="email" value="${one(v, 'email')}">
  ${textArea({ name: 'message', label: t('e_request:status.answer_label'), hint: t('e_request:status.answer_hint'), value: one(v, 'message'), error: errorFor(errors, 'message'), maxlength: MAX_ANSWER })}
  ${button(t('e_request:status.answer_submit'))}
</form>`
    : ''
}
</section>`
    : '';
  return publicPage(
    ctx,
    t('e_request:status.title'),
    html`<h1>${t('e_request:status.title')}</h1>
<p class="usa-intro">${t('e_request:status.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/e-request/status" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'number', label: t('e_request:status.number'), hint: t('e_request:status.number_hint'), value: one(v, 'number'), error: errorFor(errors, 'number'), inputmode: 'numeric', width: 'md', maxlength: 14, autocomplete: 'off' })}
  ${textInput({ name: 'email', label: t('e_request:status.email'), hint: t('e_request:status.email_hint'), type: 'email', value: one(v, 'email'), error: errorFor(errors, 'email'), autocomplete: 'email', spellcheck: false, maxlength: LIMITS.email })}
  ${button(t('e_request:status.submit'))}
</form>
${result}
<p class="margin-top-4">${t('e_request:status.new_request')} <a class="usa-link" href="/e-request">${t('e_request:status.new_request_link')}</a>.</p>`,
    errors,
  );
}
