import { html, type SafeHtml } from '../../platform/views/html.js';
import {
  alert,
  breadcrumb,
  button,
  checkboxGroup,
  csrfField,
  errorFor,
  select,
  table,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { titledStaffPage, type SignedIn, type StaffPageContext } from '../../platform/views/frame.js';
import type { AskRow, ConsentRow } from './repository.js';

type Ctx = StaffPageContext & { when: (date: Date) => string };

/** The state of an ask in words: its answer, no reply, or still waiting. */
function askState(ctx: Ctx, a: AskRow): string {
  const { t } = ctx;
  if (a.answer) return t(`text_ahead:page.answers.${a.answer}`);
  if (a.expired_at) return t('text_ahead:page.answers.expired');
  return t('text_ahead:page.answers.open');
}

/** The agent's Text Ahead page of an item: the agreements, the texts sent, and the form to record an agreement. */
export function textAheadPage(
  ctx: Ctx,
  p: {
    signedIn: SignedIn;
    number: number;
    consents: ConsentRow[];
    asks: AskRow[];
    mayWork: boolean;
    /** A Section 1367 item: no Text Ahead (the page says why). */
    protected1367?: boolean;
    notice?: string;
    errors?: FieldError[];
    values: { phone: string; language: string; agreed?: boolean };
  },
): SafeHtml {
  const { t } = ctx;
  const number = String(p.number);
  const base = `/agent/items/${number}/text-ahead`;
  const e = p.errors;
  const consentRows = p.consents.map((k) => [
    k.phone,
    k.language === 'es' ? t('text_ahead:page.spanish') : t('text_ahead:page.english'),
    ctx.when(k.given_at),
    t(`text_ahead:page.channels.${k.channel}`),
    k.withdrawn_at
      ? t('text_ahead:page.withdrawn', { when: ctx.when(k.withdrawn_at) })
      : p.mayWork
        ? html`${t('text_ahead:page.standing')} <form class="display-inline" method="post" action="${base}/withdraw">${csrfField(p.signedIn.csrf)}<input type="hidden" name="phone" value="${k.phone}"><button class="usa-button usa-button--unstyled" type="submit">${t('text_ahead:page.withdraw', { phone: k.phone })}</button></form>`
        : t('text_ahead:page.standing'),
  ]);
  const askRows = p.asks.map((a) => [ctx.when(a.sent_at), a.phone, ctx.when(a.expires_at), askState(ctx, a)]);
  const form = p.protected1367
    ? alert({ type: 'info', slim: true, body: t('text_ahead:page.section_1367') })
    : p.mayWork
      ? html`<h2 id="consent-heading">${t('text_ahead:page.form_heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="${base}" aria-labelledby="consent-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${textInput({ name: 'phone', label: t('text_ahead:page.phone'), hint: t('text_ahead:page.phone_hint'), type: 'tel', autocomplete: 'off', value: p.values.phone, error: errorFor(e, 'phone'), maxlength: 40, width: 'md' })}
  ${select({
    name: 'language',
    label: t('text_ahead:page.text_language'),
    value: p.values.language,
    options: [
      ['en', t('text_ahead:page.english')],
      ['es', t('text_ahead:page.spanish')],
    ],
  })}
  ${checkboxGroup({ name: 'agreed', legend: t('text_ahead:page.agreement'), options: [{ value: 'yes', label: t('text_ahead:page.agreed') }], values: p.values.agreed ? ['yes'] : [], error: errorFor(e, 'agreed') })}
  ${button(t('text_ahead:page.submit'))}
</form>`
      : alert({ type: 'info', slim: true, body: t('text_ahead:page.read_only') });
  return titledStaffPage(
    ctx,
    { signedIn: p.signedIn, errors: e },
    {
      title: t('text_ahead:page.title', { number }),
      current: '/agent',
      body: html`${breadcrumb(t('staff:breadcrumb'), [
        { href: '/agent', label: t('agent:home.title') },
        { href: `/agent/items/${number}`, label: `#${number}` },
        { label: 'Text Ahead' },
      ])}
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
<p>${t('text_ahead:page.intro')}</p>
<h2 id="consents-heading">${t('text_ahead:page.consents')}</h2>
${
  consentRows.length
    ? table({
        caption: t('text_ahead:page.consents'),
        headers: [
          t('text_ahead:page.phone'),
          t('text_ahead:page.language'),
          t('text_ahead:page.given'),
          t('text_ahead:page.how'),
          t('text_ahead:page.state'),
        ],
        rows: consentRows,
        stacked: true,
      })
    : html`<p>${t('text_ahead:page.no_consents')}</p>`
}
${form}
<h2 id="asks-heading">${t('text_ahead:page.asks')}</h2>
${
  askRows.length
    ? table({
        caption: t('text_ahead:page.asks'),
        headers: [
          t('text_ahead:page.sent'),
          t('text_ahead:page.phone'),
          t('text_ahead:page.expires'),
          t('text_ahead:page.answer'),
        ],
        rows: askRows,
        stacked: true,
      })
    : html`<p>${t('text_ahead:page.no_asks')}</p>`
}
<p><a class="usa-link" href="/agent/items/${number}">${t('text_ahead:page.back', { number })}</a></p>`,
    },
  );
}
