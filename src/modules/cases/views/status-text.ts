import type { Translate } from '../../../platform/i18n/index.js';
import { html, type SafeHtml } from '../../../platform/views/html.js';

/**
 * A status description as a page shows it (issue 15 point 3): the official texts send people to the agency's web
 * addresses; where this service has the page itself, the address becomes a link to it, in the page's language.
 * The text stays as published elsewhere (the agency-compatible API, emails).
 */
const OWN_PAGES: { address: string; href: string; key: string }[] = [
  { address: 'www.uscis.gov/e-request', href: '/e-request', key: 'cases:status_links.e_request' },
];

const ADDRESSES = new RegExp(OWN_PAGES.map((p) => p.address.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'g');

export function statusDescriptionHtml(description: string, t: Translate): SafeHtml {
  const parts: (SafeHtml | string)[] = [];
  let last = 0;
  for (const m of description.matchAll(ADDRESSES)) {
    const own = OWN_PAGES.find((p) => p.address === m[0])!;
    parts.push(description.slice(last, m.index), html`<a class="usa-link" href="${own.href}">${t(own.key)}</a>`);
    last = m.index + m[0].length;
  }
  parts.push(description.slice(last));
  return html`${parts}`;
}
