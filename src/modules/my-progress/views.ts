import { html, type SafeHtml } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { alert } from '../../platform/views/components.js';
import { longDate } from '../../platform/format.js';
import { MY_PROGRESS_FORMS } from '../cases/index.js';
import { boundText, publishedRange, type ProcessingTimeFigure } from '../processing-times/index.js';
import type { CaseProgress, DateRange } from './service.js';

type Ctx = PageContext & { timeZone: string };

/**
 * The myProgress tab's body (CASE-9, PT-3): every estimate said as a sentence (a screen reader hears the dates and
 * the range), what it is based on and what would change it; no chart, no JavaScript.
 */
export function myProgressTab(ctx: Ctx, p: CaseProgress, formCode: string): SafeHtml {
  const { t } = ctx;
  const heading = html`<h2>${t('my_progress:title')}</h2>`;
  switch (p.kind) {
    case 'decided':
      return html`${heading}<p>${t('my_progress:decided')}</p>`;
    case 'closed':
      return html`${heading}<p>${t('my_progress:closed')}</p>`;
    case 'not_covered':
      return html`${heading}<p>${t('my_progress:not_covered', { form: formCode, forms: MY_PROGRESS_FORMS.join(', ') })}</p>
${publishedBlock(ctx, p.published)}`;
    case 'pending':
      return html`${heading}<p>${t('my_progress:pending')}</p>
${publishedBlock(ctx, p.published)}`;
    case 'too_few':
      return html`${heading}${alert({ type: 'info', slim: true, body: t('my_progress:too_few', { count: p.basisCount }) })}
${publishedBlock(ctx, p.published)}`;
    case 'estimated':
      return html`${heading}
<section class="usa-summary-box margin-y-2" aria-labelledby="progress-decision">
<div class="usa-summary-box__body">
<h3 class="usa-summary-box__heading" id="progress-decision">${t('my_progress:decision_heading')}</h3>
<p class="usa-summary-box__text" data-progress="decision">${rangeSentence(ctx, p.decision, 'decision')}</p>
</div>
</section>
${
  p.next
    ? html`<section class="usa-summary-box margin-y-2" aria-labelledby="progress-next">
<div class="usa-summary-box__body">
<h3 class="usa-summary-box__heading" id="progress-next">${t('my_progress:next_heading', { step: t(`my_progress:steps.${p.next.step}`) })}</h3>
<p class="usa-summary-box__text" data-progress="next">${rangeSentence(ctx, p.next.range, 'next')}</p>
</div>
</section>`
    : ''
}
<p data-progress="basis">${t(`my_progress:basis.${p.basisLevel}`, { count: p.basisCount })} ${t('my_progress:updated', { date: longDate(p.trainedAt, ctx.lang, ctx.timeZone) })}</p>
<h3>${t('my_progress:changes_heading')}</h3>
<ul class="usa-list">
  <li>${t('my_progress:changes.rfe')}</li>
  <li>${t('my_progress:changes.transfer')}</li>
  <li>${t('my_progress:changes.reschedule')}</li>
  <li>${t('my_progress:changes.backlog')}</li>
</ul>
<p>${t('my_progress:not_a_promise')}</p>`;
  }
}

/** "Most likely by X. In 8 of 10 similar cases ... between Y and Z", honest where the history runs out. */
function rangeSentence(ctx: Ctx, r: DateRange, what: 'decision' | 'next'): string {
  const { t, lang, timeZone } = ctx;
  const d = (x: Date) => longDate(x, lang, timeZone);
  const horizon = r.horizon ? d(r.horizon) : '';
  if (r.likely === null || r.low === null) return t(`my_progress:${what}.beyond`, { horizon });
  const likely = t(`my_progress:${what}.likely`, { date: d(r.likely) });
  const range =
    r.high === null
      ? t('my_progress:range_open', { low: d(r.low), horizon })
      : t('my_progress:range', { low: d(r.low), high: d(r.high) });
  return `${likely} ${range}`;
}

/** The published processing time of the case's form, category and office (PT-1), or that there is none yet. */
function publishedBlock(ctx: Ctx, figure: ProcessingTimeFigure | null): SafeHtml {
  const { t } = ctx;
  if (!figure) return html`<p>${t('my_progress:published.none')}</p>`;
  // The same units and rounding as the processing times page and API (one way to say a published time).
  const range = publishedRange(figure);
  return html`<p data-progress="published">${t('my_progress:published.figure', {
    median: boundText(range.lower, ctx.lang),
    p80: boundText(range.upper, ctx.lang),
  })}</p>`;
}
