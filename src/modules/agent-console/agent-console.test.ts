import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineAccountNumber, signUpApplicant } from '../../../test/accounts-support.js';
import { apiToken, caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { seedKnowledgeArticles } from '../knowledge/index.js';

let t: TestApp;
let tier1: StaffPerson;
let tier3: StaffPerson;
let qa: StaffPerson;
let token: string;
const RECEIPT = 'IOE0922200001';
const PROTECTED = 'IOE0922200002';

const events = (payload: unknown[]) => postCaseEvents(t, payload, token);

beforeAll(async () => {
  t = await createTestApp();
  await seedKnowledgeArticles(t.deps.database.db, t.deps);
  tier1 = await createStaffMember(t, {
    email: 'tina.tier1@agency.example',
    name: 'Tina Tier1',
    roles: ['tier1'],
    ip: '10.12.0.1',
  });
  tier3 = await createStaffMember(t, {
    email: 'theo.tier3@agency.example',
    name: 'Theo Tier3',
    roles: ['tier3'],
    ip: '10.12.0.2',
  });
  qa = await createStaffMember(t, {
    email: 'quinn.qa@agency.example',
    name: 'Quinn QA',
    roles: ['quality_assurance'],
    ip: '10.12.0.3',
  });
  token = (await apiToken(t, ['case_events:write'])).token;
  const applicant = { dateOfBirth: '1985-04-12', familyName: 'Peña', aNumber: 'A012345678', zip: '33101' };
  const res = await events([
    caseEvent('ag-1', RECEIPT, 'case_received', '2026-06-01T15:00:00Z', { formCode: 'I-485', applicant }),
    caseEvent('ag-2', RECEIPT, 'biometrics_scheduled', '2026-07-01T15:00:00Z'),
    caseEvent('ag-3', PROTECTED, 'case_received', '2026-06-01T15:00:00Z', { formCode: 'I-485', applicant }),
    caseEvent('ag-4', PROTECTED, 'protection_updated', '2026-06-02T15:00:00Z', { section1367: true }),
  ]);
  expect(res.statusCode).toBe(200);
});
afterAll(async () => t?.close());

async function logCall(person: StaffPerson, fields: Record<string, string | string[]>) {
  await person.agent.get('/agent/new');
  return person.agent.post('/agent/new', {
    channel: 'phone',
    type: 'case_status',
    name: 'Pablo Peña',
    email: 'pablo@example.com',
    phone: '',
    language: 'es',
    receipt_number: RECEIPT,
    subject: 'Status of my case',
    description: 'Wants to know about biometrics.',
    ...fields,
  });
}

describe('the agent console (issue 5 item 6)', () => {
  it('is for Contact Center agents only', async () => {
    expect((await qa.agent.get('/agent')).statusCode).toBe(403);
    const applicant = await signUpApplicant(t, 'not.an.agent@example.com', '10.12.0.9');
    expect((await applicant.agent.get('/agent')).statusCode).toBe(403);
    expect((await t.app.inject('/agent')).statusCode).toBeGreaterThanOrEqual(300);
    expect((await tier1.agent.get('/agent')).statusCode).toBe(200);
    expect(tier1.agent.$('h1').text()).toBe('Agent console');
  });

  it('logs a call, keeps case details from an unverified caller, verifies with questions and logs every attempt', async () => {
    let res = await logCall(tier1, { email: 'not-an-email' });
    expect(res.statusCode).toBe(400);
    expect(tier1.agent.$('#email').attr('aria-invalid')).toBe('true');
    res = await logCall(tier1, {});
    expect(res.statusCode).toBe(303);
    // With a receipt number, Tier 1 is told the number and finds the item under their open items (CC-6: the same
    // outcome whatever the case is; see the Section 1367 tests).
    expect(res.headers.location).toMatch(/^\/agent\?logged=\d+$/);
    const path = `/agent/items/${(res.headers.location as string).split('=')[1]!}`;
    await tier1.agent.get(res.headers.location as string);
    expect(tier1.agent.$(`main a[href="${path}"]`).length).toBe(1);
    // The caller is told the number, that it is not urgent and by when to expect an answer (CC-3, CC-4), in Spanish.
    const confirmation = await t.deps.database.db
      .selectFrom('notification_messages')
      .select(['language', 'subject', 'body'])
      .where('recipient', '=', 'pablo@example.com')
      .where('template', '=', 'service_item_received')
      .executeTakeFirstOrThrow();
    expect(confirmation.language).toBe('es');
    expect(confirmation.subject).toContain(path.split('/').at(-1)!);
    expect(confirmation.body).toContain('no es urgente');
    await tier1.agent.get(path);
    expect(tier1.agent.$('.usa-intro').text()).toContain('Tell the caller');
    const page = () => tier1.agent.$('main').text();
    expect(page()).toContain('Verify the caller before sharing anything');
    expect(page()).not.toContain('Fingerprint'); // the biometrics status text stays hidden
    // One question is not enough; wrong answers fail; each attempt is kept without the answers themselves.
    res = await tier1.agent.post(`${path}/verify`, { caller_role: 'applicant', answer_date_of_birth: '1985-04-12' });
    expect(res.statusCode).toBe(400);
    expect(tier1.agent.errorSummary()[0]).toContain('at least two');
    await tier1.agent.get(path);
    res = await tier1.agent.post(`${path}/verify`, {
      caller_role: 'applicant',
      answer_date_of_birth: '1985-04-12',
      answer_zip: '99999',
    });
    expect(tier1.agent.errorSummary()[0]).toContain('do not match');
    await tier1.agent.get(path);
    // A representative with the right answers: REP-1 needs a G-28 on the case, which no one has yet.
    res = await tier1.agent.post(`${path}/verify`, {
      caller_role: 'representative',
      answer_date_of_birth: '1985-04-12',
      answer_family_name: 'PENA',
    });
    expect(tier1.agent.errorSummary()[0]).toContain('G-28');
    await tier1.agent.get(path);
    expect(page()).toContain('Form G-28');
    res = await tier1.agent.post(`${path}/verify`, {
      caller_role: 'applicant',
      answer_date_of_birth: '1985-04-12',
      answer_family_name: 'peña',
      answer_a_number: 'A-012-345-678',
    });
    expect(res.headers.location).toBe(`${path}?done=verify`);
    await tier1.agent.get(res.headers.location as string);
    expect(page()).toContain('The caller was verified');
    expect(tier1.agent.$('.casedesk-history li').length).toBeGreaterThan(0);
    const attempts = await t.deps.database.db
      .selectFrom('caller_verifications')
      .select(['outcome', 'caller_role', 'questions'])
      .orderBy('seq')
      .execute();
    expect(attempts.map((a) => [a.outcome, a.caller_role])).toEqual([
      ['failed', 'applicant'],
      ['failed', 'applicant'],
      ['failed', 'representative'],
      ['verified', 'applicant'],
    ]);
    expect(JSON.stringify(attempts)).not.toContain('1985-04-12');
    const viewed = await t.deps.database.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id'])
      .where('action', '=', 'agent.case_viewed')
      .execute();
    expect(viewed).toEqual([{ action: 'agent.case_viewed', subject_id: RECEIPT }]);
    // Knowledge articles beside the item, for Tier 1.
    expect(tier1.agent.$('aside h2').text()).toBe('Knowledge articles');
  });

  it('works an item: answer, note, pause and restart the clock, escalate, and refuses actions once it left the agent', async () => {
    const res = await logCall(tier1, { receipt_number: '', type: 'general_question', email: 'walter@example.com' });
    const path = res.headers.location as string;
    await tier1.agent.get(path);
    expect((await tier1.agent.post(`${path}/reply`, { message: '' })).statusCode).toBe(400);
    await tier1.agent.get(path);
    expect((await tier1.agent.post(`${path}/reply`, { message: 'Here is the answer.' })).headers.location).toBe(
      `${path}?done=reply`,
    );
    await tier1.agent.get(path);
    await tier1.agent.post(`${path}/note`, { note: 'Called back once.' });
    await tier1.agent.get(path);
    await tier1.agent.post(`${path}/pause`, { reason: 'Waiting for the A-Number' });
    await tier1.agent.get(path);
    expect(tier1.agent.$('main').text()).toContain('Clock paused');
    await tier1.agent.post(`${path}/resume`, {});
    await tier1.agent.get(path);
    expect(
      (await tier1.agent.post(`${path}/escalate`, { to: 'tier2', escalate_reason: 'Needs a specialist' })).statusCode,
    ).toBe(303);
    await tier1.agent.get(path);
    expect(tier1.agent.$('main').text()).toContain('you can read it but not act on it');
    expect((await tier1.agent.post(`${path}/note`, { note: 'sneaky' })).statusCode).toBe(403);
    const mail = await t.deps.database.db
      .selectFrom('notification_messages')
      .select('template')
      .where('recipient', '=', 'walter@example.com')
      .execute();
    expect(mail.map((m) => m.template).sort()).toEqual([
      'service_item_escalated',
      'service_item_received',
      'service_item_reply',
    ]);
  });

  it('keeps Section 1367 cases and items away from Tier 1 on every page and search; Tier 3 works them', async () => {
    const res = await logCall(tier1, { receipt_number: PROTECTED, email: 'vawa@example.com' });
    // Routed to Tier 3, so not kept by Tier 1, and not shown to them.
    expect(res.headers.location).toMatch(/^\/agent\?logged=\d+$/);
    const number = (res.headers.location as string).split('=')[1]!;
    expect((await tier1.agent.get(`/agent/items/${number}`)).statusCode).toBe(404);
    await tier1.agent.get(`/agent/search?q=${PROTECTED}`);
    expect(tier1.agent.$('main').text()).toContain('No case you may see matches');
    expect(tier1.agent.$(`a[href="/agent/items/${number}"]`)).toHaveLength(0);
    await tier1.agent.get('/agent/search?q=vawa@example.com');
    expect(tier1.agent.$(`a[href="/agent/items/${number}"]`)).toHaveLength(0);
    await tier1.agent.get(`/agent/search?q=${number}`);
    expect(tier1.agent.$(`a[href="/agent/items/${number}"]`)).toHaveLength(0);
    expect((await tier1.agent.post(`/agent/items/${number}/note`, { note: 'x' })).statusCode).toBe(404);

    await tier3.agent.get(`/agent/search?q=${PROTECTED}`);
    expect(tier3.agent.$(`a[href="/agent/items/${number}"]`)).toHaveLength(1);
    await tier3.agent.get('/agent');
    const claim = await tier3.agent.post('/agent/claim', {});
    expect(claim.headers.location).toBe(`/agent/items/${number}`);
    await tier3.agent.get(`/agent/items/${number}`);
    expect(tier3.agent.$('.usa-alert--warning').first().text()).toContain('Section 1367');
    await tier3.agent.get('/agent');
    expect((await tier3.agent.post('/agent/claim', {})).headers.location).toBe('/agent?empty=1');
  });

  it("logs a phone call without the caller's email (no email is sent), but not a chat (issue 15 item 7)", async () => {
    const before = await t.deps.database.db
      .selectFrom('notification_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('recipient', '=', '')
      .executeTakeFirstOrThrow();
    let res = await logCall(tier1, { email: '', receipt_number: '', phone: '555-0100', name: 'Nadia Noemail' });
    expect(res.statusCode).toBe(303);
    const after = await t.deps.database.db
      .selectFrom('notification_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('recipient', '=', '')
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    // A name over the limit is refused with a message, not cut.
    res = await logCall(tier1, { name: 'P'.repeat(201) });
    expect(res.statusCode).toBe(400);
    expect(tier1.agent.errorSummary()).toEqual(['Enter a name of 200 characters or fewer']);
    res = await logCall(tier1, { channel: 'chat', email: '', receipt_number: '' });
    expect(res.statusCode).toBe(400);
    expect(tier1.agent.$('#email').attr('aria-invalid')).toBe('true');
  });

  it('finds people by email or Online Account Number, with their items', async () => {
    const person = await signUpApplicant(t, 'pablo@example.com', '10.12.0.8');
    const oan = await onlineAccountNumber(t, person.accountId);
    for (const q of ['Pablo@Example.com', oan]) {
      await tier1.agent.get(`/agent/search?q=${encodeURIComponent(q)}`);
      expect(tier1.agent.$('main table').first().text()).toContain('pablo@example.com');
    }
    await tier1.agent.get('/agent/search?q=pablo@example.com');
    expect(tier1.agent.$('a[href^="/agent/items/"]').length).toBeGreaterThan(0); // the call logged for this email
    const audit = await t.deps.database.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'agent.search')
      .where('actor_id', '=', tier1.accountId)
      .execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('resolves with a resolution code and speaks Spanish', async () => {
    const res = await logCall(tier1, { receipt_number: '', type: 'general_question' });
    const path = res.headers.location as string;
    await tier1.agent.get(path);
    expect((await tier1.agent.post(`${path}/resolve`, { code: 'made_up' })).statusCode).toBe(400);
    await tier1.agent.get(path);
    expect((await tier1.agent.post(`${path}/resolve`, { code: 'answered', resolution_note: 'Done' })).statusCode).toBe(
      303,
    );
    await tier1.agent.get(`${path}?lang=es`);
    expect(tier1.agent.$('h1').text()).toMatch(/^Artículo de servicio n\.º \d+$/);
    expect(tier1.agent.$('main').text()).toContain('Resuelto');
    await tier1.agent.get('/agent?lang=en');
  });
});
