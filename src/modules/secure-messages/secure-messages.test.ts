import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineAccountNumber, signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';

let t: TestApp;
let ana: Applicant;
let ben: Applicant;
const ONLINE = 'IOE0933300001';
const PROTECTED = 'IOE0933300002';
const worker = { accountId: '', roles: ['tier1'] as string[] };

beforeAll(async () => {
  t = await createTestApp();
  ana = await signUpApplicant(t, 'ana.messages@example.com', '10.13.0.1');
  ben = await signUpApplicant(t, 'ben.messages@example.com', '10.13.0.2');
  const oan = await onlineAccountNumber(t, ana.accountId);
  const res = await postCaseEvents(t, [
    caseEvent('sm-1', ONLINE, 'case_received', '2026-09-01T15:00:00Z', {
      formCode: 'I-765',
      channel: 'online',
      onlineAccountNumber: oan,
    }),
    caseEvent('sm-2', PROTECTED, 'case_received', '2026-09-01T15:00:00Z', {
      formCode: 'I-485',
      channel: 'online',
      onlineAccountNumber: oan,
    }),
    caseEvent('sm-3', PROTECTED, 'protection_updated', '2026-09-02T15:00:00Z', { section1367: true }),
  ]);
  expect(res.statusCode).toBe(200);
  worker.accountId = ana.accountId; // any account id will do for the agent's actions in these tests
});
afterAll(async () => t?.close());

const itemOf = async (number: string) => (await t.services.serviceItems.byNumber(number))!;

describe('secure messages (issue 5 item 5, CASE-3)', () => {
  it('starts a thread from the case card: a routed service item the person follows in Messages', async () => {
    await ana.agent.get(`/account/cases/${ONLINE}`);
    expect(ana.agent.$(`a[href="/account/cases/${ONLINE}/messages"]`).text()).toBe('Messages');
    await ana.agent.get(`/account/cases/${ONLINE}/messages`);
    let res = await ana.agent.post(`/account/cases/${ONLINE}/messages`, { subject: '', message: 'x' });
    expect(res.statusCode).toBe(400);
    expect(ana.agent.$('#subject').attr('aria-invalid')).toBe('true');
    res = await ana.agent.post(`/account/cases/${ONLINE}/messages`, {
      subject: 'My new address',
      message: 'I moved to 1 Main St.',
      _csrf: ana.agent.$('input[name=_csrf]').first().val() as string,
    });
    expect(res.statusCode).toBe(303);
    const number = (res.headers.location as string).match(/\/account\/messages\/(\d+)\?sent=1/)![1]!;
    const item = await itemOf(number);
    expect(item).toMatchObject({
      channel: 'secure_message',
      queue: 'tier1',
      account_id: ana.accountId,
      receipt_number: ONLINE,
      sla_policy: 'non_urgent',
    });
    await ana.agent.get('/account/messages');
    expect(ana.agent.$('main table').text()).toContain('My new address');
    expect(ana.agent.$('main table').text()).toContain('Waiting for our answer');
    expect(ana.agent.$('nav[aria-label="Account menu"] a[aria-current="page"]').text()).toBe('Messages');
    // Nobody else sees the thread, or writes about Ana's case.
    expect((await ben.agent.get(`/account/messages/${number}`)).statusCode).toBe(404);
    expect((await ben.agent.get(`/account/cases/${ONLINE}/messages`)).statusCode).toBe(404);
  });

  it('shows the agency answer (never internal notes), emails a notice with the link, and restarts a paused clock when the person answers', async () => {
    const number = (await t.services.secureMessages.threads(ana.accountId))[0]!.number;
    const item = await itemOf(number);
    await t.services.serviceItems.note(item.id, worker, 'INTERNAL: check the address history');
    await t.services.serviceItems.reply(item.id, worker, 'Please confirm your apartment number.');
    await t.services.serviceItems.pauseClock(item.id, worker, 'Waiting for the apartment number');
    // The email says there is an answer and links the thread; the answer itself stays behind sign-in.
    const mail = await t.deps.database.db
      .selectFrom('notification_messages')
      .select(['template', 'body'])
      .where('recipient', '=', 'ana.messages@example.com')
      .where('template', 'like', 'service_item_reply%')
      .executeTakeFirstOrThrow();
    expect(mail.template).toBe('service_item_reply_notice');
    expect(mail.body).toContain(`/account/messages/${number}`);
    expect(mail.body).not.toContain('apartment number');
    // Nor can the thread be read on the public e-Request status page with the number and the email.
    expect(await t.services.eRequest.status(number, 'ana.messages@example.com')).toBeUndefined();
    await ana.agent.get(`/account/messages/${number}`);
    const text = ana.agent.$('main').text();
    expect(text).toContain('Please confirm your apartment number.');
    expect(text).not.toContain('INTERNAL');
    await ana.agent.get('/account/messages');
    expect(ana.agent.$('main table').text()).toContain('Answered');
    await ana.agent.get(`/account/messages/${number}`);
    const res = await ana.agent.post(`/account/messages/${number}`, { message: 'Apartment 4B.' });
    expect(res.statusCode).toBe(303);
    const after = await itemOf(number);
    expect(after.sla_paused_at).toBeNull();
    expect(after.status).not.toBe('waiting_on_customer');
    const kinds = (await t.services.serviceItems.timeline(item.id)).map((e) => e.kind);
    expect(kinds.slice(-2)).toEqual(['sla_resumed', 'customer_message']);
    await ana.agent.get(`/account/messages/${number}`);
    expect(ana.agent.$('.casedesk-thread li')).toHaveLength(3);
  });

  it('closes with the item: no answer form, and posting is refused with a way to start again', async () => {
    const number = (await t.services.secureMessages.threads(ana.accountId))[0]!.number;
    await t.services.serviceItems.resolve((await itemOf(number)).id, worker, 'answered', '');
    await ana.agent.get(`/account/messages/${number}`);
    expect(ana.agent.$('textarea[name=message]')).toHaveLength(0);
    expect(ana.agent.$(`a[href="/account/cases/${ONLINE}/messages"]`)).toHaveLength(1);
    expect((await t.services.secureMessages.reply(ana.accountId, number, 'one more thing')).ok).toBe(false);
  });

  it('marks answers unread until the person opens the thread, in the inbox and on the account home', async () => {
    const start = await t.services.secureMessages.start(ana.accountId, ONLINE, {
      subject: 'Where is my card?',
      message: 'It was approved a month ago.',
    });
    const number = (start as { number: string }).number;
    const item = await itemOf(number);
    const inboxRow = async (lang: 'en' | 'es' = 'en') => {
      await ana.agent.get(`/account/messages?lang=${lang}`);
      return ana.agent
        .$('main table tbody tr')
        .filter((_, tr) => ana.agent.$(tr).find(`a[href="/account/messages/${number}"]`).length > 0);
    };
    const homeLinks = async () => {
      await ana.agent.get('/account?lang=en');
      return ana.agent.$(`#action-needed a[href="/account/messages/${number}"]`);
    };
    // The person's own message is nothing to read.
    expect((await inboxRow()).find('.usa-tag')).toHaveLength(0);
    expect(await homeLinks()).toHaveLength(0);

    t.clock.advance(60_000);
    await t.services.serviceItems.reply(item.id, worker, 'We mailed it on Monday.');
    t.clock.advance(60_000);
    expect((await inboxRow()).find('.usa-tag').text()).toBe('Unread');
    expect((await inboxRow('es')).find('.usa-tag').text()).toBe('Sin leer');
    const home = await homeLinks();
    expect(home).toHaveLength(1);
    expect(home.closest('li').find('.usa-tag').text()).toBe('Unread');
    expect((await t.services.secureMessages.threads(ana.accountId)).find((th) => th.number === number)?.unread).toBe(
      true,
    );

    // Opening the thread reads it.
    await ana.agent.get(`/account/messages/${number}`);
    expect(ana.agent.$('main').text()).toContain('We mailed it on Monday.');
    expect((await itemOf(number)).customer_read_at).toEqual(t.clock.now());
    expect((await inboxRow()).find('.usa-tag')).toHaveLength(0);
    expect(await homeLinks()).toHaveLength(0);
    // Another person opening it reads nothing for Ana (404), and reading does not move back in time.
    expect((await ben.agent.get(`/account/messages/${number}`)).statusCode).toBe(404);

    // A later answer, or a question while the clock waits on her, is unread again; an internal note is not.
    t.clock.advance(60_000);
    await t.services.serviceItems.note(item.id, worker, 'INTERNAL: card returned by the post office?');
    t.clock.advance(60_000);
    expect(await homeLinks()).toHaveLength(0);
    await t.services.serviceItems.pauseClock(item.id, worker, 'Address check', 'Is your address still 1 Main St.?');
    t.clock.advance(60_000);
    expect((await inboxRow()).find('.usa-tag').text()).toBe('Unread');
    expect(await homeLinks()).toHaveLength(1);
    await ana.agent.get(`/account/messages/${number}`);
    expect(await homeLinks()).toHaveLength(0);
  });

  it('sends threads about a Section 1367 case to Tier 3 only, and speaks Spanish', async () => {
    const result = await t.services.secureMessages.start(ana.accountId, PROTECTED, {
      subject: 'Mi caso',
      message: 'Una pregunta.',
    });
    expect(result.ok).toBe(true);
    const item = await itemOf((result as { number: string }).number);
    expect(item).toMatchObject({ queue: 'tier3', section_1367: true });
    await ana.agent.get('/account/messages?lang=es');
    expect(ana.agent.$('h1').text()).toBe('Mensajes');
    await ana.agent.get('/account/messages?lang=en');
  });
});
