import { dateTimeFormatter, formatDate, longCalendarDate, longDate } from '../../platform/format.js';
import { alert, csrfField } from '../../platform/views/components.js';
import { page, type SignedIn } from '../../platform/views/frame.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { formLongName } from '../cases/index.js';
import { surveyFields } from '../surveys/index.js';
import { actionNeeded, type AccountHome } from './service.js';

/**
 * The account home (ACC-8; issue 15 item 1), as myUSCIS's account home and VA.gov's "My VA" put it: a greeting by
 * name, "Action needed" first (Requests for Evidence with their deadline and the way to respond, appointments to
 * come, answers to messages, backup codes running out), then each case with its status and last update, the Online
 * Account Number, and the account actions.
 */

/** The account actions of ACC-8 that work today (the menu has them too; here they are described). */
const ACCOUNT_ACTIONS: readonly { href: string; labelKey: string }[] = [
  { href: '/account/cases', labelKey: 'cases_account:home_link' },
  { href: '/account/cases/add', labelKey: 'account_home:actions.add_case' },
  { href: '/account/messages', labelKey: 'account_home:actions.messages' },
  { href: '/account/verify-identity', labelKey: 'account_home:actions.verify' },
  { href: '/account/address', labelKey: 'address_change:menu' },
  { href: '/account/profile', labelKey: 'profile:home_link' },
  { href: '/account/settings', labelKey: 'account_home:actions.settings' },
  { href: '/account/two-step', labelKey: 'account_home:actions.two_step' },
];

export function accountHomePage(
  ctx: PageContext & { timeZone: string },
  p: SignedIn & { home: AccountHome; backupCodesRemaining?: number; welcomeSurvey?: boolean },
): SafeHtml {
  const { t, lang } = ctx;
  const home = p.home;
  const oan = home.onlineAccountNumber.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3');
  const when = dateTimeFormatter(lang, ctx.timeZone);
  const todo = actionNeeded(home);
  const caseLink = (receipt: string) => html`<a class="usa-link" href="/account/cases/${receipt}">${receipt}</a>`;
  const items: SafeHtml[] = [
    ...todo.rfes.map(
      (c) => html`<li class="casedesk-action casedesk-action--${c.openRfe!.overdue ? 'error' : 'warning'}">
  <h3 class="casedesk-action__heading">${t('account_home:action.rfe_heading')}</h3>
  <p>${caseLink(c.receiptNumber)}: ${
    c.openRfe!.overdue
      ? t('account_home:action.rfe_overdue', { due: longCalendarDate(c.openRfe!.responseDue, lang) })
      : t('account_home:action.rfe_due', { due: longCalendarDate(c.openRfe!.responseDue, lang) })
  }</p>
  <p><a class="usa-button" href="/account/cases/${c.receiptNumber}/evidence">${t('account_home:action.rfe_respond')}<span class="usa-sr-only"> (${c.receiptNumber})</span></a></p>
</li>`,
    ),
    ...todo.appointments.map(
      (c) => html`<li class="casedesk-action">
  <h3 class="casedesk-action__heading">${t(`account_home:action.appointment_${c.appointment!.kind}`)}</h3>
  <p>${caseLink(c.receiptNumber)}: <strong>${c.appointment!.timeZone ? `${formatDate(c.appointment!.at, lang, c.appointment!.timeZone, 'date')}, ${formatDate(c.appointment!.at, lang, c.appointment!.timeZone, 'time')}` : when(c.appointment!.at)}</strong>${c.appointment!.locationName ? html`, ${c.appointment!.locationName}` : ''}</p>
  <p>${t('account_home:action.appointment_bring')}</p>
</li>`,
    ),
    ...todo.answered.map(
      (m) => html`<li class="casedesk-action">
  <h3 class="casedesk-action__heading">${t('account_home:action.message_heading')} <span class="usa-tag bg-secondary-dark">${t('account_home:action.unread')}</span></h3>
  <p><a class="usa-link" href="/account/messages/${m.number}">${m.subject}</a>${m.receiptNumber ? html` (${m.receiptNumber})` : ''}, ${longDate(m.at, lang, ctx.timeZone)}</p>
</li>`,
    ),
    ...(todo.fewBackupCodes !== undefined
      ? [
          html`<li class="casedesk-action casedesk-action--warning">
  <h3 class="casedesk-action__heading">${t('account_home:action.backup_heading')}</h3>
  <p>${t('account_home:action.backup_body', { count: todo.fewBackupCodes })}</p>
  <p><a class="usa-link" href="/account/two-step">${t('account_home:action.backup_link')}</a></p>
</li>`,
        ]
      : []),
  ];
  return page(
    ctx,
    t('accounts:home.title'),
    html`<h1>${t('accounts:home.title')}</h1>
${
  p.backupCodesRemaining !== undefined
    ? alert({
        type: 'warning',
        live: true,
        body: html`<p class="margin-0">${t('accounts:home.backup_used', { remaining: p.backupCodesRemaining })}</p>
<ul class="usa-list"><li><a class="usa-link" href="/account/two-step">${t('accounts:home.backup_update_methods')}</a></li><li><a class="usa-link" href="/account/settings/email">${t('accounts:home.backup_update_email')}</a></li></ul>`,
      })
    : ''
}
<p class="usa-intro" id="greeting">${home.name ? t('account_home:greeting', { name: home.name }) : t('account_home:greeting_no_name')}</p>
<section aria-labelledby="action-heading" id="action-needed">
  <h2 id="action-heading">${t('account_home:action.heading')}</h2>
  ${
    items.length
      ? html`<ul class="casedesk-actions">
${items}
</ul>`
      : html`<p>${t('account_home:action.none')}</p>`
  }
</section>
<section aria-labelledby="cases-heading" id="home-cases">
  <h2 id="cases-heading">${t('account_home:cases.heading')}</h2>
  ${
    home.cases.length
      ? html`<ul class="casedesk-case-list">
${home.cases.map(
  (c) => html`<li class="casedesk-case-summary">
  <h3 class="casedesk-case-summary__heading">${caseLink(c.receiptNumber)}</h3>
  <p class="casedesk-case-summary__form">${formLongName(c.formCode, lang)}</p>
  <p class="casedesk-case-summary__status"><span class="usa-sr-only">${t('account_home:cases.status')}: </span><strong>${c.status[lang]}</strong></p>
  <p class="casedesk-case-summary__updated">${t('account_home:cases.updated', { date: longDate(c.updatedAt, lang, ctx.timeZone) })}</p>
</li>`,
)}
</ul>`
      : html`<p>${t('account_home:cases.none')}</p>
<p><a class="usa-button" href="/account/cases/add">${t('account_home:actions.add_case')}</a></p>`
  }
</section>
<section aria-labelledby="oan-heading">
  <h2 id="oan-heading">${t('accounts:home.online_account_number')}</h2>
  <p class="font-mono-lg casedesk-receipt">${oan}</p>
  <p class="usa-hint">${t('accounts:home.online_account_number_hint')}</p>
  <p id="account-email">${t('account_home:email', { email: home.email })}</p>
</section>
<section aria-labelledby="account-actions-home-heading">
  <h2 id="account-actions-home-heading">${t('account_home:actions.heading')}</h2>
  <ul class="usa-list">
    ${ACCOUNT_ACTIONS.map((a) => html`<li><a class="usa-link" href="${a.href}">${t(a.labelKey)}</a></li>`)}
  </ul>
</section>
${
  p.welcomeSurvey
    ? html`<section class="margin-y-4 padding-3 border-1px border-base-lighter radius-md" aria-labelledby="survey-heading"><div>
  <h2 class="margin-top-0" id="survey-heading">${t('surveys:account_created.heading')}</h2>
  <p>${t('surveys:account_created.intro')}</p>
  <form class="usa-form" method="post" action="/survey/account-created">${csrfField(p.csrf)}${surveyFields(ctx, { withAbout: false })}</form>
</div></section>`
    : ''
}`,
    [],
    p,
  );
}
