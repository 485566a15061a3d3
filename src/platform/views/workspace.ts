import { button, csrfField } from './components.js';
import { classes, html, type SafeHtml } from './html.js';

/**
 * The workspace of one service item (issue 15 point 8), shared by the agent's item page (`/agent/items/:n`) and the
 * help desk's (`/staff/help-desk/items/:n`): the actions as a toolbar of links (`?action=`) with one form open at a
 * time, the conversation with the timeline in the middle, the customer and case beside it. Works without JavaScript:
 * each toolbar button is a link to the same page with another form open.
 */

/** One button of the toolbar: the action's name (its `?action=` and form) and its label. */
export interface ToolbarAction<A extends string> {
  name: A;
  label: string;
}

/**
 * The form open on the page: the one holding a field with an error (it opens again with the error and what was
 * typed), else the one asked for with `?action=` when it is on the toolbar, else the first of the toolbar.
 */
export function openAction<A extends string>(
  actions: readonly A[],
  p: { errors?: readonly { field: string }[]; actionOfField: Partial<Record<string, A>>; requested?: string },
): A {
  const erred = p.errors?.map((e) => p.actionOfField[e.field]).find((a): a is A => !!a && actions.includes(a));
  const requested = actions.find((a) => a === p.requested);
  return erred ?? requested ?? actions[0]!;
}

/** A form of the open panel, posting to `base/action`, labelled by the panel's heading. */
export function actionForm(p: {
  base: string;
  action: string;
  csrf: string;
  fields: SafeHtml | string;
  submit: string;
  secondary?: boolean;
}): SafeHtml {
  return html`<form class="usa-form usa-form--large" method="post" action="${p.base}/${p.action}" aria-labelledby="action-heading" novalidate>
  ${csrfField(p.csrf)}
  ${p.fields}
  ${button(p.submit, { secondary: p.secondary })}
</form>`;
}

/** The toolbar (links to `base?action=...#actions`, the open one marked current) and the one open form's panel. */
export function actionToolbar<A extends string>(p: {
  heading: string;
  base: string;
  actions: readonly ToolbarAction<A>[];
  open: A;
  panel: { heading: string; body: SafeHtml };
}): SafeHtml {
  return html`<h2 id="actions-heading" class="margin-bottom-1">${p.heading}</h2>
<nav aria-labelledby="actions-heading" id="actions">
  <ul class="casedesk-toolbar">
    ${p.actions.map((a) => html`<li><a class="${classes('usa-button', a.name !== p.open && 'usa-button--outline')}" href="${p.base}?action=${a.name}#actions"${a.name === p.open ? html` aria-current="true"` : ''}>${a.label}</a></li>`)}
  </ul>
</nav>
<section class="casedesk-action-panel" aria-labelledby="action-heading">
  <h3 id="action-heading" class="margin-top-0">${p.panel.heading}</h3>
  ${p.panel.body}
</section>`;
}

/** Whose words an entry of the conversation is: the customer's, ours to the customer, or ours only. */
export type Voice = 'customer' | 'agency' | 'internal';

export interface ConversationEntry {
  voice: Voice;
  /** What happened ("Answer sent to the customer"). */
  heading: string;
  /** The voice in words ("Customer sees this"). */
  voiceLabel: string;
  at: Date;
  /** `at` as the reader reads it. */
  when: string;
  who?: string | null;
  /** Shown before the body (the request's subject and description on its first entry). */
  lead?: SafeHtml;
  body?: string | null;
}

/** The conversation and timeline, oldest first, each entry marked with its voice. */
export function conversation(heading: string, entries: readonly ConversationEntry[]): SafeHtml {
  return html`<h2 id="conversation-heading">${heading}</h2>
<ol class="casedesk-conversation" aria-labelledby="conversation-heading">
  ${entries.map(
    (ev) => html`<li class="casedesk-conversation__entry casedesk-conversation__entry--${ev.voice}">
    <h3 class="casedesk-conversation__heading">${ev.heading} <span class="usa-tag${ev.voice === 'internal' ? '' : ' bg-primary'}">${ev.voiceLabel}</span></h3>
    <p class="casedesk-conversation__meta"><time datetime="${ev.at.toISOString()}">${ev.when}</time>${ev.who ? html` · ${ev.who}` : ''}</p>
    ${ev.lead ?? ''}
    ${ev.body ? html`<p class="casedesk-pre">${ev.body}</p>` : ''}
  </li>`,
  )}
</ol>`;
}

/** The two columns: the work in the middle, the customer and case beside it (below it on a phone). */
export function workspaceColumns(main: SafeHtml, aside: SafeHtml): SafeHtml {
  return html`<div class="grid-row grid-gap">
<div class="desktop:grid-col-7">
${main}
</div>
<div class="desktop:grid-col-5">
${aside}
</div>
</div>`;
}
