import {
  alert,
  button,
  csrfField,
  errorFor,
  radioGroup,
  stepIndicator,
  table,
  textInput,
  type FieldError,
} from '../../../platform/views/components.js';
import { html, type SafeHtml } from '../../../platform/views/html.js';
import { page } from '../../../platform/views/frame.js';
import type { PageContext } from '../../../platform/views/layout.js';
import type { ExternalRefusal } from '../external/external-sign-in.js';

/** The account pages: sign-up steps, sign-in with its second step, and the devices signed in (the account home: account-home). */

export function signUpSteps(ctx: PageContext, current: number): SafeHtml {
  const { t } = ctx;
  return stepIndicator({
    steps: [
      t('accounts:sign_up.steps.email'),
      t('accounts:sign_up.steps.password'),
      t('accounts:sign_up.steps.authenticator'),
      t('accounts:sign_up.steps.backup'),
    ],
    current,
    words: {
      step: t('common:components.step'),
      of: t('common:components.of'),
      completed: t('common:components.completed'),
      notCompleted: t('common:components.not_completed'),
    },
  });
}

export function signUpPage(
  ctx: PageContext,
  p: { csrf: string; email?: string; kind?: string; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('accounts:sign_up.title'),
    html`${signUpSteps(ctx, 0)}
<h1>${t('accounts:sign_up.title')}</h1>
<p>${t('accounts:sign_up.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/sign-up" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'email', label: t('accounts:sign_up.email_label'), hint: t('accounts:sign_up.email_hint'), type: 'email', autocomplete: 'email', value: p.email, error: errorFor(errors, 'email'), spellcheck: false, maxlength: 254 })}
  ${radioGroup({
    name: 'kind',
    legend: t('accounts:sign_up.kind_legend'),
    value: p.kind ?? 'applicant',
    error: errorFor(errors, 'kind'),
    options: [
      {
        value: 'applicant',
        label: t('accounts:sign_up.kind_applicant'),
        hint: t('accounts:sign_up.kind_applicant_hint'),
      },
      {
        value: 'representative',
        label: t('accounts:sign_up.kind_representative'),
        hint: t('accounts:sign_up.kind_representative_hint'),
      },
    ],
  })}
  ${button(t('accounts:sign_up.submit'))}
</form>
<p>${t('accounts:sign_up.have_account')} <a class="usa-link" href="/account/sign-in">${t('accounts:nav.sign_in')}</a></p>`,
    errors,
  );
}

export function checkEmailPage(ctx: PageContext, email: string): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t('accounts:sign_up.check_email_title'),
    html`${signUpSteps(ctx, 0)}
<h1>${t('accounts:sign_up.check_email_title')}</h1>
<p class="usa-intro">${t('accounts:sign_up.check_email_body', { email })}</p>
<p>${t('accounts:sign_up.check_email_spam')} <a class="usa-link" href="/account/sign-up">${t('accounts:sign_up.start_again')}</a></p>`,
  );
}

export function confirmEmailPage(ctx: PageContext, p: { csrf: string; token: string }): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t('accounts:sign_up.confirm_title'),
    html`${signUpSteps(ctx, 0)}
<h1>${t('accounts:sign_up.confirm_title')}</h1>
<p>${t('accounts:sign_up.confirm_body')}</p>
<form method="post" action="/account/sign-up/confirm">
  ${csrfField(p.csrf)}
  <input type="hidden" name="token" value="${p.token}">
  ${button(t('accounts:sign_up.confirm_submit'))}
</form>`,
  );
}

/** A new password, typed twice (sign-up, a password reset, and the settings' password change). */
export function newPasswordFields(ctx: PageContext, errors: FieldError[]): SafeHtml {
  const { t } = ctx;
  return html`${textInput({ name: 'password', label: t('accounts:password.label'), hint: t('accounts:password.hint'), type: 'password', autocomplete: 'new-password', error: errorFor(errors, 'password'), maxlength: 200 })}
  ${textInput({ name: 'password_confirmation', label: t('accounts:password.confirm_label'), type: 'password', autocomplete: 'new-password', error: errorFor(errors, 'password_confirmation'), maxlength: 200 })}`;
}

export function passwordPage(ctx: PageContext, p: { csrf: string; errors?: FieldError[] }): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('accounts:password.title'),
    html`${signUpSteps(ctx, 1)}
<h1>${t('accounts:password.title')}</h1>
<form class="usa-form usa-form--large" method="post" action="/account/sign-up/password" novalidate>
  ${csrfField(p.csrf)}
  ${newPasswordFields(ctx, errors)}
  ${button(t('accounts:password.submit'))}
</form>`,
    errors,
  );
}

/**
 * Backup codes shown once (ACC-4), with a download as a text file (works without JavaScript) and a print button
 * (with JavaScript; the browser's print command otherwise).
 */
export function backupCodesList(ctx: PageContext, codes: string[]): SafeHtml {
  const { t } = ctx;
  const file = [t('accounts:backup.file_heading'), '', ...codes, ''].join('\n');
  return html`<h2>${t('accounts:backup.caption')}</h2>
<ul class="casedesk-codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
<ul class="usa-button-group">
  <li class="usa-button-group__item"><a class="usa-button usa-button--outline" href="data:text/plain;charset=utf-8,${encodeURIComponent(file)}" download="backup-codes.txt">${t('accounts:backup.download')}</a></li>
  <li class="usa-button-group__item" data-print-item hidden><button type="button" class="usa-button usa-button--outline" data-print>${t('accounts:backup.print')}</button></li>
</ul>
<p class="usa-hint">${t('accounts:backup.print_hint')}</p>
<script src="/assets/print.js"></script>`;
}

export function backupCodesPage(ctx: PageContext, p: { csrf: string; codes: string[] }): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t('accounts:backup.title'),
    html`${signUpSteps(ctx, 3)}
<h1>${t('accounts:backup.title')}</h1>
${alert({ type: 'warning', body: t('accounts:backup.intro'), slim: true })}
${backupCodesList(ctx, p.codes)}
<form method="post" action="/account/sign-up/backup-codes">
  ${csrfField(p.csrf)}
  ${button(t('accounts:backup.saved'))}
</form>`,
  );
}

/**
 * Back at sign-up after the second step was verified (the account is set up): no new authenticator key, but the
 * way to a new set of backup codes (the codes shown before stop working) and on to the account.
 */
export function backupCodesAgainPage(ctx: PageContext, p: { csrf: string }): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t('accounts:backup.again_title'),
    html`${signUpSteps(ctx, 3)}
<h1>${t('accounts:backup.again_title')}</h1>
<p>${t('accounts:backup.again_intro')}</p>
<form method="post" action="/account/sign-up/backup-codes/new">
  ${csrfField(p.csrf)}
  ${button(t('accounts:backup.again_new'), { secondary: true })}
</form>
<form method="post" action="/account/sign-up/backup-codes">
  ${csrfField(p.csrf)}
  ${button(t('accounts:backup.again_continue'))}
</form>`,
  );
}

export function signInPage(
  ctx: PageContext,
  p: {
    csrf: string;
    email?: string;
    errors?: FieldError[];
    notice?: string;
    external?: { name: string };
    unlockOffer?: boolean;
  },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('accounts:sign_in.title'),
    html`<h1>${t('accounts:sign_in.title')}</h1>
${p.notice ? alert({ type: 'info', body: p.notice, slim: true }) : ''}
${p.unlockOffer ? unlockOffer(ctx, p.csrf, p.email ?? '') : ''}
<form class="usa-form usa-form--large" method="post" action="/account/sign-in" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'email', label: t('accounts:sign_in.email_label'), type: 'email', autocomplete: 'username', value: p.email, error: errorFor(errors, 'email'), spellcheck: false, maxlength: 254 })}
  ${textInput({ name: 'password', label: t('accounts:sign_in.password_label'), type: 'password', autocomplete: 'current-password', error: errorFor(errors, 'password'), maxlength: 200 })}
  ${button(t('accounts:sign_in.submit'))}
</form>
<p><a class="usa-link" href="/account/forgot-password">${t('accounts:sign_in.forgot')}</a></p>
<p>${t('accounts:sign_in.no_account')} <a class="usa-link" href="/account/sign-up">${t('accounts:nav.sign_up')}</a></p>
${p.external ? externalSignInButton(ctx, p.external.name) : ''}`,
    errors,
  );
}

/**
 * On a throttled sign-in page (the same for every email, with an account or not): the holder can have a link
 * emailed to sign in now with the password and the second step (issue 13 item 14).
 */
function unlockOffer(ctx: PageContext, csrf: string, email: string): SafeHtml {
  const { t } = ctx;
  return html`<div class="usa-summary-box margin-bottom-3" role="region" aria-labelledby="unlock-heading">
  <div class="usa-summary-box__body">
    <h2 class="usa-summary-box__heading" id="unlock-heading">${t('accounts:unlock.offer_heading')}</h2>
    <div class="usa-summary-box__text">
      <p>${t('accounts:unlock.offer_body')}</p>
      <form method="post" action="/account/sign-in/unlock">
        ${csrfField(csrf)}
        <input type="hidden" name="email" value="${email}">
        ${button(t('accounts:unlock.offer_submit'), { secondary: true })}
      </form>
    </div>
  </div>
</div>`;
}

/**
 * The two "email me a link" journeys: signing in while the email is throttled (the throttled sign-in page posts
 * here too), and a forgotten password. Their texts are under `accounts:unlock.` and `accounts:reset.`.
 */
const linkRequests = {
  unlock: { action: '/account/sign-in/unlock', emailLabel: 'sign_in.email_label', submit: 'unlock.offer_submit' },
  reset: { action: '/account/forgot-password', emailLabel: 'reset.email_label', submit: 'reset.submit' },
} as const;
export type LinkRequest = keyof typeof linkRequests;

/** The form that asks for the email to send the link to. */
export function linkRequestPage(
  ctx: PageContext,
  kind: LinkRequest,
  p: { csrf: string; email?: string; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const { action, emailLabel, submit } = linkRequests[kind];
  return page(
    ctx,
    t(`accounts:${kind}.title`),
    html`<h1>${t(`accounts:${kind}.title`)}</h1>
<p>${t(`accounts:${kind}.intro`)}</p>
<form class="usa-form usa-form--large" method="post" action="${action}" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'email', label: t(`accounts:${emailLabel}`), type: 'email', autocomplete: 'email', value: p.email, error: errorFor(errors, 'email'), spellcheck: false, maxlength: 254 })}
  ${button(t(`accounts:${submit}`))}
</form>`,
    errors,
  );
}

/** "Check your email" after the form (the same page whether the email has an account or not). */
export function linkSentPage(ctx: PageContext, kind: LinkRequest, email: string): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t(`accounts:${kind}.sent_title`),
    html`<h1>${t(`accounts:${kind}.sent_title`)}</h1>
<p class="usa-intro">${t(`accounts:${kind}.sent_body`, { email })}</p>
<p>${t(`accounts:${kind}.sent_limit`)}</p>${
      kind === 'unlock'
        ? html`
<p><a class="usa-link" href="/account/sign-in">${t('accounts:unlock.back_to_sign_in')}</a></p>`
        : ''
    }`,
  );
}

/** The page the emailed link opens: the password for the email it names (the second step follows). */
export function unlockLinkPage(
  ctx: PageContext,
  p: { csrf: string; token: string; email: string; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('accounts:unlock.link_title'),
    html`<h1>${t('accounts:unlock.link_title')}</h1>
<p>${t('accounts:unlock.link_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/sign-in/unlock/link" novalidate>
  ${csrfField(p.csrf)}
  <input type="hidden" name="token" value="${p.token}">
  <input type="hidden" name="username" value="${p.email}" autocomplete="username">
  <p><strong>${t('accounts:sign_in.email_label')}:</strong> ${p.email}</p>
  ${textInput({ name: 'password', label: t('accounts:sign_in.password_label'), type: 'password', autocomplete: 'current-password', error: errorFor(errors, 'password'), maxlength: 200 })}
  ${button(t('accounts:sign_in.submit'))}
</form>`,
    errors,
  );
}

/** A page that says one thing and offers one way on: a button, or a plain link when `link`. */
export function oneWayPage(
  ctx: PageContext,
  p: { title: string; body: string; href: string; action: string; link?: boolean },
): SafeHtml {
  return page(
    ctx,
    p.title,
    html`<h1>${p.title}</h1>
<p>${p.body}</p>
<p><a class="${p.link ? 'usa-link' : 'usa-button'}" href="${p.href}">${p.action}</a></p>`,
  );
}

/** An unlock link that is spent, expired, or took too many wrong passwords. */
export function unlockLinkInvalidPage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  const title = t('accounts:sign_up.link_invalid_title');
  const action = t('accounts:unlock.ask_again');
  return oneWayPage(ctx, {
    title,
    body: t('accounts:unlock.link_invalid_body'),
    href: '/account/sign-in/unlock',
    action,
  });
}

export function newPasswordPage(ctx: PageContext, p: { csrf: string; token: string; errors?: FieldError[] }): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return page(
    ctx,
    t('accounts:reset.new_title'),
    html`<h1>${t('accounts:reset.new_title')}</h1>
<p>${t('accounts:reset.new_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/reset-password" novalidate>
  ${csrfField(p.csrf)}
  <input type="hidden" name="token" value="${p.token}">
  ${newPasswordFields(ctx, errors)}
  ${button(t('accounts:reset.new_submit'))}
</form>`,
    errors,
  );
}

export interface SessionLine {
  current: boolean;
  device: string;
  signedIn: string;
  lastActive: string;
}

export function sessionsPage(
  ctx: PageContext,
  p: { csrf: string; idleSeconds: number; sessions: SessionLine[]; done?: boolean },
): SafeHtml {
  const { t } = ctx;
  const others = p.sessions.filter((s) => !s.current).length;
  return page(
    ctx,
    t('accounts:sessions.title'),
    html`<h1>${t('accounts:sessions.title')}</h1>
${p.done ? alert({ type: 'success', body: t('accounts:sessions.signed_out_others'), slim: true, live: true }) : ''}
<p>${t('accounts:sessions.intro')}</p>
${table({
  caption: t('accounts:sessions.caption'),
  headers: [t('accounts:sessions.device'), t('accounts:sessions.signed_in'), t('accounts:sessions.last_active')],
  rows: p.sessions.map((s) => [
    html`${s.device}${s.current ? html` <span class="usa-tag">${t('accounts:sessions.this_device')}</span>` : ''}`,
    s.signedIn,
    s.lastActive,
  ]),
  stacked: true,
})}
${
  others > 0
    ? html`<form method="post" action="/account/sessions/sign-out-others">${csrfField(p.csrf)}${button(t('accounts:sessions.sign_out_others'))}</form>`
    : html`<p>${t('accounts:sessions.none_other')}</p>`
}
<p><a class="usa-link" href="/account">${t('accounts:home.title')}</a></p>`,
    [],
    p,
  );
}

/** External sign-in (ADR 8): the way to the provider, offered on the sign-in page when one is configured. */
function externalSignInButton(ctx: PageContext, name: string): SafeHtml {
  const { t } = ctx;
  return html`<section class="margin-top-4 padding-top-3 border-top-1px border-base-lighter" aria-labelledby="external-sign-in-heading">
  <h2 class="font-heading-md margin-top-0" id="external-sign-in-heading">${t('external:heading', { name })}</h2>
  <p class="usa-hint" id="external-sign-in-hint">${t('external:hint', { name })}</p>
  <a class="usa-button usa-button--outline" id="external-sign-in" href="/account/sign-in/external" aria-describedby="external-sign-in-hint">${t('external:button', { name })}</a>
</section>`;
}

/** Why signing in with the provider did not work, and what to do instead (never a dead end: password sign-in). */
export function externalProblemPage(ctx: PageContext, p: { reason: ExternalRefusal; name: string }): SafeHtml {
  const { t } = ctx;
  const name = p.name;
  const title = t(`external:problem.${p.reason}.title`, { name });
  const retry = p.reason !== 'account_unavailable';
  return page(
    ctx,
    title,
    html`<h1>${title}</h1>
<p class="usa-intro">${t(`external:problem.${p.reason}.body`, { name })}</p>
<ul class="usa-button-group">
  ${retry ? html`<li class="usa-button-group__item"><a class="usa-button" href="/account/sign-in/external">${t('external:try_again', { name })}</a></li>` : ''}
  <li class="usa-button-group__item"><a class="${retry ? 'usa-button usa-button--outline' : 'usa-button'}" href="/account/sign-in">${t('external:use_password')}</a></li>
</ul>
<p>${t('common:error_pages.contact')}</p>`,
  );
}
