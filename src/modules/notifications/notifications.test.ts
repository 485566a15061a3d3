import * as cheerio from 'cheerio';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { deliverMessageJob, deliverUrgentMessageJob } from './jobs.js';
import { deliveryJobFor } from './service.js';
import { twilioSignature } from './signature.js';
import { readMessage, statusHistory } from '../../../test/notifications-support.js';
import type { Mailer, OutgoingEmail, SendResult } from './transports.js';

/** The notification service on its own: idempotent delivery, retries and the last try, transactional enqueue, /dev/outbox. */

/** A mailer that records what it is asked to send; `failWith` makes it fail (temporarily) instead. */
class RecordingMailer implements Mailer {
  readonly transport = 'recording';
  readonly sent: OutgoingEmail[] = [];
  failWith: Error | undefined;
  async send(message: OutgoingEmail): Promise<SendResult> {
    // Let the other side of a race run between the status check and the send, as a network round trip would.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
    return { providerMessageId: `rec-${message.id}-${this.sent.length}` };
  }
}

const FIRST_TRY = { jobId: 'test', retryCount: 0, retryLimit: deliverMessageJob.retryLimit };

async function deliverJobCount(t: TestApp): Promise<number> {
  let n = 0;
  for (const job of [deliverMessageJob, deliverUrgentMessageJob])
    n += Object.values(await t.deps.jobs.countByState(job.name)).reduce((a, b) => a + b, 0);
  return n;
}

/** The queue test_message goes through (urgent: see DELIVERY_CLASS). */
const testMessageJob = deliveryJobFor('test_message');

describe('delivery by the job handler', () => {
  let t: TestApp;
  const mailer = new RecordingMailer();
  beforeAll(async () => {
    t = await createTestApp({ mailer });
  });
  afterAll(async () => t?.close());

  const queue = (to: string) =>
    t.services.notifications.queueEmail(t.deps.database.db, {
      to,
      template: 'test_message',
      language: 'en',
      params: {},
    });
  const sentTo = (to: string) => mailer.sent.filter((m) => m.to === to);

  it('is idempotent: a second run for the same message sends nothing', async () => {
    mailer.failWith = undefined;
    const id = await queue('twice@example.com');
    await t.services.notifications.deliver(id, FIRST_TRY);
    await t.services.notifications.deliver(id, { ...FIRST_TRY, retryCount: 1 });
    expect(sentTo('twice@example.com')).toHaveLength(1);
    const m = await readMessage(t, id);
    expect(m).toMatchObject({
      status: 'sent',
      attempts: 1,
      transport: 'recording',
      provider_message_id: `rec-${id}-${mailer.sent.length}`,
    });
    expect(await statusHistory(t, id)).toEqual(['queued', 'sending', 'sent']);
  });

  it('sends once when two workers run the same message at the same time', async () => {
    mailer.failWith = undefined;
    const id = await queue('race@example.com');
    const results = await Promise.allSettled([
      t.services.notifications.deliver(id, FIRST_TRY),
      t.services.notifications.deliver(id, FIRST_TRY),
    ]);
    expect(sentTo('race@example.com')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    // The loser either saw the message done, or asks the queue to come back later (a retry then finds it sent).
    for (const r of results)
      if (r.status === 'rejected') expect(String(r.reason)).toContain('being sent by another worker');
    await t.services.notifications.deliver(id, { ...FIRST_TRY, retryCount: 1 });
    expect(sentTo('race@example.com')).toHaveLength(1);
    expect(await readMessage(t, id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await statusHistory(t, id)).toEqual(['queued', 'sending', 'sent']);
  });

  it('leaves a message that another worker started sending a moment ago to that worker', async () => {
    mailer.failWith = undefined;
    const id = await queue('busy@example.com');
    const now = t.clock.now();
    await sql`UPDATE notification_messages SET status = 'sending', attempts = 1, updated_at = ${new Date(now.getTime() - 60_000)} WHERE id = ${id}`.execute(
      t.deps.database.db,
    );
    await expect(t.services.notifications.deliver(id, { ...FIRST_TRY, retryCount: 1 })).rejects.toThrow(
      'being sent by another worker',
    );
    expect(sentTo('busy@example.com')).toHaveLength(0);
    expect(await readMessage(t, id)).toMatchObject({ status: 'sending', attempts: 1 });
  });

  it('takes over a message that a dead worker left in "sending" once a job could no longer be running', async () => {
    mailer.failWith = undefined;
    const id = await queue('orphan@example.com');
    // What a worker that died between claiming and sending leaves behind, longer ago than a job may run.
    const claimedAt = new Date(t.clock.now().getTime() - (deliverMessageJob.expireInSeconds + 1) * 1000);
    await sql`UPDATE notification_messages SET status = 'sending', attempts = 1, updated_at = ${claimedAt} WHERE id = ${id}`.execute(
      t.deps.database.db,
    );
    await t.services.notifications.deliver(id, { ...FIRST_TRY, retryCount: 1 });
    expect(sentTo('orphan@example.com')).toHaveLength(1);
    expect(await readMessage(t, id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('puts the message back in the queue and throws on a temporary failure, so the queue retries it', async () => {
    mailer.failWith = new Error('connect ECONNREFUSED 127.0.0.1:25');
    const id = await queue('later@example.com');
    await expect(t.services.notifications.deliver(id, FIRST_TRY)).rejects.toThrow('ECONNREFUSED');
    expect(await readMessage(t, id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      status_reason: 'retrying: connect ECONNREFUSED 127.0.0.1:25',
      sent_at: null,
    });
    await expect(t.services.notifications.deliver(id, { ...FIRST_TRY, retryCount: 1 })).rejects.toThrow('ECONNREFUSED');
    expect((await readMessage(t, id)).attempts).toBe(2);

    mailer.failWith = undefined;
    await t.services.notifications.deliver(id, { ...FIRST_TRY, retryCount: 2 });
    expect(await readMessage(t, id)).toMatchObject({ status: 'sent', attempts: 3, status_reason: null });
    expect(sentTo('later@example.com')).toHaveLength(1);
    expect(await statusHistory(t, id)).toEqual(['queued', 'sending', 'queued', 'sending', 'queued', 'sending', 'sent']);
  });

  it('marks the message failed (and does not throw) when the last retry fails too', async () => {
    mailer.failWith = new Error('Greeting never received');
    const id = await queue('never@example.com');
    const last = { jobId: 'test', retryCount: deliverMessageJob.retryLimit, retryLimit: deliverMessageJob.retryLimit };
    await expect(t.services.notifications.deliver(id, last)).resolves.toBeUndefined();
    expect(await readMessage(t, id)).toMatchObject({
      status: 'failed',
      status_reason: 'Greeting never received',
      transport: 'recording',
    });
    // A failed message is final: running the job again changes nothing.
    mailer.failWith = undefined;
    await t.services.notifications.deliver(id, FIRST_TRY);
    expect(sentTo('never@example.com')).toHaveLength(0);
    expect((await readMessage(t, id)).status).toBe('failed');
  });

  it('ignores a job for a message that does not exist', async () => {
    await expect(
      t.services.notifications.deliver('00000000-0000-4000-8000-000000000000', FIRST_TRY),
    ).resolves.toBeUndefined();
  });
});

describe('transactional enqueue', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const request = (to: string) => ({ to, template: 'test_message' as const, language: 'en' as const, params: {} });

  it('leaves neither a message nor a job when the transaction rolls back', async () => {
    const jobsBefore = await deliverJobCount(t);
    const rolledBack = new Error('the change that caused the message failed');
    const ids: string[] = [];
    await expect(
      t.deps.database.db.transaction().execute(async (trx) => {
        ids.push(await t.services.notifications.queueEmail(trx, request('rollback@example.com')));
        ids.push(await t.services.notifications.queueSms(trx, request('+12025550100')));
        // Inside the transaction both are there.
        expect(
          await trx.selectFrom('notification_messages').select('id').where('id', 'in', ids).execute(),
        ).toHaveLength(2);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(ids).toHaveLength(2);
    const db = t.deps.database.db;
    expect(await db.selectFrom('notification_messages').select('id').where('id', 'in', ids).execute()).toEqual([]);
    expect(
      await db.selectFrom('notification_status_events').select('id').where('message_id', 'in', ids).execute(),
    ).toEqual([]);
    expect(await deliverJobCount(t)).toBe(jobsBefore);
    const jobs = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${testMessageJob.name} AND data->>'messageId' IN (${ids[0]!}, ${ids[1]!})`.execute(
      db,
    );
    expect(jobs.rows[0]!.n).toBe(0);
  });

  it('stores the message and its job together when the transaction commits', async () => {
    const before = await t.deps.jobs.countByState(testMessageJob.name);
    const id = await t.deps.database.db
      .transaction()
      .execute((trx) => t.services.notifications.queueEmail(trx, request('commit@example.com')));
    expect((await readMessage(t, id)).status).toBe('queued');
    const after = await t.deps.jobs.countByState(testMessageJob.name);
    expect(after.created ?? 0).toBe((before.created ?? 0) + 1);
    const job = await sql<{ state: string; retry_limit: number }>`
      SELECT state, retry_limit FROM pgboss.job WHERE name = ${testMessageJob.name} AND data->>'messageId' = ${id}`.execute(
      t.deps.database.db,
    );
    expect(job.rows).toEqual([{ state: 'created', retry_limit: deliverMessageJob.retryLimit }]);
  });
});

describe('many messages at once (bulk work such as a batch of case events)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('stores every message with its job, with the same retry policy, in the caller transaction, and they deliver', async () => {
    const ids = await t.deps.database.db.transaction().execute(async (trx) => {
      const n = await t.services.notifications.queueMany(trx, [
        { channel: 'email', to: 'bulk-1@example.com', template: 'test_message', language: 'en', params: {} },
        { channel: 'sms', to: '+12025550123', template: 'test_message', language: 'es', params: {} },
      ]);
      expect(n).toBe(2);
      return (
        await trx
          .selectFrom('notification_messages')
          .select('id')
          .where('recipient', 'in', ['bulk-1@example.com', '+12025550123'])
          .execute()
      ).map((m) => m.id);
    });
    expect(ids).toHaveLength(2);
    const jobs = await sql<{ state: string; retry_limit: number; message_id: string }>`
      SELECT state, retry_limit, data->>'messageId' AS message_id FROM pgboss.job WHERE name = ${testMessageJob.name} AND data->>'messageId' IN (${ids[0]!}, ${ids[1]!})`.execute(
      t.deps.database.db,
    );
    expect(jobs.rows.map((j) => j.message_id).sort()).toEqual([...ids].sort());
    expect(jobs.rows.every((j) => j.state === 'created' && j.retry_limit === deliverMessageJob.retryLimit)).toBe(true);
    for (const id of ids) await t.services.notifications.deliver(id, { jobId: 'test', retryCount: 0, retryLimit: 3 });
    for (const id of ids) expect((await readMessage(t, id)).status).toBe('sent');
  });
});

describe('/dev/outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(); // default configuration: email and texts go to the outbox
  });
  afterAll(async () => t?.close());

  it('lists queued messages and shows a message with its body and history, escaped', async () => {
    expect(t.deps.mailer.transport).toBe('outbox');
    const db = t.deps.database.db;
    const emailId = await t.services.notifications.queueEmail(db, {
      to: 'outbox@example.com',
      template: 'case_status_changed',
      language: 'es',
      params: {
        receipt: 'EAC9999103403',
        status: 'Se aprobó el caso',
        description: 'Aprobado <b>hoy</b> & "listo"',
        link: 'https://casedesk.example.gov/case-status',
      },
    });
    const smsId = await t.services.notifications.queueSms(db, {
      to: '+12025550123',
      template: 'test_message',
      language: 'en',
      params: {},
    });

    const list = await t.app.inject({ method: 'GET', url: '/dev/outbox' });
    expect(list.statusCode).toBe(200);
    const $ = cheerio.load(list.body);
    expect($('h1').text()).toBe('Developer outbox');
    const emailLink = $(`a[href="/dev/outbox/${emailId}"]`);
    expect(emailLink.text()).toBe('Caso EAC9999103403: Se aprobó el caso');
    const emailRow = emailLink.closest('tr');
    expect(emailRow.text()).toContain('outbox@example.com');
    expect(emailRow.text()).toContain('Queued');
    const smsLink = $(`a[href="/dev/outbox/${smsId}"]`);
    expect(smsLink.text()).toBe('Casedesk test message: texts work. No action is needed.');
    expect(smsLink.closest('tr').text()).toContain('Text');

    const detail = await t.app.inject({ method: 'GET', url: `/dev/outbox/${emailId}` });
    expect(detail.statusCode).toBe(200);
    const d = cheerio.load(detail.body);
    expect(d('h1').text()).toBe('Caso EAC9999103403: Se aprobó el caso');
    const body = d('pre');
    expect(body.attr('lang')).toBe('es');
    expect(body.text()).toContain('El estado de su caso, número de recibo EAC9999103403, cambió.');
    expect(body.text()).toContain('Aprobado <b>hoy</b> & "listo"');
    expect(detail.body).not.toContain('<b>hoy</b>');
    expect(body.find('b')).toHaveLength(0);
    expect(d('ol li').text()).toContain('Queued');

    // Delivered to the outbox by the job handler: still listed, now as sent.
    await t.services.notifications.deliver(emailId, FIRST_TRY);
    expect(await readMessage(t, emailId)).toMatchObject({
      status: 'sent',
      transport: 'outbox',
      provider_message_id: `outbox-${emailId}`,
    });
    const after = cheerio.load((await t.app.inject({ method: 'GET', url: `/dev/outbox/${emailId}` })).body);
    expect(
      after('ol li')
        .map((_, li) => after(li).text())
        .get(),
    ).toEqual([expect.stringContaining('Queued'), expect.stringContaining('Sending'), expect.stringContaining('Sent')]);
  });

  it('answers 404 for an unknown or malformed message id', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/dev/outbox/00000000-0000-4000-8000-000000000000' })).statusCode,
    ).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/dev/outbox/not-a-uuid' })).statusCode).toBe(404);
  });
});

describe('/dev/outbox when the outbox is off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { CASEDESK_DEV_OUTBOX: 'false' } });
  });
  afterAll(async () => t?.close());

  it('answers 404 for the list and for a message', async () => {
    const id = await t.services.notifications.queueEmail(t.deps.database.db, {
      to: 'hidden@example.com',
      template: 'test_message',
      language: 'en',
      params: {},
    });
    await t.services.notifications.deliver(id, FIRST_TRY);
    const list = await t.app.inject({ method: 'GET', url: '/dev/outbox' });
    expect(list.statusCode).toBe(404);
    expect(list.body).not.toContain('hidden@example.com');
    const detail = await t.app.inject({ method: 'GET', url: `/dev/outbox/${id}` });
    expect(detail.statusCode).toBe(404);
    expect(detail.body).not.toContain('hidden@example.com');
  });

  it('refuses every SMS status report when no SMS provider token is configured (outbox texts)', async () => {
    const params = { MessageSid: 'SM00000000000000000000000000000001', MessageStatus: 'delivered' };
    const res = await t.app.inject({
      method: 'POST',
      url: '/hooks/sms/twilio/status',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature('', `${t.config.publicUrl}/hooks/sms/twilio/status`, params),
      },
      payload: new URLSearchParams(params).toString(),
    });
    expect(res.statusCode).toBe(403);
  });
});
