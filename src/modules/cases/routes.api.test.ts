import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGet, apiToken, createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let token: string;
let client: { clientId: string; clientSecret: string };
beforeAll(async () => {
  t = await createTestApp({ env: { CASEDESK_API_RATE_LIMIT_PER_MINUTE: '40' } });
  const issued = await apiToken(t);
  token = issued.token;
  client = issued;
});
afterAll(async () => t?.close());

const get = (receipt: string, auth = `Bearer ${token}`) =>
  t.app.inject({
    method: 'GET',
    url: `/case-status/${encodeURIComponent(receipt)}`,
    headers: auth ? { authorization: auth } : {},
  });

describe('POST /oauth/accesstoken (client credentials)', () => {
  it('issues a bearer token for credentials in the form body, in the agency gateway format', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/accesstoken',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${encodeURIComponent(client.clientSecret)}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: '1800',
      status: 'approved',
      client_id: client.clientId,
      refresh_token_expires_in: '0',
    });
    expect(typeof body.access_token).toBe('string');
    expect(body.issued_at).toBe(String(t.clock.now().getTime()));
    const ok = await get('EAC9999103403', `Bearer ${body.access_token}`);
    expect(ok.statusCode).toBe(200);
  });

  it('accepts HTTP Basic client authentication and the case-status scope', async () => {
    const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/accesstoken',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=client_credentials&scope=case-status',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().scope).toBe('case-status');
  });

  it.each([
    [
      'a wrong secret',
      () => `grant_type=client_credentials&client_id=${client.clientId}&client_secret=wrong`,
      401,
      'invalid_client',
    ],
    [
      'an unknown client',
      () => 'grant_type=client_credentials&client_id=nobody&client_secret=x',
      401,
      'invalid_client',
    ],
    ['no credentials', () => 'grant_type=client_credentials', 401, 'invalid_client'],
    [
      'no grant type',
      () => `client_id=${client.clientId}&client_secret=${client.clientSecret}`,
      400,
      'invalid_request',
    ],
    ['another grant type', () => 'grant_type=password&username=a&password=b', 400, 'unsupported_grant_type'],
    [
      'an unknown scope',
      () =>
        `grant_type=client_credentials&scope=admin&client_id=${client.clientId}&client_secret=${client.clientSecret}`,
      400,
      'invalid_scope',
    ],
  ])('refuses %s', async (_name, payload, status, code) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/oauth/accesstoken',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: payload(),
    });
    expect(res.statusCode).toBe(status);
    expect(res.json().ErrorCode).toBe(code);
  });

  it('refuses a wrong content type and an oversized body with a 4xx in JSON, writing nothing', async () => {
    const xml = await t.app.inject({
      method: 'POST',
      url: '/oauth/accesstoken',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json()).toEqual({ code: 415, message: 'Unsupported Media Type' });
    const big = await t.app.inject({
      method: 'POST',
      url: '/oauth/accesstoken',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&x=${'a'.repeat(300_000)}`,
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe(413);
  });
});

describe('GET /case-status/{receiptNumber} (agency-compatible)', () => {
  it('answers field for field, in order, indented, with agency date formats', async () => {
    const res = await get('EAC9999103403');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json();
    expect(Object.keys(body)).toEqual(['case_status', 'message']);
    expect(Object.keys(body.case_status)).toEqual([
      'receiptNumber',
      'formType',
      'submittedDate',
      'modifiedDate',
      'current_case_status_text_en',
      'current_case_status_desc_en',
      'current_case_status_text_es',
      'current_case_status_desc_es',
      'hist_case_status',
    ]);
    expect(res.body).toContain('\n  "case_status": {\n    "receiptNumber": "EAC9999103403",\n');
    expect(body.message).toBe("Query was successful for payload {'receipt_number': 'EAC9999103403'}");
    expect(body.case_status.formType).toBe('I-130');
    expect(body.case_status.submittedDate).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
    expect(body.case_status.modifiedDate).toMatch(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
    expect(body.case_status.current_case_status_text_en).toBe('Case Was Approved');
    expect(body.case_status.current_case_status_text_es).toBe('Se aprobó el caso');
    expect(body.case_status.current_case_status_desc_en).toContain(
      'Form I-130, Petition for Alien Relative, Receipt Number EAC9999103403',
    );
    expect(body.case_status.current_case_status_desc_es).toContain('Formulario I-130');
    const history = body.case_status.hist_case_status;
    expect(history).toHaveLength(3);
    expect(Object.keys(history[0])).toEqual(['date', 'completed_text_en', 'completed_text_es']);
    expect(history.map((h: { date: string }) => h.date)).toEqual(
      [...history.map((h: { date: string }) => h.date)].sort().reverse(),
    );
    expect(history[2]).toMatchObject({
      completed_text_en: 'Case Was Received',
      completed_text_es: 'Se recibió el caso',
    });
    for (const h of history) expect(h.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('answers null history for the sandbox numbers without one', async () => {
    for (const receipt of ['EAC9999103400', 'LIN9999106501', 'SRC9999132694']) {
      const res = await get(receipt);
      expect(res.statusCode).toBe(200);
      expect(res.json().case_status.hist_case_status).toBeNull();
    }
    for (const receipt of ['LIN9999106498', 'SRC9999102777']) {
      expect((await get(receipt)).json().case_status.hist_case_status.length).toBeGreaterThan(0);
    }
  });

  it('normalizes the receipt number as people type it', async () => {
    const res = await get('eac 9999103403');
    expect(res.statusCode).toBe(200);
    expect(res.json().case_status.receiptNumber).toBe('EAC9999103403');
  });

  it('answers 401 for a missing, malformed, unknown or expired token', async () => {
    for (const auth of ['', 'Bearer', 'Bearer not-a-token', `Basic ${token}`, `Bearer ${token} extra`]) {
      const res = await get('EAC9999103403', auth);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: 401, message: 'Invalid Access Token' });
    }
    const fresh = await apiToken(t);
    t.clock.advanceSeconds(1799);
    expect((await get('EAC9999103403', `Bearer ${fresh.token}`)).statusCode).toBe(200);
    t.clock.advanceSeconds(2);
    const expired = await get('EAC9999103403', `Bearer ${fresh.token}`);
    expect(expired.statusCode).toBe(401);
    t.clock.set('2026-11-23T15:00:00Z');
    token = (await apiToken(t)).token;
  });

  it("answers 404 for an unknown receipt number and 422 for a badly formatted one, in the agency's words", async () => {
    const missing = await get('EAC0000000001');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      code: 404,
      message: expect.stringContaining('Case Status Online does not recognize the receipt number entered'),
    });
    for (const bad of ['ABC123', 'XYZ9999103403', 'EAC99991034031', '%%%']) {
      const res = await get(bad);
      expect(res.statusCode).toBe(422);
      expect(res.json().message).toContain('The application receipt number is not formatted correctly');
    }
  });

  it('never answers random receipt numbers with a 5xx, and writes nothing', async () => {
    const count = async () =>
      Number(
        (
          await t.deps.database.db
            .selectFrom('cases')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const other = await apiToken(t);
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 50, unit: 'binary' }), async (input) => {
        const res = await apiGet(t, `/case-status/${encodeURIComponent(input)}`, other.token);
        expect([200, 404, 422, 429]).toContain(res.statusCode);
      }),
      { numRuns: 30 },
    );
    expect(await count()).toBe(before);
  });

  it('slows one client down with 429 and Retry-After without affecting another client', async () => {
    const greedy = await apiToken(t);
    const polite = await apiToken(t);
    let last;
    for (let i = 0; i < 41; i++) last = await get('EAC9999103403', `Bearer ${greedy.token}`);
    expect(last!.statusCode).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.json().code).toBe(429);
    expect((await get('EAC9999103403', `Bearer ${polite.token}`)).statusCode).toBe(200);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe(404);
  });
});

describe('when the database is down', () => {
  it('answers 503 in the agency format, /readyz says unavailable and /healthz stays up', async () => {
    const down = await createTestApp();
    const { token: tok } = await apiToken(down);
    // Warm the token cache so the request reaches the case lookup.
    expect((await apiGet(down, '/case-status/EAC9999103403', tok)).statusCode).toBe(200);
    await down.deps.database.pool.end().catch(() => undefined);
    const res = await apiGet(down, '/case-status/EAC9999103403', tok);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    const page = await down.app.inject({ method: 'GET', url: '/case-status?receipt_number=EAC9999103403' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('Service unavailable');
    expect((await down.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect((await down.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await down.app.close();
    await down.deps.database.close().catch(() => undefined);
  });
});
