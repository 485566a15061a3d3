import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROLES } from '../src/modules/staff/roles.js';
import { signUpApplicant, type Applicant } from './accounts-support.js';
import { TestAgent } from './agent.js';
import { createTestApp, type TestApp } from './harness.js';
import { createStaffMember } from './staff-support.js';

/** Issue 13 point 11: every route answers HEAD like GET (no body) or 405, never 5xx, whoever asks. */

let t: TestApp;
let applicant: Applicant;
let staff: TestAgent;
beforeAll(async () => {
  t = await createTestApp();
  applicant = await signUpApplicant(t, 'head.requests@example.com', '10.88.0.1');
  staff = (
    await createStaffMember(t, {
      email: 'hannah.member@example.com',
      name: 'Hannah Member',
      roles: [...STAFF_ROLES],
      ip: '10.88.0.2',
    })
  ).agent;
});
afterAll(async () => t?.close());

const RECEIPT = 'EAC9999103403';
function urlFor(path: string): string {
  return path
    .replace(/:(receipt|receiptNumber)\b/g, RECEIPT)
    .replace(/:number\b/g, '30000001')
    .replace(/:id\b/g, '00000000-0000-4000-8000-000000000000')
    .replace(/:[a-zA-Z]+/g, '1')
    .replace(/\*$/, 'x');
}

describe('HEAD requests', () => {
  it('answer like GET without a body, or 405, on every GET route: signed out, as an applicant, as staff', async () => {
    const routes = t.app.routeRecords.filter((r) => r.method === 'GET');
    expect(routes.length).toBeGreaterThan(100);
    const who: [string, TestAgent | undefined][] = [
      ['visitor', undefined],
      ['applicant', applicant.agent],
      ['staff', staff],
    ];
    const failures: string[] = [];
    for (const route of routes) {
      const url = urlFor(route.url);
      for (const [name, agent] of who) {
        const headers = { cookie: agent?.cookieHeader ?? '' };
        const ip = name === 'visitor' ? '10.88.1.1' : name === 'applicant' ? '10.88.0.1' : '10.88.0.2';
        const head = await t.app.inject({ method: 'HEAD', url, headers, remoteAddress: ip });
        if (head.statusCode >= 500) failures.push(`${name} HEAD ${url}: ${head.statusCode}`);
        if (head.body !== '') failures.push(`${name} HEAD ${url}: a body`);
        if (head.statusCode === 405) continue;
        const get = await t.app.inject({ method: 'GET', url, headers, remoteAddress: ip });
        // Same status as GET (a page that GET answers, HEAD answers the same way).
        if (get.statusCode < 500 && head.statusCode !== get.statusCode)
          failures.push(`${name} HEAD ${url}: ${head.statusCode}, GET ${get.statusCode}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('HEAD /account for a signed-in applicant answers 200 like GET', async () => {
    const head = await t.app.inject({
      method: 'HEAD',
      url: '/account',
      headers: { cookie: applicant.agent.cookieHeader },
      remoteAddress: '10.88.0.1',
    });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toMatch(/text\/html/);
  });
});
