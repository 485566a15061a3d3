import {
  alert,
  button,
  csrfField,
  errorFor,
  fileInput,
  radioGroup,
  select,
  table,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import { type SignedIn, staffPage, titledStaffPage, type StaffPageContext } from '../../platform/views/frame.js';
import { formLongName, OFFICES, officeName } from '../cases/index.js';
import { longDate } from '../../platform/format.js';
import { CASE_NOTICE_KINDS, documentLabel } from '../notices/index.js';
import { CASE_EVENT_TYPES, type CaseEventType } from '../case-events/index.js';
import type { OfficerCase } from './service.js';

/** The officer workspace pages: find a case; the case with its history, documents and lifecycle actions. */

/**
 * The event types of the case page's event form: all but a bare status update (only the agency's systems send one)
 * and the acceptance notice and protection, which have actions of their own, and the agency system's answer to a change
 * of address (it answers the feed it read, issue 17 point 4).
 */
const NOT_BY_HAND: readonly CaseEventType[] = [
  'status_updated',
  'account_acceptance_notice',
  'protection_updated',
  'address_change_recorded',
  // Agency systems ask for biometrics; Casedesk schedules them (issue 17 point 2).
  'biometrics_required',
];
export const OFFICER_ACTIONS = CASE_EVENT_TYPES.filter((type) => !NOT_BY_HAND.includes(type));

export function officerHomePage(
  ctx: StaffPageContext & { timeZone: string },
  p: { signedIn: SignedIn; value?: string; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  return titledStaffPage(ctx, p, {
    title: t('officer:home.title'),
    current: '/officer',
    body: html`<form class="usa-form" method="get" action="/officer/find" role="search">
  ${textInput({ name: 'receipt_number', label: t('officer:home.receipt'), value: p.value, error: errorFor(p.errors ?? [], 'receipt_number'), autocomplete: 'off', spellcheck: false, maxlength: 40, width: 'md' })}
  ${button(t('officer:home.find'))}
</form>`,
  });
}

export function officerCasePage(
  ctx: StaffPageContext & { timeZone: string },
  p: { signedIn: SignedIn; c: OfficerCase; notice?: string; errors?: FieldError[]; values?: Record<string, string> },
): SafeHtml {
  const { t, lang } = ctx;
  const v = p.c.view;
  const errors = p.errors ?? [];
  const base = `/officer/cases/${v.receiptNumber}`;
  return staffPage(ctx, {
    title: v.receiptNumber,
    current: '/officer',
    signedIn: p.signedIn,
    errors,
    body: html`<p><a class="usa-link" href="/officer">${t('officer:case.back')}</a></p>
<h1 class="casedesk-receipt">${v.receiptNumber}</h1>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${p.c.section1367 ? alert({ type: 'warning', slim: true, body: t('officer:case.protected') }) : ''}
${
  p.c.suspendedLinks.length
    ? html`<h2 id="links-heading">${t('officer:links.heading')}</h2>
<p>${t('officer:links.intro')}</p>
${p.c.suspendedLinks.map(
  (
    l,
  ) => html`<form class="usa-form usa-form--large" method="post" action="${base}/links/${l.account_id}" aria-label="${t('officer:links.form_label', { email: l.email })}" novalidate>
  ${csrfField(p.signedIn.csrf)}
  <p><strong>${l.email}</strong><br>${t('officer:links.account_number', { number: l.online_account_number })}, ${t('officer:links.added', { date: longDate(l.added_at, lang, ctx.timeZone) })}</p>
  ${radioGroup({
    name: 'decision',
    id: `decision-${l.account_id}`,
    legend: t('officer:links.legend'),
    error: errorFor(errors, `decision-${l.account_id}`),
    options: [
      { value: 'confirm', label: t('officer:links.confirm') },
      { value: 'remove', label: t('officer:links.remove') },
    ],
  })}
  ${textInput({ name: 'reason', id: `link-reason-${l.account_id}`, label: t('officer:protection.reason'), hint: t('officer:protection.reason_hint'), error: errorFor(errors, `link-reason-${l.account_id}`), maxlength: 500 })}
  ${button(t('officer:links.submit'), { secondary: true })}
</form>`,
)}`
    : ''
}
${table({
  caption: t('officer:case.summary'),
  headers: [t('officer:case.field'), t('officer:case.value')],
  rows: [
    [t('officer:case.form'), formLongName(v.formCode, lang)],
    [t('officer:case.office'), officeName(p.c.officeCode, lang)],
    [t('officer:case.received'), longDate(v.submittedAt, lang, ctx.timeZone)],
    [t('officer:case.channel'), t(`officer:case.channels.${p.c.filingChannel}`)],
    [
      t('officer:case.status'),
      html`${v.current.title[lang]}<br><span class="text-base">${longDate(v.current.at, lang, ctx.timeZone)}</span>`,
    ],
  ],
})}
<h2>${t('officer:case.history')}</h2>
<ol class="casedesk-history" reversed>${v.history.map((h) => html`<li><time datetime="${h.at.toISOString()}">${longDate(h.at, lang, ctx.timeZone)}</time>${h.title[lang]}</li>`)}</ol>
<h2>${t('officer:case.documents')}</h2>
${
  p.c.documents.length
    ? html`<ul class="usa-list">${p.c.documents.map((d) => html`<li><a class="usa-link" href="${base}/documents/${d.id}">${documentLabel(t, d)}</a> (${d.language.toUpperCase()}, ${longDate(d.created_at, lang, ctx.timeZone)})${d.shared_with_holder ? '' : html` <span class="usa-tag">${t('officer:document.internal')}</span>`}</li>`)}</ul>`
    : html`<p>${t('officer:case.no_documents')}</p>`
}
<h2 id="evidence-heading">${t('officer:case.evidence')}</h2>
${
  p.c.evidence.length
    ? table({
        caption: t('officer:case.evidence_caption'),
        headers: [t('officer:case.evidence_sent'), t('officer:case.evidence_kind'), t('officer:case.evidence_files')],
        rows: p.c.evidence.map((s) => [
          longDate(s.created_at, lang, ctx.timeZone),
          t(`officer:case.evidence_kinds.${s.kind}`),
          html`<ul class="usa-list usa-list--unstyled">${s.files.map((f) => html`<li>${f.state === 'accepted' && f.storage_key ? html`<a class="usa-link" href="${base}/evidence/${f.id}" download>${f.file_name}</a>` : f.file_name} (${t(`officer:case.file_states.${f.state}`)}${f.reason ? html`: ${f.reason}` : ''})</li>`)}</ul>`,
        ]),
        stacked: true,
      })
    : html`<p>${t('officer:case.no_evidence')}</p>`
}
<h2 id="messages-heading">${t('officer:case.messages')}</h2>
${
  p.c.messages.length
    ? p.c.messages.map(
        (th) => html`<h3>${t('officer:case.thread', { number: th.number, subject: th.subject })}</h3>
<ol class="usa-list usa-list--unstyled">${th.messages.map((m) => html`<li class="margin-bottom-2"><p class="margin-0 text-bold">${t(m.from === 'agency' ? 'officer:case.from_agency' : 'officer:case.from_customer')}, <time datetime="${m.at.toISOString()}">${longDate(m.at, lang, ctx.timeZone)}</time></p><p class="casedesk-pre margin-top-05">${m.body}</p></li>`)}</ol>`,
      )
    : html`<p>${t('officer:case.no_messages')}</p>`
}
<h2 id="document-heading">${t('officer:document.heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="${base}/documents" enctype="multipart/form-data" aria-labelledby="document-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${textInput({ name: 'document_title', label: t('officer:document.title'), hint: t('officer:document.title_hint'), value: p.values?.document_title, error: errorFor(errors, 'document_title'), maxlength: 200 })}
  ${fileInput({ name: 'document_file', label: t('officer:document.file'), hint: t('officer:document.file_hint'), error: errorFor(errors, 'document_file') })}
  ${select({
    name: 'document_language',
    label: t('officer:document.language'),
    value: p.values?.document_language ?? 'en',
    options: [
      ['en', 'English'],
      ['es', 'Español'],
    ],
  })}
  ${radioGroup({
    name: 'shared',
    legend: t('officer:document.shared'),
    value: p.values?.shared ?? 'yes',
    options: [
      { value: 'yes', label: t('officer:document.shared_yes') },
      { value: 'no', label: t('officer:document.shared_no') },
    ],
  })}
  ${button(t('officer:document.submit'), { secondary: true })}
</form>
<h2 id="action-heading">${t('officer:action.heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="${base}/events" aria-labelledby="action-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${select({ name: 'type', label: t('officer:action.type'), value: p.values?.type, error: errorFor(errors, 'type'), options: [['', t('officer:action.choose')], ...OFFICER_ACTIONS.map((a): [string, string] => [a, t(`officer:types.${a}`)])] })}
  ${textInput({ name: 'response_due', label: t('officer:action.response_due'), hint: t('officer:action.response_due_hint'), value: p.values?.response_due, error: errorFor(errors, 'response_due'), width: 'md', maxlength: 10 })}
  ${select({ name: 'office_code', label: t('officer:action.office'), hint: t('officer:action.office_hint'), value: p.values?.office_code, error: errorFor(errors, 'office_code'), options: [['', t('officer:action.choose')], ...OFFICES.map((o): [string, string] => [o.code, officeName(o.code, lang)])] })}
  ${textInput({ name: 'tracking_number', label: t('officer:action.tracking'), hint: t('officer:action.tracking_hint'), value: p.values?.tracking_number, error: errorFor(errors, 'tracking_number'), width: 'lg', maxlength: 40 })}
  <fieldset class="usa-fieldset">
    <legend class="usa-legend">${t('officer:action.appointment_legend')}</legend>
    <p class="usa-hint">${t('officer:action.appointment_intro', { zone: ctx.timeZone })}</p>
    ${textInput({ name: 'appointment_date', label: t('officer:action.appointment_date'), hint: t('officer:action.appointment_date_hint'), value: p.values?.appointment_date, error: errorFor(errors, 'appointment_date'), width: 'md', maxlength: 40, autocomplete: 'off' })}
    ${textInput({ name: 'appointment_time', label: t('officer:action.appointment_time'), hint: t('officer:action.appointment_time_hint'), value: p.values?.appointment_time, error: errorFor(errors, 'appointment_time'), width: 'md', maxlength: 20, autocomplete: 'off' })}
    ${textInput({ name: 'location_name', label: t('officer:action.location_name'), hint: t('officer:action.location_name_hint'), value: p.values?.location_name, error: errorFor(errors, 'location_name'), maxlength: 200 })}
  </fieldset>
  ${textInput({ name: 'notice_type', label: t('officer:action.notice_type'), hint: t('officer:action.notice_type_hint'), value: p.values?.notice_type, error: errorFor(errors, 'notice_type'), maxlength: 100 })}
  ${button(t('officer:action.submit'))}
</form>
<h2 id="notice-heading">${t('officer:notice.heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="${base}/notices" aria-labelledby="notice-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${select({ name: 'kind', label: t('officer:notice.kind'), hint: t('officer:notice.hint'), error: errorFor(errors, 'kind'), options: [['', t('officer:action.choose')], ...CASE_NOTICE_KINDS.map((k): [string, string] => [k, t(`notices:kinds.${k}`)])] })}
  ${select({
    name: 'notice_language',
    label: t('officer:acceptance.language'),
    value: 'en',
    options: [
      ['en', 'English'],
      ['es', 'Español'],
    ],
  })}
  ${button(t('officer:notice.submit'), { secondary: true })}
</form>
<h2 id="oac-heading">${t('officer:acceptance.heading')}</h2>
<p>${t('officer:acceptance.intro')}</p>
<form class="usa-form" method="post" action="${base}/acceptance-notice" aria-labelledby="oac-heading">
  ${csrfField(p.signedIn.csrf)}
  ${radioGroup({
    name: 'language',
    legend: t('officer:acceptance.language'),
    value: 'en',
    options: [
      { value: 'en', label: 'English' },
      { value: 'es', label: 'Español' },
    ],
  })}
  ${button(t('officer:acceptance.submit'), { secondary: true })}
</form>
<h2 id="protection-heading">${t('officer:protection.heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="${base}/protection" aria-labelledby="protection-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${radioGroup({
    name: 'section1367',
    legend: t('officer:protection.legend'),
    value: p.c.section1367 ? 'yes' : 'no',
    options: [
      { value: 'yes', label: t('officer:protection.yes') },
      { value: 'no', label: t('officer:protection.no') },
    ],
  })}
  ${textInput({ name: 'reason', label: t('officer:protection.reason'), hint: t('officer:protection.reason_hint'), value: p.values?.reason, error: errorFor(errors, 'reason'), maxlength: 500 })}
  ${button(t('officer:protection.submit'), { secondary: true })}
</form>`,
  });
}
