/**
 * Message delivery benchmark (issue 13 point 7): with 100,000 status emails queued, how soon does a password reset
 * email queued next reach the mail server (target: under 10 s), and how many messages per second does one worker
 * process deliver to a local SMTP server (target: >= 200/s), against a plain nodemailer loop in the same run.
 *
 *   npm run bench:delivery      (= node --import tsx bench/delivery/run.ts)
 *
 * What runs, all on 127.0.0.1:
 * - An SMTP server (the `smtp-server` package) in this process: it accepts everything, counts messages and notes
 *   when each reset's Message-ID arrives.
 * - A fresh PostgreSQL database (created, migrated with `casedesk migrate`, dropped at the end) and the app's own
 *   `NotificationService.queueMany` queueing BENCH_MESSAGES `case_status_changed` emails in transactions of 5,000,
 *   as a batch of case events queues them (stored messages, status rows and bulk delivery jobs).
 * - Baseline, in its own process (bench/delivery/baseline.ts): a plain nodemailer loop, a pooled transport with
 *   the worker's number of connections, sending the first BENCH_BASELINE_MESSAGES of the same stored messages with
 *   100 sends queued; no database writes; its connections with Nagle's algorithm off, as the app's. Run before and
 *   after the worker; the mean is the baseline. Once more, with BENCH_DEFAULT_SOCKET_MESSAGES (2,000), on
 *   nodemailer's own sockets, for comparison (how the app sent before).
 * - One `casedesk worker` process with SMTP_URL pointing at the SMTP server and the app's delivery settings
 *   (CASEDESK_DELIVERY_*, CASEDESK_SMTP_MAX_CONNECTIONS: passed through from this environment, else the app's
 *   defaults). After BENCH_WARMUP s of delivery, messages arriving at the SMTP server are counted for BENCH_SECONDS;
 *   BENCH_RESETS reset emails are queued (the app's `queueEmail`, template `reset_password`) at even intervals in
 *   that window, each timed from its commit to its arrival at the SMTP server.
 * - Then the worker is stopped (SIGTERM) and the database is checked: every message the SMTP server got is `sent`,
 *   none was received twice, none is left `sending`.
 *
 * Settings: BENCH_MESSAGES (100,000), BENCH_BASELINE_MESSAGES (20,000), BENCH_SECONDS (30), BENCH_WARMUP (5),
 * BENCH_RESETS (5), BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_NO_WRITE=1 (print only),
 * BENCH_KEEP_DB=1 (keep the database casedesk_bench_delivery).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../src/config.js';
import { isOptedOut } from '../../src/modules/case-subscriptions/index.js';
import {
  deliverMessageJob,
  deliverUrgentMessageJob,
  NotificationService,
  OutboxSmsProvider,
  SmtpMailer,
} from '../../src/modules/notifications/index.js';
import { systemClock } from '../../src/platform/clock.js';
import { openPostgres } from '../../src/platform/db/database.js';
import { createI18n } from '../../src/platform/i18n/index.js';
import { JobQueue } from '../../src/platform/jobs/index.js';
import { createLogger } from '../../src/platform/logging.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { backgroundLoad, cpuSeconds, postgresBackends, postgresCpuBetween } from '../proc.js';
import { admin, freshDatabase, ROOT } from '../case-events/common.js';

function intEnv(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number >= ${min}`);
  return n;
}

const MESSAGES = intEnv('BENCH_MESSAGES', 100_000, 1000);
const BASELINE_MESSAGES = Math.min(MESSAGES, intEnv('BENCH_BASELINE_MESSAGES', 20_000, 100));
const SECONDS = intEnv('BENCH_SECONDS', 30, 5);
const WARMUP = intEnv('BENCH_WARMUP', 5);
const RESETS = intEnv('BENCH_RESETS', 5, 1);
const DEFAULT_SOCKET_MESSAGES = Math.min(MESSAGES, intEnv('BENCH_DEFAULT_SOCKET_MESSAGES', 2_000, 100));
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WRITE = process.env.BENCH_NO_WRITE !== '1';
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
const DB_NAME = 'casedesk_bench_delivery';
const TARGET_RATE = 200;
const TARGET_RESET_S = 10;
const CHUNK = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.log(`[bench] ${line}`);

// ---- The SMTP server -------------------------------------------------------------------------------------------------

interface Sink {
  port: number;
  /** Messages from the worker (app Message-IDs), each id once. */
  app: Set<string>;
  appReceived: number;
  baselineReceived: number;
  /** Watched messages (the resets): when each arrived, and how many worker messages had arrived by then. */
  arrivals: Map<string, { at: number; received: number }>;
  watch: Set<string>;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const sink: Sink = {
    port: 0,
    app: new Set(),
    appReceived: 0,
    baselineReceived: 0,
    arrivals: new Map(),
    watch: new Set(),
    close: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 1024 * 1024,
    maxClients: 1000,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 4096) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const id = /^Message-ID:\s*<([^>@]+)@casedesk>/im.exec(head)?.[1];
        if (id?.startsWith('baseline-')) sink.baselineReceived++;
        else if (id) {
          sink.appReceived++;
          sink.app.add(id);
          if (sink.watch.has(id)) sink.arrivals.set(id, { at: performance.now(), received: sink.appReceived });
        }
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  sink.port = (server.server.address() as AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

// ---- Processes ---------------------------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
function stopChildren(): void {
  for (const child of children) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // gone
    }
  }
}
process.once('SIGINT', () => {
  stopChildren();
  process.exit(130);
});

async function runBaseline(
  env: NodeJS.ProcessEnv,
  dbUrl: string,
  port: number,
  maxConnections: number,
  options: { count: number; noDelay: boolean },
) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/delivery/baseline.ts')], {
    cwd: ROOT,
    env: {
      ...env,
      BASELINE_DATABASE_URL: dbUrl,
      BASELINE_SMTP_PORT: String(port),
      BASELINE_COUNT: String(options.count),
      BASELINE_MAX_CONNECTIONS: String(maxConnections),
      BASELINE_NODELAY: options.noDelay ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  children.add(child);
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  children.delete(child);
  if (code !== 0) throw new Error(`the baseline exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
    sent: number;
    errors: number;
    seconds: number;
    cpuSeconds: number;
  };
  const rate = result.sent / result.seconds;
  log(
    `baseline (plain nodemailer loop, pool of ${maxConnections}, ${options.noDelay ? 'no-delay sockets' : "nodemailer's own sockets"}): ${result.sent} messages in ${result.seconds.toFixed(1)} s = ${rate.toFixed(0)}/s, ${((result.cpuSeconds / result.sent) * 1000).toFixed(2)} ms CPU per message${result.errors ? `, ${result.errors} errors` : ''}`,
  );
  return { ...result, rate };
}

// ---- Main ------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const startedAll = performance.now();
  const quiet = await backgroundLoad(3000);
  log(`machine before the run: ${Math.round(quiet.busy * 100)}% busy, load average ${quiet.loadavg.join(' ')}`);
  const settings = loadConfig({ ...process.env, NODE_ENV: 'development', DATABASE_URL: undefined });
  log(`fresh database ${DB_NAME}, migrated with casedesk migrate`);
  const { dbUrl, env } = await freshDatabase(ADMIN_URL, DB_NAME, 0);
  const database = openPostgres(dbUrl, { max: 4 });
  const sink = await startSink();
  const logger = createLogger('warn');
  const jobs = new JobQueue(database.pool, logger);
  jobs.register(deliverMessageJob);
  jobs.register(deliverUrgentMessageJob);
  let worker: ChildProcess | undefined;
  try {
    await jobs.start();
    const notifications = new NotificationService({
      db: database.db,
      clock: systemClock,
      random: cryptoRandom,
      i18n: createI18n(),
      jobs,
      mailer: new SmtpMailer(`smtp://127.0.0.1:${sink.port}`),
      sms: new OutboxSmsProvider(),
      mailFrom: settings.mail.from,
      log: logger,
      isOptedOut,
    });

    // 1. The bulk messages, as a batch of case events queues them.
    const queueStarted = performance.now();
    for (let from = 0; from < MESSAGES; from += CHUNK) {
      const n = Math.min(CHUNK, MESSAGES - from);
      await database.db.transaction().execute((trx) =>
        notifications.queueMany(
          trx,
          Array.from({ length: n }, (_, k) => {
            const i = from + k;
            const receipt = `IOE${String(7_000_000_000 + i).padStart(10, '0')}`;
            return {
              channel: 'email' as const,
              to: `holder${i}@example.com`,
              template: 'case_status_changed' as const,
              language: i % 4 === 0 ? ('es' as const) : ('en' as const),
              params: {
                receipt,
                status: 'Case Was Approved',
                description: `We approved your Form I-485, Application to Register Permanent Residence or Adjust Status, Receipt Number ${receipt}.`,
                link: 'https://casedesk.example.gov/account/cases',
              },
            };
          }),
        ),
      );
      process.stdout.write(
        `\r[bench] queueing: ${(from + n).toLocaleString('en-US')} / ${MESSAGES.toLocaleString('en-US')}`,
      );
    }
    process.stdout.write('\n');
    const queueSeconds = (performance.now() - queueStarted) / 1000;
    // Statistics of the freshly filled tables, as autovacuum gathers them within a minute of a bulk insert: without
    // them the planner guesses a few dozen waiting jobs and reads and sorts all of them on every fetch.
    await sql`ANALYZE pgboss.job`.execute(database.db);
    await sql`ANALYZE notification_messages`.execute(database.db);
    const queued = await jobs.countByState(deliverMessageJob.name);
    log(
      `${MESSAGES.toLocaleString('en-US')} status emails queued in ${queueSeconds.toFixed(1)} s (${(MESSAGES / queueSeconds).toFixed(0)}/s); bulk jobs: ${JSON.stringify(queued)}`,
    );

    // 2. Baseline before the worker.
    const maxConnections = settings.mail.maxConnections;
    const baseline1 = await runBaseline(env, dbUrl, sink.port, maxConnections, {
      count: BASELINE_MESSAGES,
      noDelay: true,
    });
    const plainDefault = await runBaseline(env, dbUrl, sink.port, maxConnections, {
      count: DEFAULT_SOCKET_MESSAGES,
      noDelay: false,
    });

    // 3. One worker process.
    const workerEnv = { ...env, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, LOG_LEVEL: 'warn' };
    worker = spawn(process.execPath, [path.join(ROOT, 'bin/casedesk.js'), 'worker'], {
      cwd: ROOT,
      env: workerEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    });
    children.add(worker);
    const spawnedAt = performance.now();
    while (sink.appReceived === 0) {
      if (worker.exitCode !== null) throw new Error(`the worker exited with ${worker.exitCode}`);
      if (performance.now() - spawnedAt > 60_000) throw new Error('the worker delivered nothing in 60 s');
      await sleep(50);
    }
    const firstDeliveryS = (performance.now() - spawnedAt) / 1000;
    log(
      `worker ${worker.pid}: first message delivered ${firstDeliveryS.toFixed(1)} s after spawn; ${WARMUP} s warm-up, then ${SECONDS} s measured with ${RESETS} reset emails`,
    );
    await sleep(WARMUP * 1000);

    const pg0 = postgresBackends(DB_NAME);
    const workerCpu0 = cpuSeconds(worker.pid!);
    const benchCpu0 = process.cpuUsage();
    const received0 = sink.appReceived;
    const windowStart = performance.now();
    const resets: { id: string; queuedAt: number; bulkBefore: number }[] = [];
    for (let i = 0; i < RESETS; i++) {
      const due = windowStart + ((i + 0.5) * SECONDS * 1000) / RESETS;
      await sleep(Math.max(0, due - performance.now()));
      // Committed when queueEmail answers; the id is watched before any SMTP event can be handled (same tick).
      const id = await notifications.queueEmail(database.db, {
        to: `reset${i}@example.com`,
        template: 'reset_password',
        language: 'en',
        params: { link: `https://casedesk.example.gov/account/reset-password?token=bench${i}` },
      });
      const queuedAt = performance.now();
      sink.watch.add(id);
      resets.push({ id, queuedAt, bulkBefore: sink.appReceived });
    }
    await sleep(Math.max(0, windowStart + SECONDS * 1000 - performance.now()));
    const windowSeconds = (performance.now() - windowStart) / 1000;
    const receivedInWindow = sink.appReceived - received0;
    const workerCpu = cpuSeconds(worker.pid!) - workerCpu0;
    const pgCpu = postgresCpuBetween(pg0, postgresBackends(DB_NAME));
    const benchCpuUsage = process.cpuUsage(benchCpu0);
    const benchCpu = (benchCpuUsage.user + benchCpuUsage.system) / 1e6;
    const rate = receivedInWindow / windowSeconds;
    log(
      `worker: ${receivedInWindow} messages in ${windowSeconds.toFixed(1)} s = ${rate.toFixed(0)}/s; CPU ${((workerCpu / receivedInWindow) * 1000).toFixed(2)} ms per message (worker), ${((pgCpu / receivedInWindow) * 1000).toFixed(2)} ms (PostgreSQL)`,
    );
    const resetDeadline = performance.now() + 60_000;
    while (resets.some((r) => !sink.arrivals.has(r.id)) && performance.now() < resetDeadline) await sleep(20);
    const resetTimes = resets.map((r) =>
      sink.arrivals.has(r.id) ? (sink.arrivals.get(r.id)!.at - r.queuedAt) / 1000 : Number.POSITIVE_INFINITY,
    );
    // Status emails delivered between a reset's commit and its arrival.
    const bulkMeanwhile = resets.map((r) =>
      sink.arrivals.has(r.id) ? sink.arrivals.get(r.id)!.received - r.bulkBefore - 1 : Number.NaN,
    );
    log(`reset emails, queued to received: ${resetTimes.map((s) => `${s.toFixed(2)} s`).join(', ')}`);

    // 4. Stop the worker (gracefully) and check the database against what the SMTP server got.
    process.kill(-worker.pid!, 'SIGTERM');
    const stopStarted = performance.now();
    if (worker.exitCode === null) await Promise.race([once(worker, 'exit'), sleep(30_000)]);
    const stopSeconds = (performance.now() - stopStarted) / 1000;
    children.delete(worker);
    const statuses = Object.fromEntries(
      (
        await sql<{
          status: string;
          n: number;
        }>`SELECT status, count(*)::int AS n FROM notification_messages GROUP BY status`.execute(database.db)
      ).rows.map((r) => [r.status, r.n]),
    );
    const duplicates = sink.appReceived - sink.app.size;
    const sentInDb = statuses.sent ?? 0;
    const consistent = duplicates === 0 && sentInDb === sink.app.size && (statuses.sending ?? 0) === 0;
    log(
      `after the worker stopped (${stopSeconds.toFixed(1)} s): statuses ${JSON.stringify(statuses)}; received by SMTP ${sink.appReceived} (${duplicates} twice); ${consistent ? 'consistent' : 'NOT CONSISTENT'}`,
    );

    // 5. Baseline again.
    const baseline2 = await runBaseline(env, dbUrl, sink.port, maxConnections, {
      count: BASELINE_MESSAGES,
      noDelay: true,
    });
    const baselineRate = (baseline1.rate + baseline2.rate) / 2;

    // ---- Report
    const worstReset = Math.max(...resetTimes);
    const medianReset = [...resetTimes].sort((a, b) => a - b)[Math.floor(resetTimes.length / 2)]!;
    const rateMet = rate >= TARGET_RATE;
    const resetMet = worstReset < TARGET_RESET_S;
    const date = new Date().toISOString().slice(0, 10);
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !==
      '';
    const pgVersion = (await sql<{ server_version: string }>`SHOW server_version`.execute(database.db)).rows[0]!
      .server_version;
    const pgSettings = (
      await sql<{ name: string; setting: string; unit: string | null }>`
      SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync')`.execute(
        database.db,
      )
    ).rows
      .map((s) => `${s.name}=${s.setting}${s.unit ?? ''}`)
      .join(', ');
    const d = settings.delivery;
    const f = (n: number, digits = 0) =>
      n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    const md = [
      `# Message delivery, ${date}`,
      '',
      'Produced by `npm run bench:delivery` (bench/delivery/run.ts).',
      '',
      '| Measure | Value | vs baseline | Target | Met |',
      '|---|---:|---:|---|---|',
      `| Reset email queued after ${f(MESSAGES)} status emails, while one worker delivers them: time from its commit to its arrival at the SMTP server (worst of ${RESETS}; median) | **${worstReset.toFixed(2)} s** (median ${medianReset.toFixed(2)} s) | — | < ${TARGET_RESET_S} s | ${resetMet ? 'yes' : '**no**'} |`,
      `| Messages per second delivered by one \`casedesk worker\` process to the local SMTP server (stored → sending → sent, with status rows and job completion) | **${f(rate)}/s** | ${(rate / baselineRate).toFixed(2)}x | >= ${TARGET_RATE}/s | ${rateMet ? 'yes' : '**no**'} |`,
      `| Baseline: plain nodemailer loop, pooled transport (${maxConnections} connections, Nagle's algorithm off as in the app), the same stored messages, no database writes (before / after the worker; mean) | ${f(baseline1.rate)}/s / ${f(baseline2.rate)}/s; ${f(baselineRate)}/s | 1.00x | reference | — |`,
      `| The same loop with nodemailer's own sockets (Nagle's algorithm on: how the app sent before), ${f(plainDefault.sent)} messages | ${f(plainDefault.rate)}/s | ${(plainDefault.rate / baselineRate).toFixed(2)}x | comparison | — |`,
      `| Messages received twice by the SMTP server; messages left \`sending\`; \`sent\` in the database = distinct messages received | ${duplicates}; ${statuses.sending ?? 0}; ${f(sentInDb)} = ${f(sink.app.size)} | — | 0; 0; equal | ${consistent ? 'yes' : '**no**'} |`,
      '',
      '## Settings',
      '',
      `- Delivery settings of the worker (the app's defaults unless set in the environment): CASEDESK_DELIVERY_BATCH_SIZE=${d.batchSize}, CASEDESK_DELIVERY_CONCURRENCY=${d.concurrency}, CASEDESK_DELIVERY_POLL_SECONDS=${d.pollingIntervalSeconds}, CASEDESK_DELIVERY_URGENT_POLL_SECONDS=${d.urgentPollingIntervalSeconds}, CASEDESK_SMTP_MAX_CONNECTIONS=${maxConnections}.`,
      `- ${f(MESSAGES)} \`case_status_changed\` emails (a quarter in Spanish) queued through \`NotificationService.queueMany\` in transactions of ${f(CHUNK)} in ${queueSeconds.toFixed(1)} s (${f(MESSAGES / queueSeconds)}/s): rendered, stored with a status row, one bulk delivery job each; then \`ANALYZE\` of the job and message tables (what autovacuum does within a minute of such an insert).`,
      `- One \`casedesk worker\` process (PostgreSQL pool of 20), SMTP_URL to an \`smtp-server\` on 127.0.0.1 in the bench process (no TLS, no authentication, accepts everything). First delivery ${firstDeliveryS.toFixed(1)} s after spawn (start-up and first poll); ${WARMUP} s of delivery discarded, then ${windowSeconds.toFixed(1)} s measured: ${f(receivedInWindow)} messages arrived. Stopped with SIGTERM in ${stopSeconds.toFixed(1)} s (it finishes the batch in hand and hands back what it had not started).`,
      `- Reset emails: ${RESETS} \`reset_password\` emails queued with \`NotificationService.queueEmail\` at even intervals in the measured window (the urgent queue), each timed from its commit to its arrival: ${resetTimes.map((s) => `${s.toFixed(2)} s`).join(', ')}. Status emails that arrived between each reset's commit and its arrival: ${bulkMeanwhile.join(', ')} (all of them were queued before it).`,
      `- CPU in the measured window: worker ${((workerCpu / receivedInWindow) * 1000).toFixed(2)} ms per message (${(workerCpu / windowSeconds).toFixed(2)} cores), PostgreSQL backends ${((pgCpu / receivedInWindow) * 1000).toFixed(2)} ms per message (${(pgCpu / windowSeconds).toFixed(2)} cores), the bench process (the SMTP server) ${(benchCpu / windowSeconds).toFixed(2)} cores. Baseline: ${((baseline1.cpuSeconds / baseline1.sent) * 1000).toFixed(2)} / ${((baseline2.cpuSeconds / baseline2.sent) * 1000).toFixed(2)} ms of its own CPU per message.`,
      `- Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GB, shared with other work (${Math.round(quiet.busy * 100)}% busy and load average ${quiet.loadavg.join(' ')} before the run, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(
          ' ',
        )} at the end); Node ${process.version}; PostgreSQL ${pgVersion} on 127.0.0.1 (${pgSettings}). Worker, PostgreSQL, SMTP server and baseline share the machine.`,
      `- Commit: ${commit}${dirty ? ' (working tree with uncommitted changes)' : ''}. Whole run: ${((performance.now() - startedAll) / 1000).toFixed(0)} s.`,
      '',
      '## Reading',
      '',
      `- Verdict: reset emails arrived in at most ${worstReset.toFixed(2)} s with ${f(MESSAGES)} status emails queued ahead of them (${resetMet ? 'met' : 'not met'}); one worker process delivered ${f(rate)} messages/s (${rateMet ? 'met' : 'not met'}), ${(rate / baselineRate).toFixed(2)}x the plain nodemailer loop on the same machine in the same run.`,
      '- The reset goes through its own queue (`notifications.deliver-urgent`), polled every CASEDESK_DELIVERY_URGENT_POLL_SECONDS by its own worker loop, so the status emails ahead of it do not delay it: its time is a polling interval, plus its turn for a database connection and an SMTP connection shared with the bulk worker loop.',
      "- nodemailer writes a message and its final '.' separately; with Nagle's algorithm on (Node's default for its sockets) the '.' waits for the server's delayed acknowledgement, up to 40 ms, so a connection carried about 20 messages a second whatever the machine (the comparison row). The app's SMTP pool now opens its connections with Nagle's algorithm off (`noDelaySocket` in src/modules/notifications/transports.ts), and so does the baseline.",
      '- The worker does per message what the baseline does not: claim the message and read it (`queued → sending` with its status row, one statement), send it, record `sent` (one statement with its status row), and its job is fetched and completed in batches. The ratio is the cost of "stored, then delivered" (ADR 5) on this machine.',
      '',
    ].join('\n');
    console.log(`\n${md}`);
    if (WRITE) {
      writeFileSync(path.join(ROOT, 'bench/results', `delivery-${date}.md`), md);
      log(`written to bench/results/delivery-${date}.md`);
    }
  } finally {
    stopChildren();
    await jobs.stop().catch(() => undefined);
    await sink.close().catch(() => undefined);
    await database.close();
    if (KEEP_DB) log(`BENCH_KEEP_DB=1: database ${DB_NAME} kept`);
    else
      await admin(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`)).catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error);
  stopChildren();
  process.exit(1);
});
