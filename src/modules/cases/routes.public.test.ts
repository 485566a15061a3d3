import * as cheerio from 'cheerio';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function page(url: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url, headers });
  return { res, $: cheerio.load(res.body) };
}

describe('Case Status Online page (CASE-8)', () => {
  it('shows the form with a labelled receipt number field and hint', async () => {
    const { res, $ } = await page('/case-status');
    expect(res.statusCode).toBe(200);
    expect($('html').attr('lang')).toBe('en');
    expect($('h1').text()).toBe('Case Status Online');
    const input = $('input#receipt_number');
    expect($('label[for=receipt_number]').text()).toBe('Receipt number');
    expect(input.attr('aria-describedby')).toBe('receipt_number-hint');
    expect($('form').attr('method')).toBe('get');
  });

  it('shows the status, its filled description and the dated history newest first', async () => {
    const { res, $ } = await page('/case-status?receipt_number=eac-999-910-3403');
    expect(res.statusCode).toBe(200);
    expect($('h1').text()).toBe('Case Was Approved');
    const description = $('.casedesk-status-description').text();
    expect(description).toContain('Form I-130, Petition for Alien Relative');
    expect(description).toContain('Receipt Number EAC9999103403');
    expect(description).toMatch(/^On [A-Z][a-z]+ \d{1,2}, 2026, we approved/);
    expect(description).not.toMatch(/\{|\[date\]/);
    const history = $('.casedesk-history li')
      .map((_, li) => $(li).text())
      .get();
    expect(history).toHaveLength(4);
    expect(history[0]).toContain('Case Was Approved');
    expect(history[3]).toContain('Case Was Received');
    const times = $('.casedesk-history time')
      .map((_, el) => $(el).attr('datetime'))
      .get();
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('speaks Spanish with ?lang=es, remembers it in a cookie, and keeps the lookup in the language switch', async () => {
    const { res, $ } = await page('/case-status?receipt_number=EAC9999103403&lang=es');
    expect($('html').attr('lang')).toBe('es');
    expect($('h1').text()).toBe('Se aprobó el caso');
    expect($('.casedesk-status-description').text()).toContain('Formulario I-130, Petición de Familiar Extranjero');
    const cookie = res.cookies.find((c) => c.name === 'lang')!;
    expect(cookie).toMatchObject({ value: 'es', httpOnly: true, secure: true, sameSite: 'Lax' });
    const switchLink = $('a[hreflang=en]');
    expect(switchLink.attr('href')).toBe('/case-status?receipt_number=EAC9999103403&lang=en');
    const again = await page('/case-status', { cookie: 'lang=es' });
    expect(again.$('html').attr('lang')).toBe('es');
    expect(again.$('h1').text()).toBe('Estado de Casos en Línea');
  });

  it('follows Accept-Language when nothing was chosen', async () => {
    const { $ } = await page('/case-status', { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' });
    expect($('html').attr('lang')).toBe('es');
  });

  it('answers a badly formatted number with 400, an error summary linking to the field, and the value kept', async () => {
    const { res, $ } = await page('/case-status?receipt_number=EAC12345');
    expect(res.statusCode).toBe(400);
    expect($('title').text()).toMatch(/^There is a problem/);
    const summary = $('#error-summary');
    expect(summary.find('h2').text()).toBe('There is a problem');
    expect(summary.find('a').attr('href')).toBe('#receipt_number');
    expect(summary.find('a').text()).toContain('You entered 8 characters');
    expect($('#receipt_number').attr('aria-invalid')).toBe('true');
    expect($('#receipt_number').attr('aria-describedby')).toBe('receipt_number-hint receipt_number-error');
    expect($('#receipt_number').val()).toBe('EAC12345');
  });

  it('explains an unknown prefix and an empty field in Spanish too', async () => {
    const a = await page('/case-status?receipt_number=ABC9999103403&lang=es');
    expect(a.res.statusCode).toBe(400);
    expect(a.$('.usa-error-message').text()).toContain('Los números de recibo no empiezan con ABC');
    const b = await page('/case-status?receipt_number=');
    expect(b.$('.usa-error-message').text()).toBe('Enter your receipt number.');
  });

  it("answers an unknown receipt number with 404 and the agency's wording", async () => {
    const { res, $ } = await page('/case-status?receipt_number=EAC0000000001');
    expect(res.statusCode).toBe(404);
    expect($('.usa-alert--warning').text()).toContain(
      'Case Status Online does not recognize the receipt number entered',
    );
    expect($('#receipt_number').val()).toBe('EAC0000000001');
  });

  it('never answers random input with a 5xx, and writes nothing', async () => {
    const before = await t.deps.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60, unit: 'binary' }), async (input) => {
        const res = await t.app.inject({
          method: 'GET',
          url: '/case-status',
          query: { receipt_number: input },
          remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        });
        expect(res.statusCode).toBeLessThan(500);
        expect([200, 400, 404]).toContain(res.statusCode);
      }),
      { numRuns: 150 },
    );
    const after = await t.deps.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('slows down receipt-number enumeration from one address with 429 and Retry-After, not other visitors', async () => {
    const limit = t.config.lookupRateLimitPerMinute;
    let last;
    for (let i = 0; i <= limit; i++) {
      last = await t.app.inject({
        method: 'GET',
        url: `/case-status?receipt_number=EAC99991${String(i).padStart(5, '0')}`,
        remoteAddress: '10.1.1.1',
      });
    }
    expect(last!.statusCode).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(cheerio.load(last!.body)('#error-summary').text()).toContain('wait a minute');
    const other = await t.app.inject({
      method: 'GET',
      url: '/case-status?receipt_number=EAC9999103403',
      remoteAddress: '10.1.1.2',
    });
    expect(other.statusCode).toBe(200);
    // Viewing the empty form is not a lookup and stays available.
    const form = await t.app.inject({ method: 'GET', url: '/case-status', remoteAddress: '10.1.1.1' });
    expect(form.statusCode).toBe(200);
  });
});

describe('layout', () => {
  it('has the official banner, a skip link, the language switch and the footer on every page', async () => {
    for (const url of ['/', '/case-status', '/no-such-page']) {
      const { $ } = await page(url);
      expect($('.usa-banner').length).toBe(1);
      expect($('a.usa-skipnav').attr('href')).toBe('#main-content');
      expect($('main#main-content').length).toBe(1);
      expect($('a[hreflang=es]').text()).toBe('Español');
      expect($('footer.usa-footer').length).toBe(1);
    }
  });

  it('answers unknown pages with a 404 page in the chosen language', async () => {
    const en = await page('/no-such-page');
    expect(en.res.statusCode).toBe(404);
    expect(en.$('h1').text()).toBe('Page not found');
    const es = await page('/no-such-page?lang=es');
    expect(es.$('h1').text()).toBe('No se encontró la página');
    expect(es.$('html').attr('lang')).toBe('es');
  });
});
