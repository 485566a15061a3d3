import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { installRoutePolicies, POLICIES } from '../src/platform/http/policies.js';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('route policies', () => {
  it('every route declares who may use it', () => {
    const undeclared = t.app.routeRecords.filter((r) => !r.policy || !(POLICIES as readonly string[]).includes(r.policy));
    expect(undeclared.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(t.app.routeRecords.length).toBeGreaterThan(8);
  });

  it('every route that changes something from a form checks a CSRF token', () => {
    const forms = t.app.routeRecords.filter((r) => r.method !== 'GET' && (r.policy === 'public' || r.policy === 'dev-only'));
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
});
