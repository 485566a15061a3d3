import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMessage, linkIn, signUpApplicant } from '../../../test/accounts-support.js';
import { TestAgent } from '../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { createStaffMember, type StaffPerson } from '../../../test/staff-support.js';

/** The customer's side of an item (issue 15 point 10): the question by email, the answer on the status page. */

let t: TestApp;
let tier1: StaffPerson;
beforeAll(async () => {
  t = await createTestApp();
  tier1 = await createStaffMember(t, {
    email: 'cora.tier1@agency.example',
    name: 'Cora One',
    roles: ['tier1'],
    ip: '10.15.0.1',
  });
});
afterAll(async () => t?.close());

const worker = () => ({ accountId: tier1.accountId, roles: ['tier1'] as const });

async function newItem(
  email: string,
  channel: 'e_request' | 'secure_message' = 'e_request',
  language: 'en' | 'es' = 'en',
) {
  const { item } = await t.services.serviceItems.createRouted({
    channel,
    type: 'case_inquiry',
    contact: { name: 'Marta Cliente', email },
    language,
    subject: 'Where is my card?',
    description: 'It has been a while.',
  });
  return item;
}

async function statusPage(agent: TestAgent, number: number, email: string, lang = '') {
  await agent.get(`/e-request/status${lang}`);
  const res = await agent.post('/e-request/status', { number: String(number), email });
  expect(res.statusCode).toBe(200);
  return agent.$('main').text();
}

const row = async (id: string) =>
  t.deps.database.db.selectFrom('service_items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('the customer side of an item (issue 15 point 10)', () => {
  it('pausing sends the question by email; the status page shows it and takes the answer, which resumes the clock', async () => {
    const item = await newItem('marta@example.com');
    const dueBefore = item.due_at;
    await t.services.serviceItems.pauseClock(
      item.id,
      worker(),
      'INTERNAL: address mismatch',
      'Which mailing address did you give on your form?',
    );
    const email = await lastMessage(t, 'marta@example.com', 'service_item_question');
    expect(email!.body).toContain('Which mailing address did you give on your form?');
    expect(email!.body).toContain('/e-request/status');
    expect(email!.body).toContain(String(item.number));

    const agent = new TestAgent(t.app, '10.15.1.1');
    const page = await statusPage(agent, item.number, 'marta@example.com');
    expect(page).toContain('We need information from you');
    expect(page).toContain('Which mailing address did you give on your form?');
    expect(page).not.toContain('INTERNAL');
    expect(agent.$('form[action="/e-request/status/answer"] textarea[name="message"]').length).toBe(1);

    // Empty answers are refused, with the form kept.
    const empty = await agent.post('/e-request/status/answer', {
      number: String(item.number),
      email: 'marta@example.com',
      message: '  ',
    });
    expect(empty.statusCode).toBe(400);
    expect(agent.errorSummary()).toEqual(['Write your answer']);

    // Three business days later the customer answers: the clock starts again and the due date moves.
    t.clock.advance(3 * 86_400_000);
    const res = await agent.post('/e-request/status/answer', {
      number: String(item.number),
      email: 'marta@example.com',
      message: '123 Main St, Springfield',
    });
    expect(res.statusCode).toBe(200);
    expect(agent.$('main').text()).toContain('We received your answer and will continue with your request.');
    expect(agent.$('main').text()).toContain('123 Main St, Springfield');
    const after = await row(item.id);
    expect(after.sla_paused_at).toBeNull();
    expect(after.status).toBe('in_progress');
    expect(after.due_at.getTime()).toBeGreaterThan(dueBefore.getTime());
    const kinds = (await t.services.serviceItems.timeline(item.id)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['sla_paused', 'question', 'sla_resumed', 'customer_message']));

    // A wrong email answers nothing, as the status lookup.
    const wrong = await agent.post('/e-request/status/answer', {
      number: String(item.number),
      email: 'someone@example.com',
      message: 'Let me in',
    });
    expect(wrong.statusCode).toBe(404);
  });

  it('says "Answered" once an answer was sent, and the Spanish page says it too', async () => {
    const item = await newItem('pablo@example.com', 'e_request', 'es');
    await t.services.serviceItems.reply(item.id, worker(), 'Your card was mailed on Monday.');
    const agent = new TestAgent(t.app, '10.15.1.2');
    const page = await statusPage(agent, item.number, 'pablo@example.com');
    expect(agent.$('.casedesk-answered').text()).toBe('Answered');
    expect(page).toContain('Your card was mailed on Monday.');
    const es = await statusPage(agent, item.number, 'pablo@example.com', '?lang=es');
    expect(es).toContain('Respondida');
  });

  it("the agent console's pause form takes the question for the customer", async () => {
    const item = await newItem('teo@example.com');
    const path = `/agent/items/${item.number}`;
    // The clock has moved days on in the tests above, past a staff session's life: a fresh sign-in.
    const agentNow = await createStaffMember(t, {
      email: 'dora.tier1@agency.example',
      name: 'Dora One',
      roles: ['tier1'],
      ip: '10.15.0.3',
    });
    await agentNow.agent.get(`${path}?action=pause`);
    expect(agentNow.agent.$(`form[action="${path}/pause"] textarea[name="question"]`).length).toBe(1);
    const res = await agentNow.agent.post(`${path}/pause`, {
      reason: 'Needs the date of the notice',
      question: 'What date is printed on your notice?',
    });
    expect(res.statusCode).toBe(303);
    const email = await lastMessage(t, 'teo@example.com', 'service_item_question');
    expect(email!.body).toContain('What date is printed on your notice?');
    expect(email!.body).not.toContain('Needs the date');
  });

  it('a pause without a question is internal: no email, nothing new on the status page', async () => {
    const item = await newItem('nora@example.com');
    await t.services.serviceItems.pauseClock(item.id, worker(), 'Waiting for the records unit');
    expect(await lastMessage(t, 'nora@example.com', 'service_item_question')).toBeUndefined();
    const page = await statusPage(new TestAgent(t.app, '10.15.1.4'), item.number, 'nora@example.com');
    expect(page).not.toContain('Waiting for the records unit');
  });

  it("an escalated secure message's email links to its thread, not to the e-Request status page", async () => {
    const item = await newItem('ines@example.com', 'secure_message');
    await t.services.serviceItems.escalate(item.id, worker(), 'Needs an officer');
    const email = await lastMessage(t, 'ines@example.com', 'service_item_escalated');
    expect(email!.body).toContain(`/account/messages/${item.number}`);
    expect(email!.body).not.toContain('/e-request/status');
  });

  it("a secure message's question stays behind sign-in: the email only links to the thread", async () => {
    const item = await newItem('olga@example.com', 'secure_message');
    await t.services.serviceItems.pauseClock(item.id, worker(), 'Needs the A-Number', 'Your A-Number, please');
    const email = await lastMessage(t, 'olga@example.com', 'service_item_question_notice');
    expect(email!.body).toContain(`/account/messages/${item.number}`);
    expect(email!.body).not.toContain('A-Number');
  });

  it('a resolved item emails a one-question satisfaction survey, answered once', async () => {
    const item = await newItem('sara@example.com');
    await t.services.serviceItems.resolve(item.id, worker(), 'answered', 'Told her the status.');
    const email = await lastMessage(t, 'sara@example.com', 'service_item_resolved');
    expect(email!.body).toContain(String(item.number));
    const link = linkIn(email!.body, '/survey/service-item?token=');
    const visitor = new TestAgent(t.app, '10.15.1.3');
    expect((await visitor.get(link)).statusCode).toBe(200);
    expect(visitor.$('legend').text()).toContain(
      `How satisfied are you with how we handled your request #${item.number}?`,
    );
    expect(visitor.$('input[name="rating"]').length).toBe(5);
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    let res = await visitor.post('/survey/service-item', { token });
    expect(res.statusCode).toBe(400);
    expect(visitor.errorSummary()).toEqual(['Choose how satisfied you are']);
    res = await visitor.post('/survey/service-item', { token, rating: '4' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/survey/thanks');
    const response = await t.deps.database.db
      .selectFrom('survey_responses')
      .selectAll()
      .where('survey', '=', 'service_item')
      .executeTakeFirstOrThrow();
    expect(response.rating).toBe(4);
    expect(Number(response.service_item_number)).toBe(item.number);
    // The link works once.
    expect((await visitor.get(link)).statusCode).toBe(404);
    expect(visitor.$('h1').text()).toBe('This survey link no longer works');
    await visitor.get(`${link.replace('token=', 'lang=es&token=')}`);
    expect(visitor.$('h1').text()).toBe('Este enlace de encuesta ya no funciona');
  });

  it('a request sent while signed in is answered on the status page too; an item without an email is never found', async () => {
    const signedIn = await signUpApplicant(t, 'uma.account@example.com', '10.15.2.1');
    const { item } = await t.services.serviceItems.createRouted({
      channel: 'e_request',
      type: 'case_inquiry',
      accountId: signedIn.accountId,
      contact: { name: 'Uma Cuenta', email: 'uma.account@example.com' },
      language: 'en',
      subject: 'Where is my card?',
      description: 'Sent from my account.',
    });
    await t.services.serviceItems.pauseClock(item.id, worker(), 'Needs the date', 'Which date is on your notice?');
    const email = await lastMessage(t, 'uma.account@example.com', 'service_item_question');
    expect(email!.body).toContain('/e-request/status');
    expect(await statusPage(new TestAgent(t.app, '10.15.2.2'), item.number, 'uma.account@example.com')).toContain(
      'Which date is on your notice?',
    );
    // A call logged without an email: neither the number with no email nor with any email finds it, and the agent
    // cannot send it a question that would go nowhere.
    const { item: call } = await t.services.serviceItems.createRouted({
      channel: 'phone',
      type: 'case_inquiry',
      contact: { name: 'Victor Voz', email: '' },
      language: 'en',
      subject: 'Called about a card',
      description: 'Wanted the status.',
    });
    expect(await t.services.eRequest.status(String(call.number), '')).toBeUndefined();
    const visitor = new TestAgent(t.app, '10.15.2.3');
    await visitor.get('/e-request/status');
    const res = await visitor.post('/e-request/status/answer', { number: String(call.number), email: '', message: '' });
    expect(res.statusCode).toBe(404);
    await expect(
      t.services.serviceItems.pauseClock(call.id, worker(), 'Call back later', 'A question by email?'),
    ).rejects.toMatchObject({ code: 'no_email' });
  });

  it('a Section 1367 item is never handed to a named colleague, whatever the caller asks (CC-6)', async () => {
    const { item } = await t.services.serviceItems.createRouted({
      channel: 'e_request',
      type: 'case_inquiry',
      section1367: true,
      contact: { name: 'Wanda Privada', email: 'wanda@example.com' },
      language: 'en',
      subject: 'My case',
      description: 'A protected matter.',
    });
    const tier3 = { accountId: tier1.accountId, roles: ['tier3'] as const };
    await expect(
      t.services.serviceItems.reassign(item.id, tier3, { ownerId: tier1.accountId }, 'Please take this one'),
    ).rejects.toMatchObject({ code: 'no_queue' });
  });
});
