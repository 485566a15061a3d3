import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../src/platform/db/database.js';
import { pendingMigrations } from '../src/platform/db/migrator.js';

const run = promisify(execFile);
const BIN = path.resolve('bin/casedesk.js');

/** The casedesk command, on its own embedded data directory (never the suite's PostgreSQL). */
async function casedesk(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CASEDESK_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'development',
  };
  delete env.DATABASE_URL;
  return run(process.execPath, [BIN, ...args], { env, timeout: 120_000 });
}

describe('the casedesk command', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'casedesk-cli-'));

  it('prints its commands', async () => {
    const { stdout } = await casedesk(dataDir, '--help');
    for (const command of ['serve', 'worker', 'migrate', 'seed', 'api-client', 'staff'])
      expect(stdout).toContain(command);
  });

  it('migrates, seeds deterministically, and creates an API client printing one line of JSON', async () => {
    await casedesk(dataDir, 'migrate');
    const seeded = await casedesk(dataDir, 'seed', '--count', '20', '--seed', '5', '--as-of', '2026-11-01');
    expect(seeded.stdout).toContain('Inserted 26 cases');
    const again = await casedesk(dataDir, 'seed', '--count', '20', '--seed', '5', '--as-of', '2026-11-01');
    expect(again.stdout).toContain('Inserted 0 cases');
    const { stdout } = await casedesk(dataDir, 'api-client', 'create', 'Partner system');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const created = JSON.parse(lines[0]!);
    expect(Object.keys(created)).toEqual(['client_id', 'client_secret']);
    expect(created.client_secret.length).toBeGreaterThanOrEqual(40);
    const db = await openPglite({ dataDir });
    try {
      const row = await db.db
        .selectFrom('api_clients')
        .selectAll()
        .where('id', '=', created.client_id)
        .executeTakeFirstOrThrow();
      expect(row.name).toBe('Partner system');
      expect(row.secret_hash).not.toBe(created.client_secret);
    } finally {
      await db.close();
    }
  }, 180_000);

  it('creates an API client on a fresh data directory, migrating it first (issue 15 point 14)', async () => {
    const fresh = path.join(mkdtempSync(path.join(tmpdir(), 'casedesk-cli-fresh-')), 'data');
    const { stdout } = await casedesk(fresh, 'api-client', 'create', 'Case system', '--scope', 'case_events:write');
    const created = JSON.parse(stdout.trim()) as { client_id: string; client_secret: string };
    expect(Object.keys(created)).toEqual(['client_id', 'client_secret']);
    const db = await openPglite({ dataDir: fresh });
    try {
      const row = await db.db
        .selectFrom('api_clients')
        .selectAll()
        .where('id', '=', created.client_id)
        .executeTakeFirstOrThrow();
      expect(row.name).toBe('Case system');
      expect(await pendingMigrations(db.db)).toEqual([]);
    } finally {
      await db.close();
    }
  }, 180_000);

  it('prints a seeded legacy case to try "add a case by receipt number" with (issue 15 point 14)', async () => {
    const { stdout } = await casedesk(dataDir, 'seed', '--count', '20', '--seed', '5', '--as-of', '2026-11-01');
    expect(stdout).toMatch(/receipt number [A-Z]{3}\d{10}, family name [A-Za-z]+, date of birth \d{2}\/\d{2}\/\d{4}/);
  }, 180_000);

  it('invites the first administrator, printing one line of JSON with the link, and refuses a bad address', async () => {
    const { stdout } = await casedesk(
      dataDir,
      'staff',
      'create-admin',
      'First.Admin@Agency.example',
      '--name',
      'First Admin',
    );
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]!);
    expect(printed.email).toBe('first.admin@agency.example');
    expect(printed.invitation_url).toMatch(/^http:\/\/localhost:3000\/staff\/invitation\?token=[\w-]{30,}$/);
    const db = await openPglite({ dataDir });
    try {
      const invitation = await db.db
        .selectFrom('staff_invitations')
        .selectAll()
        .where('email', '=', 'first.admin@agency.example')
        .executeTakeFirstOrThrow();
      expect(invitation.roles).toEqual(['administrator']);
      expect(invitation.token_hash).not.toContain(printed.invitation_url.split('token=')[1]);
      const email = await db.db
        .selectFrom('notification_messages')
        .select('template')
        .where('recipient', '=', 'first.admin@agency.example')
        .executeTakeFirstOrThrow();
      expect(email.template).toBe('staff_invitation');
    } finally {
      await db.close();
    }
    await expect(casedesk(dataDir, 'staff', 'create-admin', 'not-an-email', '--name', 'X')).rejects.toMatchObject({
      stderr: expect.stringContaining('email_invalid'),
    });
    await expect(casedesk(dataDir, 'staff', 'create-admin', 'x@agency.example')).rejects.toMatchObject({
      stderr: expect.stringContaining('--name'),
    });
  }, 180_000);

  it('closes an empty print-and-mail batch with one line of JSON, and needs --out', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'casedesk-mail-'));
    const { stdout } = await casedesk(dataDir, 'mail-batch', 'close', '--out', out);
    expect(JSON.parse(stdout.trim())).toEqual({ batch: null, letters: 0 });
    await expect(casedesk(dataDir, 'mail-batch', 'close')).rejects.toMatchObject({
      stderr: expect.stringContaining('--out'),
    });
  }, 120_000);

  it('reports the case events waiting for their case, of every client, with one line of JSON', async () => {
    const db = await openPglite({ dataDir });
    try {
      await db.db
        .insertInto('case_events_pending')
        .values({
          event_id: 'cli-wait-1',
          receipt_number: 'IOE8100009999',
          type: 'card_delivered',
          occurred_at: new Date('2026-03-01T00:00:00Z'),
          payload: JSON.stringify({}),
          status_key: 'card-was-delivered-to-me-by-the-post-office',
          status_params: '{}',
          client_id: 'some-client',
          received_at: new Date(),
        })
        .execute();
    } finally {
      await db.close();
    }
    const { stdout } = await casedesk(dataDir, 'case-events', 'pending');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      waitDays: 30,
      waiting: 1,
      dropped: 0,
      events: [{ id: 'cli-wait-1', receiptNumber: 'IOE8100009999', state: 'waiting', clientId: 'some-client' }],
    });
    await expect(casedesk(dataDir, 'case-events', 'pending', '--limit', '5000')).rejects.toMatchObject({
      stderr: expect.stringContaining('from 1 to 1000'),
    });
  }, 120_000);

  it('explains why a separate worker needs PostgreSQL, and rejects bad options', async () => {
    await expect(casedesk(dataDir, 'worker')).rejects.toMatchObject({
      stderr: expect.stringContaining('Separate workers need PostgreSQL'),
    });
    await expect(casedesk(dataDir, 'seed', '--count', 'many')).rejects.toMatchObject({
      stderr: expect.stringContaining('must be a whole number'),
    });
  });

  it('stops at start in production without secrets, naming them', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    delete env.CASEDESK_COOKIE_SECRET;
    await expect(run(process.execPath, [BIN, 'serve'], { env, timeout: 60_000 })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('CASEDESK_COOKIE_SECRET is required in production'),
    });
  });
});
