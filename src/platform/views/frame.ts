import type { StaffRole } from '../db/tables.js';
import { csrfField, errorSummary, type FieldError } from './components.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { layout, type LayoutProps, type PageContext } from './layout.js';

/**
 * The page frame every module draws its pages in: a public page, a page of a signed-in person (with the account
 * menu) and a staff page (with the menu of staff tools). Both menus are data kept here: links and catalog keys of the
 * pages they lead to, as the header of `layout()` links the sections. A module that adds a page to a menu adds its
 * entry here when the page works (no dead links); the platform imports no module.
 */

/** On pages of a signed-in person: the idle-timeout warning (JavaScript) and its no-JavaScript fallback. */
export interface SignedIn {
  csrf: string;
  idleSeconds: number;
}

/** A staff page also knows the signed-in staff member's roles (the workspace menu shows only what they may use). */
export interface StaffPageContext extends PageContext {
  roles: readonly StaffRole[];
}

export function sessionTimeout(ctx: PageContext, s: SignedIn): { head: SafeHtml; endOfBody: SafeHtml } {
  const { t } = ctx;
  return {
    head: html`<noscript><meta http-equiv="refresh" content="${s.idleSeconds};url=/account/sign-in?timeout=1"></noscript>`,
    endOfBody: html`<dialog class="casedesk-dialog" id="session-timeout" aria-labelledby="session-timeout-heading" aria-describedby="session-timeout-body" data-idle-seconds="${s.idleSeconds}" data-warning-seconds="120" data-csrf="${s.csrf}">
    <h2 id="session-timeout-heading" class="margin-top-0">${t('accounts:timeout.title')}</h2>
    <p id="session-timeout-body">${t('accounts:timeout.body')}</p>
    <ul class="usa-button-group">
      <li class="usa-button-group__item"><button type="button" class="usa-button" id="session-timeout-stay">${t('accounts:timeout.stay')}</button></li>
      <li class="usa-button-group__item"><form method="post" action="/account/sign-out">${csrfField(s.csrf)}<button type="submit" class="usa-button usa-button--unstyled padding-105">${t('accounts:timeout.sign_out')}</button></form></li>
    </ul>
  </dialog>
  <script src="/assets/session-timeout.js"></script>`,
  };
}

const titleOf = (ctx: PageContext, title: string, errors: FieldError[]) =>
  errors.length ? `${ctx.t('common:errors.summary_heading')}: ${title}` : title;

/** The grid column of a page without a side menu: `narrow` for forms (the default), `medium` and `wide` for pages with longer text or tables. */
export type PageWidth = 'narrow' | 'medium' | 'wide';
const COLUMN: Record<PageWidth, string> = {
  narrow: 'grid-col-12 tablet:grid-col-8 desktop:grid-col-7',
  medium: 'grid-col-12 tablet:grid-col-8 desktop:grid-col-8',
  wide: 'grid-col-12 tablet:grid-col-10 desktop:grid-col-8',
};

/** A page of anyone (no menu): the error summary on top of the body; `nav` marks a header section as current. */
export function publicPage(
  ctx: PageContext,
  title: string,
  body: HtmlValue,
  errors: FieldError[] = [],
  width: PageWidth = 'narrow',
  nav?: LayoutProps['nav'],
): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    ...(nav ? { nav } : {}),
    title: titleOf(ctx, title, errors),
    main: html`<div class="grid-row"><div class="${COLUMN[width]}">
${errorSummary(t('common:errors.summary_heading'), errors)}
${body}
</div></div>`,
  });
}

/**
 * The account's resources menu (ACC-8), on every signed-in page: Home, Profile, Settings, then the account
 * actions. The current page's link has aria-current="page" (a page below it, such as a settings form, marks its
 * section with aria-current="true"). My cases and "Add a case" (ACC-8, issue 4) lead to the account's cases.
 * Messages is the Inbox of ACC-8 (secure messages); the other actions of ACC-8 arrive with later issues and are not
 * shown until they work.
 */
const ACCOUNT_MENU: Record<'resources' | 'actions', readonly { href: string; labelKey: string }[]> = {
  resources: [
    { href: '/account', labelKey: 'profile:menu.home' },
    { href: '/account/cases', labelKey: 'cases_account:menu.cases' },
    { href: '/account/messages', labelKey: 'cases_account:menu.messages' },
    { href: '/account/profile', labelKey: 'profile:menu.profile' },
    { href: '/account/settings', labelKey: 'profile:menu.settings' },
  ],
  actions: [
    { href: '/account/cases/add', labelKey: 'cases_account:menu.add' },
    { href: '/account/verify-identity', labelKey: 'cases_account:menu.verify' },
    { href: '/account/address', labelKey: 'address_change:menu' },
    { href: '/account/sessions', labelKey: 'profile:menu.sessions' },
    { href: '/account/two-step', labelKey: 'profile:menu.two_step' },
  ],
};
/** Staff keep their profile with their administrators: only their workspace and their own security here. */
const STAFF_ACCOUNT_MENU = ACCOUNT_MENU.actions.filter(
  (l) => l.href === '/account/sessions' || l.href === '/account/two-step',
);

function accountMenu(ctx: PageContext, s: SignedIn): SafeHtml {
  const { t } = ctx;
  const path = new URL(ctx.url, 'http://casedesk.invalid').pathname.replace(/\/+$/, '');
  // The menu link that best matches the page is current: "page" when it is the page, "true" for a page below it
  // (unless a more specific link of the menu matches).
  const hrefs = [...ACCOUNT_MENU.resources, ...ACCOUNT_MENU.actions].map((l) => l.href);
  const best = hrefs
    .filter((h) => path === h || (h !== '/account' && path.startsWith(`${h}/`)))
    .sort((a, b) => b.length - a.length)[0];
  const link = (l: { href: string; labelKey: string }) => {
    const current = l.href !== best ? undefined : path === l.href ? 'page' : 'true';
    return html`<li class="usa-sidenav__item"><a href="${l.href}"${current ? html` class="usa-current" aria-current="${current}"` : ''}>${t(l.labelKey)}</a></li>`;
  };
  const links = (ls: readonly { href: string; labelKey: string }[]) =>
    ls.map((l, i) =>
      i
        ? html`
    ${link(l)}`
        : link(l),
    );
  const signOut = html`<li class="usa-sidenav__item"><form method="post" action="/account/sign-out">${csrfField(s.csrf)}<button type="submit" class="usa-button usa-button--unstyled padding-x-2 padding-y-1">${t('accounts:home.sign_out')}</button></form></li>`;
  if (ctx.staffViewer) {
    return sideMenu(
      t('accounts:home.menu'),
      html`<nav aria-label="${t('accounts:home.menu')}">
  <ul class="usa-sidenav">
    <li class="usa-sidenav__item"><a href="/staff">${t('staff:tools.home')}</a></li>
    ${links(STAFF_ACCOUNT_MENU)}
    ${signOut}
  </ul>
</nav>`,
    );
  }
  return sideMenu(
    t('accounts:home.menu'),
    html`<nav aria-label="${t('accounts:home.menu')}">
  <ul class="usa-sidenav">
    ${links(ACCOUNT_MENU.resources)}
  </ul>
  <p class="text-bold margin-top-3 margin-bottom-1" id="account-actions-heading">${t('profile:menu.actions')}</p>
  <ul class="usa-sidenav" aria-labelledby="account-actions-heading">
    ${links(ACCOUNT_MENU.actions)}
    ${signOut}
  </ul>
</nav>`,
  );
}

/**
 * A side menu (the account menu, the staff menu): on phones a disclosure named by the menu, closed, so the page
 * starts on the first screen (issue 15 item 2; USWDS side navigation); from tablet width up (40em) the side
 * navigation beside the content, open. Without JavaScript too: casedesk.css shows the content of the closed
 * disclosure from tablet width up (`::details-content`), and where a browser cannot, the disclosure stays usable.
 */
export function sideMenu(label: string, nav: SafeHtml): SafeHtml {
  return html`<details class="casedesk-sidenav margin-bottom-4">
  <summary class="casedesk-sidenav__toggle">${label}</summary>
  ${nav}
</details>`;
}

/**
 * A page of the account surface: with `signedIn`, the idle-timeout warning and the account menu beside the content;
 * without, the narrow column of a public page (the account section current in the header).
 */
export function page(
  ctx: PageContext,
  title: string,
  body: HtmlValue,
  errors: FieldError[] = [],
  signedIn?: SignedIn,
): SafeHtml {
  if (!signedIn) return publicPage(ctx, title, body, errors, 'narrow', 'account');
  const { t } = ctx;
  return layout(ctx, {
    ...sessionTimeout(ctx, signedIn),
    nav: 'account',
    title: titleOf(ctx, title, errors),
    main: html`<div class="grid-row grid-gap-lg"><div class="grid-col-12 tablet:grid-col-4 desktop:grid-col-3 padding-top-2 tablet:padding-top-4">${accountMenu(ctx, signedIn)}</div><div class="grid-col-12 tablet:grid-col-8 desktop:grid-col-7">
${errorSummary(t('common:errors.summary_heading'), errors)}
${body}
</div></div>`,
  });
}

/** What a spent or expired single-use link was for: the page offers the step that fits it. */
export type LinkKind = 'sign_up' | 'reset' | 'recovery' | 'invitation';

/**
 * A single-use link that is unknown, used or expired. It offers the step that fits what the link was for: a new
 * sign-up link, a new password reset link, or (recovery and invitations, which only staff can start again) signing in
 * for those who already finished, and who to ask otherwise. Signing in is offered with each.
 */
export function linkInvalidPage(ctx: PageContext, kind: LinkKind = 'sign_up'): SafeHtml {
  const { t } = ctx;
  const next: Record<LinkKind, { href: string; label: string } | undefined> = {
    sign_up: { href: '/account/sign-up', label: t('accounts:sign_up.start_again') },
    reset: { href: '/account/forgot-password', label: t('accounts:link_invalid.reset_again') },
    recovery: undefined,
    invitation: undefined,
  };
  const step = next[kind];
  const signIn = html`<a class="${step ? 'usa-link' : 'usa-button'}" href="/account/sign-in">${t('accounts:link_invalid.sign_in')}</a>`;
  return page(
    ctx,
    t('accounts:sign_up.link_invalid_title'),
    html`<h1>${t('accounts:sign_up.link_invalid_title')}</h1>
<p>${kind === 'sign_up' ? t('accounts:sign_up.link_invalid_body') : t(`accounts:link_invalid.${kind}`)}</p>
${step ? html`<p><a class="usa-button" href="${step.href}">${step.label}</a></p>` : ''}
<p>${kind === 'sign_up' ? html`${t('accounts:link_invalid.finished')} ` : ''}${signIn}</p>`,
  );
}

/** One entry of the staff workspace menu: shown to the roles that may use it. */
export interface StaffTool {
  href: string;
  labelKey: string;
  roles: readonly StaffRole[];
}

/** The tools that exist today. A module adds its entry here when its pages work (no dead links). */
export const STAFF_TOOLS: readonly StaffTool[] = [
  { href: '/agent', labelKey: 'staff:tools.agent', roles: ['tier1', 'tier2', 'tier3', 'help_desk', 'officer'] },
  { href: '/officer', labelKey: 'staff:tools.officer', roles: ['officer'] },
  { href: '/staff/help-desk', labelKey: 'staff:tools.help_desk', roles: ['help_desk', 'tier2'] },
  { href: '/staff/surveys', labelKey: 'staff:tools.surveys', roles: ['quality_assurance', 'administrator'] },
  {
    href: '/staff/knowledge',
    labelKey: 'staff:tools.knowledge',
    roles: ['tier1', 'tier2', 'tier3', 'help_desk', 'quality_assurance', 'administrator'],
  },
  { href: '/staff/quality', labelKey: 'staff:tools.quality', roles: ['quality_assurance', 'administrator'] },
  { href: '/staff/processing-times', labelKey: 'processing_times:staff.tool', roles: ['administrator'] },
  { href: '/staff/inquiry-dates', labelKey: 'processing_times:overrides.tool', roles: ['administrator'] },
  { href: '/staff/appointment-sites', labelKey: 'appointments:staff.tool', roles: ['administrator'] },
  { href: '/staff/voice-menu', labelKey: 'voice_assistant:staff.tool', roles: ['administrator'] },
  {
    href: '/staff/dashboards',
    labelKey: 'dashboards:tool',
    roles: ['tier2', 'tier3', 'quality_assurance', 'administrator'],
  },
  { href: '/staff/admin/staff', labelKey: 'staff:tools.staff_admin', roles: ['administrator'] },
  { href: '/staff/callbacks/settings', labelKey: 'callbacks:tool', roles: ['administrator'] },
  { href: '/staff/biometrics/settings', labelKey: 'biometrics:settings.tool', roles: ['administrator'] },
];

export function toolsFor(roles: readonly StaffRole[]): StaffTool[] {
  return STAFF_TOOLS.filter((tool) => tool.roles.some((r) => roles.includes(r)));
}

/** A staff page: the workspace menu beside the content, the idle-timeout warning, errors on top. */
export function staffPage(
  ctx: StaffPageContext,
  p: { title: string; body: HtmlValue; signedIn: SignedIn; errors?: FieldError[]; current?: string },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const tools = toolsFor(ctx.roles);
  return layout(ctx, {
    ...sessionTimeout(ctx, p.signedIn),
    nav: 'staff',
    title: titleOf(ctx, p.title, errors),
    main: html`<div class="grid-row grid-gap">
  <div class="tablet:grid-col-3 padding-top-2 tablet:padding-top-0">${sideMenu(
    t('staff:menu_label'),
    html`<nav aria-label="${t('staff:menu_label')}">
    <ul class="usa-sidenav">
      <li class="usa-sidenav__item"><a href="/staff"${p.current === '/staff' ? html` class="usa-current" aria-current="page"` : ''}>${t('staff:tools.home')}</a></li>
      ${tools.map((tool) => html`<li class="usa-sidenav__item"><a href="${tool.href}"${p.current === tool.href ? html` class="usa-current" aria-current="page"` : ''}>${t(tool.labelKey)}</a></li>`)}
      <li class="usa-sidenav__item"><form method="post" action="/account/sign-out" class="padding-y-1 padding-x-2">${csrfField(p.signedIn.csrf)}<button type="submit" class="usa-button usa-button--unstyled">${t('staff:sign_out')}</button></form></li>
    </ul>
  </nav>`,
  )}</div>
  <div class="tablet:grid-col-9">
${errorSummary(t('common:errors.summary_heading'), errors)}
${p.body}
  </div>
</div>`,
  });
}

/**
 * A staff page that opens with its title as heading, `body` after it; `form` brings who is signed in and the errors of
 * the page's form (shown in the error summary).
 */
export function titledStaffPage(
  ctx: StaffPageContext,
  form: { signedIn: SignedIn; errors?: FieldError[] },
  p: { title: string; current: string; body: HtmlValue },
): SafeHtml {
  return staffPage(ctx, {
    ...p,
    signedIn: form.signedIn,
    errors: form.errors,
    body: html`<h1>${p.title}</h1>
${p.body}`,
  });
}
