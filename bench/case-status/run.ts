/**
 * Case status benchmark (see bench/README.md).
 *
 *   npm run bench:case-status        # = node --import tsx bench/case-status/run.ts
 *
 * PostgreSQL, 1,000,000 cases: a bare node:http + pg baseline server, the API (GET /case-status/{receipt}
 * with a bearer token) and the HTML page (GET /case-status?receipt_number=...), 50 connections, random
 * existing receipt numbers, ratios against the baseline measured in this same run. Then the embedded database
 * (PGlite): first start on a fresh data dir, `npm start` on the existing data dir until the first 200 on
 * /readyz and on one API call, and the same API and HTML load. Peak memory (VmHWM) of every server.
 *
 * Writes bench/results/case-status-<date>.md (and .json with the raw figures). Only talks to 127.0.0.1.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import {
  backgroundLoad,
  cpuSeconds,
  findDescendant,
  machineCpu,
  peakRssMiB,
  postgresBackends,
  postgresCpuBetween,
  treeCpuSeconds,
} from '../proc.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(ROOT, 'bin/casedesk.js');
const BASELINE = path.join(ROOT, 'bench/case-status/baseline-server.ts');

// ---------------------------------------------------------------------------------------------------------------
// Settings (environment variables, all optional)

function intEnv(name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const S = {
  adminUrl: process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  database: process.env.BENCH_DATABASE ?? 'casedesk_bench',
  cases: intEnv('BENCH_CASES', 1_000_000, 1, 20_000_000),
  connections: intEnv('BENCH_CONNECTIONS', 50, 1, 1000),
  duration: intEnv('BENCH_DURATION', 15, 1, 300),
  warmup: intEnv('BENCH_WARMUP', 3, 0, 60),
  sample: intEnv('BENCH_SAMPLE', 20_000, 10, 200_000),
  restarts: intEnv('BENCH_RESTARTS', 3, 1, 10),
  rounds: intEnv('BENCH_ROUNDS', 3, 1, 10),
  quietWait: intEnv('BENCH_QUIET_WAIT', 120, 0, 1800),
  embedded: process.env.BENCH_SKIP_EMBEDDED !== '1',
  write: process.env.BENCH_NO_WRITE !== '1',
  appPort: intEnv('BENCH_APP_PORT', 3200, 1024, 65535),
  baselinePort: intEnv('BENCH_BASELINE_PORT', 3201, 1024, 65535),
  embeddedPort: intEnv('BENCH_EMBEDDED_PORT', 3202, 1024, 65535),
  seed: 20261123,
};

const TARGETS = { apiRatio: 0.7, apiP99Ms: 20, htmlRatio: 0.5, startupMs: 3000 };

if (!/^[a-z_][a-z0-9_]*$/.test(S.database)) throw new Error('BENCH_DATABASE must be a plain identifier');
const adminUrl = new URL(S.adminUrl);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(adminUrl.hostname))
  throw new Error('The benchmark only talks to a local PostgreSQL (127.0.0.1).');
const benchUrl = new URL(S.adminUrl);
benchUrl.pathname = `/${S.database}`;
const DATABASE_URL = benchUrl.toString();

/** Environment of every Casedesk child: quiet logs, rate limits out of the way (all load comes from one IP/client). */
function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (key === 'DATABASE_URL' || key.startsWith('CASEDESK_') || key === 'PORT' || key === 'HOST') delete env[key];
  return {
    ...env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CASEDESK_API_RATE_LIMIT_PER_MINUTE: '100000000',
    CASEDESK_LOOKUP_RATE_LIMIT_PER_MINUTE: '100000000',
    CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000000',
    ...extra,
  };
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number, digits = 0) => Number(n.toFixed(digits));

// ---------------------------------------------------------------------------------------------------------------
// Child processes: each in its own process group, always stopped on exit or error.

interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  spawnedAt: number;
  output: string[];
  exit: Promise<number | null>;
  exited: boolean;
}

const children = new Set<Child>();

function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const spawnedAt = performance.now();
  const proc = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`could not start ${name}`);
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (output.length > 60) output.splice(0, output.length - 60);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const child: Child = { name, proc, pid: proc.pid, spawnedAt, output, exited: false, exit: Promise.resolve(null) };
  child.exit = new Promise((resolve) =>
    proc.once('exit', (code) => {
      child.exited = true;
      children.delete(child);
      resolve(code);
    }),
  );
  children.add(child);
  return child;
}

function killGroup(child: Child, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopChild(child: Child, timeoutMs = 15_000): Promise<void> {
  if (child.exited) return;
  killGroup(child, 'SIGTERM');
  const done = await Promise.race([child.exit.then(() => true), sleep(timeoutMs).then(() => false)]);
  if (!done) {
    log(`${child.name} did not stop within ${timeoutMs} ms: SIGKILL`);
    killGroup(child, 'SIGKILL');
    await Promise.race([child.exit, sleep(5000)]);
  }
}

function killAllNow(): void {
  for (const child of children) killGroup(child, 'SIGKILL');
}

let currentLoad: autocannon.Instance | undefined;
process.on('exit', killAllNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers`);
    currentLoad?.stop();
    killAllNow();
    process.exit(130);
  });
}

async function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  const child = startChild(`${command} ${args.join(' ')}`, command, args, env);
  let stdout = '';
  child.proc.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const code = await Promise.race([child.exit, sleep(timeoutMs).then(() => 'timeout' as const)]);
  if (code === 'timeout') {
    await stopChild(child);
    throw new Error(`${child.name} took more than ${timeoutMs / 1000} s`);
  }
  if (code !== 0) throw new Error(`${child.name} failed (exit ${code}):\n${child.output.join('\n')}`);
  return stdout;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers (setup and checks; the load itself is autocannon)

async function request(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: string; headerBytes: number }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const body = await response.text();
  let headerBytes = 0;
  response.headers.forEach((value, key) => (headerBytes += key.length + value.length + 4));
  return { status: response.status, body, headerBytes };
}

/** Polls until `probe` succeeds; ms from the child's spawn. Bounded by the deadline and by the child exiting. */
async function waitUntil(
  child: Child,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exited) throw new Error(`${child.name} exited before ${what}:\n${child.output.join('\n')}`);
    if (await probe().catch(() => false)) return performance.now() - child.spawnedAt;
    await sleep(10);
  }
  throw new Error(`${child.name}: no ${what} within ${timeoutMs / 1000} s:\n${child.output.join('\n')}`);
}

const ready =
  (port: number, pathname = '/readyz') =>
  async () =>
    (await request(`http://127.0.0.1:${port}${pathname}`)).status === 200;

async function accessToken(port: number, client: { client_id: string; client_secret: string }): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: client.client_id,
    client_secret: client.client_secret,
  });
  const answer = await request(`http://127.0.0.1:${port}/oauth/accesstoken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  });
  if (answer.status !== 200) throw new Error(`token request answered ${answer.status}: ${answer.body}`);
  return (JSON.parse(answer.body) as { access_token: string }).access_token;
}

// ---------------------------------------------------------------------------------------------------------------
// Load

interface LoadResult {
  scenario: string;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  serverCpuCores: number;
  /** Server CPU time per answered request. */
  serverCpuMsPerRequest: number;
  postgresCpuCores: number;
  loaderCpuCores: number;
  /** Busy fraction of all cores of the machine. */
  machineCpuBusy: number;
  /** Cores spent in interrupts and softirqs (mostly loopback TCP), charged to no process. */
  irqCpuCores: number;
  /** Cores used by everything else (other processes on the machine): machine busy minus all of the above. */
  otherCpuCores: number;
}

function rotation(receipts: string[]): () => string {
  let i = 0;
  return () => {
    const r = receipts[i]!;
    i = (i + 1) % receipts.length;
    return r;
  };
}

type LoadFigures = Pick<autocannon.Result, 'duration' | 'errors' | 'timeouts' | 'non2xx'> & {
  requests: { total: number };
  latency: Pick<autocannon.Histogram, 'p50' | 'p90' | 'p99' | 'mean' | 'max'>;
};

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Open-loop load at a fixed rate, spread evenly over time (autocannon's own rate limit sends each connection's
 * quota for the second in one burst, which saturates the server anyway). Up to S.connections sockets; a request
 * that finds them all busy waits in the agent's queue. Latency counts from the moment the request was due, so
 * waiting is included (no coordinated omission).
 */
async function paced(
  port: number,
  rate: number,
  duration: number,
  pathFor: (receipt: string) => string,
  receipts: string[],
  headers: Record<string, string>,
): Promise<LoadFigures> {
  const next = rotation(receipts);
  const agent = new http.Agent({ keepAlive: true, maxSockets: S.connections });
  const latencies: number[] = [];
  const total = Math.floor(rate * duration);
  let sent = 0;
  let settled = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const settle = () => {
      settled++;
      if (settled === total) resolve();
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) {
        const dueAt = start + (sent / rate) * 1000;
        sent++;
        const req = http.get({ host: '127.0.0.1', port, path: pathFor(next()), agent, headers }, (res) => {
          res.resume();
          res.once('end', () => {
            latencies.push(performance.now() - dueAt);
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) non2xx++;
            settle();
          });
        });
        req.setTimeout(10_000, () => {
          timeouts++;
          req.destroy(new Error('timeout'));
        });
        req.once('error', () => {
          errors++;
          settle();
        });
      }
      if (sent < total) setTimeout(tick, 1);
    };
    // A response that never ends (a socket torn down mid-answer) must not hang the bench.
    const deadline = setTimeout(resolve, (duration + 15) * 1000);
    deadline.unref();
    if (total === 0) resolve();
    else tick();
  });
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    duration: elapsed,
    errors,
    timeouts,
    non2xx,
    requests: { total: latencies.length },
    latency: {
      p50: round(percentile(latencies, 50), 1),
      p90: round(percentile(latencies, 90), 1),
      p99: round(percentile(latencies, 99), 1),
      mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
      max: round(latencies[latencies.length - 1] ?? Number.NaN, 1),
    },
  };
}

async function cannon(
  port: number,
  duration: number,
  pathFor: (receipt: string) => string,
  receipts: string[],
  headers: Record<string, string>,
  overallRate?: number,
): Promise<LoadFigures> {
  if (overallRate) return paced(port, overallRate, duration, pathFor, receipts, headers);
  const next = rotation(receipts);
  currentLoad = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: S.connections,
    duration,
    timeout: 10,
    headers,
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pathFor(next()) }) }],
  });
  try {
    return await currentLoad;
  } finally {
    currentLoad = undefined;
  }
}

async function load(
  scenario: string,
  port: number,
  serverPid: number,
  pathFor: (receipt: string) => string,
  receipts: string[],
  headers: Record<string, string> = {},
  overallRate?: number,
): Promise<LoadResult> {
  if (S.warmup > 0) await cannon(port, S.warmup, pathFor, receipts, headers, overallRate);
  const cpu0 = cpuSeconds(serverPid);
  const pg0 = postgresBackends(S.database);
  const m0 = machineCpu();
  const l0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await cannon(port, S.duration, pathFor, receipts, headers, overallRate);
  const wall = (performance.now() - t0) / 1000;
  const l1 = process.cpuUsage(l0);
  const m1 = machineCpu();
  const pg1 = postgresBackends(S.database);
  const postgresCpu = postgresCpuBetween(pg0, pg1);
  const cpu1 = cpuSeconds(serverPid);
  const cores = os.availableParallelism();
  const serverCpu = cpu1 - cpu0;
  const machineBusy = (m1.busy - m0.busy) / (m1.total - m0.total);
  const kernelNet = (m1.irq - m0.irq) / (m1.total - m0.total);
  const loaderCpu = (l1.user + l1.system) / 1e6;
  const result: LoadResult = {
    scenario,
    rps: round(r.requests.total / r.duration),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    mean: round(r.latency.mean, 2),
    max: r.latency.max,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationS: round(r.duration, 2),
    serverCpuCores: round(serverCpu / wall, 2),
    serverCpuMsPerRequest: round((serverCpu * 1000) / Math.max(1, r.requests.total), 3),
    postgresCpuCores: round(postgresCpu / wall, 2),
    loaderCpuCores: round(loaderCpu / wall, 2),
    machineCpuBusy: round(machineBusy, 2),
    irqCpuCores: round(kernelNet * cores, 2),
    otherCpuCores: round(
      Math.max(0, (machineBusy - kernelNet) * cores - (serverCpu + postgresCpu + loaderCpu) / wall),
      2,
    ),
  };
  log(
    `${scenario}: ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}; ` +
      `CPU cores: server ${result.serverCpuCores} (${result.serverCpuMsPerRequest} ms/request), PostgreSQL ${result.postgresCpuCores}, load generator ${result.loaderCpuCores}, kernel irq ${result.irqCpuCores}, other ${result.otherCpuCores}`,
  );
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL: database, data, receipts

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function tableExists(client: pg.Client, name: string): Promise<boolean> {
  return (await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name])).rows[0]!.ok;
}

interface Dataset {
  cases: number;
  historyRows: number;
  databaseSize: string;
  loaded: { cases: number; seconds: number; loaderSays: string } | null;
  postgres: string;
  sharedBuffers: string;
}

async function preparePostgres(): Promise<Dataset> {
  const created = await withClient(S.adminUrl, async (client) => {
    const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [S.database])).rowCount === 1;
    if (!exists) await client.query(`CREATE DATABASE ${S.database}`);
    return !exists;
  });
  if (created) log(`created database ${S.database}`);
  const env = appEnv({ DATABASE_URL });
  log('migrating');
  await run(process.execPath, [CLI, 'migrate'], env, 120_000);
  const count = async () =>
    withClient(DATABASE_URL, async (c) =>
      (await tableExists(c, 'cases')) ? Number((await c.query('SELECT count(*) AS n FROM cases')).rows[0].n) : 0,
    );
  let loaded: Dataset['loaded'] = null;
  const before = await count();
  if (before < S.cases) {
    const missing = S.cases - before;
    log(
      `${before.toLocaleString('en-US')} cases; bulk loading ${missing.toLocaleString('en-US')} more (a few minutes)`,
    );
    const t0 = performance.now();
    const out = await run(
      process.execPath,
      [CLI, 'seed', '--bulk', '--count', String(missing), '--seed', String(S.seed)],
      env,
      30 * 60_000,
    );
    loaded = {
      cases: missing,
      seconds: round((performance.now() - t0) / 1000, 1),
      loaderSays: out.trim().split('\n').pop() ?? '',
    };
    log(`loaded in ${loaded.seconds} s: ${loaded.loaderSays}`);
  } else {
    log(`reusing ${before.toLocaleString('en-US')} cases in ${S.database}`);
  }
  return withClient(DATABASE_URL, async (c) => {
    const one = async (q: string) => Object.values((await c.query(q)).rows[0] as Record<string, unknown>)[0];
    return {
      cases: Number(await one('SELECT count(*) FROM cases')),
      historyRows: Number(await one('SELECT count(*) FROM case_status_history')),
      databaseSize: String(await one(`SELECT pg_size_pretty(pg_database_size('${S.database}'))`)),
      loaded,
      postgres: String(await one('SHOW server_version')),
      sharedBuffers: String(await one('SHOW shared_buffers')),
    };
  });
}

/** A deterministic shuffle (mulberry32), so runs send the same sequence. */
function shuffle<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Random existing receipt numbers (row-level Bernoulli sample over the whole table), then the page cache warmed for them. */
async function sampleReceipts(total: number): Promise<string[]> {
  const percent = Math.min(100, ((S.sample * 1.5) / total) * 100);
  return withClient(DATABASE_URL, async (c) => {
    const rows = (
      await c.query<{ r: string }>(
        `SELECT receipt_number AS r FROM cases TABLESAMPLE BERNOULLI (${percent.toFixed(4)}) REPEATABLE (${S.seed})`,
      )
    ).rows;
    const receipts = shuffle(
      rows.map((row) => row.r),
      S.seed,
    ).slice(0, S.sample);
    // Same cache state for every scenario: read every sampled case and its history once before the first one.
    await c.query(
      'SELECT count(*) FROM cases c JOIN case_status_history h ON h.case_id = c.id WHERE c.receipt_number = ANY($1)',
      [receipts],
    );
    return receipts;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Embedded database

interface StartupRun {
  readyMs: number;
  firstApiMs: number;
  /** CPU seconds npm and the server had used when /readyz first answered (less sensitive to a busy machine than wall time). */
  cpuSecondsToReady: number;
}

async function sampleEmbeddedReceipts(dataDir: string): Promise<string[]> {
  const { openPglite } = await import('../../src/platform/db/database.js');
  const database = await openPglite({ dataDir });
  try {
    const rows = (await database.pool.query<{ r: string }>('SELECT receipt_number AS r FROM cases')).rows;
    return shuffle(
      rows.map((row) => row.r),
      S.seed,
    ).slice(0, S.sample);
  } finally {
    await database.close();
  }
}

/** `npm start` on an existing data dir: ms from spawn to the first 200 on /readyz, then to the first 200 of the API (token + lookup). */
async function timedStart(
  env: NodeJS.ProcessEnv,
  client: { client_id: string; client_secret: string },
  receipt: string,
  i: number,
): Promise<{ child: Child; run: StartupRun }> {
  const child = startChild(`npm start (embedded, start ${i})`, 'npm', ['start', '--silent'], env);
  const port = S.embeddedPort;
  const readyMs = await waitUntil(child, ready(port), 30_000, 'readiness');
  const cpuSecondsToReady = treeCpuSeconds(child.pid);
  const firstApiMs = await waitUntil(
    child,
    async () => {
      const token = await accessToken(port, client);
      return (
        (
          await request(`http://127.0.0.1:${port}/case-status/${receipt}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status === 200
      );
    },
    30_000,
    'API answer',
  );
  return {
    child,
    run: { readyMs: round(readyMs), firstApiMs: round(firstApiMs), cpuSecondsToReady: round(cpuSecondsToReady, 2) },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Report

function gitCommit(): string {
  // Read .git directly (no git process): HEAD, then the ref it names, loose or packed.
  try {
    let gitDir = path.join(ROOT, '.git');
    if (!existsSync(path.join(gitDir, 'HEAD'))) {
      const pointer = readFileSync(gitDir, 'utf8').match(/^gitdir:\s*(.+)$/m)?.[1];
      if (!pointer) return 'unknown';
      gitDir = path.resolve(ROOT, pointer.trim());
    }
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref:')) return head.slice(0, 7);
    const ref = head.slice(4).trim();
    const commonDir = existsSync(path.join(gitDir, 'commondir'))
      ? path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    for (const dir of [gitDir, commonDir]) {
      const loose = path.join(dir, ref);
      if (existsSync(loose)) return readFileSync(loose, 'utf8').trim().slice(0, 7);
      const packed = path.join(dir, 'packed-refs');
      if (existsSync(packed)) {
        const line = readFileSync(packed, 'utf8')
          .split('\n')
          .find((l) => l.endsWith(` ${ref}`));
        if (line) return line.slice(0, 7);
      }
    }
    return `${ref} (no commit yet)`;
  } catch {
    return 'unknown';
  }
}

function machine(): { cores: number; cpu: string; memory: string; kernel: string; node: string } {
  let memory = `${round(os.totalmem() / 2 ** 30, 1)} GiB`;
  try {
    memory = execFileSync('free', ['-h'], { encoding: 'utf8' }).trimEnd();
  } catch {
    // keep the total
  }
  let cores = os.availableParallelism();
  try {
    cores = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // keep node's count
  }
  return {
    cores,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memory,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const yes = (ok: boolean) => (ok ? 'yes' : '**no**');

// ---------------------------------------------------------------------------------------------------------------

interface Summary {
  scenario: string;
  runs: LoadResult[];
  rps: number;
  p50: number;
  p99: number;
  clean: boolean;
}

/** Several runs of one scenario: mean throughput, mean p50, worst p99. */
function summarize(scenario: string, runs: LoadResult[]): Summary {
  const mean = (f: (r: LoadResult) => number) => runs.reduce((a, r) => a + f(r), 0) / runs.length;
  return {
    scenario,
    runs,
    rps: round(mean((r) => r.rps)),
    p50: round(
      mean((r) => r.p50),
      1,
    ),
    p99: Math.max(...runs.map((r) => r.p99)),
    clean: runs.every((r) => r.non2xx === 0 && r.errors === 0),
  };
}

async function main(): Promise<void> {
  const started = new Date();
  const date = started.toISOString().slice(0, 10);
  const info = machine();
  log(
    `${info.cores} cores, node ${info.node}; ${S.connections} connections, ${S.warmup} s warm-up + ${S.duration} s per run, ${S.rounds} rounds`,
  );
  // Other work on the machine makes every figure noisy: wait a bounded time for a quiet moment, and record it.
  let background = await backgroundLoad(3000);
  const waitUntilMs = performance.now() + S.quietWait * 1000;
  while (background.busy > 0.2 && performance.now() < waitUntilMs) {
    log(
      `machine ${Math.round(background.busy * 100)}% busy before the bench started anything; waiting up to ${S.quietWait} s for it to calm down`,
    );
    await sleep(5000);
    background = await backgroundLoad(3000);
  }
  log(
    `before starting anything: machine ${Math.round(background.busy * 100)}% busy, load average ${background.loadavg.join(' ')}`,
  );
  if (background.busy > 0.2)
    log('WARNING: the machine is busy with other work; figures will be noisy (see the "other CPU" column)');

  // ---- PostgreSQL
  const dataset = await preparePostgres();
  const pgEnv = appEnv({ DATABASE_URL, PORT: String(S.appPort) });
  const client = JSON.parse(
    (await run(process.execPath, [CLI, 'api-client', 'create', `bench ${started.toISOString()}`], pgEnv, 60_000))
      .trim()
      .split('\n')
      .pop()!,
  ) as { client_id: string; client_secret: string };
  const receipts = await sampleReceipts(dataset.cases);
  log(`${receipts.length.toLocaleString('en-US')} random receipt numbers`);

  const baseline = startChild('baseline', process.execPath, ['--import', 'tsx', BASELINE], {
    ...appEnv({ DATABASE_URL }),
    PORT: String(S.baselinePort),
  });
  await waitUntil(baseline, ready(S.baselinePort, '/healthz'), 60_000, 'baseline readiness');
  const app = startChild('casedesk (PostgreSQL)', process.execPath, [CLI, 'serve'], pgEnv);
  const pgReadyMs = await waitUntil(app, ready(S.appPort), 60_000, 'readiness');
  const token = await accessToken(S.appPort, client);
  const auth = { authorization: `Bearer ${token}` };

  // Same bytes? The baseline must do the same work: compare a few answers.
  const checks = [];
  for (const receipt of receipts.slice(0, 5)) {
    const a = await request(`http://127.0.0.1:${S.appPort}/case-status/${receipt}`, { headers: auth });
    const b = await request(`http://127.0.0.1:${S.baselinePort}/case-status/${receipt}`);
    const h = await request(`http://127.0.0.1:${S.appPort}/case-status?receipt_number=${receipt}`);
    if (a.status !== 200 || b.status !== 200 || h.status !== 200)
      throw new Error(`check of ${receipt}: app ${a.status}, baseline ${b.status}, page ${h.status}`);
    checks.push({
      receipt,
      same: a.body === b.body,
      apiBytes: Buffer.byteLength(a.body),
      baselineBytes: Buffer.byteLength(b.body),
      apiHeaderBytes: a.headerBytes,
      baselineHeaderBytes: b.headerBytes,
      htmlBytes: Buffer.byteLength(h.body),
      htmlHeaderBytes: h.headerBytes,
    });
  }
  const sameBytes = checks.every((c) => c.same);
  if (!sameBytes) log('WARNING: the baseline JSON differs from the app JSON');

  const apiPath = (r: string) => `/case-status/${r}`;
  const htmlPath = (r: string) => `/case-status?receipt_number=${r}`;
  const baseRuns: LoadResult[] = [];
  const apiRuns: LoadResult[] = [];
  const htmlRuns: LoadResult[] = [];
  for (let k = 1; k <= S.rounds; k++) {
    baseRuns.push(await load(`baseline, round ${k}`, S.baselinePort, baseline.pid, apiPath, receipts));
    apiRuns.push(await load(`API, PostgreSQL, round ${k}`, S.appPort, app.pid, apiPath, receipts, auth));
    htmlRuns.push(await load(`HTML page, PostgreSQL, round ${k}`, S.appPort, app.pid, htmlPath, receipts));
  }
  // Latency below saturation (figures only): the same 50 connections, but a fixed offered rate of half what the
  // baseline sustained, so latency shows service time rather than the queue of a saturated closed loop.
  const fixedRate = Math.max(
    S.connections,
    Math.round((baseRuns.reduce((a, r) => a + r.rps, 0) / baseRuns.length) * 0.5),
  );
  const baseFixed = await load(
    `baseline at ${fixedRate} req/s`,
    S.baselinePort,
    baseline.pid,
    apiPath,
    receipts,
    {},
    fixedRate,
  );
  const apiFixed = await load(
    `API, PostgreSQL, at ${fixedRate} req/s`,
    S.appPort,
    app.pid,
    apiPath,
    receipts,
    auth,
    fixedRate,
  );
  const memory: { server: string; peakMiB: number | undefined }[] = [
    { server: 'baseline (node:http + pg)', peakMiB: peakRssMiB(baseline.pid) },
    { server: 'Casedesk, PostgreSQL (API + HTML load)', peakMiB: peakRssMiB(app.pid) },
  ];
  await stopChild(app);
  await stopChild(baseline);
  const base = summarize('Baseline: node:http + pg, same JSON', baseRuns);
  const api = summarize('API `GET /case-status/{receipt}`, PostgreSQL', apiRuns);
  const html = summarize('HTML page `GET /case-status?receipt_number=`, PostgreSQL', htmlRuns);

  // ---- Embedded (PGlite)
  let embedded:
    { firstStartMs: number; startups: StartupRun[]; api: Summary; html: Summary; cases: number } | undefined;
  if (S.embedded) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'casedesk-bench-'));
    try {
      const env = appEnv({ CASEDESK_DATA_DIR: dataDir, PORT: String(S.embeddedPort) });
      log(`embedded: first start in ${dataDir} (migrates and seeds demo cases)`);
      const first = startChild('casedesk (embedded, first start)', process.execPath, [CLI, 'serve'], env);
      const firstStartMs = await waitUntil(first, ready(S.embeddedPort), 300_000, 'readiness');
      const firstStartPeakMiB = peakRssMiB(first.pid);
      await stopChild(first);
      const embeddedClient = JSON.parse(
        (await run(process.execPath, [CLI, 'api-client', 'create', 'bench embedded'], env, 60_000))
          .trim()
          .split('\n')
          .pop()!,
      ) as { client_id: string; client_secret: string };
      const embeddedReceipts = await sampleEmbeddedReceipts(dataDir);
      log(`embedded: ${embeddedReceipts.length} receipt numbers; ${S.restarts} timed starts with npm start`);
      const startups: StartupRun[] = [];
      let server: Child | undefined;
      for (let i = 1; i <= S.restarts; i++) {
        if (server) await stopChild(server);
        const { child, run: timing } = await timedStart(
          env,
          embeddedClient,
          embeddedReceipts[i % embeddedReceipts.length]!,
          i,
        );
        server = child;
        startups.push(timing);
        log(
          `embedded start ${i}: /readyz 200 after ${timing.readyMs} ms (${timing.cpuSecondsToReady} s CPU), first API 200 after ${timing.firstApiMs} ms`,
        );
      }
      const nodePid = findDescendant(
        server!.pid,
        (argv) => path.basename(argv[0] ?? '').startsWith('node') && argv.some((a) => a.endsWith('casedesk.js')),
      );
      if (nodePid === undefined) throw new Error('could not find the Casedesk node process under npm start');
      const embeddedToken = await accessToken(S.embeddedPort, embeddedClient);
      const eApi = await load('API, embedded', S.embeddedPort, nodePid, apiPath, embeddedReceipts, {
        authorization: `Bearer ${embeddedToken}`,
      });
      const eHtml = await load('HTML page, embedded', S.embeddedPort, nodePid, htmlPath, embeddedReceipts);
      memory.push({ server: 'Casedesk, embedded (first start: migrate + seed)', peakMiB: firstStartPeakMiB });
      memory.push({ server: 'Casedesk, embedded (restart + API + HTML load)', peakMiB: peakRssMiB(nodePid) });
      await stopChild(server!);
      embedded = {
        firstStartMs: round(firstStartMs),
        startups,
        api: summarize('API, embedded (PGlite)', [eApi]),
        html: summarize('HTML page, embedded (PGlite)', [eHtml]),
        cases: embeddedReceipts.length,
      };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  // ---- Report
  const ratio = (r: Summary) => r.rps / base.rps;
  const apiOk = ratio(api) >= TARGETS.apiRatio && api.p99 <= TARGETS.apiP99Ms && api.clean;
  const htmlOk = ratio(html) >= TARGETS.htmlRatio && html.clean;
  const worstStart = embedded ? Math.max(...embedded.startups.map((s) => s.firstApiMs)) : undefined;
  const startOk = worstStart !== undefined && worstStart < TARGETS.startupMs;
  const n = (x: number) => x.toLocaleString('en-US');

  const lines: string[] = [];
  lines.push(`# Case status benchmark, ${date}`, '');
  lines.push(
    'Produced by `npm run bench:case-status` (bench/case-status/run.ts); bench/README.md explains how to read it.',
    '',
  );
  lines.push('## Summary', '');
  lines.push(
    `${S.connections} connections, random existing receipt numbers, ${S.rounds} round(s) of ${S.duration} s per scenario (after ${S.warmup} s of warm-up each). req/s and p50 are the means of the rounds, p99 the worst round.`,
    '',
  );
  lines.push('| Scenario | req/s | p50 ms | p99 ms | vs baseline | Target | Met |');
  lines.push('|---|---:|---:|---:|---:|---|---|');
  const sumRow = (r: Summary, target: string, met: string) =>
    `| ${r.scenario} | ${n(r.rps)} | ${r.p50} | ${r.p99} | ${ratio(r).toFixed(2)}x | ${target} | ${met} |`;
  lines.push(sumRow(base, 'reference', '—'));
  lines.push(sumRow(api, `≥ ${TARGETS.apiRatio}x and p99 ≤ ${TARGETS.apiP99Ms} ms`, yes(apiOk)));
  lines.push(sumRow(html, `≥ ${TARGETS.htmlRatio}x`, yes(htmlOk)));
  if (embedded) {
    lines.push(sumRow(embedded.api, 'none (figures only)', '—'));
    lines.push(sumRow(embedded.html, 'none (figures only)', '—'));
  }
  lines.push('');
  lines.push(
    `- API ≥ ${TARGETS.apiRatio}x baseline with p99 ≤ ${TARGETS.apiP99Ms} ms: ${yes(apiOk)} (${ratio(api).toFixed(2)}x, p99 ${api.p99} ms)`,
  );
  lines.push(`- HTML ≥ ${TARGETS.htmlRatio}x baseline: ${yes(htmlOk)} (${ratio(html).toFixed(2)}x)`);
  lines.push(
    `- Embedded, \`npm start\` on an existing data dir to the first successful API request < ${TARGETS.startupMs / 1000} s: ${embedded ? `${yes(startOk)} (worst of ${embedded.startups.length}: ${fmtMs(worstStart!)})` : 'not measured'}`,
  );
  lines.push(
    `- Peak memory: ${memory.map((m) => `${m.server} ${m.peakMiB === undefined ? 'n/a' : `${m.peakMiB} MiB`}`).join('; ')}`,
  );
  const floorRps = S.connections / (TARGETS.apiP99Ms / 1000);
  lines.push(
    '',
    `Closed-loop arithmetic: with ${S.connections} connections each waiting for its answer, mean latency = ${S.connections} / throughput, so a p99 of ${TARGETS.apiP99Ms} ms needs more than ${n(floorRps)} req/s even if every request took exactly as long. The baseline reached ${n(base.rps)} req/s (p99 ${base.p99} ms) on this machine.`,
    '',
  );
  lines.push(
    `Below saturation (figures only, no target): the same ${S.connections} connections at a fixed offered rate of ${n(fixedRate)} req/s (half the baseline's throughput), sent evenly over time by an open-loop generator; latency counts from the moment each request was due:`,
    '',
  );
  lines.push(
    '| Scenario | req/s | p50 ms | p90 ms | p99 ms | server CPU ms/request |',
    '|---|---:|---:|---:|---:|---:|',
  );
  for (const r of [baseFixed, apiFixed])
    lines.push(`| ${r.scenario} | ${n(r.rps)} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.serverCpuMsPerRequest} |`);
  lines.push('');

  lines.push('## Setup', '');
  lines.push(`- Date: ${started.toISOString()}; commit ${gitCommit()} (working tree as it was at the run)`);
  lines.push(
    `- Machine: ${info.cores} cores (\`nproc\`), ${info.cpu}, ${info.kernel}; before the run ${Math.round(background.busy * 100)}% busy, load average ${background.loadavg.join(' ')}`,
  );
  lines.push(
    `- Node ${info.node}; PostgreSQL ${dataset.postgres} on 127.0.0.1 (shared_buffers ${dataset.sharedBuffers}); servers, PostgreSQL and the load generator (autocannon, in the bench process) share the machine`,
  );
  lines.push(
    `- Dataset: ${n(dataset.cases)} cases, ${n(dataset.historyRows)} history rows, database ${dataset.databaseSize}; ${dataset.loaded ? `loaded in this run: ${n(dataset.loaded.cases)} cases in ${dataset.loaded.seconds} s (\`seed --bulk\` says "${dataset.loaded.loaderSays}")` : 'reused from an earlier run'}`,
  );
  lines.push(
    `- Receipts: ${n(receipts.length)} random existing receipt numbers (TABLESAMPLE BERNOULLI), sent in rotation; their rows were read once before the first run so every scenario sees the same cache`,
  );
  lines.push(
    `- Baseline: bench/case-status/baseline-server.ts (node:http + pg Pool of 20, the app's query without Kysely, the app's own formatting functions). JSON byte-for-byte the app's: ${sameBytes ? 'yes' : '**no**'} (${checks[0]!.apiBytes} bytes for ${checks[0]!.receipt}). Response headers: baseline ${checks[0]!.baselineHeaderBytes} bytes, app API ${checks[0]!.apiHeaderBytes} bytes. HTML page: ${checks[0]!.htmlBytes} bytes + ${checks[0]!.htmlHeaderBytes} bytes of headers`,
  );
  lines.push(
    `- Casedesk: \`node bin/casedesk.js serve\`, NODE_ENV=development, LOG_LEVEL=warn, the three rate limits at 100,000,000/minute`,
  );
  lines.push('', '```', `$ nproc\n${info.cores}\n$ free -h\n${info.memory}`, '```', '');

  lines.push('## Every run', '');
  lines.push(
    "CPU columns are cores used over the measured window (from /proc): the server process, the PostgreSQL backends of the bench database, the load generator, the kernel's interrupt and softirq work (mostly loopback TCP, charged to no process), and everything else on the machine (other processes).",
    '',
  );
  lines.push(
    '| Run | req/s | p50 | p90 | p99 | max ms | server CPU | server CPU ms/request | PostgreSQL CPU | load gen. CPU | kernel irq CPU | other CPU | machine busy | non-2xx + errors |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const all = [
    ...baseRuns,
    ...apiRuns,
    ...htmlRuns,
    baseFixed,
    apiFixed,
    ...(embedded ? [...embedded.api.runs, ...embedded.html.runs] : []),
  ];
  for (const r of all) {
    lines.push(
      `| ${r.scenario} | ${n(r.rps)} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} | ${r.serverCpuCores} | ${r.serverCpuMsPerRequest} | ${r.postgresCpuCores} | ${r.loaderCpuCores} | ${r.irqCpuCores} | ${r.otherCpuCores} | ${Math.round(r.machineCpuBusy * 100)}% | ${r.non2xx + r.errors} |`,
    );
  }
  lines.push(
    '',
    "Latencies in ms: autocannon's (1 ms resolution) for the closed-loop runs, the open-loop generator's for the fixed-rate runs.",
    '',
  );

  if (embedded) {
    lines.push('## Embedded database (PGlite)', '');
    lines.push(
      `A fresh data dir: the first start (migrations + ${n(embedded.cases)} demo cases) answered /readyz ${fmtMs(embedded.firstStartMs)} after spawn. Then \`npm start\` on that existing data dir, ${embedded.startups.length} times (each stopped with SIGTERM before the next):`,
      '',
    );
    lines.push(
      '| Start | spawn → /readyz 200 | spawn → first API 200 (token + lookup) | CPU used until ready (npm + server) | Target | Met |',
    );
    lines.push('|---|---:|---:|---:|---|---|');
    embedded.startups.forEach((s, i) =>
      lines.push(
        `| ${i + 1} | ${fmtMs(s.readyMs)} | ${fmtMs(s.firstApiMs)} | ${s.cpuSecondsToReady} s | < ${TARGETS.startupMs / 1000} s | ${yes(s.firstApiMs < TARGETS.startupMs)} |`,
      ),
    );
    lines.push(
      '',
      'The CPU time is what the start costs whatever else runs on the machine (main thread, loader thread and WebAssembly compilation together); a wall time far above it means the process was waiting for a busy machine.',
      '',
    );
  }
  lines.push('## Peak memory (VmHWM)', '');
  lines.push('| Process | Peak RSS |', '|---|---:|');
  for (const m of memory) lines.push(`| ${m.server} | ${m.peakMiB === undefined ? 'n/a' : `${m.peakMiB} MiB`} |`);
  lines.push('', `Casedesk on PostgreSQL answered /readyz ${fmtMs(pgReadyMs)} after spawn.`, '');
  const markdown = lines.join('\n');

  process.stdout.write(`\n${markdown}\n`);
  if (S.write) {
    const dir = path.join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `case-status-${date}.md`);
    writeFileSync(file, markdown);
    const raw = {
      date: started.toISOString(),
      settings: S,
      machine: info,
      background,
      commit: gitCommit(),
      dataset,
      checks,
      pgReadyMs: round(pgReadyMs),
      summary: { base, api, html },
      fixedRate: { rate: fixedRate, baseline: baseFixed, api: apiFixed },
      embedded,
      memory,
      targets: TARGETS,
      met: { api: apiOk, html: htmlOk, startup: startOk },
    };
    writeFileSync(file.replace(/\.md$/, '.json'), `${JSON.stringify(raw, null, 2)}\n`);
    log(`wrote ${path.relative(ROOT, file)} (and .json)`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    killAllNow();
    process.exit(1);
  },
);
