import {
  alert,
  breadcrumb,
  button,
  checkboxGroup,
  csrfField,
  errorFor,
  table,
  textArea,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import { layout, type PageContext } from '../../platform/views/layout.js';
import {
  staffPage,
  titledStaffPage,
  toolsFor,
  type SignedIn,
  type StaffPageContext,
} from '../../platform/views/frame.js';
import type { StaffMember } from './repository.js';
import { STAFF_ROLES, type StaffRole } from './roles.js';

/** Staff pages: the workspace home, staff administration and the invitation landing page. */

const roleOptions = (ctx: PageContext) =>
  STAFF_ROLES.map((r) => ({ value: r, label: ctx.t(`staff:roles.${r}`), hint: ctx.t(`staff:role_hints.${r}`) }));
const roleList = (ctx: PageContext, roles: readonly StaffRole[]) =>
  roles.map((r) => ctx.t(`staff:roles.${r}`)).join(', ');

export function staffHomePage(ctx: StaffPageContext, p: { signedIn: SignedIn; name: string }): SafeHtml {
  const { t } = ctx;
  const tools = toolsFor(ctx.roles);
  return titledStaffPage(ctx, p, {
    title: t('staff:home.title'),
    current: '/staff',
    body: html`<p class="usa-intro">${t('staff:home.greeting', { name: p.name })}</p>
<p>${t('staff:home.your_roles')} <strong>${roleList(ctx, ctx.roles)}</strong></p>
${
  tools.length
    ? html`<ul class="usa-card-group">${tools.map((tool) => html`<li class="usa-card tablet:grid-col-6"><div class="usa-card__container"><div class="usa-card__header"><h2 class="usa-card__heading">${t(tool.labelKey)}</h2></div><div class="usa-card__body"><p>${t(`${tool.labelKey}_intro`)}</p></div><div class="usa-card__footer"><a class="usa-button" href="${tool.href}">${t('staff:home.open')}<span class="usa-sr-only"> ${t(tool.labelKey)}</span></a></div></div></li>`)}</ul>`
    : alert({ type: 'info', body: t('staff:home.no_tools') })
}`,
  });
}

export interface StaffAdminView {
  signedIn: SignedIn;
  members: StaffMember[];
  invitations: { email: string; display_name: string; roles: StaffRole[]; expires_at: Date }[];
  when(d: Date): string;
  invite?: { email?: string; displayName?: string; roles?: string[] };
  errors?: FieldError[];
  notice?: string;
}

export function staffAdminPage(ctx: StaffPageContext, p: StaffAdminView): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const status = (m: StaffMember) =>
    m.disabledAt
      ? t('staff:admin.status_disabled')
      : m.activatedAt
        ? t('staff:admin.status_active')
        : t('staff:admin.status_setting_up');
  return titledStaffPage(ctx, p, {
    title: t('staff:admin.title'),
    current: '/staff/admin/staff',
    body: html`${p.notice ? alert({ type: 'success', body: p.notice, slim: true, live: true }) : ''}
${table({
  caption: t('staff:admin.members_caption'),
  headers: [t('staff:admin.name'), t('staff:admin.email'), t('staff:admin.roles'), t('staff:admin.status')],
  rows: p.members.map((m) => [
    html`<a class="usa-link" href="/staff/admin/staff/${m.accountId}">${m.displayName}</a>`,
    m.email,
    roleList(ctx, m.roles),
    status(m),
  ]),
  stacked: true,
})}
${
  p.invitations.length
    ? table({
        caption: t('staff:admin.invitations_caption'),
        headers: [
          t('staff:admin.name'),
          t('staff:admin.email'),
          t('staff:admin.roles'),
          t('staff:admin.expires'),
          t('staff:admin.action'),
        ],
        // "Resend invitation": a new link, for a link that expired soon or a setup left halfway.
        rows: p.invitations.map((i) => [
          i.display_name,
          i.email,
          roleList(ctx, i.roles),
          p.when(i.expires_at),
          html`<form method="post" action="/staff/admin/staff/resend">${csrfField(p.signedIn.csrf)}<input type="hidden" name="email" value="${i.email}"><button class="usa-button usa-button--outline" type="submit">${t('staff:admin.resend')}<span class="usa-sr-only"> ${i.email}</span></button></form>`,
        ]),
        stacked: true,
      })
    : ''
}
<h2 id="invite-heading">${t('staff:admin.invite_heading')}</h2>
<p>${t('staff:admin.invite_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/staff/admin/staff/invite" novalidate aria-labelledby="invite-heading">
  ${csrfField(p.signedIn.csrf)}
  ${textInput({ name: 'display_name', label: t('staff:admin.name'), value: p.invite?.displayName, error: errorFor(errors, 'display_name'), autocomplete: 'off' })}
  ${textInput({ name: 'email', label: t('staff:admin.email'), hint: t('staff:admin.email_hint'), type: 'email', value: p.invite?.email, error: errorFor(errors, 'email'), autocomplete: 'off', spellcheck: false, maxlength: 254 })}
  ${checkboxGroup({ name: 'roles', legend: t('staff:admin.roles'), options: roleOptions(ctx), values: p.invite?.roles, error: errorFor(errors, 'roles') })}
  ${button(t('staff:admin.invite_submit'))}
</form>`,
  });
}

export function staffMemberPage(
  ctx: StaffPageContext,
  p: {
    signedIn: SignedIn;
    member: StaffMember;
    self: boolean;
    errors?: FieldError[];
    notice?: string;
    when(d: Date): string;
  },
): SafeHtml {
  const { t } = ctx;
  const m = p.member;
  const errors = p.errors ?? [];
  return staffPage(ctx, {
    title: m.displayName,
    current: '/staff/admin/staff',
    signedIn: p.signedIn,
    errors,
    body: html`${breadcrumb(t('staff:breadcrumb'), [{ href: '/staff/admin/staff', label: t('staff:admin.title') }, { label: m.displayName }])}
<h1>${m.displayName}</h1>
${p.notice ? alert({ type: 'success', body: p.notice, slim: true, live: true }) : ''}
<dl>
  <dt>${t('staff:admin.email')}</dt><dd>${m.email}</dd>
  <dt>${t('staff:admin.status')}</dt><dd>${m.disabledAt ? t('staff:admin.status_disabled') : m.activatedAt ? t('staff:admin.status_active') : t('staff:admin.status_setting_up')}</dd>
  <dt>${t('staff:admin.since')}</dt><dd>${p.when(m.createdAt)}</dd>
</dl>
<h2 id="roles-heading">${t('staff:admin.roles')}</h2>
<form class="usa-form usa-form--large" method="post" action="/staff/admin/staff/${m.accountId}/roles" novalidate aria-labelledby="roles-heading">
  ${csrfField(p.signedIn.csrf)}
  ${checkboxGroup({ name: 'roles', legend: t('staff:admin.roles_legend', { name: m.displayName }), options: roleOptions(ctx), values: m.roles, error: errorFor(errors, 'roles') })}
  ${button(t('staff:admin.save_roles'))}
</form>
${
  p.self
    ? ''
    : html`<h2 id="access-heading">${t('staff:admin.access_heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="/staff/admin/staff/${m.accountId}/access" novalidate aria-labelledby="access-heading">
  ${csrfField(p.signedIn.csrf)}
  <input type="hidden" name="enabled" value="${m.disabledAt ? 'true' : 'false'}">
  ${textArea({ name: 'reason', label: t('staff:admin.access_reason'), hint: t('staff:admin.access_reason_hint'), error: errorFor(errors, 'reason'), maxlength: 500 })}
  ${button(m.disabledAt ? t('staff:admin.restore_access') : t('staff:admin.withdraw_access'), { secondary: !m.disabledAt })}
</form>`
}`,
  });
}

export function invitationPage(ctx: PageContext, p: { csrf: string; token: string }): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: t('staff:invitation.title'),
    nav: 'account',
    main: html`<div class="grid-row"><div class="grid-col-12 tablet:grid-col-8">
<h1>${t('staff:invitation.title')}</h1>
<p>${t('staff:invitation.body')}</p>
<form method="post" action="/staff/invitation">${csrfField(p.csrf)}<input type="hidden" name="token" value="${p.token}">${button(t('staff:invitation.accept'))}</form>
</div></div>`,
  });
}
