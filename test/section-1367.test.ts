import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, createTestApp, type TestApp } from './harness.js';
import { createStaffMember, type StaffPerson } from './staff-support.js';

/**
 * CC-6 across the whole service: a Section 1367 (VAWA, T, U) case and its service items never reach Tier 1 or Tier 2,
 * on any page or search. Every GET route staff can reach is visited by a Tier 1 + Tier 2 agent (with the protected
 * case's receipt number, the item's number and search terms put in every parameter), then by Tier 3, who must see
 * them where they belong. A new route that leaks is caught here without being listed.
 */

let t: TestApp;
let low: StaffPerson;
let tier3: StaffPerson;
const RECEIPT = 'IOE0955500001';
const MARK = 'Zyxquv-protected-marker';
let number = '';

beforeAll(async () => {
  t = await createTestApp();
  low = await createStaffMember(t, {
    email: 'low.tiers@agency.example',
    name: 'Lou Low',
    roles: ['tier1', 'tier2', 'quality_assurance', 'help_desk', 'officer'],
    ip: '10.14.0.1',
  });
  tier3 = await createStaffMember(t, {
    email: 'three@agency.example',
    name: 'Thea Three',
    roles: ['tier3'],
    ip: '10.14.0.2',
  });
  const { token } = await apiToken(t, ['case_events:write']);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${token}` },
    payload: [
      {
        id: 'p-1',
        receiptNumber: RECEIPT,
        type: 'case_received',
        occurredAt: '2026-05-01T15:00:00Z',
        payload: { formCode: 'I-485', applicant: { dateOfBirth: '1980-01-01', familyName: 'Protected' } },
      },
      {
        id: 'p-2',
        receiptNumber: RECEIPT,
        type: 'protection_updated',
        occurredAt: '2026-05-02T15:00:00Z',
        payload: { section1367: true },
      },
    ],
  });
  expect(res.statusCode).toBe(200);
  const caseId = (
    await t.deps.database.db
      .selectFrom('cases')
      .select('id')
      .where('receipt_number', '=', RECEIPT)
      .executeTakeFirstOrThrow()
  ).id;
  const { item } = await t.services.serviceItems.createRouted({
    channel: 'phone',
    type: 'case_inquiry',
    contact: { name: 'Vera Private', email: 'vera.private@example.com' },
    language: 'en',
    subject: MARK,
    description: `${MARK} description`,
    caseId,
  });
  number = String(item.number);
  // A resolved one too, for the quality sample and the dashboards' lists.
  const worker = { accountId: tier3.accountId, roles: ['tier3'] };
  const second = await t.services.serviceItems.createRouted({
    channel: 'e_request',
    type: 'expedite_request',
    contact: { name: 'Vera Private', email: 'vera.private@example.com' },
    language: 'en',
    subject: MARK,
    description: MARK,
    caseId,
  });
  await t.services.serviceItems.resolve(second.item.id, worker, 'answered', MARK);
});
afterAll(async () => t?.close());

function urlsFor(path: string): string[] {
  const filled = path
    .replace(/:number/g, number)
    .replace(/:receipt/g, RECEIPT)
    .replace(/:[a-zA-Z]+/g, number);
  return [
    filled,
    `${filled}?q=${RECEIPT}`,
    `${filled}?q=vera.private@example.com`,
    `${filled}?q=${number}`,
    `${filled}?receipt_number=${RECEIPT}`,
    `${filled}?days=90`,
  ];
}

describe('Section 1367 isolation (CC-6)', () => {
  it('shows Tier 1 and Tier 2 nothing of a protected case or its items on any staff page or search', async () => {
    const routes = t.app.routeRecords.filter((r) => r.method === 'GET' && r.policy === 'staff');
    expect(routes.length).toBeGreaterThan(15);
    let visited = 0;
    for (const route of routes) {
      for (const url of urlsFor(route.url)) {
        const res = await low.agent.get(url);
        visited++;
        expect(res.statusCode, url).toBeLessThan(500);
        expect(res.body.includes(MARK), `${url} shows the protected item`).toBe(false);
        expect(
          res.body.includes(RECEIPT) && !url.includes(RECEIPT) ? res.body : '',
          `${url} shows the protected receipt number`,
        ).toBe('');
        expect(res.body.includes('vera.private@example.com') && !url.includes('vera.private') ? 'leak' : '', url).toBe(
          '',
        );
        if (!url.includes(RECEIPT) && !url.includes('vera.private') && !url.includes(`q=${number}`))
          expect(res.body.includes(`#${number}`), `${url} lists the protected item`).toBe(false);
      }
      t.clock.advance(1000);
    }
    expect(visited).toBeGreaterThan(90);
    // Not even a form leaks it: acting on the item is refused as unknown.
    await low.agent.get('/agent');
    expect((await low.agent.post(`/agent/items/${number}/note`, { note: 'x' })).statusCode).toBe(404);
    await low.agent.get('/agent');
    expect((await low.agent.post('/agent/claim', {})).headers.location).toBe('/agent?empty=1');
  }, 240_000);

  it('lets Tier 3 find and work them', async () => {
    await tier3.agent.get(`/agent/search?q=${RECEIPT}`);
    expect(tier3.agent.$(`a[href="/agent/items/${number}"]`)).toHaveLength(1);
    await tier3.agent.get(`/agent/items/${number}`);
    expect(tier3.agent.$('main').text()).toContain(MARK);
  });
});
