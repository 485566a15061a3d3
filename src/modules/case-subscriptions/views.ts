import {
  alert,
  button,
  csrfField,
  errorFor,
  radioGroup,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import { publicPage } from '../../platform/views/frame.js';
import type { PageContext } from '../../platform/views/layout.js';

/** Pages of case status notifications without an account (CASE-8). */

/** A page of the Case Status Online section. */
const page = (ctx: PageContext, title: string, body: SafeHtml, errors: FieldError[] = []): SafeHtml =>
  publicPage(ctx, title, body, errors, 'narrow', 'case-status');

export function subscribePage(
  ctx: PageContext,
  p: {
    csrf: string;
    values: { receipt_number?: string; channel?: string; email?: string; phone?: string };
    errors?: FieldError[];
  },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const v = p.values;
  return page(
    ctx,
    t('subscriptions:subscribe.title'),
    html`<h1>${t('subscriptions:subscribe.title')}</h1>
<p>${t('subscriptions:subscribe.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/case-status/subscribe" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'receipt_number', label: t('subscriptions:subscribe.receipt'), hint: t('subscriptions:subscribe.receipt_hint'), value: v.receipt_number, error: errorFor(errors, 'receipt_number'), autocomplete: 'off', spellcheck: false, autocapitalize: 'characters', maxlength: 40, width: 'md' })}
  ${radioGroup({
    name: 'channel',
    legend: t('subscriptions:subscribe.channel'),
    value: v.channel ?? 'email',
    error: errorFor(errors, 'channel'),
    options: [
      { value: 'email', label: t('subscriptions:subscribe.by_email') },
      { value: 'sms', label: t('subscriptions:subscribe.by_text'), hint: t('subscriptions:subscribe.text_hint') },
    ],
  })}
  ${textInput({ name: 'email', label: t('subscriptions:subscribe.email'), hint: t('subscriptions:subscribe.email_hint'), type: 'email', value: v.email, error: errorFor(errors, 'email'), autocomplete: 'email', spellcheck: false, maxlength: 254 })}
  ${textInput({ name: 'phone', label: t('subscriptions:subscribe.phone'), hint: t('subscriptions:subscribe.phone_hint'), type: 'tel', value: v.phone, error: errorFor(errors, 'phone'), autocomplete: 'tel', maxlength: 30 })}
  ${button(t('subscriptions:subscribe.submit'))}
</form>
<p class="text-base">${t('subscriptions:subscribe.privacy')}</p>`,
    errors,
  );
}

export function sentPage(ctx: PageContext, channel: 'email' | 'sms'): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t(`subscriptions:sent.title_${channel}`),
    html`<h1>${t(`subscriptions:sent.title_${channel}`)}</h1>
<p>${t(`subscriptions:sent.body_${channel}`)}</p>
<p><a class="usa-link" href="/case-status">${t('subscriptions:back')}</a></p>`,
  );
}

export function linkPage(
  ctx: PageContext,
  p: { csrf: string; token: string; kind: 'confirm' | 'unsubscribe' },
): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t(`subscriptions:${p.kind}.title`),
    html`<h1>${t(`subscriptions:${p.kind}.title`)}</h1>
<p>${t(`subscriptions:${p.kind}.body`)}</p>
<form method="post" action="/case-status/subscriptions/${p.kind}">${csrfField(p.csrf)}<input type="hidden" name="token" value="${p.token}">${button(t(`subscriptions:${p.kind}.submit`))}</form>`,
  );
}

export function donePage(ctx: PageContext, kind: 'confirm' | 'unsubscribe', receipt: string): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t(`subscriptions:${kind}.done_title`),
    html`<h1>${t(`subscriptions:${kind}.done_title`)}</h1>
${alert({ type: 'success', body: t(`subscriptions:${kind}.done_body`, { receipt }) })}
<p><a class="usa-link" href="/case-status?receipt_number=${receipt}">${t('subscriptions:see_status')}</a></p>`,
  );
}
