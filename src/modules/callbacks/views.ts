import {
  alert,
  button,
  csrfField,
  radioGroup,
  select,
  table,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import { type SignedIn, titledStaffPage, type StaffPageContext } from '../../platform/views/frame.js';
import { dateTimeFormatter } from '../../platform/format.js';
import type { ServiceItemRow } from '../service-items/index.js';
import { CALL_OUTCOMES } from './service.js';
import type { CallbackAttemptRow, CallbackRow } from './tables.js';

/** The callbacks pages of the agent console (/agent/callbacks...) and the high-volume setting. */

type Ctx = StaffPageContext & { now: Date; timeZone: string };
interface Form {
  signedIn: SignedIn;
  errors?: FieldError[];
}

/** "Tue, Dec 8, 2026, 9:05 AM (America/Los_Angeles)": a moment on the customer's own clock, with the zone named. */
function localTime(ctx: Ctx, at: Date, zone: string): string {
  return `${dateTimeFormatter(ctx.lang, zone)(at)} (${zone})`;
}

const status = (ctx: Ctx, c: CallbackRow) => ctx.t(`callbacks:statuses.${c.status}`);

/** The callbacks home: the next one due in my tiers, what waits, what I hold. */
export function callbacksHomePage(
  ctx: Ctx,
  p: Form & {
    next?: { callback: CallbackRow; itemNumber: number };
    waiting: { tier: string; waiting: number; due: number }[];
    mine: { callback: CallbackRow; itemNumber: number }[];
    notice?: string;
  },
): SafeHtml {
  const { t } = ctx;
  const n = p.next;
  return titledStaffPage(ctx, p, {
    title: t('callbacks:home.title'),
    current: '/agent',
    body: html`${p.notice ? alert({ type: 'info', slim: true, live: true, body: p.notice }) : ''}
<p><a class="usa-link" href="/agent">${t('callbacks:back_to_console')}</a></p>
<h2>${t('callbacks:home.next')}</h2>
${
  n
    ? html`<div class="usa-summary-box margin-bottom-2"><div class="usa-summary-box__body">
<dl>
  <dt>${t('callbacks:fields.item')}</dt><dd>#${String(n.itemNumber)}</dd>
  <dt>${t('callbacks:fields.local_time')}</dt><dd>${localTime(ctx, ctx.now, n.callback.time_zone)}</dd>
  <dt>${t('callbacks:fields.requested')}</dt><dd>${localTime(ctx, n.callback.requested_at, ctx.timeZone)}</dd>
  <dt>${t('callbacks:fields.attempt')}</dt><dd>${String(n.callback.attempts + 1)} / 2</dd>
  <dt>${t('callbacks:fields.language')}</dt><dd>${t(`callbacks:languages.${n.callback.language}`)}</dd>
</dl></div></div>
<form method="post" action="/agent/callbacks/claim">${csrfField(p.signedIn.csrf)}${button(t('callbacks:home.take'))}</form>`
    : html`<p>${t('callbacks:home.none_due')}</p>`
}
<h2>${t('callbacks:home.waiting')}</h2>
${table({
  caption: t('callbacks:home.waiting'),
  headers: [t('callbacks:fields.tier'), t('callbacks:home.due_now'), t('callbacks:home.all_waiting')],
  rows: p.waiting.map((w) => [t(`callbacks:tiers.${w.tier}`), String(w.due), String(w.waiting)]),
})}
<h2>${t('callbacks:home.mine')}</h2>
${
  p.mine.length
    ? html`<ul class="usa-list">${p.mine.map((m) => html`<li><a class="usa-link" href="/agent/callbacks/${m.callback.id}">#${String(m.itemNumber)}</a>: ${localTime(ctx, ctx.now, m.callback.time_zone)}</li>`)}</ul>`
    : html`<p>${t('callbacks:home.none_mine')}</p>`
}`,
  });
}

/** A claimed callback: the numbers in order, click-to-call, the outcome of each number, the voicemail to read. */
export function callbackPage(
  ctx: Ctx,
  p: Form & {
    callback: CallbackRow;
    item: ServiceItemRow;
    attempts: CallbackAttemptRow[];
    /** The voicemail message (CB-3) in the customer's language and the other one. */
    voicemail: { lang: 'en' | 'es'; text: string }[];
    notice?: string;
    values?: Record<string, string>;
  },
): SafeHtml {
  const { t } = ctx;
  const c = p.callback;
  const attempt = c.attempts + 1;
  const tried = new Map(p.attempts.filter((a) => a.attempt === attempt && a.phone).map((a) => [a.phone!, a.outcome]));
  const nextPhone = c.phones.find((phone) => !tried.has(phone)) ?? c.phones[0]!;
  const errorFor = (field: string) => p.errors?.find((e) => e.field === field)?.message;
  return titledStaffPage(ctx, p, {
    title: t('callbacks:work.title', { number: String(p.item.number) }),
    current: '/agent',
    body: html`${p.notice ? alert({ type: 'info', slim: true, live: true, body: p.notice }) : ''}
<p><a class="usa-link" href="/agent/items/${String(p.item.number)}">${t('callbacks:work.open_item', { number: String(p.item.number) })}</a></p>
<dl>
  <dt>${t('callbacks:fields.local_time')}</dt><dd>${localTime(ctx, ctx.now, c.time_zone)}</dd>
  <dt>${t('callbacks:fields.name')}</dt><dd>${p.item.contact_name}</dd>
  <dt>${t('callbacks:fields.attempt')}</dt><dd>${String(attempt)} / 2</dd>
  <dt>${t('callbacks:fields.language')}</dt><dd>${t(`callbacks:languages.${c.language}`)}</dd>
</dl>
${table({
  caption: t('callbacks:work.numbers'),
  headers: [t('callbacks:work.order'), t('callbacks:fields.phone'), t('callbacks:work.this_attempt')],
  rows: c.phones.map((phone, i) => [
    String(i + 1),
    phone,
    tried.has(phone) ? t(`callbacks:outcomes.${tried.get(phone)!}`) : t('callbacks:work.not_tried'),
  ]),
})}
<h2>${t('callbacks:work.call_heading')}</h2>
<form method="post" action="/agent/callbacks/${c.id}/call" class="usa-form">${csrfField(p.signedIn.csrf)}
${select({ name: 'phone', label: t('callbacks:work.customer_number'), value: p.values?.phone ?? nextPhone, options: c.phones.map((x) => [x, x] as const) })}
${textInput({ name: 'agent_phone', label: t('callbacks:work.agent_phone'), hint: t('callbacks:work.agent_phone_hint'), value: p.values?.agent_phone, error: errorFor('agent_phone'), type: 'tel', autocomplete: 'tel' })}
${button(t('callbacks:work.call'))}
</form>
${
  c.attempts === 0
    ? html`<h2>${t('callbacks:work.voicemail_heading')}</h2>
<p>${t('callbacks:work.voicemail_hint')}</p>
${p.voicemail.map((v) => html`<div class="usa-summary-box margin-bottom-1" lang="${v.lang}"><div class="usa-summary-box__body"><p class="usa-summary-box__text">${v.text}</p></div></div>`)}`
    : html`<p>${t('callbacks:work.last_attempt')}</p>`
}
<h2>${t('callbacks:work.outcome_heading')}</h2>
<form method="post" action="/agent/callbacks/${c.id}/outcome" class="usa-form">${csrfField(p.signedIn.csrf)}
${select({ name: 'phone', label: t('callbacks:work.number_tried'), value: p.values?.phone ?? nextPhone, options: c.phones.map((x) => [x, x] as const) })}
${radioGroup({ name: 'outcome', legend: t('callbacks:work.outcome'), value: p.values?.outcome, error: errorFor('outcome'), options: CALL_OUTCOMES.map((o) => ({ value: o, label: t(`callbacks:outcomes.${o}`) })) })}
${button(t('callbacks:work.record'))}
</form>
<form method="post" action="/agent/callbacks/${c.id}/release" class="margin-top-2">${csrfField(p.signedIn.csrf)}${button(t('callbacks:work.release'), { secondary: true })}</form>`,
  });
}

/** The callbacks of an item, and the form to ask for one (phones in order, language). */
export function itemCallbacksPage(
  ctx: Ctx,
  p: Form & {
    item: ServiceItemRow;
    callbacks: CallbackRow[];
    notice?: string;
    values?: Record<string, string>;
  },
): SafeHtml {
  const { t } = ctx;
  const errorFor = (field: string) => p.errors?.find((e) => e.field === field)?.message;
  const v = p.values ?? {};
  return titledStaffPage(ctx, p, {
    title: t('callbacks:item.title', { number: String(p.item.number) }),
    current: '/agent',
    body: html`${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
<p><a class="usa-link" href="/agent/items/${String(p.item.number)}">${t('callbacks:work.open_item', { number: String(p.item.number) })}</a></p>
${
  p.callbacks.length
    ? table({
        caption: t('callbacks:item.list'),
        headers: [
          t('callbacks:fields.requested'),
          t('callbacks:fields.status'),
          t('callbacks:fields.earliest'),
          t('callbacks:fields.attempts'),
          t('callbacks:fields.phones'),
        ],
        rows: p.callbacks.map((c) => [
          localTime(ctx, c.requested_at, ctx.timeZone),
          status(ctx, c),
          c.status === 'pending' || c.status === 'waiting_text' ? localTime(ctx, c.next_attempt_at, c.time_zone) : '',
          String(c.attempts),
          c.phones.join(', '),
        ]),
      })
    : html`<p>${t('callbacks:item.none')}</p>`
}
${
  p.item.status === 'resolved' || p.item.status === 'closed'
    ? ''
    : html`<h2>${t('callbacks:item.request_heading')}</h2>
<form method="post" action="/agent/items/${String(p.item.number)}/callbacks" class="usa-form" novalidate>${csrfField(p.signedIn.csrf)}
${textInput({ name: 'phone1', label: t('callbacks:item.phone1'), hint: t('callbacks:item.phone_hint'), value: v.phone1 ?? p.item.contact_phone ?? '', error: errorFor('phone1'), type: 'tel', autocomplete: 'tel' })}
${textInput({ name: 'phone2', label: t('callbacks:item.phone2'), value: v.phone2, error: errorFor('phone2'), type: 'tel' })}
${select({
  name: 'language',
  label: t('callbacks:fields.language'),
  value: v.language ?? p.item.language,
  options: [
    ['en', t('callbacks:languages.en')],
    ['es', t('callbacks:languages.es')],
  ],
})}
${button(t('callbacks:item.request'))}
</form>`
}`,
  });
}

/** Administrators: high-volume mode (weekend calling windows, CB-1). */
export function settingsPage(ctx: Ctx, p: Form & { highVolume: boolean; changedAt: Date | null; notice?: string }) {
  const { t } = ctx;
  return titledStaffPage(ctx, p, {
    title: t('callbacks:settings.title'),
    current: '/staff/callbacks/settings',
    body: html`${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
<p>${t('callbacks:settings.policy')}</p>
<p><strong>${t(p.highVolume ? 'callbacks:settings.on' : 'callbacks:settings.off')}</strong>${p.changedAt ? html` ${t('callbacks:settings.changed', { at: localTime(ctx, p.changedAt, ctx.timeZone) })}` : ''}</p>
<form method="post" action="/staff/callbacks/settings" class="usa-form">${csrfField(p.signedIn.csrf)}
<input type="hidden" name="high_volume" value="${p.highVolume ? 'off' : 'on'}">
${button(t(p.highVolume ? 'callbacks:settings.turn_off' : 'callbacks:settings.turn_on'))}
</form>`,
  });
}
