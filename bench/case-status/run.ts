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
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(ROOT, 'bin/casedesk.js');
const BASELINE = path.join(ROOT, 'bench/case-status/baseline-server.ts');

// ---------------------------------------------------------------------------------------------------------------
// Settings (environment variables, all optional)

function intEnv(name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
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
if (!['127.0.0.1', 'localhost', '[::1]'].includes(adminUrl.hostname)) throw new Error('The benchmark only talks to a local PostgreSQL (127.0.0.1).');
const benchUrl = new URL(S.adminUrl);
benchUrl.pathname = `/${S.database}`;
const DATABASE_URL = benchUrl.toString();

/** Environment of every Casedesk child: quiet logs, rate limits out of the way (all load comes from one IP/client). */
function appEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'DATABASE_URL' || key.startsWith('CASEDESK_') || key === 'PORT' || key === 'HOST') delete env[key];
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
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const child: Child = { name, proc, pid: proc.pid, spawnedAt, output, exited: false, exit: Promise.resolve(null) };
  child.exit = new Promise((resolve) => proc.once('exit', (code) => { child.exited = true; children.delete(child); resolve(code); }));
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
// /proc: peak memory and CPU time of a process, CPU time of the machine

function procStatus(pid: number): Record<string, string> {
  try {
    return Object.fromEntries(readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').map((l) => l.split(/:\s+/, 2) as [string, string]));
  } catch {
    return {};
  }
}

/** Peak resident set size (VmHWM) in MiB; undefined if the process is gone. */
function peakRssMiB(pid: number): number | undefined {
  const hwm = procStatus(pid).VmHWM;
  return hwm ? round(Number.parseInt(hwm, 10) / 1024, 1) : undefined;
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

/** The machine's CPU counters: busy and total jiffies over all cores. */
function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/** The Casedesk node process under `npm start` (npm -> sh -> node). */
function findDescendant(rootPid: number, match: (cmdline: string) => boolean): number | undefined {
  const queue = [rootPid];
  for (let i = 0; i < queue.length && i < 100; i++) {
    const pid = queue[i]!;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (match(cmdline)) return pid;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (kids) queue.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // gone
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers (setup and checks; the load itself is autocannon)

async function request(url: string, init: RequestInit = {}): Promise<{ status: number; body: string; headerBytes: number }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const body = await response.text();
  let headerBytes = 0;
  response.headers.forEach((value, key) => (headerBytes += key.length + value.length + 4));
  return { status: response.status, body, headerBytes };
}

/** Polls until `probe` succeeds; ms from the child's spawn. Bounded by the deadline and by the child exiting. */
async function waitUntil(child: Child, probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exited) throw new Error(`${child.name} exited before ${what}:\n${child.output.join('\n')}`);
    if (await probe().catch(() => false)) return performance.now() - child.spawnedAt;
    await sleep(10);
  }
  throw new Error(`${child.name}: no ${what} within ${timeoutMs / 1000} s:\n${child.output.join('\n')}`);
}

const ready = (port: number, pathname = '/readyz') => async () => (await request(`http://127.0.0.1:${port}${pathname}`)).status === 200;

async function accessToken(port: number, client: { client_id: string; client_secret: string }): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret });
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
  machineCpuBusy: number;
  loaderCpuCores: number;
}

function rotation(receipts: string[]): () => string {
  let i = 0;
  return () => {
    const r = receipts[i]!;
    i = (i + 1) % receipts.length;
    return r;
  };
}

async function cannon(port: number, duration: number, pathFor: (receipt: string) => string, receipts: string[], headers: Record<string, string>): Promise<autocannon.Result> {
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

async function load(scenario: string, port: number, serverPid: number, pathFor: (receipt: string) => string, receipts: string[], headers: Record<string, string> = {}): Promise<LoadResult> {
  if (S.warmup > 0) await cannon(port, S.warmup, pathFor, receipts, headers);
  const cpu0 = cpuSeconds(serverPid);
  const m0 = machineCpu();
  const l0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await cannon(port, S.duration, pathFor, receipts, headers);
  const wall = (performance.now() - t0) / 1000;
  const l1 = process.cpuUsage(l0);
  const m1 = machineCpu();
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
    serverCpuCores: round((cpuSeconds(serverPid) - cpu0) / wall, 2),
    machineCpuBusy: round((m1.busy - m0.busy) / (m1.total - m0.total), 2),
    loaderCpuCores: round((l1.user + l1.system) / 1e6 / wall, 2),
  };
  log(`${scenario}: ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}, server CPU ${result.serverCpuCores} cores`);
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
  const count = async () => withClient(DATABASE_URL, async (c) => ((await tableExists(c, 'cases')) ? Number((await c.query('SELECT count(*) AS n FROM cases')).rows[0].n) : 0));
  let loaded: Dataset['loaded'] = null;
  const before = await count();
  if (before < S.cases) {
    const missing = S.cases - before;
    log(`${before.toLocaleString('en-US')} cases; bulk loading ${missing.toLocaleString('en-US')} more (a few minutes)`);
    const t0 = performance.now();
    const out = await run(process.execPath, [CLI, 'seed', '--bulk', '--count', String(missing), '--seed', String(S.seed)], env, 30 * 60_000);
    loaded = { cases: missing, seconds: round((performance.now() - t0) / 1000, 1), loaderSays: out.trim().split('\n').pop() ?? '' };
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
    const rows = (await c.query<{ r: string }>(`SELECT receipt_number AS r FROM cases TABLESAMPLE BERNOULLI (${percent.toFixed(4)}) REPEATABLE (${S.seed})`)).rows;
    const receipts = shuffle(rows.map((row) => row.r), S.seed).slice(0, S.sample);
    // Same cache state for every scenario: read every sampled case and its history once before the first one.
    await c.query('SELECT count(*) FROM cases c JOIN case_status_history h ON h.case_id = c.id WHERE c.receipt_number = ANY($1)', [receipts]);
    return receipts;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Embedded database

interface StartupRun {
  readyMs: number;
  firstApiMs: number;
}

async function sampleEmbeddedReceipts(dataDir: string): Promise<string[]> {
  const { openPglite } = await import('../../src/platform/db/database.js');
  const database = await openPglite({ dataDir });
  try {
    const rows = (await database.pool.query<{ r: string }>('SELECT receipt_number AS r FROM cases')).rows;
    return shuffle(rows.map((row) => row.r), S.seed).slice(0, S.sample);
  } finally {
    await database.close();
  }
}

/** `npm start` on an existing data dir: ms from spawn to the first 200 on /readyz, then to the first 200 of the API (token + lookup). */
async function timedStart(env: NodeJS.ProcessEnv, client: { client_id: string; client_secret: string }, receipt: string, i: number): Promise<{ child: Child; run: StartupRun }> {
  const child = startChild(`npm start (embedded, start ${i})`, 'npm', ['start', '--silent'], env);
  const port = S.embeddedPort;
  const readyMs = await waitUntil(child, ready(port), 30_000, 'readiness');
  const firstApiMs = await waitUntil(
    child,
    async () => {
      const token = await accessToken(port, client);
      return (await request(`http://127.0.0.1:${port}/case-status/${receipt}`, { headers: { authorization: `Bearer ${token}` } })).status === 200;
    },
    30_000,
    'API answer',
  );
  return { child, run: { readyMs: round(readyMs), firstApiMs: round(firstApiMs) } };
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
    const commonDir = existsSync(path.join(gitDir, 'commondir')) ? path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    for (const dir of [gitDir, commonDir]) {
      const loose = path.join(dir, ref);
      if (existsSync(loose)) return readFileSync(loose, 'utf8').trim().slice(0, 7);
      const packed = path.join(dir, 'packed-refs');
      if (existsSync(packed)) {
        const line = readFileSync(packed, 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`));
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
  return { cores, cpu: os.cpus()[0]?.model ?? 'unknown', memory, kernel: `${os.type()} ${os.release()}`, node: process.version };
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const yes = (ok: boolean) => (ok ? 'yes' : '**no**');

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = new Date();
  const date = started.toISOString().slice(0, 10);
  const info = machine();
  log(`${info.cores} cores, node ${info.node}; ${S.connections} connections, ${S.warmup} s warm-up + ${S.duration} s per scenario`);

  // ---- PostgreSQL
  const dataset = await preparePostgres();
  const pgEnv = appEnv({ DATABASE_URL, PORT: String(S.appPort) });
  const client = JSON.parse((await run(process.execPath, [CLI, 'api-client', 'create', `bench ${started.toISOString()}`], pgEnv, 60_000)).trim().split('\n').pop()!) as { client_id: string; client_secret: string };
  const receipts = await sampleReceipts(dataset.cases);
  log(`${receipts.length.toLocaleString('en-US')} random receipt numbers`);

  const baseline = startChild('baseline', process.execPath, ['--import', 'tsx', BASELINE], { ...appEnv({ DATABASE_URL }), PORT: String(S.baselinePort) });
  await waitUntil(baseline, ready(S.baselinePort, '/healthz'), 30_000, 'baseline readiness');
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
    if (a.status !== 200 || b.status !== 200 || h.status !== 200) throw new Error(`check of ${receipt}: app ${a.status}, baseline ${b.status}, page ${h.status}`);
    checks.push({ receipt, same: a.body === b.body, apiBytes: Buffer.byteLength(a.body), baselineBytes: Buffer.byteLength(b.body), apiHeaderBytes: a.headerBytes, baselineHeaderBytes: b.headerBytes, htmlBytes: Buffer.byteLength(h.body), htmlHeaderBytes: h.headerBytes });
  }
  const sameBytes = checks.every((c) => c.same);
  if (!sameBytes) log('WARNING: the baseline JSON differs from the app JSON');

  const apiPath = (r: string) => `/case-status/${r}`;
  const htmlPath = (r: string) => `/case-status?receipt_number=${r}`;
  const base1 = await load('baseline (node:http + pg)', S.baselinePort, baseline.pid, apiPath, receipts);
  const api = await load('API, PostgreSQL', S.appPort, app.pid, apiPath, receipts, auth);
  const html = await load('HTML page, PostgreSQL', S.appPort, app.pid, htmlPath, receipts);
  const base2 = await load('baseline again (drift check)', S.baselinePort, baseline.pid, apiPath, receipts);
  const memory: { server: string; peakMiB: number | undefined }[] = [
    { server: 'baseline (node:http + pg)', peakMiB: peakRssMiB(baseline.pid) },
    { server: 'Casedesk, PostgreSQL (API + HTML load)', peakMiB: peakRssMiB(app.pid) },
  ];
  await stopChild(app);
  await stopChild(baseline);
  const baselineRps = (base1.rps + base2.rps) / 2;

  // ---- Embedded (PGlite)
  let embedded: { firstStartMs: number; firstStartPeakMiB?: number; startups: StartupRun[]; api: LoadResult; html: LoadResult; cases: number } | undefined;
  if (S.embedded) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'casedesk-bench-'));
    try {
      const env = appEnv({ CASEDESK_DATA_DIR: dataDir, PORT: String(S.embeddedPort) });
      log(`embedded: first start in ${dataDir} (migrates and seeds demo cases)`);
      const first = startChild('casedesk (embedded, first start)', process.execPath, [CLI, 'serve'], env);
      const firstStartMs = await waitUntil(first, ready(S.embeddedPort), 180_000, 'readiness');
      const firstStartPeakMiB = peakRssMiB(first.pid);
      await stopChild(first);
      const embeddedClient = JSON.parse((await run(process.execPath, [CLI, 'api-client', 'create', 'bench embedded'], env, 60_000)).trim().split('\n').pop()!) as { client_id: string; client_secret: string };
      const embeddedReceipts = await sampleEmbeddedReceipts(dataDir);
      log(`embedded: ${embeddedReceipts.length} receipt numbers; ${S.restarts} timed starts with npm start`);
      const startups: StartupRun[] = [];
      let server: Child | undefined;
      for (let i = 1; i <= S.restarts; i++) {
        if (server) await stopChild(server);
        const { child, run: timing } = await timedStart(env, embeddedClient, embeddedReceipts[i % embeddedReceipts.length]!, i);
        server = child;
        startups.push(timing);
        log(`embedded start ${i}: /readyz 200 after ${timing.readyMs} ms, first API 200 after ${timing.firstApiMs} ms`);
      }
      const nodePid = findDescendant(server!.pid, (cmd) => cmd.includes('casedesk.js')) ?? server!.pid;
      const embeddedToken = await accessToken(S.embeddedPort, embeddedClient);
      const eApi = await load('API, embedded', S.embeddedPort, nodePid, apiPath, embeddedReceipts, { authorization: `Bearer ${embeddedToken}` });
      const eHtml = await load('HTML page, embedded', S.embeddedPort, nodePid, htmlPath, embeddedReceipts);
      memory.push({ server: 'Casedesk, embedded (first start: migrate + seed)', peakMiB: firstStartPeakMiB });
      memory.push({ server: 'Casedesk, embedded (restart + API + HTML load)', peakMiB: peakRssMiB(nodePid) });
      await stopChild(server!);
      embedded = { firstStartMs: round(firstStartMs), firstStartPeakMiB, startups, api: eApi, html: eHtml, cases: embeddedReceipts.length };
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  // ---- Report
  const ratio = (r: LoadResult) => r.rps / baselineRps;
  const apiOk = ratio(api) >= TARGETS.apiRatio && api.p99 <= TARGETS.apiP99Ms && api.non2xx === 0 && api.errors === 0;
  const htmlOk = ratio(html) >= TARGETS.htmlRatio && html.non2xx === 0 && html.errors === 0;
  const worstStart = embedded ? Math.max(...embedded.startups.map((s) => s.firstApiMs)) : undefined;
  const startOk = worstStart !== undefined && worstStart < TARGETS.startupMs;

  const row = (r: LoadResult, target: string, met: string) =>
    `| ${r.scenario} | ${r.rps.toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${(r.rps / baselineRps).toFixed(2)}x | ${target} | ${met} | ${r.serverCpuCores} | ${Math.round(r.machineCpuBusy * 100)}% | ${r.non2xx + r.errors} |`;
  const lines: string[] = [];
  lines.push(`# Case status benchmark, ${date}`, '');
  lines.push(`Produced by \`npm run bench:case-status\` (bench/case-status/run.ts); bench/README.md explains how to read it.`, '');
  lines.push('## Setup', '');
  lines.push(`- Commit: ${gitCommit()} (working tree as it was at the run)`);
  lines.push(`- Machine: ${info.cores} cores (\`nproc\`), ${info.cpu}, ${info.kernel}`);
  lines.push(`- Node ${info.node}; PostgreSQL ${dataset.postgres} on 127.0.0.1 (shared_buffers ${dataset.sharedBuffers}); servers, database and load generator share the machine`);
  lines.push(`- Dataset: ${dataset.cases.toLocaleString('en-US')} cases, ${dataset.historyRows.toLocaleString('en-US')} history rows, database ${dataset.databaseSize}; ${dataset.loaded ? `loaded in this run: ${dataset.loaded.cases.toLocaleString('en-US')} cases in ${dataset.loaded.seconds} s (\`seed --bulk\`: "${dataset.loaded.loaderSays}")` : 'reused from an earlier run'}`);
  lines.push(`- Load: autocannon, ${S.connections} connections, ${S.warmup} s warm-up then ${S.duration} s measured per scenario, ${receipts.length.toLocaleString('en-US')} random existing receipt numbers in rotation`);
  lines.push(`- Baseline: bench/case-status/baseline-server.ts (node:http + pg Pool of 20, one query). Its JSON is byte-for-byte the app's: ${sameBytes ? 'yes' : '**no**'} (${checks[0]!.apiBytes} bytes for ${checks[0]!.receipt}); response headers ${checks[0]!.baselineHeaderBytes} bytes (baseline) vs ${checks[0]!.apiHeaderBytes} (app API); HTML page ${checks[0]!.htmlBytes} bytes`);
  lines.push(`- Ratios are against the mean of the two baseline runs (${Math.round(baselineRps).toLocaleString('en-US')} req/s); the second one, after the app scenarios, checks the machine did not drift (${(((base2.rps - base1.rps) / base1.rps) * 100).toFixed(1)}%)`);
  lines.push('', '```', info.memory, '```', '');
  lines.push('## Throughput and latency (50 connections)', '');
  lines.push('| Scenario | req/s | p50 ms | p99 ms | vs baseline | Target | Met | Server CPU (cores) | Machine CPU busy | non-2xx + errors |');
  lines.push('|---|---:|---:|---:|---:|---|---|---:|---:|---:|');
  lines.push(row(base1, 'reference', '—'));
  lines.push(row(base2, 'reference', '—'));
  lines.push(row(api, `≥ ${TARGETS.apiRatio}x, p99 ≤ ${TARGETS.apiP99Ms} ms`, yes(apiOk)));
  lines.push(row(html, `≥ ${TARGETS.htmlRatio}x`, yes(htmlOk)));
  if (embedded) {
    lines.push(row(embedded.api, 'none (figures only)', '—'));
    lines.push(row(embedded.html, 'none (figures only)', '—'));
  }
  lines.push('', 'Latencies are autocannon\'s (1 ms resolution). "Server CPU" is the server process\'s CPU time over the measured window; the load generator used about ' +
    `${Math.max(base1.loaderCpuCores, api.loaderCpuCores, html.loaderCpuCores)} core at most.`, '');
  if (embedded) {
    lines.push('## Embedded database (PGlite)', '');
    lines.push(`Fresh data dir: the first start (migrations + ${(embedded.cases).toLocaleString('en-US')} demo cases) answered /readyz after ${fmtMs(embedded.firstStartMs)}. Then \`npm start\` on the existing data dir, ${embedded.startups.length} times:`, '');
    lines.push('| Start | spawn → /readyz 200 | spawn → first API 200 (token + lookup) | Target | Met |');
    lines.push('|---|---:|---:|---|---|');
    embedded.startups.forEach((s, i) => lines.push(`| ${i + 1} | ${fmtMs(s.readyMs)} | ${fmtMs(s.firstApiMs)} | < ${TARGETS.startupMs / 1000} s | ${yes(s.firstApiMs < TARGETS.startupMs)} |`));
    lines.push('');
  }
  lines.push('## Peak memory (VmHWM)', '');
  lines.push('| Process | Peak RSS |', '|---|---:|');
  for (const m of memory) lines.push(`| ${m.server} | ${m.peakMiB === undefined ? 'n/a' : `${m.peakMiB} MiB`} |`);
  lines.push('', `Casedesk on PostgreSQL answered /readyz ${fmtMs(pgReadyMs)} after spawn.`, '');
  lines.push('## Targets', '');
  lines.push(`- API ≥ ${TARGETS.apiRatio}x baseline with p99 ≤ ${TARGETS.apiP99Ms} ms: ${yes(apiOk)} (${ratio(api).toFixed(2)}x, p99 ${api.p99} ms)`);
  lines.push(`- HTML ≥ ${TARGETS.htmlRatio}x baseline: ${yes(htmlOk)} (${ratio(html).toFixed(2)}x)`);
  lines.push(`- Embedded start to first successful API request < ${TARGETS.startupMs / 1000} s: ${embedded ? `${yes(startOk)} (worst ${fmtMs(worstStart!)})` : 'not measured'}`);
  lines.push('');
  const markdown = lines.join('\n');

  process.stdout.write(`\n${markdown}\n`);
  if (S.write) {
    const dir = path.join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `case-status-${date}.md`);
    writeFileSync(file, markdown);
    writeFileSync(file.replace(/\.md$/, '.json'), `${JSON.stringify({ date: started.toISOString(), settings: S, machine: info, commit: gitCommit(), dataset, checks, pgReadyMs: round(pgReadyMs), results: [base1, api, html, base2], embedded, memory, targets: TARGETS, met: { api: apiOk, html: htmlOk, startup: startOk } }, null, 2)}\n`);
    log(`wrote ${path.relative(ROOT, file)} (and .json)`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllNow();
    process.exit(1);
  },
);
