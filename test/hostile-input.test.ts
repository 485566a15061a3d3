import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutNul } from '../src/platform/http/security.js';
import { createLogger } from '../src/platform/logging.js';
import { apiToken, createTestApp, type TestApp } from './harness.js';

/** Issue 13 points 9 and 10: hostile bodies answer 4xx before anything costs more, never 500. */

let t: TestApp;
let writer: string;
const lines: Record<string, unknown>[] = [];
beforeAll(async () => {
  // A real logger at info level, kept in memory: what the error log would hold.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  t = await createTestApp({ log: createLogger('info', sink) });
  writer = (await apiToken(t, ['case_events:write'])).token;
});
afterAll(async () => t?.close());

const deepOpen = '['.repeat(10_000);
const deepBalanced = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;

describe('deeply nested JSON', () => {
  const routes: { url: string; headers?: Record<string, string> }[] = [
    { url: '/case-status' }, // a public form
    { url: '/e-request/typo-correction' },
    { url: '/account/sign-in' },
    { url: '/help/technical' },
    { url: '/oauth/accesstoken' },
    { url: '/hooks/sms/twilio/inbound' },
    { url: '/hooks/sms/twilio/status' },
    { url: '/api/v1/case-events', headers: { authorization: `Bearer ${'x'.repeat(10)}` } },
    { url: '/api/v1/case-events' }, // signed in: set in the test
  ];

  it('answers 4xx on every kind of POST route (forms, OAuth, SMS hooks, the events API), never 500', async () => {
    for (const [i, route] of routes.entries()) {
      const headers = i === routes.length - 1 ? { authorization: `Bearer ${writer}` } : (route.headers ?? {});
      for (const payload of [deepOpen, deepBalanced, deepObject]) {
        for (const type of ['application/json', 'application/vnd.api+json', 'text/plain']) {
          const res = await t.app.inject({
            method: 'POST',
            url: route.url,
            headers: { ...headers, 'content-type': type },
            payload,
          });
          expect(res.statusCode, `${route.url} ${type} ${payload.slice(0, 6)}`).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, `${route.url} ${type} ${payload.slice(0, 6)}`).toBeLessThan(500);
        }
      }
    }
  });

  it('refuses JSON with 415 on routes that take forms, and too-deep JSON with 400 where JSON is taken', async () => {
    const form = await t.app.inject({
      method: 'POST',
      url: '/case-status',
      headers: { 'content-type': 'application/json' },
      payload: '{"receipt_number":"EAC9999103403"}',
    });
    expect(form.statusCode).toBe(415);
    // The OAuth token endpoint takes the same fields as JSON (existing clients), and refuses too-deep JSON with 400.
    const token = await t.app.inject({
      method: 'POST',
      url: '/oauth/accesstoken',
      headers: { 'content-type': 'application/json' },
      payload: '{"grant_type":"client_credentials"}',
    });
    expect(token.statusCode).toBe(401);
    expect(JSON.parse(token.body)).toMatchObject({ ErrorCode: 'invalid_client' });
    const deepToken = await t.app.inject({
      method: 'POST',
      url: '/oauth/accesstoken',
      headers: { 'content-type': 'application/json' },
      payload: deepBalanced,
    });
    expect(deepToken.statusCode).toBe(400);
    const deep = await t.app.inject({
      method: 'POST',
      url: '/api/v1/case-events',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      payload: deepBalanced,
    });
    expect(deep.statusCode).toBe(400);
    expect(JSON.parse(deep.body).message).toMatch(/nested/);
    const ndjson = await t.app.inject({
      method: 'POST',
      url: '/api/v1/case-events',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/x-ndjson' },
      payload: `${deepBalanced}\n`,
    });
    expect(ndjson.statusCode).toBe(400);
  });

  it('strips NULs without recursion, however deep the value', () => {
    let value: unknown = 'a\u0000b';
    for (let i = 0; i < 100_000; i++) value = i % 2 ? [value] : { k: value };
    let stripped = withoutNul(value);
    for (let i = 99_999; i >= 0; i--) stripped = i % 2 ? (stripped as unknown[])[0] : (stripped as { k: unknown }).k;
    expect(stripped).toBe('ab');
  });
});

describe('lone UTF-16 surrogates in API JSON', () => {
  // A field the API keeps as sent (payloads may carry fields it does not read), stored as jsonb.
  const event = (remark: string) => ({
    id: `surrogate-${remark.length}`,
    receiptNumber: 'IOE0933300001',
    type: 'case_received',
    occurredAt: '2026-11-01T12:00:00Z',
    payload: { formCode: 'I-765', applicant: { dateOfBirth: '1990-01-01' }, remark },
  });

  it('are refused with 422, and the log holds neither the payload nor the database error detail', async () => {
    lines.length = 0;
    // JSON.stringify writes a lone surrogate as the escape \ud800, as a client would send it.
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/case-events',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      payload: JSON.stringify([event('write to maria.lopez@example.com\ud800')]),
    });
    expect(res.statusCode).toBe(422);
    expect(JSON.parse(res.body).message).toMatch(/UTF-16|surrogate|text/i);
    expect(JSON.stringify(lines)).not.toContain('maria.lopez');
  });

  it('a well-formed pair (an emoji) is accepted', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/case-events',
      headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
      payload: JSON.stringify([event('thanks \ud83d\ude00')]),
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('error logs', () => {
  it("redact a database error's detail and where, and keep error codes", () => {
    const out: Record<string, unknown>[] = [];
    const log = createLogger(
      'info',
      new Writable({
        write(chunk: Buffer, _e, cb) {
          out.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
          cb();
        },
      }),
    );
    const err = Object.assign(new Error('invalid input syntax for type json'), {
      code: '22P02',
      detail: 'Unicode low surrogate must follow a high surrogate.',
      where: 'JSON data, line 1: {"email": "maria.lopez@example.com...',
    });
    log.error({ err }, 'request failed');
    log.info({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', status: 415 }, 'request refused');
    const [failed, refused] = out as [{ err: Record<string, unknown> }, Record<string, unknown>];
    expect(failed.err.code).toBe('22P02');
    expect(failed.err.detail).toBe('[redacted]');
    expect(failed.err.where).toBe('[redacted]');
    expect(JSON.stringify(out)).not.toContain('maria.lopez');
    expect(refused.code).toBe('FST_ERR_CTP_INVALID_MEDIA_TYPE');
  });
});
