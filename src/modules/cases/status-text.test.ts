import { describe, expect, it } from 'vitest';
import { statusDescriptionHtml, statusDescriptionText } from './index.js';
import type { Translate } from '../../platform/i18n/index.js';

/** Issue 15 point 3: status texts send people to this service's pages, not the agency's web addresses. */
const t = ((key: string) => `[${key}]`) as unknown as Translate;
const TEXT =
  'If you do not receive it, go to www.uscis.gov/e-request to request a copy. If you move, go to ' +
  'https://WWW.USCIS.GOV/addresschange to give us your new address. Call www.uscis.gov/contactcenter.';

describe('status texts as people read them', () => {
  it('links the e-Request and change of address addresses to our pages, and leaves the others', () => {
    expect(String(statusDescriptionHtml(TEXT, t))).toBe(
      'If you do not receive it, go to <a class="usa-link" href="/e-request">[cases:status_links.e_request]</a> to ' +
        'request a copy. If you move, go to <a class="usa-link" href="/account/address">' +
        '[cases:status_links.address_change]</a> to give us your new address. Call www.uscis.gov/contactcenter.',
    );
  });

  it('escapes the rest of the text on pages', () => {
    expect(String(statusDescriptionHtml('<b> www.uscis.gov/e-request', t))).toBe(
      '&lt;b&gt; <a class="usa-link" href="/e-request">[cases:status_links.e_request]</a>',
    );
  });

  it('gives our absolute addresses in emails and texts', () => {
    expect(statusDescriptionText(TEXT, 'https://casedesk.example.gov/')).toBe(
      'If you do not receive it, go to https://casedesk.example.gov/e-request to request a copy. If you move, go to ' +
        'https://casedesk.example.gov/account/address to give us your new address. Call www.uscis.gov/contactcenter.',
    );
  });
});
