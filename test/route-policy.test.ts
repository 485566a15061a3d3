import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { installRoutePolicies, POLICIES } from '../src/platform/http/policies.js';
import { signUpApplicant } from './accounts-support.js';
import { TestAgent } from './agent.js';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('route policies', () => {
  it('every route declares who may use it', () => {
    const undeclared = t.app.routeRecords.filter(
      (r) => !r.policy || !(POLICIES as readonly string[]).includes(r.policy),
    );
    expect(undeclared.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(t.app.routeRecords.length).toBeGreaterThan(8);
  });

  it('every route that changes something from a form checks a CSRF token', () => {
    const forms = t.app.routeRecords.filter(
      (r) => r.method !== 'GET' && !['api-client', 'webhook', 'platform'].includes(r.policy ?? ''),
    );
    expect(forms.length).toBeGreaterThan(40);
    const unprotected = forms.filter((r) => !r.csrf && r.url !== '/oauth/accesstoken');
    expect(unprotected.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('a route without a policy is recorded as such and refused at run time', async () => {
    const app = Fastify();
    installRoutePolicies(app, { guards: {}, csrf: async () => undefined });
    app.get('/forgotten', async () => 'secret');
    app.get('/declared', { config: { policy: 'public' } }, async () => 'hello');
    await app.ready();
    expect(app.routeRecords.find((r) => r.url === '/forgotten')!.policy).toBeUndefined();
    expect((await app.inject('/forgotten')).statusCode).toBe(403);
    expect((await app.inject('/declared')).body).toBe('hello');
    await app.close();
  });

  it('no staff route answers an applicant (403) or a visitor (sign-in), whatever the method', async () => {
    const staffRoutes = t.app.routeRecords.filter((r) => r.policy === 'staff');
    expect(staffRoutes.length).toBeGreaterThan(10);
    const person = await signUpApplicant(t, 'not.staff@example.com', '10.77.0.1');
    const visitor = new TestAgent(t.app, '10.77.0.2');
    for (const route of staffRoutes) {
      const url = route.url.replace(':id', '00000000-0000-4000-8000-000000000000').replace(':number', '30000001');
      if (route.method === 'GET') {
        expect((await person.agent.get(url)).statusCode, url).toBe(403);
        expect((await visitor.get(url)).headers.location, url).toBe('/account/sign-in');
      } else {
        await person.agent.get('/account');
        expect((await person.agent.post(url, { roles: 'administrator', reason: 'x' })).statusCode, url).toBe(403);
        expect((await visitor.post(url, { _csrf: null })).statusCode, url).toBeGreaterThanOrEqual(401);
      }
    }
  });

  it('every form refuses a post without its CSRF token, even from a signed-in person', async () => {
    const person = await signUpApplicant(t, 'no.token@example.com', '10.77.1.1');
    const forms = t.app.routeRecords.filter((r) => r.csrf);
    for (const route of forms) {
      const url = route.url.replace(':id', '00000000-0000-4000-8000-000000000000').replace(':number', '30000001');
      const res = await person.agent.post(url, { _csrf: null, email: 'x@example.com', password: 'whatever it is 123' });
      // 403: the token is missing; 401: the route needs another stage of sign-in, which its guard checks first.
      expect([401, 403], `POST ${url}`).toContain(res.statusCode);
    }
    expect((await person.agent.get('/account')).statusCode).toBe(200);
  });
});
