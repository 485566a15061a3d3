import { FORMS } from '../cases/index.js';
import {
  alert,
  button,
  csrfField,
  errorSummary,
  radioGroup,
  select,
  textArea,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import { layout, type PageContext } from '../../platform/views/layout.js';
import type { SurveyInput } from './service.js';

/** The survey's fields (shared by the exit survey page and the in-session survey on the account home). */
export function surveyFields(
  ctx: PageContext,
  p: { values?: SurveyInput; errors?: FieldError[]; withAbout: boolean },
): SafeHtml {
  const { t, lang } = ctx;
  const v = p.values ?? {};
  const error = (field: string) => p.errors?.find((e) => e.field === field)?.message;
  return html`${radioGroup({
    name: 'rating',
    legend: t('surveys:rating_legend'),
    value: v.rating,
    error: error('rating'),
    options: ['5', '4', '3', '2', '1'].map((value) => ({ value, label: t(`surveys:ratings.${value}`) })),
  })}
${
  p.withAbout
    ? html`${select({
        name: 'about_form',
        label: t('surveys:about_form_label'),
        value: v.aboutForm,
        options: [
          ['', t('surveys:about_form_none')],
          ['account', t('surveys:about_form_account')],
          ...FORMS.map((f): [string, string] => [f.code, `${f.code}, ${lang === 'es' ? f.nameEs : f.nameEn}`]),
        ],
      })}
${textInput({ name: 'about_page', label: t('surveys:about_page_label'), hint: t('surveys:about_page_hint'), value: v.aboutPage, error: error('about_page'), maxlength: 200 })}`
    : ''
}
${textArea({ name: 'comment', label: t('surveys:comment_label'), hint: t('surveys:comment_hint'), value: v.comment, error: error('comment'), maxlength: 2000 })}
${button(t('surveys:submit'))}`;
}

export function exitSurveyPage(
  ctx: PageContext,
  p: { csrf: string; values?: SurveyInput; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  return layout(ctx, {
    title: errors.length
      ? `${t('common:errors.summary_heading')}: ${t('surveys:exit.title')}`
      : t('surveys:exit.title'),
    main: html`<div class="grid-row"><div class="grid-col-12 tablet:grid-col-8">
${errorSummary(t('common:errors.summary_heading'), errors)}
<h1>${t('surveys:exit.title')}</h1>
<p>${t('surveys:exit.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/survey/exit" novalidate>
  ${csrfField(p.csrf)}
  ${surveyFields(ctx, { values: p.values, errors, withAbout: true })}
</form>
<p><a class="usa-link" href="/account/sign-in">${t('surveys:exit.skip')}</a></p>
</div></div>`,
  });
}

/** The one question about a resolved service item (issue 15 point 10). */
export function itemSurveyPage(
  ctx: PageContext,
  p: { csrf: string; token: string; number: number; errors?: FieldError[] },
): SafeHtml {
  const { t } = ctx;
  const errors = p.errors ?? [];
  const title = t('surveys:service_item.title');
  return layout(ctx, {
    title: errors.length ? `${t('common:errors.summary_heading')}: ${title}` : title,
    main: html`<div class="grid-row"><div class="grid-col-12 tablet:grid-col-8">
${errorSummary(t('common:errors.summary_heading'), errors)}
<h1>${title}</h1>
<p>${t('surveys:service_item.intro')}</p>
<form class="usa-form usa-form--large" method="post" action="/survey/service-item" novalidate>
  ${csrfField(p.csrf)}
  <input type="hidden" name="token" value="${p.token}">
  ${radioGroup({
    name: 'rating',
    legend: t('surveys:service_item.question', { number: p.number }),
    error: errors.find((e) => e.field === 'rating')?.message,
    options: ['5', '4', '3', '2', '1'].map((value) => ({ value, label: t(`surveys:ratings.${value}`) })),
  })}
  ${button(t('surveys:submit'))}
</form>
</div></div>`,
  });
}

/** A survey link that was used already, has expired, or never existed. */
export function surveyLinkUnusablePage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: t('surveys:service_item.unusable_title'),
    main: html`<h1>${t('surveys:service_item.unusable_title')}</h1>
<p>${t('surveys:service_item.unusable_body')}</p>
<p><a class="usa-link" href="/">${t('common:error_pages.home')}</a></p>`,
  });
}

export function thanksPage(ctx: PageContext): SafeHtml {
  const { t } = ctx;
  return layout(ctx, {
    title: t('surveys:thanks_title'),
    main: html`<h1>${t('surveys:thanks_title')}</h1>
${alert({ type: 'success', body: t('surveys:thanks_body'), live: true })}
<p><a class="usa-link" href="/">${t('common:error_pages.home')}</a></p>`,
  });
}
