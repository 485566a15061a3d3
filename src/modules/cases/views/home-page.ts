import { html, type SafeHtml } from '../../../platform/views/html.js';
import { layout, type PageContext } from '../../../platform/views/layout.js';

export function homePage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  /** A card with its heading, text and link (common:home.<key>_heading, _text, _link). */
  const card = (key: string, href: string, button: string) => html`<li class="usa-card tablet:grid-col-6">
    <div class="usa-card__container">
      <div class="usa-card__header"><h2 class="usa-card__heading">${t(`common:home.${key}_heading`)}</h2></div>
      <div class="usa-card__body"><p>${t(`common:home.${key}_text`)}</p></div>
      <div class="usa-card__footer"><a class="${button}" href="${href}">${t(`common:home.${key}_link`)}</a></div>
    </div>
  </li>`;
  return layout(ctx, {
    title: t('common:home.title'),
    main: html`<h1>${t('common:home.title')}</h1>
<p class="usa-intro">${t('common:home.intro')}</p>
<ul class="usa-card-group">
  ${card('case_status', '/case-status', 'usa-button')}
  ${card('processing_times', '/processing-times', 'usa-button usa-button--outline')}
  ${card('appointment', '/appointments/request', 'usa-button usa-button--outline')}
  ${card('api', '/api/docs', 'usa-button usa-button--outline')}
</ul>`,
  });
}
