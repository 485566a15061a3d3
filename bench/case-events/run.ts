/**
 * Case events benchmark (issue 4): sustained ingestion into PostgreSQL through `POST /api/v1/case-events` from one
 * client, with status notifications queued for the account holders of linked cases, next to a raw COPY of the
 * same rows into a bare table in the same run (the baseline). Target: >= 20,000 events per second.
 *
 *   npm run bench:case-events      (= node --import tsx bench/case-events/run.ts)
 *
 * Settings: BENCH_EVENTS (default 200,000 per round), BENCH_BATCH (events per request, a list: 1000,5000; the first
 * is the headline, the others are figures), BENCH_CONCURRENCY (4 requests in flight from the one client),
 * BENCH_ROUNDS (3; the median is the result: this machine's speed drifts between runs), BENCH_NO_WRITE=1 (print,
 * do not write bench/results), BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres). Each round creates the database casedesk_bench_events afresh and
 * drops it at the end. Only talks to 127.0.0.1.
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
/** Batch sizes to measure, the first one the headline (the target is judged on it); the others are figures. */
const BATCHES = (process.env.BENCH_BATCH ?? '1000,5000').split(',').map(Number);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'casedesk_bench_events';
const PORT = 3400 + Math.floor(Math.random() * 500);
const ACCOUNTS = 2000;

interface Round {
  rate: number;
  seconds: number;
  copyRate: number;
  copySeconds: number;
  notifications: number;
  cores: { server: number; postgres: number; client: number; machine: number };
  counts: Record<string, number>;
}

/** One round: a fresh database, the server, the ingestion through the API, then the raw COPY of the same rows. */
async function round(n: number, BATCH: number): Promise<Round> {
  const { dbUrl, env } = await freshDatabase(ADMIN_URL, DB_NAME, PORT);
  // Accounts whose online filings get notified.
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const oans = Array.from({ length: ACCOUNTS }, (_, i) => String(800000000000 + i));
  await pool.query(
    `INSERT INTO accounts (id, kind, email, email_verified_at, password_hash, online_account_number, language, created_at, activated_at)
     SELECT gen_random_uuid(), 'applicant', 'bench-' || i || '@example.com', now(), NULL, (800000000000 + i)::text, CASE WHEN i % 3 = 0 THEN 'es' ELSE 'en' END, now(), now()
     FROM generate_series(0, ${ACCOUNTS - 1}) AS i`,
  );
  const client = JSON.parse(
    casedesk(['api-client', 'create', 'Bench system', '--scope', 'case_events:write'], env).trim(),
  ) as { client_id: string; client_secret: string };
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
    after.push([
      ...new Set(batch.flatMap((e) => (lastBatchOf.has(e.receiptNumber) ? [lastBatchOf.get(e.receiptNumber)!] : []))),
    ]);
    for (const e of batch) lastBatchOf.set(e.receiptNumber, index);
  }

  // BENCH_SERVER_NODE_ARGS: extra Node options for the server (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, path.join(ROOT, 'bin/casedesk.js'), 'serve'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-server.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
  };
  const onInterrupt = () => {
    stop();
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const origin = `http://127.0.0.1:${PORT}`;
    await waitForServer(origin);
    const token = await accessToken(origin, client);

    console.log(
      `[bench] batches of ${BATCH}, round ${n}: ingesting ${events.length.toLocaleString('en-US')} events in ${bodies.length} batches of ${BATCH}, ${CONCURRENCY} in flight`,
    );
    let next = 0;
    let notifications = 0;
    const cpu0 = {
      server: cpuSeconds(server.pid!),
      client: cpuSeconds(process.pid),
      postgres: postgresBackends(DB_NAME),
      machine: machineCpu(),
    };
    const started = performance.now();
    const answered: Promise<void>[] = [];
    const settle: (() => void)[] = [];
    for (let i = 0; i < bodies.length; i++) answered.push(new Promise<void>((resolve) => settle.push(resolve)));
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) {
          const index = next++;
          const body = bodies[index]!;
          await Promise.all(after[index]!.map((i) => answered[i]!));
          const res = await fetch(`${origin}/api/v1/case-events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
            body,
          });
          if (!res.ok) throw new Error(`batch refused: ${res.status} ${(await res.text()).slice(0, 500)}`);
          notifications += ((await res.json()) as { notifications: number }).notifications;
          settle[index]!();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    // Where the machine went during the ingestion, in cores (CPU seconds per second of the run).
    const m1 = machineCpu();
    const cores = {
      server: (cpuSeconds(server.pid!) - cpu0.server) / seconds,
      postgres: postgresCpuBetween(cpu0.postgres, postgresBackends(DB_NAME)) / seconds,
      client: (cpuSeconds(process.pid) - cpu0.client) / seconds,
      machine: ((m1.busy - cpu0.machine.busy) / (m1.total - cpu0.machine.total)) * os.cpus().length,
    };
    const rate = events.length / seconds;
    console.log(
      `[bench] batches of ${BATCH}, round ${n}: API ${rate.toFixed(0)} events/s (${seconds.toFixed(1)} s), ${notifications.toLocaleString('en-US')} notifications queued; cores: server ${cores.server.toFixed(2)}, PostgreSQL ${cores.postgres.toFixed(2)}, client ${cores.client.toFixed(2)}, machine ${cores.machine.toFixed(2)}`,
    );

    // Baseline: the same rows COPYed into a bare table of the same shape, no rules applied.
    await pool.query(
      'CREATE TABLE bench_copy (event_id text PRIMARY KEY, receipt_number text NOT NULL, type text NOT NULL, occurred_at timestamptz NOT NULL, payload jsonb NOT NULL, received_at timestamptz NOT NULL)',
    );
    const lines = events.map(
      (e) =>
        `${[e.id, e.receiptNumber, e.type, e.occurredAt, JSON.stringify(e.payload).replace(/\\/g, '\\\\'), new Date().toISOString()].join('\t')}\n`,
    );
    const copyClient = await pool.connect();
    const copyStarted = performance.now();
    try {
      await pipeline(Readable.from(lines), copyClient.query(copyFrom('COPY bench_copy FROM STDIN')));
    } finally {
      copyClient.release();
    }
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const copyRate = events.length / copySeconds;
    console.log(
      `[bench] batches of ${BATCH}, round ${n}: raw COPY ${copyRate.toFixed(0)} rows/s (${copySeconds.toFixed(1)} s)`,
    );
    const counts = (
      await pool.query(
        `SELECT (SELECT count(*) FROM case_events)::int AS events, (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM case_events WHERE status_key IS NOT NULL)::int AS history, (SELECT count(*) FROM notification_messages)::int AS messages`,
      )
    ).rows[0] as Record<string, number>;
    return { rate, seconds, copyRate, copySeconds, notifications, cores, counts };
  } finally {
    process.off('SIGINT', onInterrupt);
    stop();
    await pool.end();
    await new Promise((r) => setTimeout(r, 1000));
    await admin(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`)).catch(() => undefined);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const results = new Map<number, Round[]>();
  // Rounds interleave the batch sizes, so a machine that gets faster or slower during the run affects all alike.
  for (let n = 1; n <= ROUNDS; n++) {
    for (const batch of BATCHES) results.set(batch, [...(results.get(batch) ?? []), await round(n, batch)]);
  }
  const TARGET = 20_000;
  const summary = BATCHES.map((batch) => {
    const list = results.get(batch)!;
    const rate = median(list.map((r) => r.rate));
    return { batch, rate, copyRate: median(list.map((r) => r.copyRate)), met: rate >= TARGET };
  });
  const metWith = summary.filter((x) => x.met).map((x) => x.batch);
  const last = results.get(BATCHES[0]!)!.at(-1)!;
  const date = new Date().toISOString().slice(0, 10);
  const roundRows = (list: Round[]) =>
    list.map(
      (r, i) =>
        `| ${i + 1} | ${fmt(r.rate)} | ${r.seconds.toFixed(1)} s | ${fmt(r.copyRate)} | ${(r.rate / r.copyRate).toFixed(3)}x | ${r.cores.server.toFixed(2)} | ${r.cores.postgres.toFixed(2)} | ${r.cores.client.toFixed(2)} | ${r.cores.machine.toFixed(2)} | ${Math.round((r.cores.server * r.seconds * 1e6) / EVENTS)} | ${Math.round((r.cores.postgres * r.seconds * 1e6) / EVENTS)} |`,
    );
  const verdict = metWith.length
    ? `Target >= ${fmt(TARGET)} events/s: met with batches of ${metWith.join(' and ')}${metWith.length < BATCHES.length ? `, not with ${BATCHES.filter((b) => !metWith.includes(b)).join(' or ')}` : ''}.`
    : `Target >= ${fmt(TARGET)} events/s: not met.`;
  const lines = [
    `# Case events ingestion, ${date}`,
    '',
    'Produced by `npm run bench:case-events` (bench/case-events/run.ts).',
    '',
    `| Measure | Rate (median of ${ROUNDS}) | vs COPY (same rounds) | Target | Met |`,
    `|---|---:|---:|---|---|`,
    ...summary.map(
      (x) =>
        `| API \`POST /api/v1/case-events\`, NDJSON batches of ${x.batch}, ${CONCURRENCY} in flight, one client | ${fmt(x.rate)} events/s | ${(x.rate / x.copyRate).toFixed(2)}x | >= ${fmt(TARGET)} events/s | ${x.met ? 'yes' : '**no**'} |`,
    ),
    `| Raw COPY of the same rows into a bare table (baseline) | ${fmt(median([...results.values()].flat().map((r) => r.copyRate)))} rows/s | 1.00x | reference | — |`,
    '',
    verdict,
    '',
    "Every round: a fresh database, the server started, the events sent, then the COPY. Cores are CPU seconds per second of the ingestion (from /proc): the server process, the PostgreSQL backends of the bench database, the client (this script), and the whole machine (PostgreSQL's background processes and the kernel make the difference).",
    '',
    ...BATCHES.flatMap((b) => [
      `Batches of ${b}:`,
      '',
      '| Round | API events/s | Time | COPY rows/s | vs COPY | Server cores | PostgreSQL cores | Client cores | Machine busy (of ' +
        os.cpus().length +
        ') | Server CPU µs/event | PostgreSQL CPU µs/event |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...roundRows(results.get(b)!),
      '',
    ]),
    `- Events per round: ${EVENTS.toLocaleString('en-US')} over ${Math.ceil(EVENTS / STEPS.length).toLocaleString('en-US')} new cases (${STEPS.length} lifecycle steps each, sent step by step across cases; a batch waits for the earlier batches of the same cases), 10% filed online by one of ${ACCOUNTS} accounts: ${last.notifications.toLocaleString('en-US')} notifications queued (emails and texts, delivered later by workers, which did not run here).`,
    `- Stored after the last round: ${last.counts.events} events, ${last.counts.cases} cases, ${last.counts.history} history rows, ${last.counts.messages} messages.`,
    `- Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, PostgreSQL on 127.0.0.1; the server, PostgreSQL and the client share the machine.`,
    `- Commit: ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()}.`,
    '',
  ];
  if (process.env.BENCH_NO_WRITE) console.log(lines.join('\n'));
  else writeFileSync(path.join(ROOT, 'bench/results', `case-events-${date}.md`), lines.join('\n'));
  console.log(
    `[bench] ${summary.map((x) => `batches of ${x.batch}: median ${fmt(x.rate)} events/s`).join('; ')}. ${verdict}${process.env.BENCH_NO_WRITE ? '' : ` Written to bench/results/case-events-${date}.md`}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
