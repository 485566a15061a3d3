import type { Language, Translate } from '../i18n/index.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  lang: Language;
  t: Translate;
  /** Path and query of the current request, for the language switch. */
  url: string;
  /** A staff member on account pages (sessions, two-step verification): their account menu differs. */
  staffViewer?: boolean;
}

/** The same page in the other language: the current URL with `lang` set (other query parameters kept). */
export function languageSwitchHref(url: string, lang: Language): string {
  const u = new URL(url, 'http://casedesk.invalid');
  u.searchParams.set('lang', lang);
  return `${u.pathname}?${u.searchParams.toString()}`;
}

/** aria-current of a header link: "page" on the page itself, "true" on the pages below it (their menus mark the page). */
function sectionCurrent(url: string, href: string): 'page' | 'true' {
  return url.split('?')[0] === href ? 'page' : 'true';
}

export interface LayoutProps {
  title: string;
  main: HtmlValue;
  /** Which item of the header navigation is current. */
  nav?: 'case-status' | 'account' | 'staff';
  /** Markup placed at the end of <head> (e.g. a <noscript> fallback) and before the scripts at the end of <body>. */
  head?: HtmlValue;
  endOfBody?: HtmlValue;
}

export function layout(ctx: PageContext, p: LayoutProps): SafeHtml {
  const { t, lang } = ctx;
  const other: Language = lang === 'en' ? 'es' : 'en';
  const doc = html`<!doctype html>
<html lang="${lang}" class="no-js">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${p.title} | ${t('common:site.name')}</title>
  <link rel="stylesheet" href="/assets/uswds/css/uswds.min.css">
  <link rel="stylesheet" href="/assets/casedesk.css">
  <link rel="icon" href="/assets/uswds/img/favicons/favicon.ico">
  <script src="/assets/uswds/js/uswds-init.min.js"></script>
  ${p.head ?? ''}
  <noscript><link rel="stylesheet" href="/assets/casedesk-nojs.css"></noscript>
</head>
<body>
  <a class="usa-skipnav" href="#main-content">${t('common:layout.skip')}</a>
  <section class="usa-banner" aria-label="${t('common:banner.label')}">
    <div class="usa-accordion">
      <header class="usa-banner__header">
        <div class="usa-banner__inner">
          <div class="grid-col-auto"><img aria-hidden="true" class="usa-banner__header-flag" src="/assets/uswds/img/us_flag_small.png" alt=""></div>
          <div class="grid-col-fill tablet:grid-col-auto" aria-hidden="true">
            <p class="usa-banner__header-text">${t('common:banner.official')}</p>
            <p class="usa-banner__header-action">${t('common:banner.how')}</p>
          </div>
          <button type="button" class="usa-accordion__button usa-banner__button" aria-expanded="false" aria-controls="gov-banner">
            <span class="usa-banner__button-text">${t('common:banner.how')}</span>
          </button>
          <noscript><a class="usa-banner__button casedesk-nojs-banner" href="#gov-banner"><span class="usa-banner__button-text">${t('common:banner.how')}</span></a></noscript>
        </div>
      </header>
      <div class="usa-banner__content usa-accordion__content" id="gov-banner">
        <div class="grid-row grid-gap-lg">
          <div class="usa-banner__guidance tablet:grid-col-6">
            <img class="usa-banner__icon usa-media-block__img" src="/assets/uswds/img/icon-dot-gov.svg" role="img" alt="" aria-hidden="true">
            <div class="usa-media-block__body"><p><strong>${t('common:banner.gov_title')}</strong><br>${t('common:banner.gov_text')}</p></div>
          </div>
          <div class="usa-banner__guidance tablet:grid-col-6">
            <img class="usa-banner__icon usa-media-block__img" src="/assets/uswds/img/icon-https.svg" role="img" alt="" aria-hidden="true">
            <div class="usa-media-block__body"><p><strong>${t('common:banner.https_title')}</strong><br>${t('common:banner.https_text')}</p></div>
          </div>
        </div>
      </div>
    </div>
  </section>
  <div class="usa-overlay"></div>
  <header class="usa-header usa-header--basic">
    <div class="usa-nav-container">
      <div class="usa-navbar">
        <div class="usa-logo"><em class="usa-logo__text"><a href="/" title="${t('common:site.name')}">${t('common:site.name')}</a></em></div>
        <button type="button" class="usa-menu-btn">${t('common:layout.menu')}</button>
        <noscript><a class="usa-menu-btn casedesk-nojs-menu" href="#primary-nav">${t('common:layout.menu')}</a></noscript>
      </div>
      <nav aria-label="${t('common:layout.primary_nav')}" class="usa-nav" id="primary-nav">
        <button type="button" class="usa-nav__close"><img src="/assets/uswds/img/usa-icons/close.svg" role="img" alt="${t('common:layout.close')}"></button>
        <noscript><a class="usa-nav__close casedesk-nojs-close" href="#main-content"><img src="/assets/uswds/img/usa-icons/close.svg" role="img" alt="${t('common:layout.close')}"></a></noscript>
        <ul class="usa-nav__primary usa-accordion">
          <li class="usa-nav__primary-item"><a class="usa-nav-link${p.nav === 'case-status' ? ' usa-current' : ''}" href="/case-status"${p.nav === 'case-status' ? html` aria-current="${sectionCurrent(ctx.url, '/case-status')}"` : ''}><span>${t('common:nav.case_status')}</span></a></li>
          ${
            p.nav === 'staff'
              ? html`<li class="usa-nav__primary-item"><a class="usa-nav-link usa-current" href="/staff" aria-current="${sectionCurrent(ctx.url, '/staff')}"><span>${t('common:nav.staff')}</span></a></li>`
              : html`<li class="usa-nav__primary-item"><a class="usa-nav-link${p.nav === 'account' ? ' usa-current' : ''}" href="/account"${p.nav === 'account' ? html` aria-current="${sectionCurrent(ctx.url, '/account')}"` : ''}><span>${t('common:nav.account')}</span></a></li>`
          }
          <li class="usa-nav__primary-item"><a class="usa-nav-link" href="${languageSwitchHref(ctx.url, other)}" lang="${other}" hreflang="${other}"><span>${t(`common:layout.switch_to_${other}`)}</span></a></li>
        </ul>
      </nav>
    </div>
  </header>
  <main id="main-content" class="grid-container usa-prose padding-bottom-6" tabindex="-1">
    ${p.main}
  </main>
  <footer class="usa-footer usa-footer--slim">
    <div class="usa-footer__secondary-section">
      <div class="grid-container">
        <div class="grid-row grid-gap">
          <div class="usa-footer__logo grid-row mobile-lg:grid-col-6 mobile-lg:grid-gap-2">
            <div class="mobile-lg:grid-col-auto"><p class="usa-footer__logo-heading">${t('common:site.agency')}</p></div>
          </div>
          <div class="usa-footer__contact-links mobile-lg:grid-col-6">
            <p class="usa-footer__contact-heading">${t('common:footer.contact_center')}</p>
            <address class="usa-footer__address">
              <div class="usa-footer__contact-info"><a href="tel:1-800-375-5283">800-375-5283</a></div>
              <div class="usa-footer__contact-info">${t('common:footer.tty')} <a href="tel:1-800-767-1833">800-767-1833</a></div>
              <div class="usa-footer__contact-info"><a href="/help/technical">${t('common:footer.technical_help')}</a></div>
              <div class="usa-footer__contact-info"><a href="/e-request">${t('common:footer.e_request')}</a></div>
              <div class="usa-footer__contact-info"><a href="/appointments/request">${t('common:footer.appointment')}</a></div>
            </address>
          </div>
        </div>
      </div>
    </div>
  </footer>
  ${p.endOfBody ?? ''}
  <script src="/assets/uswds/js/uswds.min.js"></script>
  <script src="/assets/error-summary.js"></script>
</body>
</html>`;
  return doc;
}
