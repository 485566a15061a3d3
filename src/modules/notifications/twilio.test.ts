import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { deliveryJobFor } from './service.js';

/** The queue of these tests' messages (test_message: urgent, see DELIVERY_CLASS). */
const deliverMessageJob = deliveryJobFor('test_message');
import { twilioSignature } from './signature.js';
import {
  readMessage,
  startFakeTwilio,
  statusHistory,
  waitFor,
  type FakeTwilio,
} from '../../../test/notifications-support.js';

/**
 * Texts through the Twilio-compatible adapter against a local fake of the Messages API, delivered by the real
 * workers, and the provider's signed status reports at /hooks/sms/twilio/status.
 */

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
const FROM = '+12025550199';
const PUBLIC_URL = 'https://casedesk.example.gov';
const CALLBACK_URL = `${PUBLIC_URL}/hooks/sms/twilio/status`;

let fake: FakeTwilio;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  t = await createTestApp({
    env: {
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM: FROM,
      TWILIO_BASE_URL: fake.baseUrl,
      CASEDESK_PUBLIC_URL: PUBLIC_URL,
    },
    jobOptions: { pollingIntervalSeconds: 0.5, retryDelaySeconds: 1 },
  });
  await t.deps.jobs.work();
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

async function jobOf(messageId: string): Promise<{ state: string; retry_count: number } | undefined> {
  const result = await sql<{ state: string; retry_count: number }>`
    SELECT state, retry_count FROM pgboss.job WHERE name = ${deliverMessageJob.name} AND data->>'messageId' = ${messageId}`.execute(
    t.deps.database.db,
  );
  return result.rows[0];
}

/** Queues a text and waits until the workers are done with it (sent or failed, job completed). */
async function sendText(to: string, language: 'en' | 'es' = 'en') {
  const id = await t.services.notifications.queueSms(t.deps.database.db, {
    to,
    template: 'test_message',
    language,
    params: {},
  });
  await waitFor(`the text to ${to} to be finished`, async () => {
    const m = await readMessage(t, id);
    return (m.status === 'sent' || m.status === 'failed') && (await jobOf(id))?.state === 'completed';
  });
  return { id, message: await readMessage(t, id), requests: fake.requests.filter((r) => r.form.To === to) };
}

describe('Twilio-compatible SMS adapter', () => {
  it('posts the text with Basic auth and the form fields, and stores the provider sid (201)', async () => {
    const { id, message, requests } = await sendText('+12025550101', 'es');
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(request.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.form).toEqual({
      To: '+12025550101',
      From: FROM,
      Body: 'Mensaje de prueba de Casedesk: los mensajes de texto funcionan. No tiene que hacer nada.',
      StatusCallback: CALLBACK_URL,
    });
    expect(message).toMatchObject({ status: 'sent', attempts: 1, transport: 'twilio', status_reason: null });
    expect(message.provider_message_id).toMatch(/^SM\d{32}$/);
    expect(await statusHistory(t, id)).toEqual(['queued', 'sending', 'sent']);
  });

  it('marks the text failed without retrying when the provider refuses it (400)', async () => {
    fake.answers.push({
      status: 400,
      body: { code: 21211, message: "The 'To' number +1202555 is not a valid phone number.", status: 400 },
    });
    const { id, message, requests } = await sendText('+1202555');
    expect(requests).toHaveLength(1);
    expect(message).toMatchObject({
      status: 'failed',
      attempts: 1,
      transport: 'twilio',
      provider_message_id: null,
      status_reason: "SMS provider 400 (21211): The 'To' number +1202555 is not a valid phone number.",
    });
    expect(await jobOf(id)).toEqual({ state: 'completed', retry_count: 0 });
  });

  it('retries when the provider is unavailable (503) and sends once it answers', async () => {
    fake.answers.push({ status: 503, body: { code: 20503, message: 'Service Unavailable', status: 503 } });
    const { id, message, requests } = await sendText('+12025550103');
    expect(requests).toHaveLength(2);
    expect(message).toMatchObject({ status: 'sent', attempts: 2, transport: 'twilio', status_reason: null });
    expect(await jobOf(id)).toEqual({ state: 'completed', retry_count: 1 });
    const events = await t.deps.database.db
      .selectFrom('notification_status_events')
      .select(['status', 'reason'])
      .where('message_id', '=', id)
      .orderBy('id')
      .execute();
    expect(events).toEqual([
      { status: 'queued', reason: null },
      { status: 'sending', reason: null },
      { status: 'queued', reason: 'retrying: SMS provider 503 (20503): Service Unavailable' },
      { status: 'sending', reason: null },
      { status: 'sent', reason: null },
    ]);
  });
});

describe('provider status reports (POST /hooks/sms/twilio/status)', () => {
  /** Posts a report as Twilio does: form body, signed over the callback URL and every parameter. */
  async function report(
    params: Record<string, string>,
    options: { signature?: string | null; signedParams?: Record<string, string>; signedUrl?: string } = {},
  ) {
    const signature =
      options.signature === null
        ? undefined
        : (options.signature ??
          twilioSignature(AUTH_TOKEN, options.signedUrl ?? CALLBACK_URL, options.signedParams ?? params));
    return t.app.inject({
      method: 'POST',
      url: '/hooks/sms/twilio/status',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature ? { 'x-twilio-signature': signature } : {}),
      },
      payload: new URLSearchParams(params).toString(),
    });
  }

  const reportFor = (sid: string, to: string, status: string, extra: Record<string, string> = {}) => ({
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    From: FROM,
    To: to,
    MessageSid: sid,
    SmsSid: sid,
    MessageStatus: status,
    SmsStatus: status,
    ...extra,
  });

  async function snapshot(id: string) {
    return { message: await readMessage(t, id), events: await statusHistory(t, id) };
  }

  it('moves a sent text to delivered with a valid signature, and ignores a late "sent" afterwards', async () => {
    const { id, message } = await sendText('+12025550104');
    const sid = message.provider_message_id!;

    const res = await report(reportFor(sid, '+12025550104', 'delivered'));
    expect(res.statusCode).toBe(204);
    const delivered = await readMessage(t, id);
    expect(delivered).toMatchObject({ status: 'delivered', status_reason: null });
    expect(delivered.delivered_at).toBeInstanceOf(Date);

    const late = await report(reportFor(sid, '+12025550104', 'sent'));
    expect(late.statusCode).toBe(204);
    expect((await readMessage(t, id)).status).toBe('delivered');
    expect(await statusHistory(t, id)).toEqual(['queued', 'sending', 'sent', 'delivered']);
  });

  it('refuses a report with a missing or wrong signature with 403 and changes nothing', async () => {
    const { id, message } = await sendText('+12025550105');
    const params = reportFor(message.provider_message_id!, '+12025550105', 'delivered');
    const before = await snapshot(id);

    const attempts = [
      await report(params, { signature: null }), // no header
      await report(params, { signature: twilioSignature('another-token', CALLBACK_URL, params) }), // wrong key
      await report(params, { signedUrl: `${PUBLIC_URL}/hooks/sms/twilio/other` }), // signed for another URL
      await report(params, { signedParams: { ...params, MessageStatus: 'sent', SmsStatus: 'sent' } }), // body changed after signing
      await report(params, { signature: 'not base64 at all' }),
    ];
    for (const res of attempts) {
      expect(res.statusCode).toBe(403);
      expect(res.body).toBe('Invalid signature');
    }
    expect(await snapshot(id)).toEqual(before);
    expect(before.message.status).toBe('sent');
  });

  it('acknowledges a report for an unknown MessageSid with 204 and changes nothing', async () => {
    const countRows = async () => {
      const r = await sql<{ m: number; e: number }>`
        SELECT (SELECT count(*)::int FROM notification_messages) AS m, (SELECT count(*)::int FROM notification_status_events) AS e`.execute(
        t.deps.database.db,
      );
      return r.rows[0];
    };
    const before = await countRows();
    const maxUpdated = await t.deps.database.db
      .selectFrom('notification_messages')
      .select((eb) => eb.fn.max('updated_at').as('u'))
      .executeTakeFirst();
    const res = await report(reportFor('SM99999999999999999999999999999999', '+12025550199', 'delivered'));
    expect(res.statusCode).toBe(204);
    expect(await countRows()).toEqual(before);
    expect(
      await t.deps.database.db
        .selectFrom('notification_messages')
        .select((eb) => eb.fn.max('updated_at').as('u'))
        .executeTakeFirst(),
    ).toEqual(maxUpdated);
  });

  it('marks an undelivered text failed with the provider error code in the reason', async () => {
    const { id, message } = await sendText('+12025550106');
    const res = await report(
      reportFor(message.provider_message_id!, '+12025550106', 'undelivered', { ErrorCode: '30003' }),
    );
    expect(res.statusCode).toBe(204);
    expect(await readMessage(t, id)).toMatchObject({
      status: 'failed',
      status_reason: 'provider reported undelivered (error 30003)',
    });
    expect(await statusHistory(t, id)).toEqual(['queued', 'sending', 'sent', 'failed']);
  });

  it('answers 400 to a signed report without a sid or a status', async () => {
    const res = await report({ AccountSid: ACCOUNT_SID, MessageStatus: 'delivered' });
    expect(res.statusCode).toBe(400);
  });
});
