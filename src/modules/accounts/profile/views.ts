import {
  alert,
  button,
  csrfField,
  errorFor,
  memorableDate,
  radioGroup,
  select,
  textInput,
  type FieldError,
} from '../../../platform/views/components.js';
import { classes, html, type HtmlValue, type SafeHtml } from '../../../platform/views/html.js';
import type { PageContext } from '../../../platform/views/layout.js';
import type { AccountPhoneRow, AccountRow, RepresentativeProfileRow } from '../tables.js';
import { formatPhone, stateName, US_STATES, type RepresentativeForm } from './representatives.js';
import { page, type SignedIn } from '../../../platform/views/frame.js';
import { formatCalendarDate } from '../../../platform/format.js';
import { newPasswordFields, oneWayPage } from '../views/pages.js';

/**
 * Profile and settings pages (ACC-8): the profile with the legal name and the representative details, the
 * settings (email, recovery email, phones, language, notifications), and the pages the verification links open.
 */

/** Label/value rows (with an optional action link) as a description list. */
function summaryList(rows: [label: string, value: HtmlValue, action?: HtmlValue][]): SafeHtml {
  return html`<dl class="margin-y-2">
  ${rows.map(
    ([label, value, action]) => html`<div class="border-bottom-1px border-base-lighter padding-y-1">
    <dt class="text-bold">${label}</dt>
    <dd class="margin-left-0">${value}${action ? html` <span class="margin-left-1">${action}</span>` : ''}</dd>
  </div>`,
  )}
</dl>`;
}

/** An action link whose screen-reader name says what it acts on ("Change" → "Change email address"). */
function actionLink(href: string, verb: string, what: string): SafeHtml {
  return html`<a class="usa-link" href="${href}">${verb}<span class="usa-sr-only"> ${what}</span></a>`;
}

export function formatOnlineAccountNumber(n: string): string {
  return n.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3');
}

function fullName(a: Pick<AccountRow, 'given_name' | 'middle_name' | 'family_name'>): string {
  return [a.given_name, a.middle_name, a.family_name].filter(Boolean).join(' ');
}

function formatDate(ctx: PageContext, isoDate: string): string {
  return formatCalendarDate(isoDate, ctx.lang, 'longDate');
}

export type ProfileNotice = 'name' | 'representative';

export function profilePage(
  ctx: PageContext,
  p: SignedIn & { account: AccountRow; representative?: RepresentativeProfileRow; notice?: ProfileNotice },
): SafeHtml {
  const { t } = ctx;
  const a = p.account;
  const name = fullName(a);
  const rep = p.representative;
  return page(
    ctx,
    t('profile:profile.title'),
    html`<h1>${t('profile:profile.title')}</h1>
${p.notice ? alert({ type: 'success', body: t(`profile:profile.saved_${p.notice}`), slim: true, live: true }) : ''}
${summaryList([
  [
    t('profile:profile.name'),
    name || html`<span class="text-base">${t('profile:profile.name_missing')}</span>`,
    actionLink('/account/profile/name', t(name ? 'profile:change' : 'profile:add'), t('profile:profile.name_lower')),
  ],
  [
    t('profile:profile.email'),
    a.email,
    actionLink('/account/settings/email', t('profile:change'), t('profile:settings.email_lower')),
  ],
  [
    t('profile:profile.online_account_number'),
    html`<span class="font-mono-sm casedesk-receipt">${formatOnlineAccountNumber(a.online_account_number)}</span>`,
  ],
  [t('profile:profile.account_type'), t(`profile:kinds.${a.kind}`)],
])}
<p class="usa-hint">${t('accounts:home.online_account_number_hint')}</p>
${
  a.kind === 'representative'
    ? html`<h2>${t('profile:representative.section')}</h2>
${
  rep
    ? summaryList([
        [t('profile:representative.role'), t(`profile:representative.roles.${rep.role}`)],
        ...(rep.role === 'attorney'
          ? ([
              [t('profile:representative.bar_state'), stateName(rep.bar_state)],
              [t('profile:representative.bar_number'), rep.bar_number ?? ''],
            ] as [string, string][])
          : ([
              [t('profile:representative.recognized_organization'), rep.recognized_organization ?? ''],
              [t('profile:representative.accreditation_expires'), formatDate(ctx, rep.accreditation_expires_on ?? '')],
            ] as [string, string][])),
        [t('profile:representative.firm_name'), rep.firm_name],
        [
          t('profile:representative.address'),
          html`${rep.street1}${rep.street2 ? html`<br>${rep.street2}` : ''}<br>${rep.city}, ${rep.state} ${rep.zip}`,
        ],
        [t('profile:representative.phone'), formatPhone(rep.phone_e164)],
      ])
    : html`<p>${t('profile:representative.none_yet')}</p>`
}
<p><a class="usa-button usa-button--outline" href="/account/profile/representative">${t(rep ? 'profile:representative.edit' : 'profile:representative.complete')}</a></p>`
    : ''
}`,
    [],
    p,
  );
}

export function namePage(
  ctx: PageContext,
  p: SignedIn & { values: { given_name?: string; middle_name?: string; family_name?: string }; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('profile:name.title'),
    html`<h1>${t('profile:name.title')}</h1>
<p>${t('profile:name.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/profile/name" novalidate>
  ${csrfField(p.csrf)}
  ${nameFields(ctx, p.values, errors)}
  ${button(t('profile:save'))}
</form>
<p><a class="usa-link" href="/account/profile">${t('profile:back_to_profile')}</a></p>`,
    errors,
    p,
  );
}

function nameFields(
  ctx: PageContext,
  v: { given_name?: string; middle_name?: string; family_name?: string },
  errors: FieldError[],
): SafeHtml {
  const { t } = ctx;
  return html`${textInput({ name: 'given_name', label: t('profile:name.given'), value: v.given_name, autocomplete: 'given-name', spellcheck: false, error: errorFor(errors, 'given_name') })}
  ${textInput({ name: 'middle_name', label: t('profile:name.middle'), hint: t('profile:name.middle_hint'), value: v.middle_name, autocomplete: 'additional-name', spellcheck: false, error: errorFor(errors, 'middle_name') })}
  ${textInput({ name: 'family_name', label: t('profile:name.family'), value: v.family_name, autocomplete: 'family-name', spellcheck: false, error: errorFor(errors, 'family_name') })}`;
}

/** The representative form's values from a saved profile and the account's name. */
export function representativeValues(
  account: AccountRow,
  rep: RepresentativeProfileRow | undefined,
): Partial<RepresentativeForm> {
  const [year, month, day] = (rep?.accreditation_expires_on ?? '').split('-');
  return {
    given_name: account.given_name ?? '',
    middle_name: account.middle_name ?? '',
    family_name: account.family_name ?? '',
    role: rep?.role ?? '',
    bar_state: rep?.bar_state ?? '',
    bar_number: rep?.bar_number ?? '',
    recognized_organization: rep?.recognized_organization ?? '',
    accreditation_expires_month: month ? String(Number(month)) : '',
    accreditation_expires_day: day ? String(Number(day)) : '',
    accreditation_expires_year: year ?? '',
    firm_name: rep?.firm_name ?? '',
    street1: rep?.street1 ?? '',
    street2: rep?.street2 ?? '',
    city: rep?.city ?? '',
    state: rep?.state ?? '',
    zip: rep?.zip ?? '',
    phone: rep ? formatPhone(rep.phone_e164) : '',
  };
}

export function representativePage(
  ctx: PageContext,
  p: SignedIn & { values: Partial<RepresentativeForm>; errors?: FieldError[]; required?: 'missing' | 'expired' },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const v = p.values;
  const states: [string, string][] = [
    ['', t('profile:select_state')],
    ...US_STATES.map(([code, name]): [string, string] => [code, name]),
  ];
  return page(
    ctx,
    t('profile:representative.title'),
    html`<h1>${t('profile:representative.title')}</h1>
${p.required ? alert({ type: 'info', heading: t(`profile:representative.required_${p.required}_heading`), body: t(`profile:representative.required_${p.required}`), headingLevel: 2 }) : ''}
<p>${t('profile:representative.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/profile/representative" novalidate>
  ${csrfField(p.csrf)}
  <fieldset class="usa-fieldset">
    <legend class="usa-legend usa-legend--large">${t('profile:representative.name_legend')}</legend>
    ${nameFields(ctx, v, errors)}
  </fieldset>
  ${radioGroup({
    name: 'role',
    legend: t('profile:representative.role_legend'),
    value: v.role,
    error: errorFor(errors, 'role'),
    options: [
      {
        value: 'attorney',
        label: t('profile:representative.roles.attorney'),
        hint: t('profile:representative.roles.attorney_hint'),
      },
      {
        value: 'accredited_representative',
        label: t('profile:representative.roles.accredited_representative'),
        hint: t('profile:representative.roles.accredited_representative_hint'),
      },
    ],
  })}
  <fieldset class="usa-fieldset margin-top-5">
    <legend class="usa-legend usa-legend--large">${t('profile:representative.attorney_legend')}</legend>
    <p class="usa-hint">${t('profile:representative.attorney_hint')}</p>
    ${select({ name: 'bar_state', label: t('profile:representative.bar_state'), value: v.bar_state, options: states, error: errorFor(errors, 'bar_state') })}
    ${textInput({ name: 'bar_number', label: t('profile:representative.bar_number'), value: v.bar_number, maxlength: 30, width: 'md', spellcheck: false, autocapitalize: 'characters', error: errorFor(errors, 'bar_number') })}
  </fieldset>
  <fieldset class="usa-fieldset margin-top-5">
    <legend class="usa-legend usa-legend--large">${t('profile:representative.accredited_legend')}</legend>
    <p class="usa-hint">${t('profile:representative.accredited_hint')}</p>
    ${textInput({ name: 'recognized_organization', label: t('profile:representative.recognized_organization'), value: v.recognized_organization, maxlength: 200, autocomplete: 'organization', error: errorFor(errors, 'recognized_organization') })}
    ${memorableDate({
      labels: { month: t('profile:date.month'), day: t('profile:date.day'), year: t('profile:date.year') },
      name: 'accreditation_expires',
      legend: t('profile:representative.accreditation_expires'),
      hint: t('profile:representative.accreditation_expires_hint'),
      month: v.accreditation_expires_month,
      day: v.accreditation_expires_day,
      year: v.accreditation_expires_year,
      error: errorFor(errors, 'accreditation_expires_month'),
    })}
  </fieldset>
  <fieldset class="usa-fieldset margin-top-5">
    <legend class="usa-legend usa-legend--large">${t('profile:representative.business_legend')}</legend>
    ${textInput({ name: 'firm_name', label: t('profile:representative.firm_name'), hint: t('profile:representative.firm_name_hint'), value: v.firm_name, maxlength: 200, autocomplete: 'organization', error: errorFor(errors, 'firm_name') })}
    ${textInput({ name: 'street1', label: t('profile:representative.street1'), value: v.street1, maxlength: 200, autocomplete: 'address-line1', error: errorFor(errors, 'street1') })}
    ${textInput({ name: 'street2', label: t('profile:representative.street2'), value: v.street2, maxlength: 200, autocomplete: 'address-line2', error: errorFor(errors, 'street2') })}
    ${textInput({ name: 'city', label: t('profile:representative.city'), value: v.city, maxlength: 100, autocomplete: 'address-level2', error: errorFor(errors, 'city') })}
    ${select({ name: 'state', label: t('profile:representative.state'), value: v.state, options: states, autocomplete: 'address-level1', error: errorFor(errors, 'state') })}
    ${textInput({ name: 'zip', label: t('profile:representative.zip'), hint: t('profile:representative.zip_hint'), value: v.zip, maxlength: 10, width: 'md', inputmode: 'numeric', autocomplete: 'postal-code', error: errorFor(errors, 'zip') })}
    ${textInput({ name: 'phone', label: t('profile:representative.phone'), hint: t('profile:representative.phone_hint'), value: v.phone, type: 'tel', maxlength: 40, width: 'lg', autocomplete: 'tel', error: errorFor(errors, 'phone') })}
  </fieldset>
  ${button(t('profile:save'))}
</form>`,
    errors,
    p,
  );
}

export type SettingsNotice = 'recovery_removed' | 'language' | 'notifications' | 'password';

export function settingsPage(
  ctx: PageContext,
  p: SignedIn & {
    account: AccountRow;
    verifiedPhones: AccountPhoneRow[];
    notice?: SettingsNotice;
    errors?: FieldError[];
    notify?: { email: boolean; text: boolean };
  },
): SafeHtml {
  const { t } = ctx;
  const a = p.account;
  const errors = p.errors ?? [];
  const notify = p.notify ?? { email: a.notify_by_email, text: a.notify_by_text };
  const hasPhone = p.verifiedPhones.length > 0;
  const notifyError = errorFor(errors, 'notify');
  const checkbox = (
    value: 'email' | 'text',
    label: string,
    hint: string,
    checked: boolean,
    disabled: boolean,
    id: string,
  ) => html`<div class="usa-checkbox">
    <input class="usa-checkbox__input" id="${id}" type="checkbox" name="notify" value="${value}"${checked ? html` checked` : ''}${disabled ? html` disabled` : ''}>
    <label class="usa-checkbox__label" for="${id}">${label}<span class="usa-checkbox__label-description">${hint}</span></label>
  </div>`;
  return page(
    ctx,
    t('profile:settings.title'),
    html`<h1>${t('profile:settings.title')}</h1>
${p.notice ? alert({ type: 'success', body: t(`profile:settings.saved_${p.notice}`), slim: true, live: true }) : ''}
<h2>${t('profile:settings.emails_heading')}</h2>
${summaryList([
  [
    t('profile:settings.email'),
    a.email,
    actionLink('/account/settings/email', t('profile:change'), t('profile:settings.email_lower')),
  ],
  [
    t('profile:settings.recovery_email'),
    a.recovery_email ?? html`<span class="text-base">${t('profile:settings.recovery_none')}</span>`,
    actionLink(
      '/account/settings/recovery-email',
      t(a.recovery_email ? 'profile:change' : 'profile:add'),
      t('profile:settings.recovery_email_lower'),
    ),
  ],
])}
<p class="usa-hint">${t('profile:settings.recovery_hint')}</p>
<h2>${t('profile:settings.password_heading')}</h2>
<p><a class="usa-link" href="/account/settings/password">${t('profile:settings.password_change')}</a></p>
${
  a.recovery_email
    ? html`<form method="post" action="/account/settings/recovery-email/remove">${csrfField(p.csrf)}<button type="submit" class="usa-button usa-button--unstyled">${t('profile:settings.recovery_remove')}</button></form>`
    : ''
}
<h2>${t('profile:settings.phones_heading')}</h2>
${
  hasPhone
    ? html`<ul class="usa-list">${p.verifiedPhones.map((phone) => html`<li>${formatPhone(phone.e164)}${phone.label ? ` (${phone.label})` : ''}</li>`)}</ul>`
    : html`<p>${t('profile:settings.phones_none')}</p>`
}
<p><a class="usa-link" href="/account/two-step">${t('profile:settings.phones_manage')}</a></p>
<h2 id="language-heading">${t('profile:settings.language_heading')}</h2>
<form class="usa-form" method="post" action="/account/settings/language" aria-labelledby="language-heading">
  ${csrfField(p.csrf)}
  ${radioGroup({
    name: 'language',
    legend: t('profile:settings.language_legend'),
    value: a.language,
    error: errorFor(errors, 'language'),
    options: [
      { value: 'en', label: 'English' },
      { value: 'es', label: 'Español' },
    ],
  })}
  ${button(t('profile:settings.language_submit'))}
</form>
<h2 id="notify-heading">${t('profile:settings.notify_heading')}</h2>
<form class="usa-form" method="post" action="/account/settings/notifications" aria-labelledby="notify-heading">
  ${csrfField(p.csrf)}
  <div class="${classes('usa-form-group', notifyError && 'usa-form-group--error')}">
  <fieldset class="usa-fieldset" aria-describedby="notify-hint${notifyError ? ' notify-error' : ''}">
    <legend class="usa-legend">${t('profile:settings.notify_legend')}</legend>
    <span class="usa-hint" id="notify-hint">${t('profile:settings.notify_hint')}</span>
    ${notifyError ? html`<span class="usa-error-message" id="notify-error" role="alert">${notifyError}</span>` : ''}
    ${checkbox('email', t('profile:settings.notify_email'), a.email, notify.email, false, 'notify')}
    ${checkbox('text', t('profile:settings.notify_text'), hasPhone ? t('profile:settings.notify_text_hint') : t('profile:settings.notify_text_needs_phone'), notify.text && hasPhone, !hasPhone, 'notify-text')}
  </fieldset>
  </div>
  ${hasPhone ? '' : html`<p><a class="usa-link" href="/account/two-step">${t('profile:settings.add_phone')}</a></p>`}
  ${button(t('profile:settings.notify_submit'))}
</form>`,
    errors,
    p,
  );
}

/** The form that asks for a new address (the primary email, or the recovery email). */
export function addressRequestPage(
  ctx: PageContext,
  p: SignedIn & { kind: 'email' | 'recovery'; current?: string | null; value?: string; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const key = p.kind === 'email' ? 'profile:change_email' : 'profile:recovery';
  const field = p.kind === 'email' ? 'email' : 'recovery_email';
  return page(
    ctx,
    t(`${key}.title`),
    html`<h1>${t(`${key}.title`)}</h1>
<p>${t(`${key}.intro`)}</p>
${p.current ? html`<p>${t(`${key}.current`)} <strong>${p.current}</strong></p>` : ''}
<form class="usa-form usa-form--large" method="post" action="${p.kind === 'email' ? '/account/settings/email' : '/account/settings/recovery-email'}" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: field, label: t(`${key}.label`), hint: t(`${key}.hint`), type: 'email', autocomplete: 'email', value: p.value, spellcheck: false, maxlength: 254, error: errorFor(errors, field) })}
  ${button(t(`${key}.submit`))}
</form>
<p><a class="usa-link" href="/account/settings">${t('profile:back_to_settings')}</a></p>`,
    errors,
    p,
  );
}

/** "Check your email": the link went to the new address (or, unknown to the page, a notice did). */
export function addressSentPage(
  ctx: PageContext,
  p: SignedIn & { kind: 'email' | 'recovery'; address: string },
): SafeHtml {
  const { t } = ctx;
  const key = p.kind === 'email' ? 'profile:change_email' : 'profile:recovery';
  return page(
    ctx,
    t('profile:sent.title'),
    html`<h1>${t('profile:sent.title')}</h1>
<p class="usa-intro">${t(`${key}.sent_body`, { email: p.address })}</p>
<p>${t('profile:sent.spam')}</p>
<p><a class="usa-link" href="/account/settings">${t('profile:back_to_settings')}</a></p>`,
    [],
    p,
  );
}

/** The page a verification link opens: a button that uses the link (only the POST does). */
export function addressConfirmPage(
  ctx: PageContext,
  p: { kind: 'email' | 'recovery'; csrf: string; token: string },
): SafeHtml {
  const { t } = ctx;
  const key = p.kind === 'email' ? 'profile:change_email' : 'profile:recovery';
  return page(
    ctx,
    t(`${key}.confirm_title`),
    html`<h1>${t(`${key}.confirm_title`)}</h1>
<p>${t(`${key}.confirm_body`)}</p>
<form method="post" action="${p.kind === 'email' ? '/account/settings/email/confirm' : '/account/settings/recovery-email/confirm'}">
  ${csrfField(p.csrf)}
  <input type="hidden" name="token" value="${p.token}">
  ${button(t(`${key}.confirm_submit`))}
</form>`,
  );
}

/** After a verification link was used: what changed (the person may be signed in on another device only). */
export function addressConfirmedPage(ctx: PageContext, kind: 'email' | 'recovery'): SafeHtml {
  const { t } = ctx;
  const key = kind === 'email' ? 'profile:change_email' : 'profile:recovery';
  return page(
    ctx,
    t(`${key}.done_title`),
    html`<h1>${t(`${key}.done_title`)}</h1>
${alert({ type: 'success', body: t(`${key}.done_body`), live: true })}
<p><a class="usa-link" href="/account/settings">${t('profile:go_to_settings')}</a></p>`,
  );
}

/** The address of a change-of-email link was taken by another account since the link was sent. */
export function emailTakenPage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  const [title, body, action] = [
    t('profile:change_email.taken_title'),
    t('profile:change_email.taken_body'),
    t('profile:go_to_settings'),
  ];
  return oneWayPage(ctx, { title, body, href: '/account/settings', action, link: true });
}

/** A settings link that expired or was used: ask again from the settings (not from sign-up). */
export function settingsLinkInvalidPage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  const [title, body, action] = [
    t('profile:link_invalid.title'),
    t('profile:link_invalid.body'),
    t('profile:go_to_settings'),
  ];
  return oneWayPage(ctx, { title, body, href: '/account/settings', action });
}

/** Changing the password while signed in (after re-authentication); other devices are signed out. */
export function changePasswordPage(ctx: PageContext, p: SignedIn & { errors?: FieldError[] }): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('profile:password.title'),
    html`<h1>${t('profile:password.title')}</h1>
<p>${t('profile:password.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/settings/password" novalidate>
  ${csrfField(p.csrf)}
  ${newPasswordFields(ctx, errors)}
  ${button(t('profile:password.submit'))}
</form>
<p><a class="usa-link" href="/account/settings">${t('profile:password.cancel')}</a></p>`,
    errors,
    p,
  );
}
