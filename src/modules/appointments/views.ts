import {
  alert,
  button,
  checkboxGroup,
  csrfField,
  errorFor,
  memorableDate,
  radioGroup,
  select,
  table,
  textInput,
  type FieldError,
} from '../../platform/views/components.js';
import { html, type SafeHtml } from '../../platform/views/html.js';
import { titledStaffPage, type SignedIn, type StaffPageContext } from '../../platform/views/frame.js';
import { LOCALES } from '../../platform/format.js';
import type { Language } from '../../platform/i18n/index.js';
import { US_STATES, US_TERRITORIES } from '../../platform/us-address.js';
import { ALL_SITES, LIMITS, SITE_TIME_ZONES } from './rules.js';
import {
  SITE_KINDS,
  SITE_SERVICES,
  type ClosureRow,
  type SiteRow,
  type SlotRow,
  type SlotTemplateRow,
} from './tables.js';

/** The staff pages of appointments (`/staff/appointment-sites`), and how a site and a slot are written for people. */

export function siteName(site: Pick<SiteRow, 'name_en' | 'name_es'>, lang: Language): string {
  return lang === 'es' ? site.name_es : site.name_en;
}

export function siteAddressLines(
  site: Pick<SiteRow, 'address_line1' | 'address_line2' | 'city' | 'state' | 'zip'>,
): string[] {
  return [
    site.address_line1,
    ...(site.address_line2 ? [site.address_line2] : []),
    `${site.city}, ${site.state} ${site.zip}`,
  ];
}

const slotFormats = new Map<string, Intl.DateTimeFormat>();
function slotFormat(lang: Language, timeZone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${lang} ${timeZone} ${withDate}`;
  let f = slotFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[lang], {
      ...(withDate ? { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' } : {}),
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
      timeZone,
    });
    slotFormats.set(key, f);
  }
  return f;
}

/**
 * When a slot is, by the SITE's clock and with its zone's name at that date ("Tuesday, March 10, 2026 at 8:00 AM
 * EDT"; in Honolulu "HST" all year): the person goes there, so the site's time is the one that matters.
 */
export function slotTimeText(
  slot: Pick<SlotRow, 'starts_at'>,
  site: Pick<SiteRow, 'time_zone'>,
  lang: Language,
): string {
  return slotFormat(lang, site.time_zone, true).format(slot.starts_at);
}

/** The time of day alone, by the site's clock, with its zone ("8:00 AM EST"). */
export function slotTimeOfDay(
  slot: Pick<SlotRow, 'starts_at'>,
  site: Pick<SiteRow, 'time_zone'>,
  lang: Language,
): string {
  return slotFormat(lang, site.time_zone, false).format(slot.starts_at);
}

export type Values = Record<string, string | string[] | undefined>;
const one = (v: Values, name: string): string | undefined => {
  const value = v[name];
  return Array.isArray(value) ? value[0] : value;
};

const PATH = '/staff/appointment-sites';

const weekdayName = (weekday: number, lang: Language) =>
  new Intl.DateTimeFormat(LOCALES[lang], { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, 0, weekday)), // 2024-01-01 was a Monday
  );

const servicesText = (ctx: StaffPageContext, site: SiteRow) =>
  site.services.map((s) => ctx.t(`appointments:services.${s}`)).join(', ');

export function sitesPage(
  ctx: StaffPageContext,
  p: {
    signedIn: SignedIn;
    sites: SiteRow[];
    closures: ClosureRow[];
    values?: Values;
    errors?: FieldError[];
    notice?: string;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const v = p.values ?? {};
  const errors = p.errors ?? [];
  const byCode = new Map(p.sites.map((s) => [s.code, s]));
  return titledStaffPage(ctx, p, {
    title: t('appointments:staff.title'),
    current: PATH,
    body: html`<p class="usa-intro">${t('appointments:staff.intro')}</p>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
<p><a class="usa-button" href="${PATH}/new">${t('appointments:staff.add_site')}</a></p>
${
  p.sites.length
    ? table({
        caption: t('appointments:staff.sites_caption'),
        headers: [
          t('appointments:fields.name'),
          t('appointments:fields.kind'),
          t('appointments:fields.place'),
          t('appointments:fields.time_zone'),
          t('appointments:fields.services'),
          t('appointments:fields.status'),
        ],
        rows: p.sites.map((s) => [
          html`<a class="usa-link" href="${PATH}/${s.code}">${siteName(s, lang)}</a> <span class="text-base">(${s.code})</span>`,
          t(`appointments:kinds.${s.kind}`),
          `${s.city}, ${s.state}`,
          s.time_zone,
          servicesText(ctx, s),
          s.active ? t('appointments:staff.active') : t('appointments:staff.inactive'),
        ]),
        stacked: true,
      })
    : html`<p>${t('appointments:staff.no_sites')}</p>`
}
<h2 id="closures-heading">${t('appointments:staff.closures_heading')}</h2>
<p>${t('appointments:staff.closures_intro')}</p>
${
  p.closures.length
    ? table({
        caption: t('appointments:staff.closures_caption'),
        headers: [
          t('appointments:fields.date'),
          t('appointments:fields.site'),
          t('appointments:fields.reason'),
          t('appointments:staff.actions'),
        ],
        rows: p.closures.map((c) => {
          const where =
            c.site_code === null
              ? t('appointments:staff.all_sites')
              : siteName(byCode.get(c.site_code) ?? { name_en: c.site_code, name_es: c.site_code }, lang);
          return [
            new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'full', timeZone: 'UTC' }).format(
              new Date(`${c.date}T12:00:00Z`),
            ),
            where,
            lang === 'es' ? c.reason_es : c.reason_en,
            html`<form method="post" action="${PATH}/closures/remove">${csrfField(p.signedIn.csrf)}<input type="hidden" name="id" value="${c.id}"><button class="usa-button usa-button--unstyled" type="submit">${t('appointments:staff.remove')}<span class="usa-sr-only"> ${c.date}, ${where}</span></button></form>`,
          ];
        }),
        stacked: true,
      })
    : html`<p>${t('appointments:staff.no_closures')}</p>`
}
<h3 id="closure-form-heading">${t('appointments:staff.add_closure')}</h3>
<form class="usa-form usa-form--large" method="post" action="${PATH}/closures" aria-labelledby="closure-form-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${select({ name: 'site_code', label: t('appointments:fields.site'), value: one(v, 'site_code'), error: errorFor(errors, 'site_code'), options: [[ALL_SITES, t('appointments:staff.all_sites')], ...p.sites.map((s): [string, string] => [s.code, `${siteName(s, lang)} (${s.code})`])] })}
  ${memorableDate({ name: 'closure', legend: t('appointments:fields.date'), hint: t('appointments:staff.date_hint'), labels: { month: t('appointments:date.month'), day: t('appointments:date.day'), year: t('appointments:date.year') }, month: one(v, 'closure_month'), day: one(v, 'closure_day'), year: one(v, 'closure_year'), error: errorFor(errors, 'closure_month') })}
  ${textInput({ name: 'reason_en', label: t('appointments:fields.reason_en'), value: one(v, 'reason_en'), error: errorFor(errors, 'reason_en'), maxlength: LIMITS.reason })}
  ${textInput({ name: 'reason_es', label: t('appointments:fields.reason_es'), value: one(v, 'reason_es'), error: errorFor(errors, 'reason_es'), maxlength: LIMITS.reason })}
  ${button(t('appointments:staff.save_closure'))}
</form>`,
  });
}

export function sitePage(
  ctx: StaffPageContext,
  p: {
    signedIn: SignedIn;
    site?: SiteRow;
    templates: SlotTemplateRow[];
    upcoming: { slots: number; free: number; days: number };
    values?: Values;
    errors?: FieldError[];
    templateValues?: Values;
    templateErrors?: FieldError[];
    notice?: string;
  },
): SafeHtml {
  const { t, lang } = ctx;
  const s = p.site;
  const v: Values =
    p.values ??
    (s
      ? {
          code: s.code,
          kind: s.kind,
          name_en: s.name_en,
          name_es: s.name_es,
          address_line1: s.address_line1,
          address_line2: s.address_line2 ?? '',
          city: s.city,
          state: s.state,
          zip: s.zip,
          latitude: String(s.latitude),
          longitude: String(s.longitude),
          time_zone: s.time_zone,
          services: s.services,
          active: s.active ? '1' : '',
        }
      : { active: '1' });
  const errors = p.errors ?? [];
  const tv = p.templateValues ?? {};
  const terrors = p.templateErrors ?? [];
  const action = s ? `${PATH}/${s.code}` : PATH;
  const services = Array.isArray(v.services) ? v.services : v.services ? [v.services] : [];
  const states = [...US_STATES, ...US_TERRITORIES].map((st): [string, string] => [st.code, `${st.name} (${st.code})`]);
  return titledStaffPage(
    ctx,
    { signedIn: p.signedIn, errors: [...errors, ...terrors] },
    {
      title: s ? siteName(s, lang) : t('appointments:staff.new_site'),
      current: PATH,
      body: html`<p><a class="usa-link" href="${PATH}">${t('appointments:staff.back')}</a></p>
${p.notice ? alert({ type: 'success', slim: true, live: true, body: p.notice }) : ''}
${s ? html`<p>${t('appointments:staff.upcoming', { days: p.upcoming.days, slots: p.upcoming.slots, free: p.upcoming.free })}</p>` : ''}
<h2 id="site-heading">${t('appointments:staff.site_heading')}</h2>
<form class="usa-form usa-form--large" method="post" action="${action}" aria-labelledby="site-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${s ? html`<p><strong>${t('appointments:fields.code')}:</strong> ${s.code}</p>` : textInput({ name: 'code', label: t('appointments:fields.code'), hint: t('appointments:staff.code_hint'), value: one(v, 'code'), error: errorFor(errors, 'code'), maxlength: LIMITS.code, width: 'md', autocapitalize: 'characters' })}
  ${radioGroup({ name: 'kind', legend: t('appointments:fields.kind'), value: one(v, 'kind'), error: errorFor(errors, 'kind'), options: SITE_KINDS.map((k) => ({ value: k, label: t(`appointments:kinds.${k}`) })) })}
  ${textInput({ name: 'name_en', label: t('appointments:fields.name_en'), value: one(v, 'name_en'), error: errorFor(errors, 'name_en'), maxlength: LIMITS.name })}
  ${textInput({ name: 'name_es', label: t('appointments:fields.name_es'), value: one(v, 'name_es'), error: errorFor(errors, 'name_es'), maxlength: LIMITS.name })}
  ${textInput({ name: 'address_line1', label: t('appointments:fields.address_line1'), value: one(v, 'address_line1'), error: errorFor(errors, 'address_line1'), maxlength: LIMITS.line, autocomplete: 'off' })}
  ${textInput({ name: 'address_line2', label: t('appointments:fields.address_line2'), value: one(v, 'address_line2'), error: errorFor(errors, 'address_line2'), maxlength: LIMITS.line, autocomplete: 'off' })}
  ${textInput({ name: 'city', label: t('appointments:fields.city'), value: one(v, 'city'), error: errorFor(errors, 'city'), maxlength: LIMITS.city })}
  ${select({ name: 'state', label: t('appointments:fields.state'), value: one(v, 'state'), error: errorFor(errors, 'state'), options: [['', t('appointments:staff.select')], ...states] })}
  ${textInput({ name: 'zip', label: t('appointments:fields.zip'), value: one(v, 'zip'), error: errorFor(errors, 'zip'), maxlength: 10, width: 'sm', inputmode: 'numeric' })}
  ${textInput({ name: 'latitude', label: t('appointments:fields.latitude'), hint: t('appointments:staff.coordinates_hint'), value: one(v, 'latitude'), error: errorFor(errors, 'latitude'), maxlength: 20, width: 'md' })}
  ${textInput({ name: 'longitude', label: t('appointments:fields.longitude'), value: one(v, 'longitude'), error: errorFor(errors, 'longitude'), maxlength: 20, width: 'md' })}
  ${select({ name: 'time_zone', label: t('appointments:fields.time_zone'), value: one(v, 'time_zone'), error: errorFor(errors, 'time_zone'), options: [['', t('appointments:staff.select')], ...SITE_TIME_ZONES.map((z): [string, string] => [z, z])] })}
  ${checkboxGroup({ name: 'services', legend: t('appointments:fields.services'), values: services, error: errorFor(errors, 'services'), options: SITE_SERVICES.map((x) => ({ value: x, label: t(`appointments:services.${x}`) })) })}
  ${checkboxGroup({ name: 'active', legend: t('appointments:fields.status'), values: one(v, 'active') ? ['1'] : [], options: [{ value: '1', label: t('appointments:staff.active_label'), hint: t('appointments:staff.active_hint') }] })}
  ${button(t('appointments:staff.save_site'))}
</form>
${
  s
    ? html`<h2 id="templates-heading">${t('appointments:staff.templates_heading')}</h2>
<p>${t('appointments:staff.templates_intro', { zone: s.time_zone })}</p>
${
  p.templates.length
    ? table({
        caption: t('appointments:staff.templates_caption'),
        headers: [
          t('appointments:fields.weekday'),
          t('appointments:fields.start_time'),
          t('appointments:fields.duration_minutes'),
          t('appointments:fields.capacity'),
          t('appointments:staff.actions'),
        ],
        rows: p.templates.map((tp) => [
          weekdayName(tp.weekday, lang),
          tp.start_time,
          String(tp.duration_minutes),
          String(tp.capacity),
          html`<form method="post" action="${PATH}/${s.code}/templates/remove">${csrfField(p.signedIn.csrf)}<input type="hidden" name="id" value="${tp.id}"><button class="usa-button usa-button--unstyled" type="submit">${t('appointments:staff.remove')}<span class="usa-sr-only"> ${weekdayName(tp.weekday, lang)} ${tp.start_time}</span></button></form>`,
        ]),
        stacked: true,
      })
    : html`<p>${t('appointments:staff.no_templates')}</p>`
}
<h3 id="template-form-heading">${t('appointments:staff.add_template')}</h3>
<form class="usa-form usa-form--large" method="post" action="${PATH}/${s.code}/templates" aria-labelledby="template-form-heading" novalidate>
  ${csrfField(p.signedIn.csrf)}
  ${select({ name: 'weekday', label: t('appointments:fields.weekday'), value: one(tv, 'weekday'), error: errorFor(terrors, 'weekday'), options: [['', t('appointments:staff.select')], ...[1, 2, 3, 4, 5, 6, 7].map((d): [string, string] => [String(d), weekdayName(d, lang)])] })}
  ${textInput({ name: 'start_time', label: t('appointments:fields.start_time'), hint: t('appointments:staff.time_hint'), value: one(tv, 'start_time'), error: errorFor(terrors, 'start_time'), maxlength: 10, width: 'sm' })}
  ${textInput({ name: 'duration_minutes', label: t('appointments:fields.duration_minutes'), value: one(tv, 'duration_minutes'), error: errorFor(terrors, 'duration_minutes'), maxlength: 3, width: 'xs', inputmode: 'numeric' })}
  ${textInput({ name: 'capacity', label: t('appointments:fields.capacity'), hint: t('appointments:staff.capacity_hint'), value: one(tv, 'capacity'), error: errorFor(terrors, 'capacity'), maxlength: 3, width: 'xs', inputmode: 'numeric' })}
  ${button(t('appointments:staff.save_template'))}
</form>`
    : ''
}`,
    },
  );
}
