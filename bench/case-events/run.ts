/**
 * Case events benchmark (issue 4): sustained ingestion into PostgreSQL through `POST /api/v1/case-events` from one
 * client, with status notifications queued for the account holders of linked cases, next to a raw COPY of the
 * same rows into a bare table in the same run (the baseline). Target: >= 20,000 events per second.
 *
 *   npm run bench:case-events      (= node --import tsx bench/case-events/run.ts)
 *
 * Settings: BENCH_EVENTS (default 200,000), BENCH_BATCH (1,000 events per request), BENCH_CONCURRENCY (4 requests
 * in flight from the one client), BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres). It creates
 * the database casedesk_bench_events afresh each run and drops it at the end. Only talks to 127.0.0.1.
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { cpuSeconds, machineCpu, postgresBackends, postgresCpuBetween } from '../proc.js';
import { accessToken, admin, casedesk, freshDatabase, generate, ROOT, STEPS, waitForServer } from './common.js';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'casedesk_bench_events';
const PORT = 3400 + Math.floor(Math.random() * 500);
const ACCOUNTS = 2000;


async function main(): Promise<void> {
  const { dbUrl, env } = await freshDatabase(ADMIN_URL, DB_NAME, PORT);
  // Accounts whose online filings get notified.
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const oans = Array.from({ length: ACCOUNTS }, (_, i) => String(800000000000 + i));
  await pool.query(
    `INSERT INTO accounts (id, kind, email, email_verified_at, password_hash, online_account_number, language, created_at, activated_at)
     SELECT gen_random_uuid(), 'applicant', 'bench-' || i || '@example.com', now(), NULL, (800000000000 + i)::text, CASE WHEN i % 3 = 0 THEN 'es' ELSE 'en' END, now(), now()
     FROM generate_series(0, ${ACCOUNTS - 1}) AS i`,
  );
  const client = JSON.parse(casedesk(['api-client', 'create', 'Bench system', '--scope', 'case_events:write'], env).trim()) as { client_id: string; client_secret: string };
  const events = generate(oans, EVENTS, Number(process.env.BENCH_ONLINE_EVERY ?? 10));
  const bodies: string[] = [];
  // As a case management system sends them: a batch goes out only once every earlier batch with events of the same
  // cases has been answered (a case's later step never overtakes its earlier one); other batches overlap freely.
  const after: number[][] = [];
  const lastBatchOf = new Map<string, number>();
  for (let i = 0; i < events.length; i += BATCH) {
    const batch = events.slice(i, i + BATCH);
    const index = bodies.length;
    bodies.push(batch.map((e) => JSON.stringify(e)).join('\n'));
    after.push([...new Set(batch.flatMap((e) => (lastBatchOf.has(e.receiptNumber) ? [lastBatchOf.get(e.receiptNumber)!] : [])))]);
    for (const e of batch) lastBatchOf.set(e.receiptNumber, index);
  }

  // BENCH_SERVER_NODE_ARGS: extra Node options for the server (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin/casedesk.js'), 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const stop = () => { try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* gone */ } };
  process.once('SIGINT', () => { stop(); process.exit(130); });
  try {
    const origin = `http://127.0.0.1:${PORT}`;
    await waitForServer(origin);
    const token = await accessToken(origin, client);

    console.log(`[bench] ingesting ${events.length.toLocaleString('en-US')} events in ${bodies.length} batches of ${BATCH}, ${CONCURRENCY} in flight`);
    let next = 0;
    let notifications = 0;
    const cpu0 = { server: cpuSeconds(server.pid!), client: cpuSeconds(process.pid), postgres: postgresBackends(DB_NAME), machine: machineCpu() };
    const started = performance.now();
    const answered: Promise<void>[] = [];
    const settle: (() => void)[] = [];
    for (let i = 0; i < bodies.length; i++) answered.push(new Promise<void>((resolve) => settle.push(resolve)));
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) {
        const index = next++;
        const body = bodies[index]!;
        await Promise.all(after[index]!.map((i) => answered[i]));
        const res = await fetch(`${origin}/api/v1/case-events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });
        if (!res.ok) throw new Error(`batch refused: ${res.status} ${await res.text()}`);
        notifications += ((await res.json()) as { notifications: number }).notifications;
        settle[index]!();
      }
    }));
    const ingestSeconds = (performance.now() - started) / 1000;
    // Where the machine went during the ingestion, in cores (CPU seconds per second of the run).
    const m1 = machineCpu();
    const cores = {
      server: (cpuSeconds(server.pid!) - cpu0.server) / ingestSeconds,
      postgres: postgresCpuBetween(cpu0.postgres, postgresBackends(DB_NAME)) / ingestSeconds,
      client: (cpuSeconds(process.pid) - cpu0.client) / ingestSeconds,
      machine: (m1.busy - cpu0.machine.busy) / (m1.total - cpu0.machine.total) * os.cpus().length,
    };
    const coreText = `server ${cores.server.toFixed(2)}, PostgreSQL backends ${cores.postgres.toFixed(2)}, client ${cores.client.toFixed(2)}, whole machine ${cores.machine.toFixed(2)} of ${os.cpus().length}`;
    console.log(`[bench] cores used during ingestion: ${coreText}`);
    const ingestRate = events.length / ingestSeconds;
    console.log(`[bench] API: ${ingestRate.toFixed(0)} events/s (${ingestSeconds.toFixed(1)} s), ${notifications.toLocaleString('en-US')} notifications queued`);

    // Baseline: the same rows COPYed into a bare table of the same shape, no rules applied.
    await pool.query('CREATE TABLE bench_copy (event_id text PRIMARY KEY, receipt_number text NOT NULL, type text NOT NULL, occurred_at timestamptz NOT NULL, payload jsonb NOT NULL, received_at timestamptz NOT NULL)');
    const lines = events.map((e) => `${[e.id, e.receiptNumber, e.type, e.occurredAt, JSON.stringify(e.payload).replace(/\\/g, '\\\\'), new Date().toISOString()].join('\t')}\n`);
    const copyClient = await pool.connect();
    const copyStarted = performance.now();
    try {
      await pipeline(Readable.from(lines), copyClient.query(copyFrom('COPY bench_copy FROM STDIN')));
    } finally {
      copyClient.release();
    }
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copyRate = events.length / copySeconds;
    console.log(`[bench] raw COPY: ${copyRate.toFixed(0)} rows/s (${copySeconds.toFixed(1)} s)`);

    const counts = (await pool.query(`SELECT (SELECT count(*) FROM case_events)::int AS events, (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM case_status_history)::int AS history, (SELECT count(*) FROM notification_messages)::int AS messages`)).rows[0] as Record<string, number>;
    console.log(`[bench] stored: ${JSON.stringify(counts)}`);
    const met = ingestRate >= 20_000;
    const date = new Date().toISOString().slice(0, 10);
    const lines2 = [
      `# Case events ingestion, ${date}`,
      '',
      'Produced by `npm run bench:case-events` (bench/case-events/run.ts).',
      '',
      `| Measure | Rate | Time | vs COPY | Target | Met |`,
      `|---|---:|---:|---:|---|---|`,
      `| API \`POST /api/v1/case-events\`, NDJSON batches of ${BATCH}, ${CONCURRENCY} in flight, one client | ${ingestRate.toFixed(0)} events/s | ${ingestSeconds.toFixed(1)} s | ${(ingestRate / copyRate).toFixed(2)}x | >= 20,000 events/s | ${met ? 'yes' : '**no**'} |`,
      `| Raw COPY of the same rows into a bare table (baseline) | ${copyRate.toFixed(0)} rows/s | ${copySeconds.toFixed(1)} s | 1.00x | reference | — |`,
      '',
      `- Events: ${events.length.toLocaleString('en-US')} over ${Math.ceil(EVENTS / STEPS.length).toLocaleString('en-US')} new cases (${STEPS.length} lifecycle steps each, sent step by step across cases), 10% filed online by one of ${ACCOUNTS} accounts: ${notifications.toLocaleString('en-US')} notifications queued (emails and texts, delivered later by workers, which did not run here).`,
      `- Cores used during the ingestion (CPU seconds per second, from /proc): ${coreText}. The rest of the machine's busy time is PostgreSQL's own background processes (WAL writer, checkpointer) and the kernel.`,
      `- Stored after the run: ${counts.events} events, ${counts.cases} cases, ${counts.history} history rows, ${counts.messages} messages.`,
      `- Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, PostgreSQL on 127.0.0.1; the server, PostgreSQL and the client share the machine.`,
      `- Commit: ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()}.`,
      '',
    ];
    writeFileSync(path.join(ROOT, 'bench/results', `case-events-${date}.md`), lines2.join('\n'));
    console.log(`[bench] target >= 20,000 events/s: ${met ? 'met' : 'NOT met'}; written to bench/results/case-events-${date}.md`);
  } finally {
    stop();
    await pool.end();
    await new Promise((r) => setTimeout(r, 1000));
    await admin(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`)).catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

