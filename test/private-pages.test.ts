import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPlatformRoutes } from '../src/platform/http/platform-routes.js';
import { signUpApplicant, type Applicant } from './accounts-support.js';
import { TestAgent } from './agent.js';
import { createTestApp, type TestApp } from './harness.js';
import { createStaffMember } from './staff-support.js';

/** Issue 13 point 16: signed-in pages are not kept by browsers, the CSRF cookie is host-only, /metrics is not public. */

let t: TestApp;
let applicant: Applicant;
beforeAll(async () => {
  t = await createTestApp();
  applicant = await signUpApplicant(t, 'private.pages@example.com', '10.66.0.1');
});
afterAll(async () => t?.close());

describe('Cache-Control on private pages', () => {
  it('is no-store on every answer to a signed-in session: account pages, public pages, refusals', async () => {
    for (const url of [
      '/account',
      '/account/sessions',
      '/case-status',
      '/',
      '/e-request',
      '/staff',
      '/no-such-page-but-signed-in',
    ]) {
      const res = await applicant.agent.get(url);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('is no-store on account, staff, agent and officer pages whoever asks (the sign-in redirect too)', async () => {
    const visitor = new TestAgent(t.app, '10.66.0.2');
    for (const url of ['/account', '/staff', '/agent', '/officer', '/staff/dashboards']) {
      const res = await visitor.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const staff = await createStaffMember(t, {
      email: 'olga.officer@example.com',
      name: 'Olga Officer',
      roles: ['officer', 'tier1'],
      ip: '10.66.0.3',
    });
    for (const url of ['/staff', '/agent', '/officer']) {
      const res = await staff.agent.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
  });

  it('leaves public pages of a visitor without a session cacheable as before', async () => {
    const res = await new TestAgent(t.app, '10.66.0.4').get('/case-status');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBeUndefined();
  });

  it('after signing out, the account page is not served again (the back button asks the server)', async () => {
    const person = await signUpApplicant(t, 'back.button@example.com', '10.66.0.5');
    expect((await person.agent.get('/account')).headers['cache-control']).toBe('no-store');
    await person.agent.get('/account');
    await person.agent.post('/account/sign-out', {});
    const again = await person.agent.get('/account');
    expect(again.statusCode).toBe(303);
    expect(again.headers['cache-control']).toBe('no-store');
  });
});

describe('the CSRF cookie', () => {
  it('is __Host- prefixed: Secure, Path=/, no Domain, HttpOnly, SameSite=Lax', async () => {
    const res = await t.app.inject('/account/sign-in');
    const cookie = res.cookies.find((c) => c.name.endsWith('csrf'));
    expect(cookie?.name).toBe('__Host-casedesk_csrf');
    expect(cookie).toMatchObject({ secure: true, path: '/', httpOnly: true, sameSite: 'Lax' });
    expect(cookie!.domain).toBeUndefined();
    // And forms still work with it.
    const agent = new TestAgent(t.app, '10.66.0.6');
    const post = await agent.submit('/survey/exit', { rating: '5', comment: '' });
    expect(post.statusCode).toBe(303);
  });
});

describe('/metrics', () => {
  it('is open in development and test when no token is set (as before)', async () => {
    const res = await t.app.inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('casedesk_http_request_duration_seconds');
  });

  it('asks for the bearer token when CASEDESK_METRICS_TOKEN is set', async () => {
    const token = 'm'.repeat(40);
    const withToken = await createTestApp({ env: { CASEDESK_METRICS_TOKEN: token } });
    try {
      expect((await withToken.app.inject('/metrics')).statusCode).toBe(401);
      expect(
        (await withToken.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${'x'.repeat(40)}` } }))
          .statusCode,
      ).toBe(401);
      const ok = await withToken.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toContain('casedesk_');
    } finally {
      await withToken.close();
    }
  });

  it('is refused in production without a token, served with it', async () => {
    const serve = async (metricsToken: string | undefined, authorization?: string) => {
      const app = Fastify();
      registerPlatformRoutes(app, {
        database: t.deps.database,
        metrics: new Registry(),
        metricsToken,
        production: true,
      });
      const res = await app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      await app.close();
      return res.statusCode;
    };
    expect(await serve(undefined)).toBe(403);
    expect(await serve(undefined, 'Bearer anything')).toBe(403);
    expect(await serve('t'.repeat(40))).toBe(401);
    expect(await serve('t'.repeat(40), `Bearer ${'t'.repeat(40)}`)).toBe(200);
  });
});
