import {
  alert,
  button,
  csrfField,
  errorFor,
  submissionField,
  table,
  textArea,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { page, type SignedIn } from '../../platform/views/frame.js';
import { MAX_MESSAGE, MAX_SUBJECT, type ThreadMessage, type ThreadSummary } from './service.js';

type Ctx = PageContext & { when(d: Date): string };

function stateOf(ctx: Ctx, th: Pick<ThreadSummary, 'status' | 'answered'>): string {
  const { t } = ctx;
  if (th.status === 'resolved' || th.status === 'closed') return t('messages:state.closed');
  return th.answered ? t('messages:state.answered') : t('messages:state.waiting');
}

function threadTable(ctx: Ctx, threads: ThreadSummary[], caption: string): SafeHtml {
  const { t } = ctx;
  if (!threads.length) return html`<p>${t('messages:none')}</p>`;
  return table({
    caption,
    headers: [t('messages:subject'), t('messages:case'), t('messages:last'), t('messages:state_label')],
    rows: threads.map((th) => [
      html`<a class="usa-link" href="/account/messages/${th.number}">${th.subject}</a>${th.unread ? html` <span class="usa-tag bg-secondary-dark">${t('messages:unread')}</span>` : ''}`,
      th.receiptNumber ?? '—',
      ctx.when(th.lastAt),
      stateOf(ctx, th),
    ]),
    stacked: true,
  });
}

export function inboxPage(ctx: Ctx, p: SignedIn & { threads: ThreadSummary[] }): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    t('messages:inbox.title'),
    html`<h1>${t('messages:inbox.title')}</h1>
<p>${t('messages:inbox.intro')}</p>
${threadTable(ctx, p.threads, t('messages:inbox.title'))}`,
    [],
    p,
  );
}

export function caseMessagesPage(
  ctx: Ctx,
  p: SignedIn & {
    receipt: string;
    threads: ThreadSummary[];
    submission?: string;
    values?: Record<string, string>;
    errors?: FieldError[];
  },
): SafeHtml {
  const { t } = ctx;
  return page(
    ctx,
    `${p.receipt}: ${t('messages:case_page.title')}`,
    html`<p><a class="usa-link" href="/account/cases/${p.receipt}">${t('messages:case_page.back')}</a></p>
<h1>${t('messages:case_page.title')} <span class="casedesk-receipt">${p.receipt}</span></h1>
${threadTable(ctx, p.threads, t('messages:case_page.threads'))}
<h2 id="new-heading">${t('messages:new.heading')}</h2>
<p>${t('messages:new.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/account/cases/${p.receipt}/messages" aria-labelledby="new-heading" novalidate>
  ${csrfField(p.csrf)}${submissionField(p.submission)}
  ${textInput({ name: 'subject', label: t('messages:new.subject'), value: p.values?.subject, error: errorFor(p.errors, 'subject'), maxlength: MAX_SUBJECT })}
  ${textArea({ name: 'message', label: t('messages:new.message'), hint: t('messages:new.message_hint', { max: MAX_MESSAGE }), value: p.values?.message, error: errorFor(p.errors, 'message'), maxlength: MAX_MESSAGE })}
  ${button(t('messages:new.submit'))}
</form>`,
    p.errors ?? [],
    p,
  );
}

export function threadPage(
  ctx: Ctx,
  p: SignedIn & {
    number: string;
    subject: string;
    receipt: string | null;
    status: ThreadSummary['status'];
    messages: ThreadMessage[];
    open: boolean;
    /** What the agency asked and waits for, if anything. */
    question?: string | null;
    sent?: boolean;
    errors?: FieldError[];
    value?: string;
  },
): SafeHtml {
  const { t } = ctx;
  const answered = p.messages.at(-1)?.from === 'agency';
  return page(
    ctx,
    p.subject,
    html`<p><a class="usa-link" href="/account/messages">${t('messages:thread.back')}</a></p>
<h1>${p.subject}</h1>
<p>${t('messages:thread.number', { number: p.number })}${p.receipt ? html` · ${t('messages:case')}: <a class="usa-link" href="/account/cases/${p.receipt}">${p.receipt}</a>` : ''} · ${stateOf(ctx, { status: p.status, answered })}</p>
${p.sent ? alert({ type: 'success', slim: true, live: true, body: t('messages:thread.sent') }) : ''}
<ol class="usa-list usa-list--unstyled casedesk-thread">
  ${p.messages.map((m) => html`<li class="margin-bottom-2 padding-2 border-1px ${m.from === 'agency' ? 'border-primary' : 'border-base-lighter'} radius-md"><p class="margin-0 text-bold">${m.from === 'agency' ? t('messages:thread.from_agency') : t('messages:thread.from_you')} <span class="text-normal">· <time datetime="${m.at.toISOString()}">${ctx.when(m.at)}</time></span></p><p class="casedesk-pre margin-bottom-0">${m.body}</p></li>`)}
</ol>
${
  p.open
    ? html`${p.question ? alert({ type: 'warning', heading: t('messages:thread.question'), body: html`<span class="casedesk-pre">${p.question}</span>` }) : ''}
<h2 id="reply-heading">${t('messages:thread.reply')}</h2>
<form class="usa-form usa-form--large" method="post" action="/account/messages/${p.number}" aria-labelledby="reply-heading" novalidate>
  ${csrfField(p.csrf)}
  ${textArea({ name: 'message', label: t('messages:new.message'), value: p.value, error: errorFor(p.errors, 'message'), maxlength: MAX_MESSAGE })}
  ${button(t('messages:thread.reply_submit'))}
</form>`
    : html`<p>${t('messages:thread.closed')}${p.receipt ? html` <a class="usa-link" href="/account/cases/${p.receipt}/messages">${t('messages:thread.new')}</a>` : ''}</p>`
}`,
    p.errors ?? [],
    p,
  );
}
