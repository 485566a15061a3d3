import type { Translate } from '../../../platform/i18n/index.js';
import { OWN_PAGE_PATHS } from '../../../platform/own-pages.js';
import { html, type SafeHtml } from '../../../platform/views/html.js';

/**
 * A status description as people read it (issue 15 point 3): the official texts send people to the agency's web
 * addresses; where this service has the page itself (e-Request, the change of address), the address becomes this
 * service's page: a link in the page's language on pages, the absolute address in emails. Other agency addresses
 * (the Contact Center, the expedite criteria, the G-28 page, the agency's home) stay: this service has no such page.
 * The text stays as published where machines read it (the agency-compatible API keeps the official wording).
 */
const OWN_PAGES: { address: string; path: string; key: string }[] = [
  { address: 'www.uscis.gov/e-request', path: OWN_PAGE_PATHS.eRequest, key: 'cases:status_links.e_request' },
  {
    address: 'www.uscis.gov/addresschange',
    path: OWN_PAGE_PATHS.addressChange,
    key: 'cases:status_links.address_change',
  },
];

/** The agency's addresses, with or without a scheme in front (`http://`, `https://`). */
const ADDRESSES = new RegExp(
  `(?:https?://)?(${OWN_PAGES.map((p) => p.address.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})`,
  'gi',
);

function ownPage(match: RegExpMatchArray) {
  return OWN_PAGES.find((p) => p.address === match[1]!.toLowerCase())!;
}

/** For pages: each agency address this service replaces becomes a link to its own page (a path on this host). */
export function statusDescriptionHtml(description: string, t: Translate): SafeHtml {
  const parts: (SafeHtml | string)[] = [];
  let last = 0;
  for (const m of description.matchAll(ADDRESSES)) {
    const own = ownPage(m);
    parts.push(description.slice(last, m.index), html`<a class="usa-link" href="${own.path}">${t(own.key)}</a>`);
    last = m.index + m[0].length;
  }
  parts.push(description.slice(last));
  return html`${parts}`;
}

/** For emails and texts: each agency address this service replaces becomes this service's absolute address. */
export function statusDescriptionText(description: string, publicUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return description.replace(ADDRESSES, (...args: unknown[]) => {
    const address = String(args[1]).toLowerCase();
    return `${base}${OWN_PAGES.find((p) => p.address === address)!.path}`;
  });
}
