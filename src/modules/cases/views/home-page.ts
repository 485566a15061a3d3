import { html, type SafeHtml } from '../../../platform/views/html.js';
import { layout, type PageContext } from '../../../platform/views/layout.js';

export function homePage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: t('common:home.title'),
    main: html`<h1>${t('common:home.title')}</h1>
<p class="usa-intro">${t('common:home.intro')}</p>
<ul class="usa-card-group">
  <li class="usa-card tablet:grid-col-6">
    <div class="usa-card__container">
      <div class="usa-card__header"><h2 class="usa-card__heading">${t('common:home.case_status_heading')}</h2></div>
      <div class="usa-card__body"><p>${t('common:home.case_status_text')}</p></div>
      <div class="usa-card__footer"><a class="usa-button" href="/case-status">${t('common:home.case_status_link')}</a></div>
    </div>
  </li>
  <li class="usa-card tablet:grid-col-6">
    <div class="usa-card__container">
      <div class="usa-card__header"><h2 class="usa-card__heading">${t('common:home.api_heading')}</h2></div>
      <div class="usa-card__body"><p>${t('common:home.api_text')}</p></div>
      <div class="usa-card__footer"><a class="usa-button usa-button--outline" href="/api/docs">${t('common:home.api_link')}</a></div>
    </div>
  </li>
</ul>`,
  });
}
