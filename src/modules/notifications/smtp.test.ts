import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, openTestDatabase, type TestApp } from '../../../test/harness.js';
import type { Database } from '../../platform/db/database.js';
import { deliveryJobFor } from './service.js';

/** The queue of these tests' messages (test_message: urgent, see DELIVERY_CLASS). */
const deliverMessageJob = deliveryJobFor('test_message');
import {
  freePort,
  readMessage,
  startSmtpServer,
  statusHistory,
  stopAppKeepDatabase,
  waitFor,
  type LocalSmtp,
} from '../../../test/notifications-support.js';

/**
 * Email over a real SMTP server (smtp-server on 127.0.0.1), delivered by the real pg-boss workers:
 * rendering in both languages, the status trail, a permanent refusal, and the requirement that a
 * message survives an SMTP outage and a process restart and is sent exactly once when SMTP returns.
 */

const FAST_JOBS = { pollingIntervalSeconds: 0.5, retryDelaySeconds: 1 };
const catalog = (lang: 'en' | 'es') =>
  JSON.parse(readFileSync(new URL(`../../../locales/${lang}/notifications.json`, import.meta.url), 'utf8')).templates
    .test_message as {
    subject: string;
    body: string;
  };

/** The pg-boss job(s) of one message, straight from pg-boss's table. */
async function jobsOf(t: TestApp, messageId: string): Promise<{ state: string; retry_count: number }[]> {
  const result = await sql<{ state: string; retry_count: number }>`
    SELECT state, retry_count FROM pgboss.job WHERE name = ${deliverMessageJob.name} AND data->>'messageId' = ${messageId}`.execute(
    t.deps.database.db,
  );
  return result.rows;
}

const messageIdHeader = (id: string) => `<${id}@casedesk>`;

describe('email through a real SMTP server and the job workers', () => {
  let smtp: LocalSmtp;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer({
      rejectRecipient: (address) =>
        address.startsWith('nobody@') ? { code: 550, message: '5.1.1 No such user here' } : undefined,
    });
    t = await createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` }, jobOptions: FAST_JOBS });
    await t.deps.jobs.work();
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it.each(['en', 'es'] as const)(
    'renders the %s template, sends it once and records queued -> sending -> sent',
    async (language) => {
      const to = `applicant-${language}@example.com`;
      const id = await t.services.notifications.queueEmail(t.deps.database.db, {
        to,
        template: 'test_message',
        language,
        params: {},
      });

      const stored = await readMessage(t, id);
      expect(stored).toMatchObject({
        channel: 'email',
        recipient: to,
        language,
        subject: catalog(language).subject,
        body: catalog(language).body,
      });

      const sent = await waitFor('the message to be sent', async () => {
        const m = await readMessage(t, id);
        return m.status === 'sent' && m;
      });
      await waitFor('the job to complete', async () => (await jobsOf(t, id))[0]?.state === 'completed');

      expect(sent).toMatchObject({
        attempts: 1,
        transport: 'smtp',
        provider_message_id: messageIdHeader(id),
        status_reason: null,
      });
      expect(sent.sent_at).toBeInstanceOf(Date);
      expect(await statusHistory(t, id)).toEqual(['queued', 'sending', 'sent']);

      const mails = smtp.received.filter((m) => m.headers['message-id'] === messageIdHeader(id));
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      expect(mail.to).toEqual([to]);
      expect(mail.from).toBe('no-reply@casedesk.localhost');
      expect(mail.subject).toBe(catalog(language).subject);
      expect(mail.text).toBe(catalog(language).body);
      expect(mail.headers['content-type']).toMatch(/^text\/plain; charset=utf-8/i);
      if (language === 'es') expect(mail.text).toContain('electrónico');
    },
  );

  it('marks a message failed, with the reason and without retrying, when the server refuses the recipient (550)', async () => {
    const id = await t.services.notifications.queueEmail(t.deps.database.db, {
      to: 'nobody@example.com',
      template: 'test_message',
      language: 'en',
      params: {},
    });
    const failed = await waitFor('the message to fail', async () => {
      const m = await readMessage(t, id);
      return m.status === 'failed' && m;
    });
    // The handler answers normally after a permanent failure, so pg-boss completes the job instead of retrying it.
    await waitFor('the job to complete', async () => (await jobsOf(t, id))[0]?.state === 'completed');
    expect(await jobsOf(t, id)).toEqual([{ state: 'completed', retry_count: 0 }]);
    expect(failed.attempts).toBe(1);
    expect(failed.transport).toBe('smtp');
    expect(failed.status_reason).toMatch(/^SMTP 550: /);
    expect(failed.status_reason).toContain('No such user here');
    expect(failed.sent_at).toBeNull();
    expect(await statusHistory(t, id)).toEqual(['queued', 'sending', 'failed']);
    expect(smtp.recipients.filter((r) => r === 'nobody@example.com')).toHaveLength(1);
    expect(smtp.received.filter((m) => m.to.includes('nobody@example.com'))).toHaveLength(0);
  });
});

describe('a message survives an SMTP outage and a process restart (issue requirement)', () => {
  let database: Database;
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  let smtp: LocalSmtp | undefined;

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    if (first) await stopAppKeepDatabase(first);
    if (second) await stopAppKeepDatabase(second);
    await smtp?.close();
    await database?.close();
  });

  it('retries while SMTP is down, keeps the message across the restart and sends it exactly once when SMTP returns', async () => {
    const port = await freePort(); // nothing listens there: the SMTP server is down
    const env = { SMTP_URL: `smtp://127.0.0.1:${port}` };

    // Process 1 queues the message and tries to send it during the outage.
    first = await createTestApp({ database, env, jobOptions: FAST_JOBS });
    const id = await first.services.notifications.queueEmail(database.db, {
      to: 'resilient@example.com',
      template: 'test_message',
      language: 'es',
      params: {},
    });
    await first.deps.jobs.work();
    // A failed attempt is over when the message is back in the queue and the job queue has recorded the failure
    // (stopping between the two would leave the job active until it expires: the takeover test covers that).
    const retrying = await waitFor('a failed attempt', async () => {
      const m = await readMessage(first!, id);
      const job = await sql<{
        state: string;
      }>`SELECT state FROM pgboss.job WHERE name = ${deliverMessageJob.name} AND data->>'messageId' = ${id}`.execute(
        database.db,
      );
      return m.status === 'queued' && m.attempts >= 1 && job.rows[0]?.state === 'retry' && m;
    });
    expect(retrying.status_reason).toMatch(/^retrying: .*ECONNREFUSED/);
    expect(retrying.sent_at).toBeNull();

    // Process 1 dies. The database (the only thing shared with the next process) stays.
    await stopAppKeepDatabase(first);
    first = undefined;
    const afterStop = await sql<{
      status: string;
      attempts: number;
    }>`SELECT status, attempts FROM notification_messages WHERE id = ${id}`.execute(database.db);
    expect(afterStop.rows[0]).toMatchObject({ status: 'queued' });
    const pending = await sql<{
      state: string;
    }>`SELECT state FROM pgboss.job WHERE name = ${deliverMessageJob.name} AND data->>'messageId' = ${id}`.execute(
      database.db,
    );
    expect(pending.rows.map((r) => r.state)).toEqual(['retry']);

    // SMTP comes back on the same port; process 2 starts its workers on the same database.
    smtp = await startSmtpServer({ port });
    second = await createTestApp({ database, env, jobOptions: FAST_JOBS });
    await second.deps.jobs.work();

    const sent = await waitFor('the message to be sent after the restart', async () => {
      const m = await readMessage(second!, id);
      return m.status === 'sent' && m;
    });
    await waitFor('the job to complete', async () => {
      const r = await sql<{
        state: string;
      }>`SELECT state FROM pgboss.job WHERE name = ${deliverMessageJob.name} AND data->>'messageId' = ${id}`.execute(
        database.db,
      );
      return r.rows.length === 1 && r.rows[0]!.state === 'completed';
    });

    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(sent.status_reason).toBeNull();
    expect(sent.provider_message_id).toBe(messageIdHeader(id));
    const history = await statusHistory(second, id);
    expect(history[0]).toBe('queued');
    expect(history.slice(-2)).toEqual(['sending', 'sent']);
    expect(history.filter((s) => s === 'sent')).toHaveLength(1);

    // Exactly once: one message with that Message-ID reached the server, and nothing else is pending.
    expect(smtp.received.filter((m) => m.headers['message-id'] === messageIdHeader(id))).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.subject).toBe(catalog('es').subject);
    expect(await second.deps.jobs.countByState(deliverMessageJob.name)).toEqual({ completed: 1 });
  });
});

describe('a message whose process died in the middle of sending it', () => {
  let database: Database;
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  let smtp: LocalSmtp | undefined;

  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    if (first) await stopAppKeepDatabase(first);
    if (second) await stopAppKeepDatabase(second);
    await smtp?.close();
    await database?.close();
  });

  it('is taken over after the restart, once its job has expired, and sent exactly once', async () => {
    smtp = await startSmtpServer();
    const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` };
    first = await createTestApp({ database, env, jobOptions: FAST_JOBS });
    const id = await first.services.notifications.queueEmail(database.db, {
      to: 'orphan@example.com',
      template: 'test_message',
      language: 'en',
      params: {},
    });
    // Process 1 took the job and claimed the message, then died before it could send or acknowledge anything:
    // the job is still active and the message still 'sending', both since well before the job's expiry.
    const longAgo = new Date(first.clock.now().getTime() - 3_600_000);
    await sql`UPDATE pgboss.job SET state = 'active', started_on = now() - interval '1 hour' WHERE name = ${deliverMessageJob.name} AND data->>'messageId' = ${id}`.execute(
      database.db,
    );
    await sql`UPDATE notification_messages SET status = 'sending', attempts = 1, updated_at = ${longAgo} WHERE id = ${id}`.execute(
      database.db,
    );
    await stopAppKeepDatabase(first);
    first = undefined;

    // Process 2: pg-boss's maintenance expires the orphaned job, the retry takes the message over and sends it.
    second = await createTestApp({ database, env, jobOptions: { ...FAST_JOBS, maintenanceIntervalSeconds: 1 } });
    await second.deps.jobs.work();
    const sent = await waitFor('the orphaned message to be sent', async () => {
      const m = await readMessage(second!, id);
      return m.status === 'sent' && m;
    });
    await waitFor('the job to complete', async () => (await jobsOf(second!, id))[0]?.state === 'completed');
    expect(sent.attempts).toBe(2);
    expect(await jobsOf(second, id)).toEqual([{ state: 'completed', retry_count: 1 }]);
    expect(smtp.received.filter((m) => m.headers['message-id'] === messageIdHeader(id))).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
  });
});
