import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testConfig, type TestApp } from '../../../test/harness.js';
import { signUpApplicant } from '../../../test/accounts-support.js';
import { ConfigError } from '../../config.js';
import { deliverMessageJob, deliverUrgentMessageJob } from './jobs.js';
import { DELIVERY_CLASS, TEMPLATES, deliveryJobFor } from './service.js';
import { readMessage, waitFor } from '../../../test/notifications-support.js';
import { smtpPoolUrl, type Mailer, type OutgoingEmail, type SendResult } from './transports.js';

/**
 * Priority and throughput (issue 13 point 7, ADR 5): messages someone waits for never wait behind bulk messages,
 * and the workers take messages in batches, several at once, as configured.
 */

/**
 * A mailer that can hold bulk messages: while `held`, a send to a bulk-*@ address waits until `release()`.
 * It records the order in which sends finish and how many are in flight at once.
 */
class GatedMailer implements Mailer {
  readonly transport = 'gated';
  readonly finished: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  held = true;
  #waiting: (() => void)[] = [];

  async send(message: OutgoingEmail): Promise<SendResult> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.held && message.to.startsWith('bulk-'))
        await new Promise<void>((resolve) => this.#waiting.push(resolve));
      this.finished.push(message.to);
      return { providerMessageId: `gated-${message.id}` };
    } finally {
      this.inFlight--;
    }
  }

  release(): void {
    this.held = false;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

const statusParams = (n: number) => ({
  receipt: `IOE${String(9_100_000_000 + n).padStart(10, '0')}`,
  status: 'Case Was Approved',
  description: 'We approved your case.',
  link: 'https://casedesk.example.gov/case-status',
});

/** `count` status emails for account holders, queued at once as a batch of case events queues them. */
async function queueBulk(t: TestApp, count: number, from = 0): Promise<void> {
  await t.deps.database.db.transaction().execute((trx) =>
    t.services.notifications.queueMany(
      trx,
      Array.from({ length: count }, (_, i) => ({
        channel: 'email' as const,
        to: `bulk-${from + i}@example.com`,
        template: 'case_status_changed' as const,
        language: 'en' as const,
        params: statusParams(from + i),
      })),
    ),
  );
}

async function jobStates(t: TestApp, name: string): Promise<Record<string, number>> {
  return t.deps.jobs.countByState(name);
}

async function sentCount(t: TestApp, prefix: string): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM notification_messages WHERE recipient LIKE ${`${prefix}%`} AND status = 'sent'`.execute(
    t.deps.database.db,
  );
  return r.rows[0]!.n;
}

describe('delivery classes', () => {
  it('gives every template a class: codes, links, invitations and security notices urgent; status and service item mail bulk', () => {
    expect(Object.keys(DELIVERY_CLASS).sort()).toEqual([...TEMPLATES].sort());
    for (const template of [
      'one_time_code',
      'reset_password',
      'verify_email',
      'account_exists',
      'confirm_new_email',
      'email_in_use',
      'confirm_recovery_email',
      'staff_invitation',
      'recovery_ready',
      'subscription_confirm',
    ] as const) {
      expect(deliveryJobFor(template)).toBe(deliverUrgentMessageJob);
    }
    for (const template of [
      'case_status_changed',
      'case_status_public',
      'service_item_received',
      'service_item_reply',
      'help_request_reply',
    ] as const) {
      expect(deliveryJobFor(template)).toBe(deliverMessageJob);
    }
  });
});

describe('a reset email queued behind many bulk messages', () => {
  let t: TestApp;
  const mailer = new GatedMailer();
  beforeAll(async () => {
    t = await createTestApp({
      mailer,
      env: { CASEDESK_DELIVERY_BATCH_SIZE: '10', CASEDESK_DELIVERY_CONCURRENCY: '2' },
    });
  });
  afterAll(async () => {
    mailer.release();
    await t?.close();
  });

  it('is delivered while every bulk send is still held, and the bulk messages follow, each once', async () => {
    const applicant = await signUpApplicant(t, 'waiting@example.com', '198.51.100.7');
    await queueBulk(t, 300);
    await t.services.accounts.requestPasswordReset(applicant.email);
    const reset = await t.deps.database.db
      .selectFrom('notification_messages')
      .select(['id', 'status'])
      .where('recipient', '=', applicant.email)
      .where('template', '=', 'reset_password')
      .executeTakeFirstOrThrow();
    expect(reset.status).toBe('queued');

    await t.deps.jobs.work();
    // One FIFO queue would never get here: the first bulk send is held, and the reset is behind 300 of them.
    await waitFor('the reset email to be sent', async () => (await readMessage(t, reset.id)).status === 'sent');
    expect(mailer.finished.filter((to) => to.startsWith('bulk-'))).toEqual([]);
    expect(mailer.finished).toContain(applicant.email);
    // The bulk worker is busy meanwhile, with no more than its configured concurrency.
    expect(mailer.inFlight).toBeLessThanOrEqual(2);

    mailer.release();
    await waitFor('every bulk message to be sent', async () => (await sentCount(t, 'bulk-')) === 300, {
      timeoutMs: 60_000,
    });
    const bulkSends = mailer.finished.filter((to) => to.startsWith('bulk-'));
    expect(bulkSends).toHaveLength(300);
    expect(new Set(bulkSends).size).toBe(300);
    expect(mailer.maxInFlight).toBeLessThanOrEqual(2 + 2); // both queues' workers, two at a time each
  });
});

describe('a reset email queued after many bulk messages, nothing held', () => {
  let t: TestApp;
  const mailer = new GatedMailer();
  mailer.release();
  beforeAll(async () => {
    t = await createTestApp({
      mailer,
      env: { CASEDESK_DELIVERY_BATCH_SIZE: '10', CASEDESK_DELIVERY_CONCURRENCY: '2' },
    });
  });
  afterAll(async () => t?.close());

  it('goes out before the bulk worker has sent more than one batch', async () => {
    await queueBulk(t, 500);
    const id = await t.services.notifications.queueEmail(t.deps.database.db, {
      to: 'reset@example.com',
      template: 'reset_password',
      language: 'en',
      params: { link: 'https://casedesk.example.gov/account/reset?token=x' },
    });
    await t.deps.jobs.work();
    await waitFor('the reset email to be sent', async () => (await readMessage(t, id)).status === 'sent');
    const before = mailer.finished.indexOf('reset@example.com');
    expect(before).toBeGreaterThanOrEqual(0);
    // In one queue it would come after all 500.
    expect(before).toBeLessThanOrEqual(10);
    await waitFor('every bulk message to be sent', async () => (await sentCount(t, 'bulk-')) === 500, {
      timeoutMs: 60_000,
    });
  });
});

describe('throughput settings', () => {
  let t: TestApp;
  const mailer = new GatedMailer();
  beforeAll(async () => {
    t = await createTestApp({
      mailer,
      env: {
        CASEDESK_DELIVERY_BATCH_SIZE: '7',
        CASEDESK_DELIVERY_CONCURRENCY: '3',
        CASEDESK_DELIVERY_POLL_SECONDS: '0.5',
      },
    });
  });
  afterAll(async () => {
    mailer.release();
    await t?.close();
  });

  it('are read from the environment and validated', () => {
    expect(t.config.delivery).toEqual({
      batchSize: 7,
      concurrency: 3,
      pollingIntervalSeconds: 0.5,
      urgentPollingIntervalSeconds: 0.5,
    });
    expect(testConfig().delivery).toEqual({
      batchSize: 100,
      concurrency: 20,
      pollingIntervalSeconds: 1,
      urgentPollingIntervalSeconds: 0.5,
    });
    expect(testConfig().mail.maxConnections).toBe(5);
    expect(
      testConfig({ CASEDESK_DELIVERY_BATCH_SIZE: '5', CASEDESK_DELIVERY_CONCURRENCY: '20' }).delivery.concurrency,
    ).toBe(5);
    expect(() => testConfig({ CASEDESK_DELIVERY_BATCH_SIZE: '0' })).toThrow(ConfigError);
    expect(() => testConfig({ CASEDESK_DELIVERY_URGENT_POLL_SECONDS: '0.1' })).toThrow(ConfigError);
    expect(() => testConfig({ CASEDESK_SMTP_MAX_CONNECTIONS: 'many' })).toThrow(ConfigError);
  });

  it('a worker takes CASEDESK_DELIVERY_BATCH_SIZE jobs per poll and sends CASEDESK_DELIVERY_CONCURRENCY at once', async () => {
    await queueBulk(t, 20);
    await t.deps.jobs.work();
    await waitFor('three sends in flight', () => mailer.inFlight === 3);
    await waitFor('a batch of seven jobs taken', async () => (await jobStates(t, deliverMessageJob.name)).active === 7);
    // Several polling intervals later, nothing more is taken while the batch is held, and no more is sent at once.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await jobStates(t, deliverMessageJob.name)).toEqual({ active: 7, created: 13 });
    expect(mailer.inFlight).toBe(3);
    const sending = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM notification_messages WHERE status = 'sending'`.execute(t.deps.database.db);
    expect(sending.rows[0]!.n).toBe(3);

    mailer.release();
    await waitFor('all 20 to be sent', async () => (await sentCount(t, 'bulk-')) === 20);
    await waitFor('every job completed', async () => (await jobStates(t, deliverMessageJob.name)).completed === 20);
    expect(mailer.finished).toHaveLength(20);
    expect(new Set(mailer.finished).size).toBe(20);
    expect(mailer.maxInFlight).toBe(3);
  });
});

describe('the SMTP transport', () => {
  it('is a pool of CASEDESK_SMTP_MAX_CONNECTIONS connections with bounded timeouts, as nodemailer reads it', async () => {
    const { default: nodemailer } = await import('nodemailer');
    const url = smtpPoolUrl('smtps://user:p%40ss@smtp.example.gov:465', 7);
    const transport = nodemailer.createTransport(url) as unknown as {
      transporter: { constructor: { name: string }; options: Record<string, unknown> };
    };
    expect(transport.transporter.constructor.name).toBe('SMTPPool');
    expect(transport.transporter.options).toMatchObject({
      host: 'smtp.example.gov',
      port: 465,
      secure: true,
      auth: { user: 'user', pass: 'p@ss' },
      pool: true,
      maxConnections: 7,
      maxRequeues: 2,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    // What the operator put in SMTP_URL wins.
    expect(
      new URL(smtpPoolUrl('smtp://127.0.0.1:25/?maxConnections=2&socketTimeout=5000', 7)).searchParams.get(
        'maxConnections',
      ),
    ).toBe('2');
    expect(
      new URL(smtpPoolUrl('smtp://127.0.0.1:25/?maxConnections=2&socketTimeout=5000', 7)).searchParams.get(
        'socketTimeout',
      ),
    ).toBe('5000');
  });
});
