import { formatDate } from '../../platform/format.js';
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
import { page, titledStaffPage, type SignedIn, type StaffPageContext } from '../../platform/views/frame.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { siteAddressLines, siteName, slotTimeText, type SiteRow, type SlotRow } from '../appointments/index.js';
import { GOOD_CAUSES, REASON_TEXT_MAX } from './rules.js';
import type { BiometricsView } from './service.js';
import type { RescheduleRow } from './tables.js';

type Ctx = PageContext & { timeZone: string };
type StaffCtx = StaffPageContext & { timeZone: string };

export interface FormValues {
  reason?: string;
  reason_text?: string;
  slot?: string;
}

type Choices = { site: SiteRow; slots: SlotRow[] }[];

/** The appointment: when (by the site's clock), where, and the notice. */
function appointmentBlock(ctx: Ctx | StaffCtx, v: BiometricsView, documentsHref?: string): SafeHtml {
  const { t, lang } = ctx;
  const a = v.appointment;
  if (!a) {
    const latest = v.latest ?? v.request;
    return html`<p id="appointment-state">${t(`biometrics:state.${latest?.status ?? 'none'}`)}</p>`;
  }
  return html`<div class="usa-summary-box margin-y-2" id="appointment" role="region" aria-labelledby="appointment-heading">
<div class="usa-summary-box__body">
<h2 class="usa-summary-box__heading" id="appointment-heading">${t('biometrics:appointment.heading')}</h2>
<dl class="casedesk-facts">
  <dt>${t('biometrics:appointment.when')}</dt><dd><time datetime="${a.booking.starts_at.toISOString()}">${slotTimeText(a.booking, a.site, lang)}</time></dd>
  <dt>${t('biometrics:appointment.where')}</dt><dd>${siteName(a.site, lang)}<br>${siteAddressLines(a.site).map((l, i) => (i ? html`<br>${l}` : html`${l}`))}</dd>
</dl>
${documentsHref ? html`<p class="margin-bottom-0">${t('biometrics:appointment.notice')} <a class="usa-link" href="${documentsHref}">${t('biometrics:appointment.documents')}</a></p>` : ''}
</div>
</div>`;
}

/** BIO-2, BIO-3: the rules, before the person tries, and the live route when one stops them (CC-9). */
function rulesBlock(ctx: Ctx, phone: string): SafeHtml {
  const { t } = ctx;
  return html`<section aria-labelledby="rules-heading" id="rules">
<h2 id="rules-heading">${t('biometrics:rules.heading')}</h2>
<p>${t('biometrics:rules.intro')}</p>
<ul class="usa-list">
  <li>${t('biometrics:rules.list.not_passed')}</li>
  <li>${t('biometrics:rules.list.online_case')}</li>
  <li>${t('biometrics:rules.list.twice')}</li>
  <li>${t('biometrics:rules.list.good_cause')}</li>
  <li>${t('biometrics:rules.list.form')}</li>
</ul>
<p>${t('biometrics:rules.otherwise', { phone })}</p>
</section>`;
}

/** Why a rule refuses, and what to do instead (the Contact Center's live route, CC-9). */
export function refusalText(t: PageContext['t'], refusal: string, phone: string): string {
  return `${t(`biometrics:refusal.${refusal}`)} ${t('biometrics:refusal.instead', { phone })}`;
}

/** The reschedule requests of the case, each with its state (BIO-4). */
function requestsTable(ctx: Ctx | StaffCtx, list: RescheduleRow[]): SafeHtml {
  const { t, lang } = ctx;
  return html`<section aria-labelledby="requests-heading" id="reschedule-requests">
<h2 id="requests-heading">${t('biometrics:requests.heading')}</h2>
${
  list.length
    ? table({
        caption: t('biometrics:requests.caption'),
        headers: [
          t('biometrics:requests.asked'),
          t('biometrics:requests.by'),
          t('biometrics:requests.reason'),
          t('biometrics:requests.state'),
        ],
        rows: list.map((r) => [
          formatDate(r.created_at, lang, ctx.timeZone, 'dateTime'),
          t(`biometrics:requests.channels.${r.channel}`),
          r.reason === 'expedite'
            ? t('biometrics:requests.expedite')
            : t(`biometrics:causes.${r.reason}`, { defaultValue: r.reason }),
          r.state === 'done'
            ? html`<span class="usa-tag bg-green" data-state="done">${t('biometrics:requests.done')}</span>`
            : html`<span class="usa-tag bg-secondary-dark" data-state="refused">${t('biometrics:requests.refused')}</span><br>${t(`biometrics:refusal.${r.refusal ?? 'passed'}`)}`,
        ]),
        stacked: true,
      })
    : html`<p>${t('biometrics:requests.none')}</p>`
}
</section>`;
}

/** The slot choice: per site (a fieldset each), its first free slot or one of the next ones, one radio group. */
function slotChoice(
  ctx: Ctx | StaffCtx,
  choices: Choices,
  value: string | undefined,
  error: string | undefined,
): SafeHtml {
  const { t, lang } = ctx;
  let first = true;
  const radio = (val: string, label: string) => {
    const id = first ? 'slot' : `slot-${val.replace(/[^A-Za-z0-9-]/g, '-')}`;
    first = false;
    return html`<div class="usa-radio"><input class="usa-radio__input" id="${id}" type="radio" name="slot" value="${val}"${value === val ? html` checked` : ''}><label class="usa-radio__label" for="${id}">${label}</label></div>`;
  };
  return html`<div class="${error ? 'usa-form-group usa-form-group--error' : 'usa-form-group'}">
<fieldset class="usa-fieldset"${error ? html` aria-describedby="slot-error"` : ''}>
<legend class="usa-legend usa-legend--large">${t('biometrics:form.slot_legend')}</legend>
<span class="usa-hint">${t('biometrics:form.slot_hint')}</span>
${error ? html`<span class="usa-error-message" id="slot-error" role="alert">${error}</span>` : ''}
${choices.map(
  (c) => html`<fieldset class="usa-fieldset margin-top-2" data-site="${c.site.code}">
<legend class="usa-legend text-bold">${siteName(c.site, lang)}, ${siteAddressLines(c.site).join(', ')}</legend>
${c.slots.length ? radio(`first:${c.site.code}`, t('biometrics:form.first_available', { time: slotTimeText(c.slots[0]!, c.site, lang) })) : html`<p>${t('biometrics:form.no_slots')}</p>`}
${c.slots.slice(1).map((s) => radio(String(s.id), slotTimeText(s, c.site, lang)))}
</fieldset>`,
)}
</fieldset>
</div>`;
}

function reasonFields(
  ctx: Ctx | StaffCtx,
  values: FormValues,
  errors: FieldError[] | undefined,
  agent: boolean,
): SafeHtml {
  const { t } = ctx;
  return html`${radioGroup({
    name: 'reason',
    legend: t('biometrics:form.reason_legend'),
    value: values.reason,
    error: errorFor(errors, 'reason'),
    options: GOOD_CAUSES.map((c) => ({ value: c, label: t(`biometrics:causes.${c}`) })),
  })}
${textArea({
  name: 'reason_text',
  label: agent ? t('biometrics:agent.note') : t('biometrics:form.reason_text'),
  hint: agent ? t('biometrics:agent.note_hint') : t('biometrics:form.reason_text_hint'),
  value: values.reason_text,
  error: errorFor(errors, 'reason_text'),
  maxlength: REASON_TEXT_MAX,
})}`;
}

/** `/account/cases/:receipt/biometrics`: the appointment, the rules, the reschedule form, the requests. */
export function accountBiometricsPage(
  ctx: Ctx,
  p: SignedIn & {
    view: BiometricsView;
    /** The case's notices are online (its features): the appointment links to its Documents. */
    documents: boolean;
    choices: Choices;
    phone: string;
    reused: boolean;
    agencyAppointment?: { at: Date; locationName?: string };
    done?: boolean;
    refused?: string;
    values?: FormValues;
    errors?: FieldError[];
  },
): SafeHtml {
  const { t } = ctx;
  const v = p.view;
  const base = `/account/cases/${v.receiptNumber}`;
  const title = t('biometrics:title');
  const refusal = p.refused ?? v.refusal;
  const form = refusal
    ? alert({
        type: p.refused ? 'error' : 'warning',
        live: Boolean(p.refused),
        heading: t('biometrics:refusal.heading'),
        body: refusalText(t, refusal, p.phone),
      })
    : html`<h2 id="form-heading">${t('biometrics:form.heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="${base}/biometrics" aria-labelledby="form-heading" novalidate>
  ${csrfField(p.csrf)}
  ${reasonFields(ctx, p.values ?? {}, p.errors, false)}
  ${slotChoice(ctx, p.choices, p.values?.slot, errorFor(p.errors, 'slot'))}
  <p>${t('biometrics:form.keep')}</p>
  ${button(t('biometrics:form.submit'))}
</form>`;
  return page(
    ctx,
    `${v.receiptNumber}: ${title}`,
    html`<p class="margin-bottom-0"><a class="usa-link" href="${base}">${t('biometrics:back', { receipt: v.receiptNumber })}</a></p>
<h1>${title}</h1>
${p.done ? alert({ type: 'success', live: true, heading: t('biometrics:done.heading'), body: t('biometrics:done.body') }) : ''}
${p.reused ? alert({ type: 'info', slim: true, body: t('biometrics:reused') }) : ''}
${
  p.agencyAppointment
    ? html`<div class="usa-summary-box margin-y-2" id="appointment" role="region" aria-labelledby="appointment-heading">
<div class="usa-summary-box__body">
<h2 class="usa-summary-box__heading" id="appointment-heading">${t('biometrics:appointment.heading')}</h2>
<dl class="casedesk-facts">
  <dt>${t('biometrics:appointment.when')}</dt><dd><time datetime="${p.agencyAppointment.at.toISOString()}">${formatDate(p.agencyAppointment.at, ctx.lang, ctx.timeZone, 'dateTime')}</time></dd>
  <dt>${t('biometrics:appointment.where')}</dt><dd>${p.agencyAppointment.locationName ?? t('cases_account:card.appointments.where_unknown')}</dd>
</dl>
</div>
</div>
${alert({ type: 'info', body: t('biometrics:agency_scheduled', { phone: p.phone }) })}`
    : appointmentBlock(ctx, v, v.appointment && p.documents ? `${base}/documents` : undefined)
}
${v.appointment || v.reschedules.length ? html`${rulesBlock(ctx, p.phone)}${v.appointment ? form : ''}` : ''}
${requestsTable(ctx, v.reschedules)}`,
    p.errors ?? [],
    p,
  );
}

/** `/agent/items/:number/biometrics`: reschedule for a verified caller (CC-11), and Tier 2's or Tier 3's expedite (BIO-4). */
export function agentBiometricsPage(
  ctx: StaffCtx,
  p: {
    signedIn: SignedIn;
    number: number;
    view?: BiometricsView;
    /** Why the case is not shown (not verified, no case, Section 1367 for this agent): the page says only that. */
    hidden?: boolean;
    choices: Choices;
    expediteChoices: Choices;
    mayExpedite: boolean;
    phone: string;
    notice?: string;
    refused?: string;
    values?: FormValues & { site?: string; expedite_text?: string };
    errors?: FieldError[];
  },
): SafeHtml {
  const { t, lang } = ctx;
  const number = String(p.number);
  const base = `/agent/items/${number}/biometrics`;
  const v = p.view;
  const body = (() => {
    if (!v || p.hidden) return alert({ type: 'info', slim: true, body: t('biometrics:agent.hidden') });
    if (!v.appointment)
      return html`${appointmentBlock(ctx, v)}${alert({ type: 'warning', heading: t('biometrics:refusal.heading'), body: t('biometrics:refusal.no_appointment_agent') })}${requestsTable(ctx, v.reschedules)}`;
    return html`${appointmentBlock(ctx, v)}
<p>${t('biometrics:agent.rules')}</p>
${p.refused ? alert({ type: 'error', live: true, heading: t('biometrics:refusal.heading'), body: t(`biometrics:refusal.${p.refused}`) }) : ''}
<h2 id="reschedule-heading">${t('biometrics:agent.reschedule_heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="${base}" aria-labelledby="reschedule-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${reasonFields(ctx, p.values ?? {}, p.errors, true)}
  ${slotChoice(ctx, p.choices, p.values?.slot, errorFor(p.errors, 'slot'))}
  ${button(t('biometrics:agent.reschedule_submit'))}
</form>
<h2 id="expedite-heading">${t('biometrics:agent.expedite_heading')}</h2>
${
  p.mayExpedite
    ? html`<p>${t('biometrics:agent.expedite_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="${base}/expedite" aria-labelledby="expedite-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${select({
    name: 'site',
    label: t('biometrics:agent.site'),
    value: p.values?.site,
    options: p.expediteChoices.map((c) => [
      c.site.code,
      c.slots[0]
        ? `${siteName(c.site, lang)}: ${slotTimeText(c.slots[0], c.site, lang)}`
        : `${siteName(c.site, lang)}: ${t('biometrics:form.no_slots')}`,
    ]),
  })}
  ${textInput({ name: 'expedite_text', label: t('biometrics:agent.expedite_reason'), value: p.values?.expedite_text, error: errorFor(p.errors, 'expedite_text'), maxlength: REASON_TEXT_MAX })}
  ${button(t('biometrics:agent.expedite_submit'))}
</form>`
    : html`<p>${t('biometrics:agent.expedite_tier2')}</p>`
}
${requestsTable(ctx, v.reschedules)}`;
  })();
  return titledStaffPage(
    ctx,
    { signedIn: p.signedIn, errors: p.errors },
    {
      title: t('biometrics:agent.title', { number }),
      current: '/agent',
      body: html`${breadcrumb(t('staff:breadcrumb'), [
        { href: '/agent', label: t('agent:home.title') },
        { href: `/agent/items/${number}`, label: `#${number}` },
        { label: t('biometrics:title') },
      ])}
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${body}`,
    },
  );
}

/** `/staff/biometrics/settings`: the lead time (BIO-1), administrators. */
export function settingsPage(
  ctx: StaffCtx,
  p: {
    signedIn: SignedIn;
    leadDays: number;
    updatedAt: Date | null;
    saved?: boolean;
    value?: string;
    errors?: FieldError[];
  },
): SafeHtml {
  const { t, lang } = ctx;
  return titledStaffPage(
    ctx,
    { signedIn: p.signedIn, errors: p.errors },
    {
      title: t('biometrics:settings.title'),
      current: '/staff/biometrics/settings',
      body: html`${p.saved ? alert({ type: 'success', slim: true, live: true, body: t('biometrics:settings.saved') }) : ''}
<p>${t('biometrics:settings.intro')}</p>
${p.updatedAt ? html`<p class="usa-hint">${t('biometrics:settings.changed', { date: formatDate(p.updatedAt, lang, ctx.timeZone, 'dateTime') })}</p>` : ''}
<form class="usa-form" method="post" action="/staff/biometrics/settings" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${textInput({ name: 'lead_days', label: t('biometrics:settings.lead_days'), hint: t('biometrics:settings.lead_days_hint'), value: p.value ?? String(p.leadDays), error: errorFor(p.errors, 'lead_days'), inputmode: 'numeric', width: 'sm', maxlength: 3 })}
  ${button(t('biometrics:settings.save'))}
</form>`,
    },
  );
}
