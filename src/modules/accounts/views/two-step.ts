import {
  alert,
  button,
  csrfField,
  errorFor,
  table,
  textInput,
  type FieldError,
} from '../../../platform/views/components.js';
import { html, type HtmlValue, type SafeHtml } from '../../../platform/views/html.js';
import type { PageContext } from '../../../platform/views/layout.js';
import { page, type SignedIn } from '../../../platform/views/frame.js';
import { backupCodesList } from './pages.js';

/**
 * Pages of the two-step verification methods: the method choice at sign-up, adding a phone or email codes, the
 * code and passkey steps of sign-in and re-authentication, the re-authentication password step, and the
 * account's list of methods. Passkey buttons need JavaScript (public/passkeys.js with the SimpleWebAuthn browser
 * bundle): they stay hidden without it, and every other method works without it.
 */

/** The scripts of a page with a passkey button (no inline script: CSP). */
const passkeyScripts = html`<script src="/assets/webauthn/index.umd.min.js"></script>
<script src="/assets/passkeys.js"></script>`;

/**
 * A passkey ceremony: a form posting the browser's answer (`response`) to `action`, driven by passkeys.js, which
 * first fetches the options from `optionsUrl`. Hidden until the script finds WebAuthn available.
 */
function passkeyForm(
  ctx: PageContext,
  p: {
    csrf: string;
    ceremony: 'register' | 'authenticate';
    action: string;
    optionsUrl: string;
    label: string;
    hidden?: Record<string, string>;
    secondary?: boolean;
  },
): SafeHtml {
  const { t } = ctx;
  return html`<form method="post" action="${p.action}" id="passkey" data-passkey="${p.ceremony}" data-options-url="${p.optionsUrl}" data-failed-message="${t('two_step:passkey.failed')}" hidden>
  ${csrfField(p.csrf)}
  <input type="hidden" name="response" value="">
  ${Object.entries(p.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <p class="usa-error-message" data-passkey-status aria-live="polite"></p>
  ${button(p.label, { secondary: p.secondary })}
</form>`;
}

/** Shown without JavaScript (passkeys.js hides it when passkeys can be used). */
function passkeyNoScript(ctx: PageContext): SafeHtml {
  return html`<p data-passkey-nojs>${ctx.t('two_step:passkey.no_js')}</p>`;
}

// Sign-up: choosing and setting up the first method ------------------------------------------------------------

export interface AuthenticatorSetup {
  secret: string;
  qrSvg: string;
}

function authenticatorSteps(ctx: PageContext, a: AuthenticatorSetup): SafeHtml {
  const { t } = ctx;
  const grouped = a.secret.replace(/(.{4})/g, '$1 ').trim();
  return html`<ol class="usa-process-list">
  <li class="usa-process-list__item"><p>${t('accounts:authenticator.step1')}</p></li>
  <li class="usa-process-list__item"><p>${t('accounts:authenticator.step2')}</p>
    <img class="casedesk-qr" src="data:image/svg+xml;base64,${Buffer.from(a.qrSvg).toString('base64')}" alt="${t('accounts:authenticator.qr_alt')}" width="200" height="200">
    <p>${t('accounts:authenticator.key_label')}: <code class="casedesk-secret">${grouped}</code></p>
  </li>
</ol>`;
}

function authenticatorForm(ctx: PageContext, p: { csrf: string; action: string; errors: FieldError[] }): SafeHtml {
  const { t } = ctx;
  return html`<form class="usa-form" method="post" action="${p.action}" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'code', label: t('accounts:authenticator.code_label'), hint: t('accounts:authenticator.code_hint'), inputmode: 'numeric', autocomplete: 'one-time-code', autofocus: true, width: 'sm', maxlength: 10, error: errorFor(p.errors, 'code') })}
  ${button(t('accounts:authenticator.submit'))}
</form>`;
}

/**
 * Sign-up's "Set up two-step verification": the methods strongest first. A passkey (with JavaScript), the
 * authenticator app set up right here (the most common choice, without another click), then text message and
 * email codes on their own pages.
 */
export function chooseMethodPage(
  ctx: PageContext,
  p: { csrf: string; steps: SafeHtml; authenticator: AuthenticatorSetup; errors?: FieldError[]; strongOnly?: boolean },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('accounts:authenticator.title'),
    html`${p.steps}
<h1>${t('accounts:authenticator.title')}</h1>
<p>${t('two_step:setup.intro')}</p>
<section data-passkey-section hidden aria-labelledby="passkey-heading">
  <h2 id="passkey-heading">${t('two_step:setup.passkey_heading')}</h2>
  <p>${t('two_step:setup.passkey_intro')}</p>
  ${passkeyForm(ctx, { csrf: p.csrf, ceremony: 'register', action: '/account/sign-up/passkey', optionsUrl: '/account/sign-up/passkey/options', label: t('two_step:setup.passkey_button') })}
</section>
<section aria-labelledby="totp-heading">
  <h2 id="totp-heading">${t('two_step:setup.totp_heading')}</h2>
  ${authenticatorSteps(ctx, p.authenticator)}
  ${authenticatorForm(ctx, { csrf: p.csrf, action: '/account/sign-up/authenticator', errors })}
</section>
${
  p.strongOnly
    ? html`<p class="usa-hint">${t('two_step:setup.staff_strong_only')}</p>`
    : html`<section aria-labelledby="other-heading">
  <h2 id="other-heading">${t('two_step:setup.other_heading')}</h2>
  <ul class="usa-list">
    <li><a class="usa-link" href="/account/sign-up/phone">${t('two_step:setup.use_sms')}</a></li>
    <li><a class="usa-link" href="/account/sign-up/email">${t('two_step:setup.use_email')}</a> <span class="usa-hint">${t('two_step:setup.email_weakest')}</span></li>
  </ul>
</section>`
}
${passkeyScripts}`,
    errors,
  );
}

// Adding a phone or email codes (sign-up and the account's settings alike) ---------------------------------------------

export interface SetupFrame {
  /** `/account/sign-up` or `/account/two-step` */
  base: string;
  /** The sign-up step indicator, or nothing. */
  steps?: SafeHtml;
  signedIn?: SignedIn;
}

export function phoneFormPage(
  ctx: PageContext,
  f: SetupFrame,
  p: { csrf: string; phone?: string; label?: string; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('two_step:phone.title'),
    html`${f.steps ?? ''}
<h1>${t('two_step:phone.title')}</h1>
<p>${t('two_step:phone.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="${f.base}/phone" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'phone', label: t('two_step:phone.label'), hint: t('two_step:phone.hint'), type: 'tel', autocomplete: 'tel', value: p.phone, error: errorFor(errors, 'phone'), maxlength: 40, width: 'md' })}
  ${textInput({ name: 'label', label: t('two_step:phone.name_label'), hint: t('two_step:phone.name_hint'), value: p.label, error: errorFor(errors, 'label'), maxlength: 60 })}
  ${button(t('two_step:phone.submit'))}
</form>
<p><a class="usa-link" href="${f.base === '/account/sign-up' ? '/account/sign-up/authenticator' : f.base}">${t('two_step:manage.back')}</a></p>`,
    errors,
    f.signedIn,
  );
}

export function emailMethodPage(
  ctx: PageContext,
  f: SetupFrame,
  p: { csrf: string; email: string; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('two_step:email_method.title'),
    html`${f.steps ?? ''}
<h1>${t('two_step:email_method.title')}</h1>
<p>${t('two_step:email_method.intro', { email: p.email })}</p>
${alert({ type: 'warning', body: t('two_step:setup.email_weakest'), slim: true })}
<form method="post" action="${f.base}/email" novalidate id="send">
  ${csrfField(p.csrf)}
  ${button(t('two_step:email_method.submit'))}
</form>`,
    errors,
    f.signedIn,
  );
}

/** "Enter the code we sent": to a phone being added, or to the email being turned on. */
export function setupCodePage(
  ctx: PageContext,
  f: SetupFrame,
  p: {
    csrf: string;
    action: string;
    resendAction: string;
    sentTo: { phone: string } | { email: string };
    hidden?: Record<string, string>;
    errors?: FieldError[];
  },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const sent =
    'phone' in p.sentTo
      ? t('two_step:code.sent_sms', { phone: p.sentTo.phone })
      : t('two_step:code.sent_email', { email: p.sentTo.email });
  const hidden = Object.entries(p.hidden ?? {}).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  );
  return page(
    ctx,
    t('two_step:code.title'),
    html`${f.steps ?? ''}
<h1>${t('two_step:code.title')}</h1>
<p>${sent}</p>
<form class="usa-form" method="post" action="${p.action}" novalidate>
  ${csrfField(p.csrf)}
  ${hidden}
  ${textInput({ name: 'code', label: t('two_step:code.label'), hint: t('two_step:code.setup_hint'), inputmode: 'numeric', autocomplete: 'one-time-code', autofocus: true, width: 'sm', maxlength: 10, error: errorFor(errors, 'code') })}
  ${button(t('two_step:code.submit'))}
</form>
<form method="post" action="${p.resendAction}" class="margin-top-3" id="resend">
  ${csrfField(p.csrf)}
  ${hidden}
  <p class="usa-hint">${t('two_step:code.resend_hint')}</p>
  ${button(t('two_step:code.resend'), { secondary: true })}
</form>`,
    errors,
    f.signedIn,
  );
}

// The second step: sign-in and re-authentication -------------------------------------------------------------------

export type StepMethod = 'passkey' | 'totp' | 'sms' | 'email' | 'backup';

export interface StepLink {
  method: StepMethod;
  phoneId?: string;
  masked?: string;
}

export interface SecondStepView {
  csrf: string;
  /** `/account/sign-in` or `/account/reauthenticate` */
  base: string;
  method: StepMethod;
  /** For sms and email: where the code goes, and whether one was just sent. */
  target?: { phoneId?: string; masked: string; sent: boolean };
  /** The other ways this account can use. */
  others: StepLink[];
  /** Re-authentication: where to go afterwards (a checked local path). */
  next?: string;
  heading?: string;
  intro?: string;
  errors?: FieldError[];
  signedIn?: SignedIn;
}

function stepHref(base: string, link: StepLink, next?: string): string {
  const q = new URLSearchParams({ method: link.method });
  if (link.phoneId) q.set('phone', link.phoneId);
  if (next) q.set('next', next);
  return `${base}/code?${q.toString()}`;
}

function stepLinkText(ctx: PageContext, link: StepLink): string {
  const { t } = ctx;
  switch (link.method) {
    case 'passkey':
      return t('two_step:sign_in.use_passkey');
    case 'totp':
      return t('two_step:sign_in.use_totp');
    case 'sms':
      return t('two_step:sign_in.use_sms', { phone: link.masked });
    case 'email':
      return t('two_step:sign_in.use_email', { email: link.masked });
    default:
      return t('two_step:sign_in.use_backup');
  }
}

export function secondStepPage(ctx: PageContext, p: SecondStepView): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const nextField = p.next ? html`<input type="hidden" name="next" value="${p.next}">` : '';
  const codeForm = (
    label: string,
    hint: string,
  ) => html`<form class="usa-form" method="post" action="${p.base}/code" novalidate>
  ${csrfField(p.csrf)}
  <input type="hidden" name="method" value="${p.method}">
  ${nextField}
  ${textInput({ name: 'code', label, hint, autocomplete: 'one-time-code', inputmode: p.method === 'backup' ? 'text' : 'numeric', autofocus: true, width: 'md', maxlength: 20, spellcheck: false, error: errorFor(errors, 'code') })}
  ${button(t('accounts:sign_in.code_submit'))}
</form>`;
  const sendForm = (
    label: string,
    secondary: boolean,
  ) => html`<form method="post" action="${p.base}/code/send" id="send" class="margin-top-3">
  ${csrfField(p.csrf)}
  <input type="hidden" name="method" value="${p.method}">
  ${p.target?.phoneId ? html`<input type="hidden" name="phone" value="${p.target.phoneId}">` : ''}
  ${nextField}
  ${button(label, { secondary })}
</form>`;
  let title: string;
  let body: HtmlValue;
  switch (p.method) {
    case 'passkey':
      title = t('two_step:passkey.sign_in_title');
      body = html`<p>${t('two_step:passkey.sign_in_intro')}</p>
${passkeyNoScript(ctx)}
${passkeyForm(ctx, { csrf: p.csrf, ceremony: 'authenticate', action: `${p.base}/passkey`, optionsUrl: `${p.base}/passkey/options`, label: t('two_step:passkey.sign_in_button'), hidden: p.next ? { next: p.next } : {} })}`;
      break;
    case 'sms':
    case 'email': {
      title = t(p.method === 'sms' ? 'two_step:sign_in.title_sms' : 'two_step:sign_in.title_email');
      const masked = p.target?.masked ?? '';
      body = p.target?.sent
        ? html`${alert({ type: 'success', body: p.method === 'sms' ? t('two_step:code.sent_sms', { phone: masked }) : t('two_step:code.sent_email', { email: masked }), slim: true })}
${codeForm(t('two_step:code.label'), t('two_step:code.hint'))}
<p class="usa-hint margin-top-3">${t('two_step:code.resend_hint')}</p>
${sendForm(t('two_step:code.resend'), true)}`
        : html`<p>${p.method === 'sms' ? t('two_step:sign_in.send_sms', { phone: masked }) : t('two_step:sign_in.send_email', { email: masked })}</p>
${sendForm(t('two_step:sign_in.send'), false)}`;
      break;
    }
    case 'backup':
      title = t('two_step:sign_in.title_backup');
      body = html`<p>${t('two_step:sign_in.backup_intro')}</p>${codeForm(t('two_step:sign_in.backup_label'), t('two_step:sign_in.backup_hint'))}`;
      break;
    default:
      title = t('accounts:sign_in.code_title');
      body = html`<p>${t('accounts:sign_in.code_intro')}</p>${codeForm(t('accounts:sign_in.code_label'), t('accounts:sign_in.code_hint'))}`;
  }
  const heading = p.heading ?? title;
  return page(
    ctx,
    heading,
    html`<h1>${heading}</h1>
${p.intro ? html`<p class="usa-intro">${p.intro}</p>${p.heading ? html`<h2>${title}</h2>` : ''}` : ''}
${body}
${
  p.others.length
    ? html`<h2>${t('two_step:sign_in.other_ways')}</h2>
<ul class="usa-list">${p.others.map((o) => html`<li><a class="usa-link" href="${stepHref(p.base, o, p.next)}">${stepLinkText(ctx, o)}</a></li>`)}</ul>`
    : ''
}
${p.method === 'passkey' ? passkeyScripts : ''}`,
    errors,
    p.signedIn,
  );
}

// Re-authentication: the password ---------------------------------------------------------------------------------

export function reauthPasswordPage(
  ctx: PageContext,
  p: { csrf: string; signedIn: SignedIn; next: string; again: boolean; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('two_step:reauth.title'),
    html`<h1>${t('two_step:reauth.title')}</h1>
${p.again ? alert({ type: 'warning', body: t('two_step:reauth.again'), slim: true }) : ''}
<p>${t('two_step:reauth.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/reauthenticate" novalidate>
  ${csrfField(p.csrf)}
  <input type="hidden" name="next" value="${p.next}">
  ${textInput({ name: 'password', label: t('two_step:reauth.password_label'), type: 'password', autocomplete: 'current-password', error: errorFor(errors, 'password'), maxlength: 200 })}
  ${button(t('two_step:reauth.submit'))}
</form>`,
    errors,
    p.signedIn,
  );
}

// The account's methods ------------------------------------------------------------------------------------------

export interface MethodLine {
  method: 'passkey' | 'totp' | 'sms' | 'email';
  id?: string;
  name: string;
  details: string;
  added: string;
  lastUsed?: string;
}

export function manageTwoStepPage(
  ctx: PageContext,
  p: {
    csrf: string;
    signedIn: SignedIn;
    lines: MethodLine[];
    /** `phone` is false for staff, who use only an authenticator app or a passkey. */
    canAdd: { totp: boolean; email: boolean; phone: boolean };
    backupCodesLeft: number;
    done?: 'added' | 'removed' | 'renamed';
    errors?: FieldError[];
  },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const removable = p.lines.length > 1;
  const actions = (line: MethodLine) => html`<ul class="usa-button-group">
  ${line.method === 'passkey' ? html`<li class="usa-button-group__item"><a class="usa-button usa-button--unstyled" href="/account/two-step/passkeys/${line.id}/rename" aria-label="${t('two_step:manage.rename_named', { name: line.name })}">${t('two_step:manage.rename')}</a></li>` : ''}
  ${
    removable
      ? html`<li class="usa-button-group__item"><form method="post" action="/account/two-step/remove">${csrfField(p.csrf)}<input type="hidden" name="method" value="${line.method}">${line.id ? html`<input type="hidden" name="id" value="${line.id}">` : ''}<button type="submit" class="usa-button usa-button--unstyled" aria-label="${t('two_step:manage.remove_named', { name: line.name })}">${t('two_step:manage.remove')}</button></form></li>`
      : ''
  }
</ul>`;
  return page(
    ctx,
    t('two_step:manage.title'),
    html`<h1 id="methods">${t('two_step:manage.title')}</h1>
${p.done ? alert({ type: 'success', body: t(`two_step:manage.done.${p.done}`), slim: true, live: true }) : ''}
<p>${t('two_step:manage.intro')}</p>
${table({
  caption: t('two_step:manage.caption'),
  headers: [
    t('two_step:manage.method'),
    t('two_step:manage.details'),
    t('two_step:manage.added'),
    t('two_step:manage.last_used'),
    t('two_step:manage.actions'),
  ],
  rows: p.lines.map((line) => [
    line.name,
    line.details,
    line.added,
    line.lastUsed ?? t('two_step:manage.never'),
    actions(line),
  ]),
  stacked: true,
})}
${removable ? '' : html`<p class="usa-hint">${t('two_step:manage.only_one')}</p>`}
<h2>${t('two_step:manage.add_heading')}</h2>
<div data-passkey-section hidden>
${passkeyForm(ctx, { csrf: p.csrf, ceremony: 'register', action: '/account/two-step/passkey', optionsUrl: '/account/two-step/passkey/options', label: t('two_step:manage.add_passkey'), secondary: true })}
</div>
<ul class="usa-list">
  ${p.canAdd.totp ? html`<li><a class="usa-link" href="/account/two-step/authenticator">${t('two_step:manage.add_totp')}</a></li>` : ''}
  ${p.canAdd.phone ? html`<li><a class="usa-link" href="/account/two-step/phone">${t('two_step:manage.add_phone')}</a></li>` : ''}
  ${p.canAdd.email ? html`<li><a class="usa-link" href="/account/two-step/email">${t('two_step:manage.add_email')}</a></li>` : ''}
</ul>
<h2>${t('two_step:manage.backup_heading')}</h2>
<p>${t('two_step:manage.backup_left', { count: p.backupCodesLeft })}</p>
<p>${t('two_step:manage.backup_intro')}</p>
<form method="post" action="/account/two-step/backup-codes">
  ${csrfField(p.csrf)}
  ${button(t('two_step:manage.backup_new'), { secondary: true })}
</form>
${passkeyScripts}`,
    errors,
    p.signedIn,
  );
}

export function manageAuthenticatorPage(
  ctx: PageContext,
  p: { csrf: string; signedIn: SignedIn; authenticator: AuthenticatorSetup; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('two_step:manage.totp_title'),
    html`<h1>${t('two_step:manage.totp_title')}</h1>
${authenticatorSteps(ctx, p.authenticator)}
${authenticatorForm(ctx, { csrf: p.csrf, action: '/account/two-step/authenticator', errors })}
<p><a class="usa-link" href="/account/two-step">${t('two_step:manage.back')}</a></p>`,
    errors,
    p.signedIn,
  );
}

export function renamePasskeyPage(
  ctx: PageContext,
  p: { csrf: string; signedIn: SignedIn; id: string; name: string; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('two_step:manage.rename_title'),
    html`<h1>${t('two_step:manage.rename_title')}</h1>
<form class="usa-form usa-form--large" method="post" action="/account/two-step/passkeys/${p.id}/rename" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'name', label: t('two_step:manage.rename_label'), hint: t('two_step:manage.rename_hint'), value: p.name, error: errorFor(errors, 'name'), maxlength: 80 })}
  ${button(t('two_step:manage.rename_submit'))}
</form>
<p><a class="usa-link" href="/account/two-step">${t('two_step:manage.back')}</a></p>`,
    errors,
    p.signedIn,
  );
}

/** A new set of backup codes from the account's settings, shown once. */
export function newBackupCodesPage(ctx: PageContext, p: { signedIn: SignedIn; codes: string[] }): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t('two_step:manage.backup_title'),
    html`<h1>${t('two_step:manage.backup_title')}</h1>
${alert({ type: 'warning', body: t('accounts:backup.intro'), slim: true })}
${backupCodesList(ctx, p.codes)}
<p><a class="usa-button" href="/account/two-step">${t('two_step:manage.backup_saved')}</a></p>`,
    [],
    p.signedIn,
  );
}
