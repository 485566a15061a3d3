/** Shared by the case events benchmark (run.ts) and the crash test (crash.ts). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function localDbUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  if (!['127.0.0.1', 'localhost', '::1'].includes(u.hostname))
    throw new Error('BENCH_PG_ADMIN_URL must point at this machine');
  u.pathname = `/${name}`;
  return u.toString();
}

/** The lifecycle steps each generated case goes through (one event each), as a case management system reports them. */
export const STEPS = [
  'case_received',
  'biometrics_scheduled',
  'fingerprints_taken',
  'rfe_sent',
  'rfe_response_received',
  'interview_scheduled',
  'interview_completed',
  'approved',
  'card_being_produced',
  'card_mailed',
] as const;

export interface BenchEvent {
  id: string;
  receiptNumber: string;
  type: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/**
 * `count` events over count / 10 cases, interleaved as a system sends them (every case advances a step, then the
 * next step), 10% of the cases filed online by one of the bench accounts (so their status changes are notified).
 */
export function generate(oans: string[], count: number, onlineEvery = 10): BenchEvent[] {
  const cases = Math.ceil(count / STEPS.length);
  const events: BenchEvent[] = [];
  const base = Date.UTC(2026, 0, 1);
  for (let step = 0; step < STEPS.length && events.length < count; step++) {
    for (let c = 0; c < cases && events.length < count; c++) {
      const receiptNumber = `IOE${String(7_000_000_000 + c).padStart(10, '0')}`;
      const type = STEPS[step]!;
      const payload: Record<string, unknown> = {};
      if (type === 'case_received') {
        payload.formCode = 'I-485';
        payload.applicant = { dateOfBirth: '1980-01-01', familyName: 'Bench' };
        if (onlineEvery > 0 && c % onlineEvery === 0)
          Object.assign(payload, { channel: 'online', onlineAccountNumber: oans[c % oans.length] });
      }
      if (type === 'rfe_sent') payload.responseDue = '2026-06-30';
      events.push({
        id: `bench-${c}-${step}`,
        receiptNumber,
        type,
        occurredAt: new Date(base + step * 86_400_000 + c * 1000).toISOString(),
        payload,
      });
    }
  }
  return events;
}

export async function admin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function casedesk(args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(process.execPath, [path.join(ROOT, 'bin/casedesk.js'), ...args], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

export async function waitForServer(origin: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${origin}/readyz`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the server did not start');
}

/**
 * A fresh database `name` on the local PostgreSQL, migrated, and the environment of a Casedesk server on `port`
 * that uses it (no workers in the process, rate limits out of the way).
 */
export async function freshDatabase(
  adminUrl: string,
  name: string,
  port: number,
): Promise<{ dbUrl: string; env: NodeJS.ProcessEnv }> {
  const dbUrl = localDbUrl(adminUrl, name);
  await admin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    CASEDESK_RUN_WORKERS: 'false',
    CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000000',
    CASEDESK_API_RATE_LIMIT_PER_MINUTE: '100000000',
  };
  casedesk(['migrate'], env);
  return { dbUrl, env };
}

/** An access token for an API client (OAuth client credentials). */
export async function accessToken(
  origin: string,
  client: { client_id: string; client_secret: string },
): Promise<string> {
  const res = await fetch(`${origin}/oauth/accesstoken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.client_id,
      client_secret: client.client_secret,
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
