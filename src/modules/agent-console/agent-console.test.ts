import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineAccountNumber, signUpApplicant } from '../../../test/accounts-support.js';
import { apiToken, caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { TestAgent } from '../../../test/agent.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';
import { publishFigures } from '../../../test/processing-times-support.js';
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
  // CC-10 beside the case (issue 18): a published processing time for its form, category and office, before any
  // page reads the publication (the service keeps it a while).
  const { office_code } = await t.deps.database.db
    .selectFrom('cases')
    .select('office_code')
    .where('receipt_number', '=', RECEIPT)
    .executeTakeFirstOrThrow();
  await publishFigures(t, [{ form: 'I-485', category: 'other', office: office_code, median: 60, p80: 100 }]);
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
    // Received 2026-06-01, more than 100 days (the published 80%) ago: outside normal processing time (CC-10).
    expect(page()).toContain('from the published processing time): outside normal processing time');
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
    // An administrator's override wins over the published time.
    const { office_code } = await t.deps.database.db
      .selectFrom('cases')
      .select('office_code')
      .where('receipt_number', '=', RECEIPT)
      .executeTakeFirstOrThrow();
    await t.deps.database.db
      .insertInto('inquiry_date_overrides')
      .values({
        form_code: 'I-485',
        office_code,
        inquiry_date: '2026-05-01',
        reason: 'Backlog at this office',
        updated_at: new Date(),
      })
      .execute();
    await tier1.agent.get(path);
    expect(page()).toContain(
      'Not received before May 1, 2026 (set by an administrator): within normal processing time',
    );
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

describe('the item page as a workspace (issue 15 point 8)', () => {
  it('shows the queue, owner and time left, a toolbar with one form open at a time, and no rule codes', async () => {
    const res = await logCall(tier1, { receipt_number: '', type: 'general_question', email: 'wanda@example.com' });
    const path = res.headers.location as string;
    await tier1.agent.get(path);
    const $ = tier1.agent.$;
    const summary = $('main table').first().text();
    expect(summary).toContain('Tier 1');
    expect(summary).toContain('Tina Tier1');
    expect(summary).toMatch(/\d+ days?( \d+ hours?)? left/);
    // The answer is open by default; the toolbar links open one other form each, without JavaScript.
    expect($('main form[action$="/reply"]')).toHaveLength(1);
    expect($('main form[action$="/note"], main form[action$="/resolve"], main form[action$="/escalate"]')).toHaveLength(
      0,
    );
    expect(
      $('#actions a')
        .map((_, a) => $(a).attr('href'))
        .get(),
    ).toEqual(
      ['reply', 'note', 'pause', 'escalate', 'route', 'reassign', 'resolve'].map((a) => `${path}?action=${a}#actions`),
    );
    expect($('#actions a[aria-current="true"]').text()).toBe('Answer');
    await tier1.agent.get(`${path}?action=note`);
    expect(tier1.agent.$('main form[action$="/note"]')).toHaveLength(1);
    expect(tier1.agent.$('main form[action$="/reply"]')).toHaveLength(0);
    // A form answered with an error opens again, with what was typed.
    await tier1.agent.get(`${path}?action=route`);
    expect((await tier1.agent.post(`${path}/route`, { office: '', route_reason: 'Needs the office' })).statusCode).toBe(
      400,
    );
    expect(tier1.agent.$('main form[action$="/route"] #route_reason').text()).toBe('Needs the office');
    // The conversation: the customer's words first.
    expect(tier1.agent.$('.casedesk-conversation li').first().text()).toContain('Wants to know about biometrics.');
    for (const url of [path, `${path}?lang=es`]) {
      await tier1.agent.get(url);
      expect(tier1.agent.$('main').text()).not.toMatch(/\((CC|REP|ACC)-\d+/);
    }
    await tier1.agent.get(`${path}?lang=en`);
  });

  it('reads out the promise of the item type: a lockout is not told 30 business days', async () => {
    const desk = await createStaffMember(t, {
      email: 'hal.desk@agency.example',
      name: 'Hal Desk',
      roles: ['help_desk'],
      ip: '10.12.0.4',
    });
    const visitor = new TestAgent(t.app, '10.12.0.5');
    await visitor.get('/help/technical');
    const sent = await visitor.post('/help/technical', {
      topic: 'locked_out',
      description: 'Locked out after too many codes.',
      name: 'Rosa Díaz',
      email: 'rosa.lock@example.com',
      phone: '',
    });
    const number = new URL(sent.headers.location as string, 'http://x').searchParams.get('number')!;
    await desk.agent.get(`/agent/items/${number}`);
    const script = desk.agent.$('.usa-intro').text();
    expect(script).toContain(`service item number is ${number}`);
    expect(script).not.toContain('30 business days');
    expect(script).toMatch(/by \w+ \d+, \d{4}/);
    // A Contact Center question keeps the urgency and the 30 business days it is under (CC-5).
    const call = await logCall(tier1, { receipt_number: '', type: 'general_question', email: 'gq@example.com' });
    await tier1.agent.get(call.headers.location as string);
    expect(tier1.agent.$('.usa-intro').text()).toContain('not urgent');
    expect(tier1.agent.$('.usa-intro').text()).toContain('30 business days');
  });

  it('verifies a caller who gives the date in another format and the name without accents', async () => {
    const res = await logCall(tier1, { email: 'pena.formats@example.com' });
    const path = `/agent/items/${(res.headers.location as string).split('=')[1]!}`;
    await tier1.agent.get(path);
    expect(tier1.agent.$('main').text()).toContain('The caller is not verified yet');
    const before = await t.deps.database.db.selectFrom('caller_verifications').select('seq').execute();
    // A date that is no date is a typing slip: said at the field, not counted as a failed attempt.
    let post = await tier1.agent.post(`${path}/verify`, {
      caller_role: 'applicant',
      answer_date_of_birth: 'the twelfth',
      answer_family_name: 'Pena',
    });
    expect(post.statusCode).toBe(400);
    expect(tier1.agent.$('#answer_date_of_birth').attr('aria-invalid')).toBe('true');
    expect(await t.deps.database.db.selectFrom('caller_verifications').select('seq').execute()).toHaveLength(
      before.length,
    );
    for (const date of ['04/12/1985', 'April 12, 1985']) {
      await tier1.agent.get(path);
      post = await tier1.agent.post(`${path}/verify`, {
        caller_role: 'applicant',
        answer_date_of_birth: date,
        answer_family_name: 'pena',
      });
      expect(post.headers.location).toBe(`${path}?done=verify`);
    }
    await tier1.agent.get(`${path}?done=verify`);
    expect(tier1.agent.$('main').text()).toContain('The caller was verified');
  });
});

describe('queues and supervisors (issue 15 point 9)', () => {
  let tier1b: StaffPerson;
  let tier2: StaffPerson;
  beforeAll(async () => {
    tier1b = await createStaffMember(t, {
      email: 'tom.tier1@agency.example',
      name: 'Tom Tier1',
      roles: ['tier1'],
      ip: '10.12.0.6',
    });
    tier2 = await createStaffMember(t, {
      email: 'sue.tier2@agency.example',
      name: 'Sue Supervisor',
      roles: ['tier2'],
      ip: '10.12.0.7',
    });
  });

  it("lists a queue's items with the time left, sortable, for those who work the queue", async () => {
    const first = await logCall(tier1, { receipt_number: '', type: 'general_question', email: 'q1@example.com' });
    const numberOf = (location: string) => location.split('/').at(-1)!;
    const n1 = numberOf(first.headers.location as string);
    await tier1.agent.get(first.headers.location as string);
    await tier1.agent.post(`${first.headers.location as string}/reassign`, {
      reassign_to: 'queue:tier1',
      reassign_note: 'Back to the queue',
    });
    t.clock.advance(60_000);
    const urgent = await logCall(tier1, {
      receipt_number: '',
      type: 'general_question',
      email: 'q2@example.com',
      flags: ['urgent'],
    });
    const n2 = numberOf(urgent.headers.location as string);
    await tier1.agent.get('/agent');
    expect(tier1.agent.$('main a[href="/agent/queues/tier1"]')).toHaveLength(1);
    const order = async (sort: string) => {
      await tier1.agent.get(`/agent/queues/tier1?sort=${sort}`);
      return tier1.agent
        .$('main tbody th a')
        .map((_, a) => tier1.agent.$(a).text().slice(1))
        .get()
        .filter((n) => n === n1 || n === n2);
    };
    expect(await order('received')).toEqual([n1, n2]);
    expect(await order('urgent')).toEqual([n2, n1]); // urgent: due within 72 hours, and first
    expect(await order('due')).toEqual([n2, n1]);
    expect(tier1.agent.$('th[aria-sort="ascending"] a').attr('href')).toBe('/agent/queues/tier1?sort=due');
    expect(tier1.agent.$('main tbody').text()).toMatch(/left/);
    expect((await tier1.agent.get('/agent/queues/tier2')).statusCode).toBe(404);
  });

  it('releases or hands an item to a colleague with a note, audited; refuses what is not on offer', async () => {
    const res = await logCall(tier1, { receipt_number: '', type: 'general_question', email: 'hand@example.com' });
    const path = res.headers.location as string;
    await tier1.agent.get(`${path}?action=reassign`);
    const options = tier1.agent
      .$('#reassign_to option')
      .map((_, o) => tier1.agent.$(o).text())
      .get();
    expect(options).toContain('Release to its queue: Tier 1');
    expect(options).toContain('Colleague: Tom Tier1');
    expect(
      (await tier1.agent.post(`${path}/reassign`, { reassign_to: 'queue:tier2', reassign_note: '' })).statusCode,
    ).toBe(400);
    expect(tier1.agent.$('main form[action$="/reassign"]')).toHaveLength(1);
    await tier1.agent.get(path);
    expect(
      (await tier1.agent.post(`${path}/reassign`, { reassign_to: 'person:not-a-colleague', reassign_note: 'x' }))
        .statusCode,
    ).toBe(400);
    await tier1.agent.get(path);
    const handed = await tier1.agent.post(`${path}/reassign`, {
      reassign_to: `person:${tier1b.accountId}`,
      reassign_note: 'Tom knows this case',
    });
    expect(handed.headers.location).toBe(`${path}?done=reassign`);
    await tier1b.agent.get(path);
    expect(tier1b.agent.$('main table').first().text()).toContain('Tom Tier1');
    expect(tier1b.agent.$('.casedesk-conversation').text()).toContain('Tom knows this case');
    const audit = await t.deps.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'subject_id', 'details'])
      .where('action', '=', 'agent.item_reassigned')
      .where('subject_id', '=', path.split('/').at(-1)!)
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(tier1.accountId);
    expect(JSON.stringify(audit.details)).toContain(tier1b.accountId);
    // Tom releases it to the queue: nobody holds it then.
    await tier1b.agent.post(`${path}/reassign`, { reassign_to: 'queue:tier1', reassign_note: 'Next agent please' });
    await tier1b.agent.get(path);
    expect(tier1b.agent.$('main table').first().text()).toContain('Nobody yet');
  });

  it('fills the answer with a saved reply from a knowledge article, and suggests articles to every tier', async () => {
    const res = await logCall(tier1, { receipt_number: '', type: 'case_status', email: 'saved@example.com' });
    const path = res.headers.location as string;
    await tier1.agent.get(path);
    const saved = tier1.agent.$('main a[href*="saved="]').first().attr('href');
    expect(saved).toBeDefined();
    await tier1.agent.get(saved!);
    expect(tier1.agent.$('#message').text().length).toBeGreaterThan(20);
    // Tier 2 gets the articles too (they were Tier 1's only).
    await tier1.agent.post(`${path}/escalate`, { to: 'tier2', escalate_reason: 'Needs Tier 2' });
    await tier2.agent.get(path);
    expect(tier2.agent.$('aside h2').text()).toBe('Knowledge articles');
  });

  it('shows supervisors who holds what and for how long', async () => {
    const res = await logCall(tier1, { receipt_number: '', type: 'general_question', email: 'held@example.com' });
    const number = (res.headers.location as string).split('/').at(-1)!;
    // Taken two hours ago (moving the clock that far would end the agents' sessions).
    await t.deps.database.db
      .updateTable('service_items')
      .set({ claimed_at: new Date(t.clock.now().getTime() - 2 * 3_600_000 - 60_000) })
      .where('number', '=', Number(number))
      .execute();
    expect((await tier1.agent.get('/agent/supervisor')).statusCode).toBe(403);
    await tier2.agent.get('/agent');
    expect(tier2.agent.$('main a[href="/agent/supervisor"]')).toHaveLength(1);
    await tier2.agent.get('/agent/supervisor');
    const byAgent = tier2.agent.$('main table').first().text();
    expect(byAgent).toContain('Tina Tier1');
    const row = tier2.agent.$(`main a[href="/agent/items/${number}"]`).closest('tr').text();
    expect(row).toContain('Tina Tier1');
    expect(row).toMatch(/2 hours/);
  });
});
