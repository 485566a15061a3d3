import {
  alert,
  button,
  csrfField,
  errorFor,
  memorableDate,
  radioGroup,
  table,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { page, type SignedIn } from '../../platform/views/frame.js';
import { formLongName, statusDescriptionHtml, type CaseStatusView } from '../cases/index.js';
import { formatDate, formatterOf, longCalendarDate, longDate } from '../../platform/format.js';
import { documentLabel, type CaseDocument } from '../notices/index.js';
import type { IdentityQuestion } from './identity.js';
import type { LinkedCaseRow } from './repository.js';
import type { UpcomingAppointment } from './service.js';
import { myProgressTab, type CaseProgress } from '../my-progress/index.js';

/** The account's cases: the list, the case card with its tabs (CASE-9), and adding a paper case (CASE-4, CASE-6). */

export function casesListPage(
  ctx: PageContext & { timeZone: string },
  p: SignedIn & { cases: (LinkedCaseRow & { title: string })[]; added?: string },
): SafeHtml {
  const { t, lang } = ctx;
  return page(
    ctx,
    t('cases_account:list.title'),
    html`<h1>${t('cases_account:list.title')}</h1>
${p.added ? alert({ type: 'success', slim: true, live: true, body: t('cases_account:list.added', { receipt: p.added }) }) : ''}
${
  p.cases.length
    ? table({
        caption: t('cases_account:list.caption'),
        headers: [
          t('cases_account:list.receipt'),
          t('cases_account:list.form'),
          t('cases_account:list.status'),
          t('cases_account:list.updated'),
        ],
        rows: p.cases.map((c) => [
          html`<a class="usa-link casedesk-receipt" href="/account/cases/${c.receipt_number}">${c.receipt_number}</a>`,
          formLongName(c.form_code, lang),
          c.title,
          longDate(c.status_at, lang, ctx.timeZone),
        ]),
        stacked: true,
      })
    : html`<p>${t('cases_account:list.none')}</p>`
}
<p><a class="usa-button" href="/account/cases/add">${t('cases_account:menu.add')}</a></p>`,
    [],
    p,
  );
}

export type CardTab = 'status' | 'progress' | 'history' | 'documents';

export function caseCardPage(
  ctx: PageContext & { timeZone: string },
  p: SignedIn & {
    view: CaseStatusView;
    tab: CardTab;
    filingChannel: 'online' | 'paper';
    openRfe?: { sentAt: Date; responseDue: string; overdue: boolean };
    appointments?: UpcomingAppointment[];
    biometricsReused?: boolean;
    documents: CaseDocument[];
    evidence: boolean;
    messages?: boolean;
    /** The myProgress tab is offered (CASE-9); on that tab, what it shows. */
    progressTab?: boolean;
    progress?: CaseProgress;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const v = p.view;
  const base = `/account/cases/${v.receiptNumber}`;
  // An appointment notice replaces the earlier ones of its kind (a reschedule): only the newest is current.
  const replaced = new Set(
    (['biometrics_notice', 'interview_notice'] as const).flatMap((kind) =>
      [...p.documents]
        .filter((d) => d.kind === kind)
        .sort((a, b) => b.created_at.getTime() - a.created_at.getTime())
        .slice(1)
        .map((d) => d.id),
    ),
  );
  const tab = (key: CardTab, href: string) =>
    html`<li class="usa-button-group__item"><a class="usa-button${p.tab === key ? '' : ' usa-button--outline'}" href="${href}"${p.tab === key ? html` aria-current="page"` : ''}>${t(`cases_account:card.tabs.${key}`)}</a></li>`;
  return page(
    ctx,
    `${v.receiptNumber}: ${t(`cases_account:card.tabs.${p.tab}`)}`,
    html`<p class="margin-bottom-0"><a class="usa-link" href="/account/cases">${t('cases_account:card.back')}</a></p>
<h1 class="margin-bottom-1"><span class="usa-sr-only">${t('cases_account:card.receipt')} </span><span class="casedesk-receipt">${v.receiptNumber}</span></h1>
<dl class="margin-top-0">
  <div><dt class="display-inline text-bold">${t('cases_account:card.form')}:</dt> <dd class="display-inline margin-left-0">${formLongName(v.formCode, lang)}</dd></div>
  <div><dt class="display-inline text-bold">${t('cases_account:card.submitted')}:</dt> <dd class="display-inline margin-left-0">${longDate(v.submittedAt, lang, ctx.timeZone)}</dd></div>
  <div><dt class="display-inline text-bold">${t('cases_account:card.filed')}:</dt> <dd class="display-inline margin-left-0">${t(`cases_account:card.channel.${p.filingChannel}`)}</dd></div>
</dl>
<nav aria-label="${t('cases_account:card.tabs_label')}"><ul class="usa-button-group casedesk-tabs">${tab('status', base)}${p.progressTab ? tab('progress', `${base}/progress`) : ''}${tab('history', `${base}/history`)}${p.documents.length ? tab('documents', `${base}/documents`) : ''}${p.evidence ? html`<li class="usa-button-group__item"><a class="usa-button usa-button--outline" href="${base}/evidence">${t('cases_account:card.tabs.evidence')}</a></li>` : ''}${p.messages ? html`<li class="usa-button-group__item"><a class="usa-button usa-button--outline" href="${base}/messages">${t('cases_account:card.tabs.messages')}</a></li>` : ''}</ul></nav>
${
  p.tab === 'status'
    ? html`${
        p.openRfe
          ? alert({
              type: p.openRfe.overdue ? 'error' : 'warning',
              heading: t('cases_account:card.rfe_heading'),
              body: p.openRfe.overdue
                ? t('cases_account:card.rfe_overdue', { due: longCalendarDate(p.openRfe.responseDue, lang) })
                : t('cases_account:card.rfe_open', {
                    sent: longDate(p.openRfe.sentAt, lang, ctx.timeZone),
                    due: longCalendarDate(p.openRfe.responseDue, lang),
                  }),
            })
          : ''
      }${appointmentsBlock(ctx, p.appointments ?? [], base)}${
        p.biometricsReused
          ? alert({ type: 'info', slim: true, body: t('cases_account:card.appointments.biometrics_reused') })
          : ''
      }
<h2>${v.current.title[lang]}</h2>
<p>${statusDescriptionHtml(v.current.description[lang], t)}</p>`
    : p.tab === 'progress' && p.progress
      ? myProgressTab(ctx, p.progress, v.formCode)
      : p.tab === 'documents'
        ? html`<h2>${t('cases_account:card.tabs.documents')}</h2>
<ul class="usa-list">
  ${p.documents.map((d) => html`<li><a class="usa-link" href="${base}/documents/${d.id}">${documentLabel(t, d)}</a>, ${longDate(d.created_at, lang, ctx.timeZone)}${replaced.has(d.id) ? html` <span class="usa-tag" data-replaced="true">${t('cases_account:card.replaced')}</span>` : ''}</li>`)}
</ul>`
        : html`<h2>${t('cases_account:card.tabs.history')}</h2>
<ol class="casedesk-history" reversed>
  ${v.history.map((h) => html`<li><time datetime="${h.at.toISOString()}">${longDate(h.at, lang, ctx.timeZone)}</time>${h.title[lang]}</li>`)}
</ol>`
}`,
    [],
    p,
  );
}

/** The biometrics and interview appointments still to come: when and where (the place the agency gave). */
function appointmentsBlock(
  ctx: PageContext & { timeZone: string },
  appointments: UpcomingAppointment[],
  base: string,
): SafeHtml | '' {
  if (!appointments.length) return '';
  const { t, lang } = ctx;
  const time = formatterOf(lang, ctx.timeZone, 'time');
  return html`<section class="casedesk-appointments usa-summary-box margin-y-2" aria-labelledby="appointments-heading">
<div class="usa-summary-box__body">
<h2 class="usa-summary-box__heading" id="appointments-heading">${t('cases_account:card.appointments.heading')}</h2>
<ul class="usa-list usa-list--unstyled">
  ${appointments.map(
    (a) => html`<li class="margin-bottom-1"><strong>${t(`cases_account:card.appointments.${a.kind}`)}</strong><br>
<time datetime="${a.at.toISOString()}">${t('cases_account:card.appointments.when', { date: longDate(a.at, lang, a.timeZone ?? ctx.timeZone), time: a.timeZone ? formatDate(a.at, lang, a.timeZone, 'time') : time(a.at) })}</time><br>
${a.locationName ? t('cases_account:card.appointments.where', { place: a.locationName }) : t('cases_account:card.appointments.where_unknown')}${
      a.kind === 'biometrics'
        ? html`
<br><a class="usa-link" href="${base}/biometrics">${t('cases_account:card.appointments.reschedule')}</a>`
        : ''
    }</li>`,
  )}
</ul>
</div>
</section>`;
}

export interface AddValues {
  code?: string;
  receipt_number?: string;
  family_name?: string;
  dob_month?: string;
  dob_day?: string;
  dob_year?: string;
  rdob_month?: string;
  rdob_day?: string;
  rdob_year?: string;
}

export function addCasePage(
  ctx: PageContext,
  p: SignedIn & { representative: boolean; values?: AddValues; errors?: FieldError[]; notice?: SafeHtml },
): SafeHtml {
  const { t } = ctx;
  const v = p.values ?? {};
  const errors = p.errors ?? [];
  const labels = { month: t('profile:date.month'), day: t('profile:date.day'), year: t('profile:date.year') };
  return page(
    ctx,
    t('cases_account:add.title'),
    html`<h1>${t('cases_account:add.title')}</h1>
<p>${t('cases_account:add.intro')}</p>
${p.notice ?? ''}
<section aria-labelledby="oac-heading">
<h2 id="oac-heading">${t('cases_account:add.oac_heading')}</h2>
<p>${t('cases_account:add.oac_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/cases/add/access-code" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'code', label: t('cases_account:add.code'), hint: t('cases_account:add.code_hint'), value: v.code, error: errorFor(errors, 'code'), autocomplete: 'off', spellcheck: false, autocapitalize: 'characters', maxlength: 20, width: 'md' })}
  ${memorableDate({ name: 'dob', legend: t('cases_account:add.dob'), hint: t('cases_account:add.dob_hint'), labels, month: v.dob_month, day: v.dob_day, year: v.dob_year, error: errorFor(errors, 'dob_month') })}
  ${button(t('cases_account:add.submit'))}
</form>
</section>
<section aria-labelledby="receipt-heading">
<h2 id="receipt-heading">${t('cases_account:add.receipt_heading')}</h2>
${
  p.representative
    ? html`<p>${t('cases_account:add.representative_note')} <a class="usa-link" href="/case-status">${t('cases_account:add.case_status_link')}</a></p>`
    : html`<p>${t('cases_account:add.receipt_intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/cases/add/receipt-number" novalidate>
  ${csrfField(p.csrf)}
  ${textInput({ name: 'receipt_number', label: t('cases_account:add.receipt'), hint: t('cases_account:add.receipt_hint'), value: v.receipt_number, error: errorFor(errors, 'receipt_number'), autocomplete: 'off', spellcheck: false, autocapitalize: 'characters', maxlength: 40, width: 'md' })}
  ${textInput({ name: 'family_name', label: t('cases_account:add.family_name'), hint: t('cases_account:add.family_name_hint'), value: v.family_name, error: errorFor(errors, 'family_name'), autocomplete: 'family-name' })}
  ${memorableDate({ name: 'rdob', legend: t('cases_account:add.dob'), hint: t('cases_account:add.dob_hint'), labels, month: v.rdob_month, day: v.rdob_day, year: v.rdob_year, error: errorFor(errors, 'rdob_month') })}
  ${button(t('cases_account:add.submit'))}
</form>`
}
</section>`,
    errors,
    p,
  );
}

export function verifyIdentityPage(
  ctx: PageContext & { timeZone: string },
  p: SignedIn & {
    verifiedAt: Date | null;
    questions: IdentityQuestion[];
    lockedUntil?: string;
    values?: Record<string, string>;
    errors?: FieldError[];
    justVerified?: boolean;
    /** After answers that did not match: how many more tries before the online path stops for a day. */
    triesLeft?: number;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const errors = p.errors ?? [];
  const v = p.values ?? {};
  const monthYear = formatterOf(lang, ctx.timeZone, 'monthYear');
  let body: SafeHtml;
  if (p.verifiedAt) {
    body = alert({
      type: 'success',
      live: p.justVerified,
      heading: t('cases_account:identity.verified_title'),
      body: t('cases_account:identity.verified', { date: longDate(p.verifiedAt, lang, ctx.timeZone) }),
    });
  } else if (p.lockedUntil) {
    body = alert({
      type: 'error',
      heading: t('cases_account:identity.locked_title'),
      body: t('cases_account:identity.locked', { time: p.lockedUntil }),
    });
  } else if (!p.questions.length) {
    body = alert({
      type: 'info',
      body: html`${t('cases_account:identity.no_records')} <a class="usa-link" href="/account/cases/add">${t('cases_account:menu.add')}</a>`,
    });
  } else {
    body = html`<p>${t('cases_account:identity.intro')}</p>
${p.triesLeft === undefined ? '' : alert({ type: 'warning', slim: true, body: t('cases_account:identity.tries_left', { count: p.triesLeft }) })}
<form class="usa-form usa-form--large" id="identity-form" method="post" action="/account/verify-identity" novalidate>
  ${csrfField(p.csrf)}
  ${p.questions.map((q) =>
    q.id === 'form'
      ? radioGroup({
          name: 'form',
          legend: t('cases_account:identity.q_form', { month: monthYear(q.month) }),
          value: v.form,
          error: errorFor(errors, 'form'),
          options: q.options.map((code) => ({ value: code, label: formLongName(code, lang) })),
        })
      : q.id === 'a_number'
        ? textInput({
            name: 'a_number',
            label: t('cases_account:identity.q_a_number'),
            hint: t('cases_account:identity.q_a_number_hint'),
            value: v.a_number,
            error: errorFor(errors, 'a_number'),
            inputmode: 'numeric',
            width: 'sm',
            maxlength: 4,
            autocomplete: 'off',
          })
        : textInput({
            name: 'zip',
            label: t('cases_account:identity.q_zip'),
            hint: t('cases_account:identity.q_zip_hint'),
            value: v.zip,
            error: errorFor(errors, 'zip'),
            inputmode: 'numeric',
            width: 'sm',
            maxlength: 5,
            autocomplete: 'postal-code',
          }),
  )}
  ${button(t('cases_account:identity.submit'))}
</form>`;
  }
  return page(
    ctx,
    t('cases_account:identity.title'),
    html`<h1>${t('cases_account:identity.title')}</h1>
${body}`,
    errors,
    p,
  );
}
