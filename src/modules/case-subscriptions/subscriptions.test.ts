import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMessage, linkIn } from '../../../test/accounts-support.js';
import { TestAgent } from '../../../test/agent.js';
import { apiToken, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { twilioSignature } from '../notifications/index.js';
import { CONFIRM_TTL_MS } from './service.js';

const AUTH_TOKEN = 'twilio-test-auth-token-0123456789';
const PUBLIC_URL = 'https://casedesk.example.gov';
let t: TestApp;
let token: string;
beforeAll(async () => {
  // Texts go to a Twilio-compatible provider (never reached: no worker runs here), so the inbound hook has a key.
  t = await createTestApp({
    env: {
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC0000',
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM: '+12025550000',
      TWILIO_BASE_URL: 'http://127.0.0.1:9',
      CASEDESK_PUBLIC_URL: PUBLIC_URL,
    },
  });
  token = (await apiToken(t, ['case_events:write'])).token;
});
afterAll(async () => t?.close());

const count = async (table: 'case_subscriptions' | 'notification_messages') =>
  Number(
    (
      await t.deps.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
let serial = 0;
async function event(receiptNumber: string, type: string, day: string, payload: Record<string, unknown> = {}) {
  const res = await postCaseEvents(
    t,
    [{ id: `sub-${serial++}`, receiptNumber, type, occurredAt: `${day}T15:00:00Z`, payload }],
    token,
  );
  expect(res.statusCode, res.body).toBe(200);
}
async function subscribe(agent: TestAgent, fields: Record<string, string>) {
  await agent.get(`/case-status/subscribe?receipt_number=${fields.receipt_number ?? ''}`);
  return agent.post('/case-status/subscribe', fields);
}
async function inbound(from: string, body: string, signature?: string) {
  const params = { From: from, Body: body, To: '+12025550000' };
  const url = '/hooks/sms/twilio/inbound';
  return t.app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature ?? twilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${url}`, params),
    },
    payload: new URLSearchParams(params).toString(),
  });
}

describe('case status updates without an account (CASE-8)', () => {
  it('follows a receipt number by email once confirmed, with an unsubscribe link in every update', async () => {
    const agent = new TestAgent(t.app, '10.22.0.1');
    await agent.get('/case-status?receipt_number=EAC9999103403');
    expect(agent.$('a[href="/case-status/subscribe?receipt_number=EAC9999103403"]')).toHaveLength(1);
    const res = await subscribe(agent, {
      receipt_number: 'EAC9999103403',
      channel: 'email',
      email: 'Follower@Example.com',
    });
    expect(res.headers.location).toBe('/case-status/subscribe/sent?channel=email');
    // Not confirmed yet: a change sends nothing but the confirmation.
    await event('EAC9999103403', 'interview_scheduled', '2026-11-21');
    expect(await lastMessage(t, 'follower@example.com', 'case_status_public')).toBeUndefined();
    const confirm = linkIn(
      (await lastMessage(t, 'follower@example.com', 'subscription_confirm'))!.body,
      '/case-status/subscriptions/confirm?token=',
    );
    await agent.get(confirm);
    await agent.post('/case-status/subscriptions/confirm', { token: agent.$('input[name=token]').val() as string });
    expect(agent.$('h1').text()).toBe('Updates confirmed');
    expect((await agent.get(confirm)).statusCode).toBe(410);
    await event('EAC9999103403', 'interview_completed', '2026-11-22');
    const update = await lastMessage(t, 'follower@example.com', 'case_status_public');
    expect(update!.subject).toBe('Case EAC9999103403: Interview Was Completed And My Case Must Be Reviewed');
    // The status text sends people to this service's change of address page, not the agency's (issue 15 point 3).
    expect(update!.body).toContain(`If you move, go to ${PUBLIC_URL}/account/address to give us`);
    expect(update!.body).not.toContain('uscis.gov');
    const unsubscribe = linkIn(update!.body, '/case-status/subscriptions/unsubscribe?token=');
    await agent.get(unsubscribe);
    await agent.post('/case-status/subscriptions/unsubscribe', { token: agent.$('input[name=token]').val() as string });
    expect(agent.$('h1').text()).toBe('Updates stopped');
    const before = await count('notification_messages');
    await event('EAC9999103403', 'approved', '2026-11-23');
    expect(await lastMessage(t, 'follower@example.com', 'case_status_public')).toMatchObject({
      subject: update!.subject,
    });
    expect(await count('notification_messages')).toBe(before);
  });

  it('says what is wrong, stores nothing, and does not follow unknown or Section 1367 cases', async () => {
    const before = await count('case_subscriptions');
    const agent = new TestAgent(t.app, '10.22.0.2');
    const cases: [Record<string, string>, string][] = [
      [
        { receipt_number: 'EAC99', channel: 'email', email: 'a@example.com' },
        'Enter a receipt number: 3 letters and 10 numbers, like EAC2190000049',
      ],
      [
        { receipt_number: 'EAC0000000001', channel: 'email', email: 'a@example.com' },
        'We could not find a case with this receipt number. Check it and try again.',
      ],
      [{ receipt_number: 'EAC9999103403', channel: 'pigeon', email: 'a@example.com' }, 'Choose email or text message'],
      [
        { receipt_number: 'EAC9999103403', channel: 'email', email: 'nope' },
        'Enter an email address in the format name@example.com',
      ],
      [
        { receipt_number: 'EAC9999103403', channel: 'sms', phone: '12' },
        'Enter a mobile phone number like 202-555-0123',
      ],
    ];
    for (const [fields, message] of cases) {
      expect((await subscribe(agent, fields)).statusCode).toBe(400);
      expect(agent.errorSummary()).toEqual([message]);
    }
    await event('IOE0955500001', 'case_received', '2026-11-01', { formCode: 'I-485' });
    await event('IOE0955500001', 'protection_updated', '2026-11-02', { section1367: true });
    await subscribe(agent, { receipt_number: 'IOE0955500001', channel: 'email', email: 'a@example.com' });
    expect(agent.errorSummary()).toEqual([
      'We could not find a case with this receipt number. Check it and try again.',
    ]);
    expect(await count('case_subscriptions')).toBe(before);
  });

  it('texts: STOP ends them and blocks the number until START; HELP explains; a bad signature is refused', async () => {
    const agent = new TestAgent(t.app, '10.22.0.4');
    await subscribe(agent, { receipt_number: 'SRC9999102777', channel: 'sms', phone: '(202) 555-0177' });
    const confirmText = await lastMessage(t, '+12025550177', 'subscription_confirm');
    expect(confirmText!.body).toContain('Reply STOP');
    const confirm = linkIn(confirmText!.body, '/case-status/subscriptions/confirm?token=');
    await agent.get(confirm);
    await agent.post('/case-status/subscriptions/confirm', { token: agent.$('input[name=token]').val() as string });
    await event('SRC9999102777', 'card_being_produced', '2026-11-22');
    expect((await lastMessage(t, '+12025550177', 'case_status_public'))!.body).toContain('Reply STOP');

    expect((await inbound('+12025550177', 'stop', 'forged')).statusCode).toBe(403);
    const help = await inbound('+12025550177', 'HELP');
    expect(help.body).toContain('Reply STOP to stop');
    const stop = await inbound('+12025550177', 'STOP');
    expect(stop.headers['content-type']).toContain('text/xml');
    expect(stop.body).toContain('You will get no more texts');
    const sub = await t.deps.database.db
      .selectFrom('case_subscriptions')
      .select('cancelled_at')
      .where('address', '=', '+12025550177')
      .executeTakeFirstOrThrow();
    expect(sub.cancelled_at).not.toBeNull();
    // Any text to the number now fails at delivery, and it cannot follow a case again before START.
    const queued = await t.services.notifications.queueSms(t.deps.database.db, {
      to: '+12025550177',
      template: 'test_message',
      language: 'en',
      params: {},
    });
    await t.services.notifications.deliver(queued, { jobId: 'x', retryCount: 0, retryLimit: 3 });
    const message = await t.deps.database.db
      .selectFrom('notification_messages')
      .select(['status', 'status_reason'])
      .where('id', '=', queued)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({ status: 'failed', status_reason: 'the number replied STOP' });
    await subscribe(agent, { receipt_number: 'SRC9999102777', channel: 'sms', phone: '202-555-0177' });
    expect(agent.errorSummary()[0]).toContain('text START');
    expect((await inbound('+12025550177', 'START')).body).toContain('again');
    expect(
      (await subscribe(agent, { receipt_number: 'SRC9999102777', channel: 'sms', phone: '202-555-0177' })).statusCode,
    ).toBe(303);
    // Spanish keywords answer in Spanish.
    expect((await inbound('+12025550188', 'PARAR')).body).toContain('No recibirá más textos');
  });

  it('the pages exist in Spanish', async () => {
    const agent = new TestAgent(t.app, '10.22.0.5');
    await agent.get('/case-status/subscribe?receipt_number=EAC9999103403&lang=es');
    expect(agent.$('h1').text()).toBe('Reciba actualizaciones del estado del caso');
  });
  it('a confirmation link lasts 24 hours', async () => {
    const agent = new TestAgent(t.app, '10.22.0.3');
    await subscribe(agent, { receipt_number: 'LIN9999106498', channel: 'email', email: 'late@example.com' });
    const confirm = linkIn(
      (await lastMessage(t, 'late@example.com', 'subscription_confirm'))!.body,
      '/case-status/subscriptions/confirm?token=',
    );
    t.clock.advance(CONFIRM_TTL_MS + 1000);
    expect((await agent.get(confirm)).statusCode).toBe(410);
  });
});
