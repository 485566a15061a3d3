import {
  alert,
  breadcrumb,
  button,
  csrfField,
  errorFor,
  radioGroup,
  submissionField,
  table,
  textArea,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import {
  publicPage,
  type SignedIn,
  staffPage,
  titledStaffPage,
  type StaffPageContext,
} from '../../platform/views/frame.js';
import type { PageContext } from '../../platform/views/layout.js';
import {
  actionForm,
  actionToolbar,
  conversation,
  openAction,
  workspaceColumns,
} from '../../platform/views/workspace.js';
import {
  clockOf,
  eventVoice,
  timeLeftText,
  type ServiceItemEventRow,
  type ServiceItemRow,
} from '../service-items/index.js';
import { CALLBACK_NUMBER, HELP_TOPICS, type HelpTopic, type PromisedDays } from './service.js';

/** Pages of the Technical Help Desk: the public technical-help form, the staff workspace pages, recovery links. */

export function targetText(ctx: PageContext, d: PromisedDays): string {
  return d.min === d.max
    ? ctx.t('help_desk:target_day', { count: d.max })
    : ctx.t('help_desk:target_range', { min: d.min, max: d.max });
}

export function helpFormPage(
  ctx: PageContext,
  p: {
    csrf: string;
    submission?: string;
    values?: Record<string, string | undefined>;
    errors?: FieldError[];
    signedIn: boolean;
    /** What each topic promises (the routing rules' SLA policy, ACC-6). */
    promises: Record<HelpTopic, PromisedDays>;
  },
): SafeHtml {
  const { t } = ctx;
  const v = p.values ?? {};
  const errors = p.errors ?? [];
  return publicPage(
    ctx,
    t('help_desk:form.title'),
    html`<h1>${t('help_desk:form.title')}</h1>
<p class="usa-intro">${t('help_desk:form.intro')}</p>
<p>${t('knowledge:public.from_help_form')} <a class="usa-link" href="/help/articles">${t('knowledge:public.from_help_form_link')}</a>.</p>
${alert({ type: 'info', slim: true, body: html`${t('help_desk:form.self_service')} <a class="usa-link" href="/account/forgot-password">${t('help_desk:form.forgot_link')}</a>` })}
<form class="usa-form usa-form--large" method="post" action="/help/technical" novalidate>
  ${csrfField(p.csrf)}${submissionField(p.submission)}
  ${radioGroup({
    name: 'topic',
    legend: t('help_desk:form.topic'),
    value: v.topic,
    error: errorFor(errors, 'topic'),
    options: HELP_TOPICS.map((topic) => ({
      value: topic,
      label: t(`help_desk:topics.${topic}`),
      hint: targetText(ctx, p.promises[topic]),
    })),
  })}
  ${textArea({ name: 'description', label: t('help_desk:form.description'), hint: t('help_desk:form.description_hint'), value: v.description, error: errorFor(errors, 'description'), maxlength: 2000 })}
  ${textInput({ name: 'name', label: t('help_desk:form.name'), value: v.name, error: errorFor(errors, 'name'), autocomplete: 'name' })}
  ${textInput({ name: 'email', label: t('help_desk:form.email'), hint: p.signedIn ? t('help_desk:form.email_hint_signed_in') : t('help_desk:form.email_hint'), type: 'email', value: v.email, error: errorFor(errors, 'email'), autocomplete: 'email', spellcheck: false, maxlength: 254 })}
  ${textInput({ name: 'phone', label: t('help_desk:form.phone'), hint: t('help_desk:form.phone_hint'), type: 'tel', value: v.phone, error: errorFor(errors, 'phone'), autocomplete: 'tel', maxlength: 30 })}
  ${button(t('help_desk:form.submit'))}
</form>`,
    errors,
  );
}

export function helpSentPage(ctx: PageContext, p: { number: string; promise: PromisedDays }): SafeHtml {
  const { t } = ctx;
  return publicPage(
    ctx,
    t('help_desk:sent.title'),
    html`<h1>${t('help_desk:sent.title')}</h1>
${alert({ type: 'success', body: html`<p class="margin-0">${t('help_desk:sent.number')} <strong class="casedesk-receipt">${p.number}</strong></p>` })}
<p>${t('help_desk:sent.next', { target: targetText(ctx, p.promise) })}</p>
<p>${t('help_desk:sent.keep')}</p>`,
  );
}

// ---- Staff pages --------------------------------------------------------------------------------------------------

export interface HomeView {
  signedIn: SignedIn;
  queues: { queue: string; items: ServiceItemRow[] }[];
  query?: string;
  results?: { id: string; email: string; online_account_number: string; kind: string }[];
  errors?: FieldError[];
  when(d: Date): string;
  now: Date;
}

export function itemsTable(
  ctx: StaffPageContext,
  caption: string,
  items: ServiceItemRow[],
  when: (d: Date) => string,
  now: Date,
): SafeHtml {
  const { t } = ctx;
  if (!items.length) return html`<p>${t('help_desk:staff.queue_empty', { queue: caption })}</p>`;
  return table({
    caption,
    headers: [
      t('help_desk:staff.number'),
      t('help_desk:staff.topic'),
      t('help_desk:staff.status'),
      t('help_desk:staff.received'),
      t('help_desk:staff.due'),
    ],
    rows: items.map((i) => [
      html`<a class="usa-link" href="/staff/help-desk/items/${String(i.number)}">#${String(i.number)}</a>`,
      t(`help_desk:topics.${i.type}`, { defaultValue: i.type }),
      t(`help_desk:statuses.${i.status}`),
      when(i.created_at),
      i.due_at < now
        ? html`<span class="usa-tag bg-secondary-dark">${t('help_desk:staff.overdue')}</span> ${when(i.due_at)}`
        : when(i.due_at),
    ]),
    stacked: true,
  });
}

export function helpDeskHomePage(ctx: StaffPageContext, p: HomeView): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const canSearch = ctx.roles.includes('help_desk');
  return titledStaffPage(ctx, p, {
    title: t('help_desk:staff.title'),
    current: '/staff/help-desk',
    body: html`${
      canSearch
        ? html`<section aria-labelledby="find-heading">
<h2 id="find-heading">${t('help_desk:staff.find_heading')}</h2>
<form class="usa-search usa-search--small" role="search" method="get" action="/staff/help-desk">
  ${textInput({ name: 'q', label: t('help_desk:staff.find_label'), hint: t('help_desk:staff.find_hint'), value: p.query, error: errorFor(errors, 'q'), spellcheck: false, maxlength: 254, autocomplete: 'off' })}
  ${button(t('help_desk:staff.find_submit'))}
</form>
${
  p.results
    ? p.results.length
      ? table({
          caption: t('help_desk:staff.results_caption'),
          headers: [t('help_desk:staff.email'), t('help_desk:staff.oan'), t('help_desk:staff.kind')],
          rows: p.results.map((a) => [
            html`<a class="usa-link" href="/staff/help-desk/accounts/${a.id}">${a.email}</a>`,
            a.online_account_number,
            t(`help_desk:kinds.${a.kind}`),
          ]),
        })
      : alert({ type: 'info', slim: true, body: t('help_desk:staff.no_results') })
    : ''
}
</section>`
        : ''
    }
${p.queues.map((q) => html`<section aria-labelledby="queue-${q.queue}"><h2 id="queue-${q.queue}">${t(`help_desk:queues.${q.queue}`)}</h2>${itemsTable(ctx, t(`help_desk:queues.${q.queue}`), q.items, p.when, p.now)}</section>`)}`,
  });
}

export interface AccountView {
  signedIn: SignedIn;
  account: {
    id: string;
    email: string;
    recovery_email: string | null;
    online_account_number: string;
    kind: string;
    created_at: Date;
    activated_at: Date | null;
  };
  methods: { authenticator: boolean; backupCodes: number; phones: number; passkeys: number; emailCodes: boolean };
  locks: { passwordUntil?: Date; codesUntil?: Date };
  recovery?: { ready_at: Date; deliver_to: string; link_sent_at: Date | null };
  events: { kind: string; occurred_at: Date; ip: string | null }[];
  items: ServiceItemRow[];
  sessionCount: number;
  when(d: Date): string;
  notice?: string;
  errors?: FieldError[];
  values?: Record<string, string>;
}

export function accountPage(ctx: StaffPageContext, p: AccountView): SafeHtml {
  const { t } = ctx;
  const a = p.account;
  const errors = p.errors ?? [];
  const yes = t('help_desk:staff.yes');
  const no = t('help_desk:staff.no');
  const locked = p.locks.passwordUntil || p.locks.codesUntil;
  return staffPage(ctx, {
    title: a.email,
    current: '/staff/help-desk',
    signedIn: p.signedIn,
    errors,
    body: html`${breadcrumb(t('staff:breadcrumb'), [{ href: '/staff/help-desk', label: t('help_desk:staff.title') }, { label: a.email }])}
<h1>${a.email}</h1>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${
  locked
    ? alert({
        type: 'warning',
        heading: t('help_desk:staff.locked_heading'),
        headingLevel: 2,
        body: html`<ul class="usa-list">${p.locks.passwordUntil ? html`<li>${t('help_desk:staff.password_locked', { time: p.when(p.locks.passwordUntil) })}</li>` : ''}${p.locks.codesUntil ? html`<li>${t('help_desk:staff.codes_locked', { time: p.when(p.locks.codesUntil) })}</li>` : ''}</ul>`,
      })
    : alert({ type: 'info', slim: true, body: t('help_desk:staff.not_locked') })
}
${p.recovery ? alert({ type: 'warning', heading: t('help_desk:staff.recovery_open'), headingLevel: 2, body: p.recovery.link_sent_at ? t('help_desk:staff.recovery_link_sent', { email: p.recovery.deliver_to }) : t('help_desk:staff.recovery_waiting', { email: p.recovery.deliver_to, time: p.when(p.recovery.ready_at) }) }) : ''}
${table({
  caption: t('help_desk:staff.summary_caption'),
  headers: [t('help_desk:staff.field'), t('help_desk:staff.value')],
  rows: [
    [t('help_desk:staff.oan'), a.online_account_number],
    [t('help_desk:staff.kind'), t(`help_desk:kinds.${a.kind}`)],
    [t('help_desk:staff.recovery_email'), a.recovery_email ?? '—'],
    [t('help_desk:staff.created'), p.when(a.created_at)],
    [t('help_desk:staff.activated'), a.activated_at ? p.when(a.activated_at) : t('help_desk:staff.not_finished')],
    [t('help_desk:staff.authenticator'), p.methods.authenticator ? yes : no],
    [t('help_desk:staff.passkeys'), String(p.methods.passkeys)],
    [t('help_desk:staff.phones'), String(p.methods.phones)],
    [t('help_desk:staff.email_codes'), p.methods.emailCodes ? yes : no],
    [t('help_desk:staff.backup_codes'), String(p.methods.backupCodes)],
    [t('help_desk:staff.sessions'), String(p.sessionCount)],
  ],
})}
<h2 id="unlock-heading">${t('help_desk:staff.unlock_heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="/staff/help-desk/accounts/${a.id}/unlock" aria-labelledby="unlock-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${textInput({ name: 'reason', label: t('help_desk:staff.reason'), hint: t('help_desk:staff.unlock_hint'), value: p.values?.reason, error: errorFor(errors, 'reason'), maxlength: 500 })}
  ${button(t('help_desk:staff.unlock_submit'))}
</form>
<h2 id="reset-heading">${t('help_desk:staff.reset_heading')}</h2>
<p>${t('help_desk:staff.reset_intro')}</p>
<form method="post" action="/staff/help-desk/accounts/${a.id}/reset-link" aria-labelledby="reset-heading">${csrfField(p.signedIn.csrf)}${button(t('help_desk:staff.reset_submit'), { secondary: true })}</form>
<h2 id="recovery-heading">${t('help_desk:staff.recovery_heading')}</h2>
${
  p.recovery
    ? html`<form method="post" action="/staff/help-desk/accounts/${a.id}/recovery/cancel" aria-labelledby="recovery-heading">${csrfField(p.signedIn.csrf)}${button(t('help_desk:staff.recovery_cancel'), { secondary: true })}</form>`
    : html`<p>${t('help_desk:staff.recovery_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/staff/help-desk/accounts/${a.id}/recovery" aria-labelledby="recovery-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${textArea({ name: 'identity_checks', label: t('help_desk:staff.identity_checks'), hint: t('help_desk:staff.identity_checks_hint'), value: p.values?.identity_checks, error: errorFor(errors, 'identity_checks'), maxlength: 2000 })}
  ${textInput({ name: 'deliver_to', label: t('help_desk:staff.deliver_to'), hint: t('help_desk:staff.deliver_to_hint'), type: 'email', value: p.values?.deliver_to ?? a.email, error: errorFor(errors, 'deliver_to'), spellcheck: false, maxlength: 254 })}
  ${textInput({ name: 'item', label: t('help_desk:staff.item_number'), hint: t('help_desk:staff.optional'), value: p.values?.item, inputmode: 'numeric', width: 'md', maxlength: 12 })}
  ${button(t('help_desk:staff.recovery_submit'))}
</form>`
}
<h2>${t('help_desk:staff.items_heading')}</h2>
${itemsTable(ctx, t('help_desk:staff.items_heading'), p.items, p.when, new Date(0))}
${table({
  caption: t('help_desk:staff.events_caption'),
  headers: [t('help_desk:staff.when'), t('help_desk:staff.event'), t('help_desk:staff.ip')],
  rows: p.events.map((e) => [
    p.when(e.occurred_at),
    t(`help_desk:events.${e.kind}`, { defaultValue: e.kind }),
    e.ip ?? '—',
  ]),
  stacked: true,
})}`,
  });
}

/** The actions of a help-desk item's toolbar, one form open at a time (`?action=`); the answer is open by default. */
export const HELP_ITEM_ACTIONS = ['reply', 'note', 'escalate', 'call', 'resolve'] as const;
export type HelpItemAction = (typeof HELP_ITEM_ACTIONS)[number];
/** The form each required field belongs to: a form answered with an error opens again with it. */
const HELP_ACTION_OF_FIELD: Record<string, HelpItemAction> = {
  message: 'reply',
  note: 'note',
  reason: 'escalate',
  answered: 'call',
  resolution: 'resolve',
};
export const isHelpItemAction = (value: string): value is HelpItemAction =>
  (HELP_ITEM_ACTIONS as readonly string[]).includes(value);

/**
 * A help-desk item as a workspace (issue 15 point 8, as the agent's item page): its state (status, queue, time left
 * on its clock) on top; the toolbar of actions with one form open and the conversation with the timeline in the
 * middle; the customer and their account beside it.
 */
export function itemPage(
  ctx: StaffPageContext,
  p: {
    signedIn: SignedIn;
    item: ServiceItemRow;
    timeline: (ServiceItemEventRow & { actor_name: string | null })[];
    when(d: Date): string;
    now: Date;
    notice?: string;
    errors?: FieldError[];
    /** The toolbar's open form (`?action=`); else the one with the errors, else the answer. */
    action?: string;
  },
): SafeHtml {
  const { t } = ctx;
  const i = p.item;
  const errors = p.errors ?? [];
  const closed = i.status === 'resolved' || i.status === 'closed';
  const isHelpDesk = ctx.roles.includes('help_desk');
  const isTier2 = ctx.roles.includes('tier2');
  const base = `/staff/help-desk/items/${String(i.number)}`;
  const clock = clockOf(i, p.now);
  // What this person may do here: escalation from the help desk's queue, callbacks from Tier 2's.
  const actions = HELP_ITEM_ACTIONS.filter(
    (a) =>
      (a !== 'escalate' || (isHelpDesk && i.queue !== 'tier2')) && (a !== 'call' || (isTier2 && i.queue === 'tier2')),
  );
  const open = openAction(actions, { errors, actionOfField: HELP_ACTION_OF_FIELD, requested: p.action });
  const form = (action: string, fields: SafeHtml | string, submit: string) =>
    actionForm({ base, action, csrf: p.signedIn.csrf, fields, submit });
  const panels: Record<HelpItemAction, () => { heading: string; body: SafeHtml }> = {
    reply: () => ({
      heading: t('help_desk:staff.reply_heading'),
      body: form(
        'reply',
        html`${textArea({ name: 'message', label: t('help_desk:staff.message'), error: errorFor(errors, 'message'), maxlength: 5000 })}
  <div class="usa-checkbox"><input class="usa-checkbox__input" id="resolve" type="checkbox" name="resolve" value="1"><label class="usa-checkbox__label" for="resolve">${t('help_desk:staff.resolve_with_reply')}</label></div>`,
        t('help_desk:staff.reply_submit'),
      ),
    }),
    note: () => ({
      heading: t('help_desk:staff.note_heading'),
      body: form(
        'note',
        textArea({ name: 'note', label: t('help_desk:staff.note'), error: errorFor(errors, 'note'), maxlength: 5000 }),
        t('help_desk:staff.note_submit'),
      ),
    }),
    escalate: () => ({
      heading: t('help_desk:staff.escalate_heading'),
      body: html`<p class="margin-top-0">${t('help_desk:staff.escalate_intro', { number: CALLBACK_NUMBER })}</p>${form(
        'escalate',
        textArea({
          name: 'reason',
          label: t('help_desk:staff.reason'),
          error: errorFor(errors, 'reason'),
          maxlength: 2000,
        }),
        t('help_desk:staff.escalate_submit'),
      )}`,
    }),
    call: () => ({
      heading: t('help_desk:staff.call_heading'),
      body: form(
        'call',
        html`${radioGroup({
          name: 'answered',
          legend: t('help_desk:staff.call_outcome'),
          error: errorFor(errors, 'answered'),
          options: [
            { value: 'yes', label: t('help_desk:staff.call_answered') },
            { value: 'no', label: t('help_desk:staff.call_missed') },
          ],
        })}
  ${textArea({ name: 'note', label: t('help_desk:staff.note'), maxlength: 5000 })}`,
        t('help_desk:staff.call_submit'),
      ),
    }),
    resolve: () => ({
      heading: t('help_desk:staff.resolve_heading'),
      body: form(
        'resolve',
        textArea({
          name: 'resolution',
          label: t('help_desk:staff.resolution'),
          error: errorFor(errors, 'resolution'),
          maxlength: 2000,
        }),
        t('help_desk:staff.resolve_submit'),
      ),
    }),
  };
  const toolbar = closed
    ? ''
    : actionToolbar({
        heading: t('help_desk:staff.actions_heading'),
        base,
        actions: actions.map((a) => ({ name: a, label: t(`help_desk:staff.toolbar.${a}`) })),
        open,
        panel: panels[open](),
      });
  const description = html`<p class="casedesk-pre">${i.description}</p>`;
  const received = p.timeline.some((e) => e.kind === 'created');
  const entries = [
    // An item from before the timeline had its first entry still shows what the customer wrote.
    ...(received
      ? []
      : [{ kind: 'created', occurred_at: i.created_at, actor_name: null, body: null, customer_visible: false }]),
    ...p.timeline,
  ].map((ev) => {
    const voice = eventVoice(ev);
    return {
      voice,
      heading: t(`help_desk:timeline.${ev.kind}`, { defaultValue: ev.kind }),
      voiceLabel: t(`help_desk:staff.voice.${voice}`),
      at: ev.occurred_at,
      when: p.when(ev.occurred_at),
      who: voice === 'customer' ? i.contact_name : ev.actor_name,
      lead: ev.kind === 'created' ? description : undefined,
      body: ev.body,
    };
  });
  return staffPage(ctx, {
    title: t('help_desk:staff.item_title', { number: String(i.number) }),
    current: '/staff/help-desk',
    signedIn: p.signedIn,
    errors,
    body: html`${breadcrumb(t('staff:breadcrumb'), [{ href: '/staff/help-desk', label: t('help_desk:staff.title') }, { label: `#${String(i.number)}` }])}
<h1>${t('help_desk:staff.item_title', { number: String(i.number) })}</h1>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${table({
  caption: t('help_desk:staff.item_caption'),
  headers: [
    t('help_desk:staff.status'),
    t('help_desk:staff.queue'),
    t('help_desk:staff.time_left'),
    t('help_desk:staff.due'),
  ],
  rows: [
    [
      t(`help_desk:statuses.${i.status}`),
      t(`help_desk:queues.${i.queue}`, { defaultValue: i.queue }),
      html`${clock.overdue && !clock.stopped ? html`<span class="usa-tag bg-secondary-dark">${t('help_desk:staff.overdue')}</span> ` : ''}${timeLeftText(t, clock)}`,
      p.when(i.due_at),
    ],
  ],
  stacked: true,
})}
${workspaceColumns(
  html`${toolbar}
${conversation(t('help_desk:staff.conversation'), entries)}`,
  html`<section aria-labelledby="customer-heading">
<h2 id="customer-heading">${t('help_desk:staff.customer')}</h2>
<dl class="casedesk-facts">
  <dt>${t('help_desk:staff.contact')}</dt><dd>${i.contact_name}<br>${i.contact_email}${i.contact_phone ? html`<br>${i.contact_phone}` : ''}</dd>
  <dt>${t('help_desk:staff.language')}</dt><dd>${t(`help_desk:languages.${i.language}`)}</dd>
  <dt>${t('help_desk:staff.topic')}</dt><dd>${t(`help_desk:topics.${i.type}`, { defaultValue: i.type })}</dd>
  <dt>${t('help_desk:staff.received')}</dt><dd>${p.when(i.created_at)}</dd>
  <dt>${t('help_desk:staff.account')}</dt><dd>${
    i.account_id && isHelpDesk
      ? html`<a class="usa-link" href="/staff/help-desk/accounts/${i.account_id}">${t('help_desk:staff.open_account')}</a>`
      : '—'
  }</dd>
</dl>
</section>`,
)}`,
  });
}

// ---- Recovery links (public) ----------------------------------------------------------------------------------------

export function recoveryLinkPage(
  ctx: PageContext,
  p: { csrf: string; token: string; kind: 'cancel' | 'recover' },
): SafeHtml {
  const { t } = ctx;
  return publicPage(
    ctx,
    t(`help_desk:recovery.${p.kind}_title`),
    html`<h1>${t(`help_desk:recovery.${p.kind}_title`)}</h1>
<p>${t(`help_desk:recovery.${p.kind}_body`)}</p>
<form method="post" action="${p.kind === 'cancel' ? '/account/recovery/cancel' : '/account/recover'}">${csrfField(p.csrf)}<input type="hidden" name="token" value="${p.token}">${button(t(`help_desk:recovery.${p.kind}_submit`))}</form>`,
  );
}

export function recoveryCancelledPage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return publicPage(
    ctx,
    t('help_desk:recovery.cancelled_title'),
    html`<h1>${t('help_desk:recovery.cancelled_title')}</h1>
${alert({ type: 'success', body: t('help_desk:recovery.cancelled_body') })}
<p><a class="usa-link" href="/account/sign-in">${t('help_desk:recovery.sign_in')}</a></p>`,
  );
}
