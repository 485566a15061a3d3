import {
  alert,
  breadcrumb,
  button,
  checkboxGroup,
  csrfField,
  errorFor,
  radioGroup,
  select,
  submissionField,
  table,
  textArea,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import { type SignedIn, staffPage, titledStaffPage, type StaffPageContext } from '../../platform/views/frame.js';
import { formLongName, officeName, OFFICES } from '../cases/index.js';
import { expectationText, RESOLUTION_CODES, urgencyText, type ServiceItemRow } from '../service-items/index.js';
import { CONTACT_CHANNELS, CONTACT_TYPES, type ItemView, type VerificationQuestion } from './service.js';

/** The agent console pages (/agent): home with queues and claim, log a contact, search, and the item. */

type Ctx = StaffPageContext & { when(d: Date): string; now: Date; timeZone: string };

function itemRows(ctx: Ctx, items: ServiceItemRow[], caption: string): SafeHtml {
  const { t } = ctx;
  if (!items.length) return html`<p>${t('agent:home.none')}</p>`;
  return table({
    caption,
    headers: [
      t('agent:item.number'),
      t('agent:item.type'),
      t('agent:item.channel'),
      t('agent:item.status'),
      t('agent:item.due'),
    ],
    rows: items.map((i) => [
      html`<a class="usa-link" href="/agent/items/${String(i.number)}">#${String(i.number)}</a>${i.priority === 1 ? html` <span class="usa-tag bg-secondary-dark">${t('agent:item.urgent')}</span>` : ''}`,
      t(`agent:types.${i.type}`, { defaultValue: i.type }),
      t(`agent:channels.${i.channel}`),
      t(`agent:statuses.${i.status}`),
      i.due_at < ctx.now
        ? html`<span class="usa-tag bg-secondary-dark">${t('agent:item.overdue')}</span> ${ctx.when(i.due_at)}`
        : ctx.when(i.due_at),
    ]),
    stacked: true,
  });
}

export function agentHomePage(
  ctx: Ctx,
  p: {
    signedIn: SignedIn;
    mine: ServiceItemRow[];
    queues: { code: string; queue: { name_en: string; name_es: string }; waiting: number }[];
    notice?: string;
  },
): SafeHtml {
  const { t, lang } = ctx;
  return titledStaffPage(ctx, p, {
    title: t('agent:home.title'),
    current: '/agent',
    body: html`${p.notice ? alert({ type: 'info', slim: true, live: true, body: p.notice }) : ''}
<form method="post" action="/agent/claim" class="margin-y-2">${csrfField(p.signedIn.csrf)}${button(t('agent:home.claim'))}</form>
<p><a class="usa-link" href="/agent/new">${t('agent:home.log_contact')}</a></p>
<form class="usa-search usa-search--small margin-y-2" method="get" action="/agent/search" role="search">
  <label class="usa-sr-only" for="q">${t('agent:search.label')}</label>
  <input class="usa-input" id="q" type="search" name="q" maxlength="200">
  <button class="usa-button" type="submit"><span class="usa-search__submit-text">${t('agent:search.submit')}</span></button>
</form>
<h2>${t('agent:home.mine')}</h2>
${itemRows(ctx, p.mine, t('agent:home.mine'))}
<h2>${t('agent:home.queues')}</h2>
${
  p.queues.length
    ? table({
        caption: t('agent:home.queues'),
        headers: [t('agent:home.queue'), t('agent:home.waiting')],
        rows: p.queues.map((q) => [lang === 'es' ? q.queue.name_es : q.queue.name_en, String(q.waiting)]),
      })
    : html`<p>${t('agent:home.no_queues')}</p>`
}`,
  });
}

export function logContactPage(
  ctx: Ctx,
  p: { signedIn: SignedIn; submission?: string; values?: Record<string, string>; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const v = p.values ?? {};
  const e = p.errors;
  return titledStaffPage(ctx, p, {
    title: t('agent:new.title'),
    current: '/agent',
    body: html`<p>${t('agent:new.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/agent/new" novalidate>
  ${csrfField(p.signedIn.csrf)}${submissionField(p.submission)}
  ${select({ name: 'channel', label: t('agent:item.channel'), value: v.channel, error: errorFor(e, 'channel'), options: CONTACT_CHANNELS.map((c): [string, string] => [c, t(`agent:channels.${c}`)]) })}
  ${select({ name: 'type', label: t('agent:item.type'), value: v.type, error: errorFor(e, 'type'), options: [['', t('agent:choose')], ...CONTACT_TYPES.map((c): [string, string] => [c, t(`agent:types.${c}`)])] })}
  ${textInput({ name: 'name', label: t('agent:new.name'), value: v.name, error: errorFor(e, 'name'), autocomplete: 'off' })}
  ${textInput({ name: 'email', label: t('agent:new.email'), hint: t('agent:new.email_hint'), value: v.email, error: errorFor(e, 'email'), type: 'email', maxlength: 254, autocomplete: 'off' })}
  ${textInput({ name: 'phone', label: t('agent:new.phone'), value: v.phone, error: errorFor(e, 'phone'), type: 'tel', maxlength: 40, autocomplete: 'off' })}
  ${select({
    name: 'language',
    label: t('agent:new.language'),
    value: v.language ?? 'en',
    options: [
      ['en', 'English'],
      ['es', 'Español'],
    ],
  })}
  ${textInput({ name: 'receipt_number', label: t('agent:new.receipt'), hint: t('agent:new.receipt_hint'), value: v.receipt_number, error: errorFor(e, 'receipt_number'), maxlength: 40, spellcheck: false, width: 'md' })}
  ${textInput({ name: 'subject', label: t('agent:new.subject'), value: v.subject, error: errorFor(e, 'subject'), maxlength: 200 })}
  ${textArea({ name: 'description', label: t('agent:new.description'), value: v.description, error: errorFor(e, 'description'), maxlength: 5000 })}
  ${checkboxGroup({
    name: 'flags',
    legend: t('agent:new.flags'),
    values: (v.flags ?? '').split(',').filter(Boolean),
    options: [
      { value: 'urgent', label: t('agent:new.urgent') },
      { value: 'section1367', label: t('agent:new.section1367') },
    ],
  })}
  ${button(t('agent:new.submit'))}
</form>`,
  });
}

export function searchPage(
  ctx: Ctx,
  p: {
    signedIn: SignedIn;
    query: string;
    cases: { receiptNumber: string; formCode: string; officeCode: string }[];
    people: { name: string; email: string; onlineAccountNumber: string; kind: string }[];
    items: ServiceItemRow[];
  },
): SafeHtml {
  const { t, lang } = ctx;
  return titledStaffPage(ctx, p, {
    title: t('agent:search.title'),
    current: '/agent',
    body: html`<form class="usa-form" method="get" action="/agent/search" role="search">
  ${textInput({ name: 'q', label: t('agent:search.label'), hint: t('agent:search.hint'), value: p.query, type: 'search', maxlength: 200 })}
  ${button(t('agent:search.submit'))}
</form>
${
  p.query
    ? html`<h2>${t('agent:search.cases')}</h2>
${p.cases.length ? table({ caption: t('agent:search.cases'), headers: [t('agent:search.receipt'), t('agent:search.form'), t('agent:search.office')], rows: p.cases.map((c) => [c.receiptNumber, formLongName(c.formCode, lang), officeName(c.officeCode, lang)]) }) : html`<p>${t('agent:search.no_cases')}</p>`}
<p>${t('agent:search.case_details_note')}</p>
<h2>${t('agent:search.people')}</h2>
${p.people.length ? table({ caption: t('agent:search.people'), headers: [t('agent:search.name'), t('agent:search.email'), t('agent:search.account_number'), t('agent:search.kind')], rows: p.people.map((x) => [x.name || '—', x.email, x.onlineAccountNumber, t(`agent:search.kinds.${x.kind}`)]) }) : html`<p>${t('agent:search.no_people')}</p>`}
<h2>${t('agent:search.items')}</h2>
${itemRows(ctx, p.items, t('agent:search.items'))}`
    : ''
}`,
  });
}

const QUESTION_INPUT: Record<VerificationQuestion, { width: 'md' | 'lg'; max: number }> = {
  date_of_birth: { width: 'md', max: 10 },
  family_name: { width: 'lg', max: 100 },
  zip: { width: 'md', max: 10 },
  a_number: { width: 'md', max: 12 },
};

export function agentItemPage(
  ctx: Ctx,
  p: { signedIn: SignedIn; view: ItemView; notice?: string; errors?: FieldError[] },
): SafeHtml {
  const { t, lang } = ctx;
  const { item: i, timeline, caseView } = p.view;
  const e = p.errors;
  const base = `/agent/items/${String(i.number)}`;
  const form = (
    action: string,
    heading: string,
    fields: SafeHtml | string,
    submit: string,
    secondary = true,
  ) => html`<h3 id="${action}-heading">${heading}</h3>
<form class="usa-form usa-form--large" method="post" action="${base}/${action}" aria-labelledby="${action}-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${fields}
  ${button(submit, { secondary })}
</form>`;
  const verifyForm =
    p.view.mayWork && p.view.caseHidden && p.view.questions.length < 2
      ? alert({ type: 'info', slim: true, body: t('agent:verify.not_enough') })
      : p.view.mayWork && p.view.caseHidden
        ? form(
            'verify',
            t('agent:verify.heading'),
            html`<p>${t('agent:verify.intro')}</p>
  ${radioGroup({
    name: 'caller_role',
    legend: t('agent:verify.role'),
    value: 'applicant',
    options: [
      { value: 'applicant', label: t('agent:verify.roles.applicant') },
      { value: 'interpreter_with_applicant', label: t('agent:verify.roles.interpreter_with_applicant') },
      { value: 'representative', label: t('agent:verify.roles.representative') },
    ],
  })}
  ${p.view.questions.map((q) => textInput({ name: `answer_${q}`, label: t(`agent:verify.questions.${q}`), hint: q === 'date_of_birth' ? t('agent:verify.dob_hint') : undefined, error: errorFor(e, `answer_${q}`), maxlength: QUESTION_INPUT[q].max, width: QUESTION_INPUT[q].width, autocomplete: 'off', spellcheck: false }))}`,
            t('agent:verify.submit'),
            false,
          )
        : '';
  return staffPage(ctx, {
    title: t('agent:item.title', { number: String(i.number) }),
    current: '/agent',
    signedIn: p.signedIn,
    errors: e,
    body: html`${breadcrumb(t('staff:breadcrumb'), [{ href: '/agent', label: t('agent:home.title') }, { label: `#${String(i.number)}` }])}
<h1>${t('agent:item.title', { number: String(i.number) })}</h1>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${i.section_1367 ? alert({ type: 'warning', slim: true, body: t('agent:item.protected') }) : ''}
${!p.view.mayWork && i.status !== 'resolved' && i.status !== 'closed' ? alert({ type: 'info', slim: true, body: t('agent:item.read_only') }) : ''}
${p.view.mayWork ? html`<p class="usa-intro font-sans-md">${t('agent:item.tell_caller', { number: String(i.number) })} ${urgencyText(t, i.urgent)} ${expectationText(t, lang, { kind: i.sla_policy, dueAt: i.due_at }, ctx.timeZone)}</p>` : ''}
<div class="grid-row grid-gap">
<div class="${p.view.suggestions.length ? 'tablet:grid-col-8' : 'grid-col-12'}">
${table({
  caption: t('agent:item.summary'),
  headers: [t('agent:item.field'), t('agent:item.value')],
  rows: [
    [t('agent:item.type'), t(`agent:types.${i.type}`, { defaultValue: i.type })],
    [t('agent:item.channel'), t(`agent:channels.${i.channel}`)],
    [t('agent:item.status'), t(`agent:statuses.${i.status}`)],
    [t('agent:item.urgency'), i.urgent ? t('agent:item.urgent') : t('agent:item.non_urgent')],
    [
      t('agent:item.contact'),
      html`${i.contact_name}<br>${i.contact_email}${i.contact_phone ? html`<br>${i.contact_phone}` : ''}`,
    ],
    [t('agent:item.language'), i.language === 'es' ? 'Español' : 'English'],
    [t('agent:item.received'), ctx.when(i.created_at)],
    [
      t('agent:item.due'),
      html`${ctx.when(i.due_at)}${i.sla_paused_at ? html` <span class="usa-tag">${t('agent:item.paused')}</span>` : ''}${i.breached_at ? html` <span class="usa-tag bg-secondary-dark">${t('agent:item.breached')}</span>` : ''}`,
    ],
    [t('agent:item.receipt'), i.receipt_number ?? '—'],
  ],
})}
<h2>${t('agent:item.description')}</h2>
<p class="casedesk-pre">${i.subject}</p>
<p class="casedesk-pre">${i.description}</p>
${
  i.receipt_number
    ? html`<h2>${t('agent:case.heading')}</h2>
${
  caseView
    ? html`${table({
        caption: t('agent:case.summary'),
        headers: [t('agent:item.field'), t('agent:item.value')],
        rows: [
          [t('agent:case.form'), formLongName(caseView.formCode, lang)],
          [t('agent:case.status'), caseView.current.title[lang]],
          [t('agent:case.since'), ctx.when(caseView.current.at)],
        ],
      })}
<p>${caseView.current.description[lang]}</p>
<ol class="casedesk-history" reversed>${caseView.history.map((h) => html`<li><time datetime="${h.at.toISOString()}">${ctx.when(h.at)}</time> ${h.title[lang]}</li>`)}</ol>`
    : p.view.caseHidden
      ? alert({ type: 'warning', slim: true, body: t(`agent:case.hidden.${p.view.caseHidden}`) })
      : html`<p>${t('agent:case.unavailable')}</p>`
}
${p.view.verification ? html`<p>${t(`agent:verify.last.${p.view.verification.outcome}`, { when: ctx.when(p.view.verification.at) })}</p>` : ''}
${verifyForm}`
    : ''
}
<h2>${t('agent:item.timeline')}</h2>
<ol class="usa-process-list">
  ${timeline.map((ev) => html`<li class="usa-process-list__item"><h3 class="usa-process-list__heading font-sans-sm">${t(`agent:timeline.${ev.kind}`, { defaultValue: ev.kind })}${ev.customer_visible ? html` <span class="usa-tag">${t('agent:item.customer_sees')}</span>` : ''}</h3><p class="margin-top-05">${ctx.when(ev.occurred_at)}${ev.actor_name ? html` · ${ev.actor_name}` : ''}</p>${ev.body ? html`<p class="casedesk-pre">${ev.body}</p>` : ''}</li>`)}
</ol>
${
  p.view.mayWork
    ? html`<h2>${t('agent:actions.heading')}</h2>
${form('reply', t('agent:actions.reply'), textArea({ name: 'message', label: t('agent:actions.message'), hint: t('agent:actions.message_hint'), error: errorFor(e, 'message'), maxlength: 5000 }), t('agent:actions.reply_submit'), false)}
${form('note', t('agent:actions.note'), textArea({ name: 'note', label: t('agent:actions.note_label'), error: errorFor(e, 'note'), maxlength: 5000 }), t('agent:actions.note_submit'))}
${
  i.sla_paused_at
    ? form(
        'resume',
        t('agent:actions.resume'),
        html`<p>${t('agent:actions.resume_intro')}</p>`,
        t('agent:actions.resume_submit'),
      )
    : form(
        'pause',
        t('agent:actions.pause'),
        html`${textInput({
          name: 'reason',
          label: t('agent:actions.pause_reason'),
          error: errorFor(e, 'reason'),
          maxlength: 500,
        })}${textArea({ name: 'question', label: t('agent:actions.pause_question'), hint: t('agent:actions.pause_question_hint'), maxlength: 5000 })}`,
        t('agent:actions.pause_submit'),
      )
}
${form(
  'escalate',
  t('agent:actions.escalate'),
  html`${select({
    name: 'to',
    label: t('agent:actions.escalate_to'),
    options: [
      ['tier2', t('agent:queues.tier2')],
      ['tier3', t('agent:queues.tier3')],
    ],
  })}${textArea({ name: 'escalate_reason', label: t('agent:actions.escalate_reason'), error: errorFor(e, 'escalate_reason'), maxlength: 2000 })}`,
  t('agent:actions.escalate_submit'),
)}
${form('route', t('agent:actions.route'), html`${select({ name: 'office', label: t('agent:actions.office'), value: i.office_code ?? '', error: errorFor(e, 'office'), options: [['', t('agent:choose')], ...OFFICES.map((o): [string, string] => [o.code, officeName(o.code, lang)])] })}${textArea({ name: 'route_reason', label: t('agent:actions.route_reason'), error: errorFor(e, 'route_reason'), maxlength: 2000 })}`, t('agent:actions.route_submit'))}
${form('resolve', t('agent:actions.resolve'), html`${select({ name: 'code', label: t('agent:actions.code'), error: errorFor(e, 'code'), options: [['', t('agent:choose')], ...RESOLUTION_CODES.map((c): [string, string] => [c, t(`agent:resolutions.${c}`)])] })}${textArea({ name: 'resolution_note', label: t('agent:actions.resolution_note'), maxlength: 2000 })}`, t('agent:actions.resolve_submit'))}`
    : ''
}
</div>
${
  p.view.suggestions.length
    ? html`<aside class="tablet:grid-col-4" aria-labelledby="articles-heading"><h2 id="articles-heading">${t('agent:articles.heading')}</h2><ul class="usa-list usa-list--unstyled">${p.view.suggestions.map((a) => html`<li class="margin-bottom-1"><a class="usa-link" href="/staff/knowledge/${a.slug}">${a.title}</a></li>`)}</ul></aside>`
    : ''
}
</div>`,
  });
}
