import { classes, html, type HtmlValue, type SafeHtml } from './html.js';

/** Typed components that emit U.S. Web Design System 3 markup. */

export interface FieldError {
  /** The id of the input the error belongs to (the error summary links to it). */
  field: string;
  message: string;
}

/** The message of a field's first error, for the field's `error` (the error summary lists them all). */
export function errorFor(errors: readonly FieldError[] | undefined, field: string): string | undefined {
  return errors?.find((e) => e.field === field)?.message;
}

/**
 * USWDS breadcrumb: `label` names the navigation; each crumb links to its page, and the last one (or one without a
 * link) is the current page.
 */
export function breadcrumb(label: string, crumbs: readonly { href?: string; label: HtmlValue }[]): SafeHtml {
  return html`<nav class="usa-breadcrumb" aria-label="${label}"><ol class="usa-breadcrumb__list">${crumbs.map((c, i) =>
    i === crumbs.length - 1 || !c.href
      ? html`<li class="usa-breadcrumb__list-item usa-current" aria-current="page"><span>${c.label}</span></li>`
      : html`<li class="usa-breadcrumb__list-item"><a class="usa-breadcrumb__link" href="${c.href}"><span>${c.label}</span></a></li>`,
  )}</ol></nav>`;
}

export interface TextInputProps {
  name: string;
  id?: string;
  label: string;
  hint?: string;
  value?: string;
  error?: string;
  type?: 'text' | 'email' | 'tel' | 'password' | 'number' | 'search';
  autocomplete?: string;
  inputmode?: 'text' | 'numeric' | 'tel' | 'email';
  spellcheck?: boolean;
  required?: boolean;
  maxlength?: number;
  /** USWDS input widths: 2xs, xs, sm, md, lg, xl, 2xl. */
  width?: '2xs' | 'xs' | 'sm' | 'md' | 'lg' | 'xl' | '2xl';
  autocapitalize?: 'none' | 'characters' | 'words' | 'sentences';
  /** Focus on load (a one-time code, the only thing the page asks); an error summary takes it over (error-summary.js). */
  autofocus?: boolean;
}

/** The ids a field's hint and error get, and the aria-describedby that names them (undefined when neither is shown). */
function fieldIds(
  id: string,
  p: { hint?: string; error?: string },
): { hintId?: string; errorId?: string; describedBy?: string } {
  const hintId = p.hint ? `${id}-hint` : undefined;
  const errorId = p.error ? `${id}-error` : undefined;
  return { hintId, errorId, describedBy: [hintId, errorId].filter(Boolean).join(' ') || undefined };
}

/**
 * What stands above a field's control in its USWDS form group: the label, the hint (a span for a file input, as
 * USWDS has it) and the error message; and the aria-describedby the control gets.
 */
function fieldHead(id: string, p: { label: string; hint?: string; error?: string }, hintTag: 'div' | 'span' = 'div') {
  const { hintId, errorId, describedBy } = fieldIds(id, p);
  const hint = !p.hint
    ? ''
    : hintTag === 'div'
      ? html`<div class="usa-hint" id="${hintId}">${p.hint}</div>`
      : html`<span class="usa-hint" id="${hintId}">${p.hint}</span>`;
  const head = html`<label class="${classes('usa-label', p.error && 'usa-label--error')}" for="${id}">${p.label}</label>
  ${hint}
  ${p.error ? html`<span class="usa-error-message" id="${errorId}" role="alert">${p.error}</span>` : ''}`;
  return { head, describedBy };
}

export function textInput(p: TextInputProps): SafeHtml {
  const id = p.id ?? p.name;
  const { head, describedBy } = fieldHead(id, p);
  return html`<div class="${classes('usa-form-group', p.error && 'usa-form-group--error')}">
  ${head}
  <input class="${classes('usa-input', p.error && 'usa-input--error', p.width && `usa-input--${p.width}`)}" id="${id}" name="${p.name}" type="${p.type ?? 'text'}"${attr('value', p.value)}${attr('autocomplete', p.autocomplete)}${attr('inputmode', p.inputmode)}${attr('aria-describedby', describedBy)}${attr('maxlength', p.maxlength)}${attr('autocapitalize', p.autocapitalize)}${p.spellcheck === false ? html` spellcheck="false"` : ''}${p.required ? html` required aria-required="true"` : ''}${p.autofocus ? html` autofocus` : ''}${p.error ? html` aria-invalid="true"` : ''}>
</div>`;
}

function attr(name: string, value: string | number | undefined): SafeHtml | string {
  return value === undefined || value === '' ? '' : html` ${name}="${value}"`;
}

/** The error summary at the top of a form; each message links to its field (GOV.UK / One Login pattern). */
export function errorSummary(heading: string, errors: FieldError[]): SafeHtml | string {
  if (errors.length === 0) return '';
  return html`<div class="usa-alert usa-alert--error margin-top-4 casedesk-error-summary" id="error-summary" tabindex="-1" aria-labelledby="error-summary-heading">
  <div class="usa-alert__body">
    <h2 class="usa-alert__heading" id="error-summary-heading">${heading}</h2>
    <ul class="usa-list usa-list--unstyled">
      ${errors.map((e) => html`<li><a class="usa-link" href="#${e.field}">${e.message}</a></li>`)}
    </ul>
  </div>
</div>`;
}

export interface AlertProps {
  type: 'info' | 'warning' | 'error' | 'success' | 'emergency';
  heading?: string;
  body: HtmlValue;
  slim?: boolean;
  /** role="alert" for messages that appear in response to an action; omitted for static notices. */
  live?: boolean;
  headingLevel?: 2 | 3;
}

export function alert(p: AlertProps): SafeHtml {
  const heading = p.heading
    ? p.headingLevel === 3
      ? html`<h3 class="usa-alert__heading">${p.heading}</h3>`
      : html`<h2 class="usa-alert__heading">${p.heading}</h2>`
    : '';
  return html`<div class="${classes('usa-alert', `usa-alert--${p.type}`, p.slim && 'usa-alert--slim')}"${p.live ? html` role="alert"` : ''}>
  <div class="usa-alert__body">${heading}<div class="usa-alert__text">${p.body}</div></div>
</div>`;
}

export interface TableProps {
  caption: string;
  headers: string[];
  rows: HtmlValue[][];
  /** Stacked on narrow screens (most of our users are on a phone). */
  stacked?: boolean;
  borderless?: boolean;
}

export function table(p: TableProps): SafeHtml {
  return html`<table class="${classes('usa-table', p.stacked && 'usa-table--stacked', p.borderless && 'usa-table--borderless')}">
  <caption>${p.caption}</caption>
  <thead><tr>${p.headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
  <tbody>
    ${p.rows.map((row) => html`<tr>${row.map((cell, i) => (i === 0 ? html`<th scope="row" data-label="${p.headers[i]}">${cell}</th>` : html`<td data-label="${p.headers[i]}">${cell}</td>`))}</tr>`)}
  </tbody>
</table>`;
}

export interface StepIndicatorProps {
  steps: string[];
  /** Index of the current step, 0-based. */
  current: number;
  /** Screen-reader words: "Step", "of", "completed", "not completed". */
  words: { step: string; of: string; completed: string; notCompleted: string };
}

export function stepIndicator(p: StepIndicatorProps): SafeHtml {
  const current = p.steps[p.current] ?? '';
  return html`<div class="usa-step-indicator usa-step-indicator--counters-sm" aria-label="${p.words.step}">
  <ol class="usa-step-indicator__segments">
    ${p.steps.map((s, i) =>
      i < p.current
        ? html`<li class="usa-step-indicator__segment usa-step-indicator__segment--complete"><span class="usa-step-indicator__segment-label">${s} <span class="usa-sr-only">${p.words.completed}</span></span></li>`
        : i === p.current
          ? html`<li class="usa-step-indicator__segment usa-step-indicator__segment--current" aria-current="true"><span class="usa-step-indicator__segment-label">${s}</span></li>`
          : html`<li class="usa-step-indicator__segment"><span class="usa-step-indicator__segment-label">${s} <span class="usa-sr-only">${p.words.notCompleted}</span></span></li>`,
    )}
  </ol>
  <div class="usa-step-indicator__header">
    <h2 class="usa-step-indicator__heading">
      <span class="usa-step-indicator__heading-counter"><span class="usa-sr-only">${p.words.step}</span>
        <span class="usa-step-indicator__current-step">${p.current + 1}</span>
        <span class="usa-step-indicator__total-steps">${p.words.of} ${p.steps.length}</span></span>
      <span class="usa-step-indicator__heading-text">${current}</span>
    </h2>
  </div>
</div>`;
}

export function button(
  label: string,
  opts: { type?: 'submit' | 'button'; secondary?: boolean; name?: string; value?: string } = {},
): SafeHtml {
  return html`<button class="${classes('usa-button', opts.secondary && 'usa-button--outline')}" type="${opts.type ?? 'submit'}"${opts.name ? html` name="${opts.name}"` : ''}${opts.value ? html` value="${opts.value}"` : ''}>${label}</button>`;
}

/** Hidden CSRF field for every form that changes something. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** Hidden one-time token of a form that creates something: its second post shows the first result (platform/submissions.ts). */
export function submissionField(token: string | undefined): SafeHtml {
  return token ? html`<input type="hidden" name="_submission" value="${token}">` : html``;
}

export interface RadioOption {
  value: string;
  label: string;
  hint?: string;
}

/** A fieldset of USWDS tile radio buttons; the first option carries the id the error summary links to. */
export function radioGroup(p: {
  name: string;
  legend: string;
  options: RadioOption[];
  value?: string;
  error?: string;
  /** Base of the ids when one page has several groups of the same name. */ id?: string;
}): SafeHtml {
  const base = p.id ?? p.name;
  const errorId = p.error ? `${base}-error` : undefined;
  return html`<div class="${classes('usa-form-group', p.error && 'usa-form-group--error')}">
<fieldset class="usa-fieldset"${errorId ? html` aria-describedby="${errorId}"` : ''}>
  <legend class="usa-legend">${p.legend}</legend>
  ${p.error ? html`<span class="usa-error-message" id="${errorId}" role="alert">${p.error}</span>` : ''}
  ${p.options.map((o, i) => {
    const id = i === 0 ? base : `${base}-${o.value}`;
    return html`<div class="usa-radio">
    <input class="usa-radio__input usa-radio__input--tile" id="${id}" type="radio" name="${p.name}" value="${o.value}"${p.value === o.value ? html` checked` : ''}>
    <label class="usa-radio__label" for="${id}">${o.label}${o.hint ? html`<span class="usa-checkbox__label-description">${o.hint}</span>` : ''}</label>
  </div>`;
  })}
</fieldset>
</div>`;
}

/** A USWDS textarea with label, hint and error. */
export function textArea(p: {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  error?: string;
  maxlength?: number;
}): SafeHtml {
  const { head, describedBy } = fieldHead(p.name, p);
  return html`<div class="${classes('usa-form-group', p.error && 'usa-form-group--error')}">
  ${head}
  <textarea class="${classes('usa-textarea', p.error && 'usa-input--error')}" id="${p.name}" name="${p.name}"${attr('maxlength', p.maxlength)}${attr('aria-describedby', describedBy)}${p.error ? html` aria-invalid="true"` : ''}>${p.value ?? ''}</textarea>
</div>`;
}

/** The file types uploads take (PDF, JPEG, PNG, TIFF), for the browser's file picker; the server checks the content. */
export const UPLOAD_ACCEPT = '.pdf,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,image/jpeg,image/png,image/tiff';

/** A USWDS file input with label, hint and error; `id` (default: the name) is what the error summary links to. */
export function fileInput(p: {
  name: string;
  id?: string;
  label: string;
  hint?: string;
  error?: string;
  multiple?: boolean;
  accept?: string;
}): SafeHtml {
  const id = p.id ?? p.name;
  const { head, describedBy } = fieldHead(id, p, 'span');
  return html`<div class="${classes('usa-form-group', p.error && 'usa-form-group--error')}">
  ${head}
  <input class="usa-file-input" id="${id}" name="${p.name}" type="file"${p.multiple ? html` multiple` : ''} accept="${p.accept ?? UPLOAD_ACCEPT}"${attr('aria-describedby', describedBy)}${p.error ? html` aria-invalid="true"` : ''}>
</div>`;
}

/** A USWDS select with label, hint and error; `options` are [value, label] pairs, the first one usually "- Select -". */
export function select(p: {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  error?: string;
  autocomplete?: string;
  options: readonly (readonly [string, string])[];
}): SafeHtml {
  const { head, describedBy } = fieldHead(p.name, p);
  return html`<div class="${classes('usa-form-group', p.error && 'usa-form-group--error')}">
  ${head}
  <select class="${classes('usa-select', p.error && 'usa-input--error')}" id="${p.name}" name="${p.name}"${attr('aria-describedby', describedBy)}${attr('autocomplete', p.autocomplete)}${p.error ? html` aria-invalid="true"` : ''}>
    ${p.options.map(([value, label]) => html`<option value="${value}"${p.value === value ? html` selected` : ''}>${label}</option>`)}
  </select>
</div>`;
}

/** USWDS memorable date: month, day and year boxes in a fieldset; the month box carries the id errors link to. */
export function memorableDate(p: {
  name: string;
  legend: string;
  hint: string;
  labels: { month: string; day: string; year: string };
  month?: string;
  day?: string;
  year?: string;
  error?: string;
}): SafeHtml {
  const errorId = p.error ? `${p.name}-error` : undefined;
  const box = (
    part: 'month' | 'day' | 'year',
    value: string | undefined,
    maxlength: number,
  ) => html`<div class="${classes('usa-form-group', `usa-form-group--${part}`)}">
      <label class="usa-label" for="${p.name}_${part}">${p.labels[part]}</label>
      <input class="${classes('usa-input', p.error && 'usa-input--error')}" id="${p.name}_${part}" name="${p.name}_${part}" type="text" inputmode="numeric" maxlength="${maxlength}" value="${value ?? ''}"${p.error ? html` aria-invalid="true"` : ''}>
    </div>`;
  return html`<div class="${classes('usa-form-group', p.error && 'usa-form-group--error')}">
<fieldset class="usa-fieldset" aria-describedby="${p.name}-hint${errorId ? ` ${errorId}` : ''}">
  <legend class="usa-legend">${p.legend}</legend>
  <span class="usa-hint" id="${p.name}-hint">${p.hint}</span>
  ${p.error ? html`<span class="usa-error-message" id="${errorId}" role="alert">${p.error}</span>` : ''}
  <div class="usa-memorable-date">
    ${box('month', p.month, 2)}
    ${box('day', p.day, 2)}
    ${box('year', p.year, 4)}
  </div>
</fieldset>
</div>`;
}

/** A fieldset of USWDS checkboxes; the first option carries the id the error summary links to. */
export function checkboxGroup(p: {
  name: string;
  legend: string;
  options: RadioOption[];
  values?: readonly string[];
  error?: string;
  hint?: string;
}): SafeHtml {
  const { hintId, errorId, describedBy } = fieldIds(p.name, p);
  return html`<div class="${classes('usa-form-group', p.error && 'usa-form-group--error')}">
<fieldset class="usa-fieldset"${attr('aria-describedby', describedBy)}>
  <legend class="usa-legend">${p.legend}</legend>
  ${p.hint ? html`<div class="usa-hint" id="${hintId}">${p.hint}</div>` : ''}
  ${p.error ? html`<span class="usa-error-message" id="${errorId}" role="alert">${p.error}</span>` : ''}
  ${p.options.map((o, i) => {
    const id = i === 0 ? p.name : `${p.name}-${o.value}`;
    return html`<div class="usa-checkbox">
    <input class="usa-checkbox__input" id="${id}" type="checkbox" name="${p.name}" value="${o.value}"${p.values?.includes(o.value) ? html` checked` : ''}>
    <label class="usa-checkbox__label" for="${id}">${o.label}${o.hint ? html`<span class="usa-checkbox__label-description">${o.hint}</span>` : ''}</label>
  </div>`;
  })}
</fieldset>
</div>`;
}
