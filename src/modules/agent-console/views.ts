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
import { formatCalendarDate } from '../../platform/format.js';
import { classes, html, type SafeHtml } from '../../platform/views/html.js';
import { type SignedIn, staffPage, titledStaffPage, type StaffPageContext } from '../../platform/views/frame.js';
import {
  actionForm,
  actionToolbar,
  conversation,
  openAction,
  workspaceColumns,
} from '../../platform/views/workspace.js';
import { formLongName, officeName, OFFICES, statusDescriptionHtml } from '../cases/index.js';
import {
  clockOf,
  durationText,
  eventVoice,
  promiseOfItem,
  RESOLUTION_CODES,
  timeLeftText,
  type ServiceItemRow,
} from '../service-items/index.js';
import { addressLines } from '../../platform/us-address.js';
import { CONTACT_CHANNELS, CONTACT_TYPES, type ItemView, type VerificationQuestion } from './service.js';

/** The case's changes of address with their status on the case (COA-3), newest first. */
function addressHistory(
  ctx: StaffPageContext & { when: (d: Date) => string },
  list: NonNullable<ItemView['addressHistory']>,
) {
  const { t } = ctx;
  return html`<h3 id="address-history-heading">${t('agent:address_history.heading')}</h3>
${
  list.length
    ? table({
        caption: t('agent:address_history.caption'),
        headers: [
          t('agent:address_history.requested'),
          t('agent:address_history.mailing'),
          t('agent:address_history.physical'),
          t('agent:address_history.status'),
        ],
        rows: list.map((c) => [
          ctx.when(c.requested_at),
          addressLines(c.mailing).join(', '),
          addressLines(c.physical).join(', '),
          html`${t(`address_change:status.${c.status}`)}${c.reason ? html`<br>${c.reason}` : ''}`,
        ]),
      })
    : html`<p>${t('agent:address_history.none')}</p>`
}`;
}

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
      t('agent:item.time_left'),
      t('agent:item.due'),
    ],
    rows: items.map((i) => [
      itemLink(ctx, i),
      t(`agent:types.${i.type}`, { defaultValue: i.type }),
      t(`agent:channels.${i.channel}`),
      t(`agent:statuses.${i.status}`),
      timeLeftCell(ctx, i),
      ctx.when(i.due_at),
    ]),
    stacked: true,
  });
}

/** A link to an item, with its urgency. */
const itemLink = (ctx: Ctx, i: ServiceItemRow) =>
  html`<a class="usa-link" href="/agent/items/${String(i.number)}">#${String(i.number)}</a>${i.priority === 1 ? html` <span class="usa-tag bg-secondary-dark">${ctx.t('agent:item.urgent')}</span>` : ''}`;

/** Time left on an item's clock, with the overdue tag. */
const timeLeftCell = (ctx: Ctx, i: ServiceItemRow) => {
  const clock = clockOf(i, ctx.now);
  return html`${clock.overdue && !clock.stopped ? html`<span class="usa-tag bg-secondary-dark">${ctx.t('agent:item.overdue')}</span> ` : ''}${timeLeftText(ctx.t, clock)}`;
};

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
${ctx.roles.some((r) => r === 'tier1' || r === 'tier2' || r === 'tier3') ? html`<p><a class="usa-link" href="/agent/callbacks">${t('callbacks:home.link')}</a></p>` : ''}
${ctx.roles.some((r) => r === 'tier2' || r === 'tier3') ? html`<p><a class="usa-link" href="/agent/supervisor">${t('agent:supervisor.title')}</a></p>` : ''}
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
        rows: p.queues.map((q) => [
          html`<a class="usa-link" href="/agent/queues/${encodeURIComponent(q.code)}">${lang === 'es' ? q.queue.name_es : q.queue.name_en}</a>`,
          String(q.waiting),
        ]),
      })
    : html`<p>${t('agent:home.no_queues')}</p>`
}`,
  });
}

/** How a queue's list can be ordered: by time left (soonest due first), by arrival (oldest first), urgent first. */
export const QUEUE_SORTS = ['due', 'received', 'urgent'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];
const SORTERS: Record<QueueSort, (a: ServiceItemRow, b: ServiceItemRow) => number> = {
  due: (a, b) => a.due_at.getTime() - b.due_at.getTime() || a.number - b.number,
  received: (a, b) => a.created_at.getTime() - b.created_at.getTime() || a.number - b.number,
  urgent: (a, b) => a.priority - b.priority || SORTERS.due(a, b),
};

/** A queue's open items with the time left on each clock, sortable by links in the headers (issue 15 point 9). */
export function queuePage(
  ctx: Ctx,
  p: {
    signedIn: SignedIn;
    queue: { code: string; name_en: string; name_es: string };
    items: ServiceItemRow[];
    names: Map<string, string>;
    sort: QueueSort;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const name = lang === 'es' ? p.queue.name_es : p.queue.name_en;
  const items = [...p.items].sort(SORTERS[p.sort]);
  const base = `/agent/queues/${encodeURIComponent(p.queue.code)}`;
  const sortable = (sort: QueueSort, label: string) =>
    html`<th scope="col"${p.sort === sort ? html` aria-sort="ascending"` : ''}><a class="${classes('usa-link', p.sort === sort && 'text-ink')}" href="${base}?sort=${sort}">${label}</a></th>`;
  return titledStaffPage(ctx, p, {
    title: t('agent:queue.title', { queue: name }),
    current: '/agent',
    body: html`${breadcrumb(t('staff:breadcrumb'), [{ href: '/agent', label: t('agent:home.title') }, { label: name }])}
<p>${t('agent:queue.intro', { count: items.length })} ${t(`agent:queue.sorted.${p.sort}`)}</p>
${
  items.length
    ? html`<table class="usa-table usa-table--stacked">
  <caption>${t('agent:queue.caption', { queue: name })}</caption>
  <thead><tr>
    ${sortable('urgent', t('agent:item.number'))}
    <th scope="col">${t('agent:item.type')}</th>
    <th scope="col">${t('agent:item.status')}</th>
    <th scope="col">${t('agent:item.owner')}</th>
    ${sortable('due', t('agent:item.time_left'))}
    ${sortable('received', t('agent:item.received'))}
  </tr></thead>
  <tbody>
    ${items.map(
      (i) => html`<tr>
      <th scope="row" data-label="${t('agent:item.number')}">${itemLink(ctx, i)}</th>
      <td data-label="${t('agent:item.type')}">${t(`agent:types.${i.type}`, { defaultValue: i.type })}</td>
      <td data-label="${t('agent:item.status')}">${t(`agent:statuses.${i.status}`)}</td>
      <td data-label="${t('agent:item.owner')}">${i.owner_id ? (p.names.get(i.owner_id) ?? t('agent:item.someone')) : t('agent:item.no_owner')}</td>
      <td data-label="${t('agent:item.time_left')}">${timeLeftCell(ctx, i)}</td>
      <td data-label="${t('agent:item.received')}">${ctx.when(i.created_at)}</td>
    </tr>`,
    )}
  </tbody>
</table>`
    : html`<p>${t('agent:home.none')}</p>`
}`,
  });
}

/** Who holds which open item and for how long (issue 15 point 9): each agent with their count, then every item. */
export function supervisorPage(
  ctx: Ctx,
  p: {
    signedIn: SignedIn;
    items: ServiceItemRow[];
    names: Map<string, string>;
    queues: { code: string; name_en: string; name_es: string }[];
  },
): SafeHtml {
  const { t, lang } = ctx;
  const queueName = (code: string) => {
    const q = p.queues.find((x) => x.code === code);
    return q ? (lang === 'es' ? q.name_es : q.name_en) : code;
  };
  const heldSince = (i: ServiceItemRow) => i.claimed_at ?? i.created_at;
  const byOwner = new Map<string, ServiceItemRow[]>();
  for (const i of p.items) byOwner.set(i.owner_id!, [...(byOwner.get(i.owner_id!) ?? []), i]);
  const nameOf = (id: string) => p.names.get(id) ?? t('agent:item.someone');
  const owners = [...byOwner].sort((a, b) => heldSince(a[1][0]!).getTime() - heldSince(b[1][0]!).getTime());
  return titledStaffPage(ctx, p, {
    title: t('agent:supervisor.title'),
    current: '/agent',
    body: html`${breadcrumb(t('staff:breadcrumb'), [{ href: '/agent', label: t('agent:home.title') }, { label: t('agent:supervisor.title') }])}
<p>${t('agent:supervisor.intro')}</p>
${
  owners.length
    ? html`${table({
        caption: t('agent:supervisor.by_agent'),
        headers: [t('agent:supervisor.agent'), t('agent:supervisor.count'), t('agent:supervisor.longest')],
        rows: owners.map(([id, items]) => [
          nameOf(id),
          String(items.length),
          durationText(t, ctx.now.getTime() - heldSince(items[0]!).getTime()),
        ]),
        stacked: true,
      })}
${table({
  caption: t('agent:supervisor.items'),
  headers: [
    t('agent:item.number'),
    t('agent:supervisor.agent'),
    t('agent:item.queue'),
    t('agent:supervisor.held_for'),
    t('agent:item.time_left'),
  ],
  rows: p.items.map((i) => [
    itemLink(ctx, i),
    nameOf(i.owner_id!),
    queueName(i.queue),
    durationText(t, ctx.now.getTime() - heldSince(i).getTime()),
    timeLeftCell(ctx, i),
  ]),
  stacked: true,
})}`
    : html`<p>${t('agent:supervisor.none')}</p>`
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

/** The actions of the item's toolbar, one form open at a time (`?action=`); the answer is open by default. */
export const ITEM_ACTIONS = ['reply', 'note', 'pause', 'escalate', 'route', 'reassign', 'resolve'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];
/** The form each field belongs to: a form answered with errors opens again with them (and what was typed). */
const ACTION_OF_FIELD: Record<string, ItemAction> = {
  message: 'reply',
  note: 'note',
  reason: 'pause',
  question: 'pause',
  resume: 'pause',
  to: 'escalate',
  escalate_reason: 'escalate',
  office: 'route',
  route_reason: 'route',
  code: 'resolve',
  resolution_note: 'resolve',
  reassign_to: 'reassign',
  reassign_note: 'reassign',
};
export const isItemAction = (value: string): value is ItemAction => (ITEM_ACTIONS as readonly string[]).includes(value);

/**
 * An item as an agent's workspace (issue 15 point 8): its state (queue, owner, time left on its clock) on top; the
 * words to say to the caller, the toolbar of actions with one form open, and the conversation with the timeline in
 * the middle; the customer, the case with the caller's verification, and knowledge articles beside it.
 */
export function agentItemPage(
  ctx: Ctx,
  p: {
    signedIn: SignedIn;
    view: ItemView;
    notice?: string;
    errors?: FieldError[];
    /** The toolbar's open form (`?action=`); else the one with the errors, else the answer. */
    action?: ItemAction;
    /** What was typed in the form answered with errors. */
    values?: Record<string, string>;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const { item: i, timeline, caseView } = p.view;
  const e = p.errors;
  const v = p.values ?? {};
  const base = `/agent/items/${String(i.number)}`;
  const clock = clockOf(i, ctx.now);
  const open = openAction(ITEM_ACTIONS, { errors: e, actionOfField: ACTION_OF_FIELD, requested: p.action });
  const form = (action: string, fields: SafeHtml | string, submit: string) =>
    actionForm({ base, action, csrf: p.signedIn.csrf, fields, submit });
  const label = (action: ItemAction) =>
    action === 'pause' && i.sla_paused_at ? t('agent:toolbar.resume') : t(`agent:toolbar.${action}`);
  const panels: Record<ItemAction, () => { heading: string; body: SafeHtml }> = {
    reply: () => ({
      heading: t('agent:actions.reply'),
      body: html`${
        p.view.suggestions.length
          ? html`<p class="margin-top-0">${t('agent:actions.saved_replies')}</p>
<ul class="usa-list">${p.view.suggestions.map((a) => html`<li><a class="usa-link" href="${base}?action=reply&amp;saved=${a.slug}#actions">${a.title}</a></li>`)}</ul>`
          : ''
      }${form(
        'reply',
        textArea({
          name: 'message',
          label: t('agent:actions.message'),
          hint: t('agent:actions.message_hint'),
          value: v.message,
          error: errorFor(e, 'message'),
          maxlength: 5000,
        }),
        t('agent:actions.reply_submit'),
      )}`,
    }),
    reassign: () => ({
      heading: t('agent:actions.reassign'),
      body: form(
        'reassign',
        html`${select({
          name: 'reassign_to',
          label: t('agent:actions.reassign_to'),
          value: v.reassign_to,
          error: errorFor(e, 'reassign_to'),
          options: [
            ['', t('agent:choose')],
            ...(p.view.targets?.queues ?? []).map((q): [string, string] => [
              `queue:${q.code}`,
              t(q.code === i.queue ? 'agent:actions.release_to' : 'agent:actions.to_queue', {
                queue: lang === 'es' ? q.name_es : q.name_en,
              }),
            ]),
            ...(p.view.targets?.colleagues ?? []).map((c): [string, string] => [
              `person:${c.account_id}`,
              t('agent:actions.to_person', { name: c.display_name }),
            ]),
          ],
        })}${textArea({ name: 'reassign_note', label: t('agent:actions.reassign_note'), value: v.reassign_note, error: errorFor(e, 'reassign_note'), maxlength: 2000 })}`,
        t('agent:actions.reassign_submit'),
      ),
    }),
    note: () => ({
      heading: t('agent:actions.note'),
      body: form(
        'note',
        textArea({
          name: 'note',
          label: t('agent:actions.note_label'),
          value: v.note,
          error: errorFor(e, 'note'),
          maxlength: 5000,
        }),
        t('agent:actions.note_submit'),
      ),
    }),
    pause: () =>
      i.sla_paused_at
        ? {
            heading: t('agent:actions.resume'),
            body: form(
              'resume',
              html`<p>${t('agent:actions.resume_intro')}</p>${errorFor(e, 'resume') ? html`<p class="usa-error-message" id="resume">${errorFor(e, 'resume')}</p>` : ''}`,
              t('agent:actions.resume_submit'),
            ),
          }
        : {
            heading: t('agent:actions.pause'),
            body: form(
              'pause',
              html`${textInput({
                name: 'reason',
                label: t('agent:actions.pause_reason'),
                value: v.reason,
                error: errorFor(e, 'reason'),
                maxlength: 500,
              })}${textArea({
                name: 'question',
                label: t('agent:actions.pause_question'),
                hint: t('agent:actions.pause_question_hint'),
                value: v.question,
                maxlength: 5000,
              })}`,
              t('agent:actions.pause_submit'),
            ),
          },
    escalate: () => ({
      heading: t('agent:actions.escalate'),
      body: form(
        'escalate',
        html`${select({
          name: 'to',
          label: t('agent:actions.escalate_to'),
          value: v.to,
          options: [
            ['tier2', t('agent:queues.tier2')],
            ['tier3', t('agent:queues.tier3')],
          ],
        })}${textArea({ name: 'escalate_reason', label: t('agent:actions.escalate_reason'), value: v.escalate_reason, error: errorFor(e, 'escalate_reason'), maxlength: 2000 })}`,
        t('agent:actions.escalate_submit'),
      ),
    }),
    route: () => ({
      heading: t('agent:actions.route'),
      body: form(
        'route',
        html`${select({ name: 'office', label: t('agent:actions.office'), value: v.office ?? i.office_code ?? '', error: errorFor(e, 'office'), options: [['', t('agent:choose')], ...OFFICES.map((o): [string, string] => [o.code, officeName(o.code, lang)])] })}${textArea({ name: 'route_reason', label: t('agent:actions.route_reason'), value: v.route_reason, error: errorFor(e, 'route_reason'), maxlength: 2000 })}`,
        t('agent:actions.route_submit'),
      ),
    }),
    resolve: () => ({
      heading: t('agent:actions.resolve'),
      body: form(
        'resolve',
        html`${select({ name: 'code', label: t('agent:actions.code'), value: v.code, error: errorFor(e, 'code'), options: [['', t('agent:choose')], ...RESOLUTION_CODES.map((c): [string, string] => [c, t(`agent:resolutions.${c}`)])] })}${textArea({ name: 'resolution_note', label: t('agent:actions.resolution_note'), value: v.resolution_note, maxlength: 2000 })}`,
        t('agent:actions.resolve_submit'),
      ),
    }),
  };
  const toolbar = actionToolbar({
    heading: t('agent:actions.heading'),
    base,
    actions: ITEM_ACTIONS.map((a) => ({ name: a, label: label(a) })),
    open,
    panel: panels[open](),
  });

  const verifyForm =
    p.view.mayWork && p.view.caseHidden && p.view.questions.length < 2
      ? alert({ type: 'info', slim: true, body: t('agent:verify.not_enough') })
      : p.view.mayWork && p.view.caseHidden
        ? html`<h3 id="verify-heading">${t('agent:verify.heading')}</h3>
<form class="usa-form" method="post" action="${base}/verify" aria-labelledby="verify-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  <p>${t('agent:verify.intro')}</p>
  ${radioGroup({
    name: 'caller_role',
    legend: t('agent:verify.role'),
    value: v.caller_role ?? 'applicant',
    options: [
      { value: 'applicant', label: t('agent:verify.roles.applicant') },
      { value: 'interpreter_with_applicant', label: t('agent:verify.roles.interpreter_with_applicant') },
      { value: 'representative', label: t('agent:verify.roles.representative') },
    ],
  })}
  ${p.view.questions.map((q) => textInput({ name: `answer_${q}`, label: t(`agent:verify.questions.${q}`), hint: q === 'date_of_birth' ? t('agent:verify.dob_hint') : undefined, error: errorFor(e, `answer_${q}`), maxlength: QUESTION_INPUT[q].max, width: QUESTION_INPUT[q].width, autocomplete: 'off', spellcheck: false }))}
  ${button(t('agent:verify.submit'))}
</form>`
        : '';
  const verificationState = p.view.verification
    ? t(`agent:verify.last.${p.view.verification.outcome}`, { when: ctx.when(p.view.verification.at) })
    : p.view.caseHidden === 'verify_first'
      ? t('agent:verify.last.none')
      : '';
  const caseSection = i.receipt_number
    ? html`<section aria-labelledby="case-heading">
<h2 id="case-heading">${t('agent:case.heading')}</h2>
<p class="casedesk-receipt">${i.receipt_number}</p>
${
  caseView
    ? html`${table({
        caption: t('agent:case.summary'),
        headers: [t('agent:item.field'), t('agent:item.value')],
        rows: [
          [t('agent:case.form'), formLongName(caseView.formCode, lang)],
          [t('agent:case.status'), caseView.current.title[lang]],
          [t('agent:case.since'), ctx.when(caseView.current.at)],
          [
            t('agent:case.inquiry.label'),
            p.view.inquiry
              ? t(`agent:case.inquiry.${p.view.inquiry.outside ? 'outside' : 'within'}`, {
                  date: formatCalendarDate(p.view.inquiry.date, lang),
                  source: t(`agent:case.inquiry.source.${p.view.inquiry.source}`),
                })
              : t('agent:case.inquiry.none'),
          ],
        ],
      })}
<p>${statusDescriptionHtml(caseView.current.description[lang], t)}</p>
<ol class="casedesk-history" reversed>${caseView.history.map((h) => html`<li><time datetime="${h.at.toISOString()}">${ctx.when(h.at)}</time> ${h.title[lang]}</li>`)}</ol>
${addressHistory(ctx, p.view.addressHistory ?? [])}`
    : p.view.caseHidden
      ? alert({ type: 'warning', slim: true, body: t(`agent:case.hidden.${p.view.caseHidden}`) })
      : html`<p>${t('agent:case.unavailable')}</p>`
}
${verificationState ? html`<p><strong>${t('agent:verify.state')}</strong> ${verificationState}</p>` : ''}
${verifyForm}
</section>`
    : '';

  const conversationHtml = conversation(
    t('agent:item.conversation'),
    timeline.map((ev) => {
      const voice = eventVoice(ev);
      return {
        voice,
        heading: t(`agent:timeline.${ev.kind}`, { defaultValue: ev.kind }),
        voiceLabel: t(`agent:item.voice.${voice}`),
        at: ev.occurred_at,
        when: ctx.when(ev.occurred_at),
        who: voice === 'customer' ? i.contact_name : ev.actor_name,
        lead:
          ev.kind === 'created'
            ? html`<p class="text-bold casedesk-pre">${i.subject}</p><p class="casedesk-pre">${i.description}</p>`
            : undefined,
        body: ev.body,
      };
    }),
  );

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
${table({
  caption: t('agent:item.summary'),
  headers: [
    t('agent:item.status'),
    t('agent:item.queue'),
    t('agent:item.owner'),
    t('agent:item.time_left'),
    t('agent:item.due'),
  ],
  rows: [
    [
      html`${t(`agent:statuses.${i.status}`)}${i.urgent ? html` <span class="usa-tag bg-secondary-dark">${t('agent:item.urgent')}</span>` : ''}`,
      p.view.queue ? (lang === 'es' ? p.view.queue.name_es : p.view.queue.name_en) : i.queue,
      p.view.ownerName ?? t('agent:item.no_owner'),
      html`${clock.overdue && !clock.stopped ? html`<span class="usa-tag bg-secondary-dark">${t('agent:item.overdue')}</span> ` : ''}${timeLeftText(t, clock)}`,
      html`${ctx.when(i.due_at)}${i.sla_paused_at ? html` <span class="usa-tag">${t('agent:item.paused')}</span>` : ''}${i.breached_at ? html` <span class="usa-tag bg-secondary-dark">${t('agent:item.breached')}</span>` : ''}`,
    ],
  ],
  stacked: true,
})}
${workspaceColumns(
  html`${p.view.mayWork ? html`<div class="usa-summary-box margin-bottom-3"><div class="usa-summary-box__body"><p class="usa-intro font-sans-sm margin-0">${t('agent:item.tell_caller', { number: String(i.number) })} ${promiseOfItem(t, lang, i, ctx.timeZone)}</p></div></div>` : ''}
${p.view.mayWork ? toolbar : ''}
${conversationHtml}`,
  html`<section aria-labelledby="customer-heading">
<h2 id="customer-heading">${t('agent:item.customer')}</h2>
<dl class="casedesk-facts">
  <dt>${t('agent:item.contact')}</dt><dd>${i.contact_name}<br>${i.contact_email}${i.contact_phone ? html`<br>${i.contact_phone}` : ''}</dd>
  <dt>${t('agent:item.language')}</dt><dd>${i.language === 'es' ? 'Español' : 'English'}</dd>
  <dt>${t('agent:item.channel')}</dt><dd>${t(`agent:channels.${i.channel}`)}</dd>
  <dt>${t('agent:item.type')}</dt><dd>${t(`agent:types.${i.type}`, { defaultValue: i.type })}</dd>
  <dt>${t('agent:item.urgency')}</dt><dd>${i.urgent ? t('agent:item.urgent') : t('agent:item.non_urgent')}</dd>
  <dt>${t('agent:item.received')}</dt><dd>${ctx.when(i.created_at)}</dd>
</dl>
${i.channel === 'appointment_request' ? html`<p><a class="usa-link" href="${base}/appointment">${t('appointment_requests:agent.link')}</a></p>` : ''}
<p><a class="usa-link" href="${base}/callbacks">${t('callbacks:item.link')}</a></p>
<p><a class="usa-link" href="${base}/text-ahead">${t('text_ahead:link')}</a></p>
${i.case_id && !ctx.roles.every((r) => r === 'help_desk' || r === 'officer') ? html`<p><a class="usa-link" href="${base}/biometrics">${t('biometrics:agent.link')}</a></p>` : ''}
</section>
${caseSection}
${
  p.view.suggestions.length
    ? html`<aside aria-labelledby="articles-heading"><h2 id="articles-heading">${t('agent:articles.heading')}</h2><ul class="usa-list usa-list--unstyled">${p.view.suggestions.map((a) => html`<li class="margin-bottom-1"><a class="usa-link" href="/staff/knowledge/${a.slug}">${a.title}</a></li>`)}</ul></aside>`
    : ''
}`,
)}`,
  });
}
