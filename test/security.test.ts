import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeHtml, html } from '../src/platform/views/html.js';
import { csrfField } from '../src/platform/views/components.js';
import { layout } from '../src/platform/views/layout.js';
import { helmetMiddleware, securityHeaders } from '../src/platform/http/security.js';
import { apiToken, createTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('security headers', () => {
  it('are the ones helmet sets on a real Node response', () => {
    const response = new ServerResponse(new IncomingMessage(new Socket()));
    let error: unknown = 'not called';
    helmetMiddleware()(response.req, response, (e?: unknown) => (error = e));
    expect(error).toBeUndefined();
    const fromHelmet = Object.fromEntries(Object.entries(response.getHeaders()).map(([k, v]) => [k, String(v)]));
    expect(securityHeaders()).toEqual(fromHelmet);
    expect(Object.keys(fromHelmet).length).toBeGreaterThan(8);
  });

  it('go with every kind of answer: page, API answer, API error, 404 page, asset, form refusal', async () => {
    const { token } = await apiToken(t);
    const expected = securityHeaders();
    const answers = [
      await t.app.inject('/case-status?lang=es'),
      await t.app.inject({ url: '/case-status/EAC9999103403', headers: { authorization: `Bearer ${token}` } }),
      await t.app.inject({ url: '/case-status/EAC9999103403', headers: { authorization: 'Bearer wrong' } }),
      await t.app.inject('/no-such-page'),
      await t.app.inject('/assets/uswds/css/uswds.min.css'),
      await t.app.inject({
        method: 'POST',
        url: '/case-status',
        payload: 'receipt_number=EAC9999103403',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 401, 404, 200, expect.any(Number)]);
    for (const answer of answers) {
      for (const [name, value] of Object.entries(expected))
        expect(answer.headers[name], `${answer.statusCode} ${name}`).toBe(value);
    }
  });

  it('sends a CSP without unsafe-inline and the usual hardening headers on pages', async () => {
    const res = await t.app.inject('/case-status');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toContain('max-age=');
    expect(res.headers['referrer-policy']).toBe('same-origin');
  });

  it('has no inline script or style in its pages', async () => {
    for (const url of [
      '/',
      '/case-status',
      '/case-status?receipt_number=EAC9999103403',
      '/case-status?receipt_number=x',
      '/nope',
      '/api/docs',
      '/dev/outbox',
    ]) {
      const $ = cheerio.load((await t.app.inject(url)).body);
      $('script').each((_, el) => expect($(el).attr('src'), `${url} inline script`).toBeTruthy());
      expect($('style').length, `${url} <style>`).toBe(0);
      expect($('[style]').length, `${url} style attribute`).toBe(0);
      expect($('[onclick],[onload],[onerror]').length).toBe(0);
    }
  });

  it('serves USWDS assets and our stylesheet', async () => {
    expect((await t.app.inject('/assets/uswds/css/uswds.min.css')).statusCode).toBe(200);
    expect((await t.app.inject('/assets/uswds/js/uswds.min.js')).statusCode).toBe(200);
    expect((await t.app.inject('/assets/casedesk.css')).statusCode).toBe(200);
  });
});

describe('CSRF on forms', () => {
  it('refuses a form post without a valid token and accepts one with it; cookies are Secure, HttpOnly, SameSite', async () => {
    // A form route declared like any page form (policy public, POST) on the platform's security plugins.
    const { default: Fastify } = await import('fastify');
    const { installSecurity } = await import('../src/platform/http/security.js');
    const { installRoutePolicies } = await import('../src/platform/http/policies.js');
    const { memoryRateLimitStore } = await import('../src/platform/http/rate-limit-store.js');
    const f = Fastify();
    await installSecurity(f, {
      cookieSecret: 'x'.repeat(40),
      globalRateLimitPerMinute: 1000,
      rateLimits: memoryRateLimitStore,
    });
    installRoutePolicies(f, { guards: {}, csrf: f.csrfProtection });
    f.get('/form', { config: { policy: 'public' } }, async (_req, reply) =>
      reply.type('text/html').send(layoutless(csrfField(reply.generateCsrf())).value),
    );
    f.post('/form', { config: { policy: 'public' } }, async () => 'saved');
    await f.ready();
    const form = await f.inject('/form');
    const cookie = form.cookies.find((c) => c.name === '__Host-casedesk_csrf')!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(cookie.domain).toBeUndefined();
    const tokenValue = cheerio.load(form.body)('input[name=_csrf]').val() as string;
    // Posted as a browser posts a form (routes that take forms refuse JSON with 415).
    const asForm = (fields: Record<string, string>) => ({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    const without = await f.inject({ method: 'POST', url: '/form', ...asForm({ a: '1' }) });
    expect(without.statusCode).toBe(403);
    const wrong = await f.inject({
      method: 'POST',
      url: '/form',
      cookies: { [cookie.name]: cookie.value },
      ...asForm({ _csrf: 'forged', a: '1' }),
    });
    expect(wrong.statusCode).toBe(403);
    const ok = await f.inject({
      method: 'POST',
      url: '/form',
      cookies: { [cookie.name]: cookie.value },
      ...asForm({ _csrf: tokenValue, a: '1' }),
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('saved');
    await f.close();
  });
});

function layoutless(content: ReturnType<typeof html>) {
  return html`<form method="post" action="/form">${content}</form>`;
}

describe('escaping', () => {
  it('escapes the five HTML specials of any text and leaves the rest as it is', () => {
    const reference = (text: string) =>
      text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
    const texts = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'ñ', ' ', '&', '<', '>', '"', "'", ';', '#') }),
      fc.string({ unit: 'grapheme' }),
      fc.string(),
    );
    fc.assert(
      fc.property(texts, (text) => escapeHtml(text) === reference(text)),
      { numRuns: 2000 },
    );
  });

  it('escapes every value placed in a page', () => {
    const page = layout(
      { lang: 'en', t: ((k: string) => k) as never, url: '/x?a="><script>' },
      { title: '<img src=x onerror=alert(1)>', main: html`<p>${'<b>bold</b>'}</p>` },
    );
    expect(page.value).not.toContain('<img src=x');
    expect(page.value).not.toContain('"><script>');
    expect(page.value).toContain('&lt;b&gt;bold&lt;/b&gt;');
  });
});

describe('unexpected failures', () => {
  it('answer 500 with a page in the visitor language and no technical detail', async () => {
    const broken = await createTestApp();
    try {
      await broken.deps.database.db.schema.alterTable('case_status_history').renameTo('history_gone').execute();
      const res = await broken.app.inject('/case-status?receipt_number=EAC9999103403&lang=es');
      expect(res.statusCode).toBe(500);
      const $ = cheerio.load(res.body);
      expect($('h1').text()).toBe('Algo salió mal');
      expect(res.body).not.toMatch(/history_gone|case_status_history|at .*\.ts|stack/i);
      expect($('main').text()).toContain('Referencia:');
    } finally {
      await broken.close();
    }
  });
});

describe('NUL characters', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => app?.close());

  it('removes NUL characters from what requests bring (PostgreSQL refuses them), in forms and JSON alike', async () => {
    const { withoutNul } = await import('../src/platform/http/security.js');
    expect(withoutNul({ a: 'x\u0000y', list: ['\u0000z'], nested: { 'k\u0000': 1 } })).toEqual({
      a: 'xy',
      list: ['z'],
      nested: { k: 1 },
    });
    const polluted = withoutNul(JSON.parse('{"__proto__": {"admin": true}}') as Record<string, unknown>);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.getPrototypeOf(polluted)).toBe(Object.prototype);
    const buffer = Buffer.from([0, 1, 2]);
    expect(withoutNul({ data: buffer }).data).toBe(buffer);
    const res = await app.app.inject({ method: 'GET', url: '/survey/exit' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)![1]!;
    const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const post = await app.app.inject({
      method: 'POST',
      url: '/survey/exit',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, rating: '4', comment: 'good\u0000 service' }).toString(),
    });
    expect(post.statusCode).toBe(303);
    const row = await app.deps.database.db
      .selectFrom('survey_responses')
      .select('comment')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.comment).toBe('good service');
  });
});
