/**
 * Processing times benchmark (issue 18), on PostgreSQL with 1,000,000 cases and their dated histories:
 * - the time to recompute every form/category/office's processing time (`ProcessingTimesService.recompute`) and to
 *   retrain myProgress with the estimates of every open case (`MyProgressService.train`), each with the cases read
 *   per second (targets: under 60 s each);
 * - the agency-compatible `GET /processing-times/api/processingtime/{form}/{office}` under 50 connections against a
 *   bare node:http handler serving the same JSON bodies from memory (target: >= 0.5x its requests per second).
 *
 *   npm run bench:processing-times      (= node --import tsx bench/processing-times/run.ts)
 *
 * The cases are the demo generator's (`casedesk seed --bulk`: realistic timelines per form, category and office, the
 * history rows the event log is read from). The recompute and the retraining run in this process on the app's own
 * services (the same code the jobs run), one after the other, on a quiet database; the recompute's run is then
 * approved, so the API answers it. The two servers run in child processes (bench/telephony/server.ts: the app as
 * `casedesk start` builds it, no workers; bench/processing-times/bare-server.ts), one after the other, with the same
 * requests: every published form/office pair in turn. Each load: BENCH_WARMUP seconds (not counted), then
 * BENCH_SECONDS measured, BENCH_ROUNDS rounds alternating bare and app; the median round's ratio is reported.
 *
 * Settings: BENCH_CASES (1,000,000), BENCH_CONNECTIONS (50), BENCH_SECONDS (15), BENCH_WARMUP (3), BENCH_ROUNDS (3),
 * BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_NO_WRITE=1 (print only), BENCH_KEEP_DB=1
 * (keep the database casedesk_bench_pt and reuse it next time when it holds enough cases). Results go to
 * bench/results/processing-times-<date>.md (-2, -3... for later runs of the day). Only talks to 127.0.0.1.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { createLogger } from '../../src/platform/logging.js';
import { createServices } from '../../src/services.js';
import { admin, casedesk, freshDatabase, localDbUrl } from '../case-events/common.js';
import { startServer } from '../child-server.js';
import { writeResults } from '../results-file.js';
import { intEnv } from '../env.js';
import { backgroundLoad, cpuSeconds, postgresBackends, postgresCpuBetween } from '../proc.js';

const CASES = intEnv('BENCH_CASES', 1_000_000);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50);
const SECONDS = intEnv('BENCH_SECONDS', 15);
const WARMUP = intEnv('BENCH_WARMUP', 3, 0);
const ROUNDS = intEnv('BENCH_ROUNDS', 3);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'casedesk_bench_pt';
const TARGETS = { recomputeS: 60, retrainS: 60, apiRatio: 0.5 };

const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function databaseReady(): Promise<{ dbUrl: string; env: NodeJS.ProcessEnv } | undefined> {
  if (process.env.BENCH_KEEP_DB !== '1') return undefined;
  const exists = await admin(ADMIN_URL, (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]));
  if (exists.rowCount === 0) return undefined;
  const dbUrl = localDbUrl(ADMIN_URL, DB_NAME);
  const env = { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  try {
    casedesk(['migrate'], env);
  } catch {
    log(`database ${DB_NAME}: its migrations are not this code's: made afresh`);
    return undefined;
  }
  const count = await admin(dbUrl, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM cases')).catch(
    () => undefined,
  );
  return count && Number(count.rows[0]!.n) >= CASES ? { dbUrl, env } : undefined;
}

interface Timed<T> {
  result: T;
  seconds: number;
  postgresCpuS: number;
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const pg0 = postgresBackends(DB_NAME);
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  return { result, seconds, postgresCpuS: postgresCpuBetween(pg0, postgresBackends(DB_NAME)) };
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  serverCpuMsPerRequest: number;
}

async function load(port: number, pid: number, paths: string[]): Promise<Load> {
  let i = 0;
  const once = (duration: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: CONNECTIONS,
      duration,
      timeout: 10,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
    });
  if (WARMUP > 0) await once(WARMUP);
  const cpu0 = cpuSeconds(pid);
  const r = await once(SECONDS);
  const cpu = cpuSeconds(pid) - cpu0;
  return {
    rps: round(r.requests.total / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    serverCpuMsPerRequest: round((cpu * 1000) / Math.max(1, r.requests.total), 3),
  };
}

async function main(): Promise<void> {
  let database = await databaseReady();
  let loadSeconds: number | undefined;
  if (database) log(`database ${DB_NAME}: reused (>= ${CASES.toLocaleString('en-US')} cases)`);
  else {
    log(`database ${DB_NAME}: loading ${CASES.toLocaleString('en-US')} cases (a few minutes)`);
    database = await freshDatabase(ADMIN_URL, DB_NAME, 0);
    const t0 = performance.now();
    casedesk(['seed', '--bulk', '--count', String(CASES)], database.env);
    loadSeconds = round((performance.now() - t0) / 1000, 1);
  }
  const facts = await admin(database.dbUrl, async (c) => {
    await c.query('ANALYZE');
    const one = async (q: string) => Number(Object.values((await c.query(q)).rows[0] as object)[0]);
    return {
      cases: await one('SELECT count(*) FROM cases'),
      history: await one('SELECT count(*) FROM case_status_history'),
      myProgressForms: await one(
        "SELECT count(*) FROM cases WHERE form_code IN ('N-400','I-90','I-130','I-765','I-131','I-485','I-821')",
      ),
    };
  });
  log(`${facts.cases} cases, ${facts.history} history rows`);

  // ---- Recompute and retrain, in this process, on the app's services --------------------------------------------
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.dbUrl,
    CASEDESK_RUN_WORKERS: 'false',
  });
  const deps = await createDeps(config, { log: createLogger(config.logLevel) });
  const services = createServices(deps);
  const background = await backgroundLoad(3000);
  log('recomputing processing times');
  const recompute = await timed(() => services.processingTimes.recompute({ requestedBy: null }));
  log(`recomputed in ${recompute.seconds.toFixed(1)} s (${recompute.result.casesRead} cases read)`);
  // The approval is an administrator's click, not timed: the run is marked published as approve() would.
  await admin(database.dbUrl, (c) =>
    c.query("UPDATE processing_time_runs SET state = 'published', published_at = now() WHERE id = $1", [
      recompute.result.runId,
    ]),
  );
  log('retraining myProgress');
  const retrain = await timed(() => services.myProgress.train());
  log(
    `retrained in ${retrain.seconds.toFixed(1)} s (${retrain.result.casesRead} cases read, ${retrain.result.estimated} estimates)`,
  );
  const publication = await services.processingTimes.current();
  await deps.jobs.stop();
  await deps.database.close();
  if (!publication) throw new Error('nothing was published');

  // ---- The API against a bare handler ---------------------------------------------------------------------------
  const paths = [
    ...new Set(publication.figures.map((f) => `/processing-times/api/processingtime/${f.formCode}/${f.officeCode}`)),
  ];
  const serverEnv = {
    ...process.env,
    DATABASE_URL: database.dbUrl,
    LOG_LEVEL: 'silent',
    CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000000',
  };
  const app = await startServer('bench/telephony/server.ts', serverEnv);
  const bodies: Record<string, string> = {};
  for (const p of paths) {
    const res = await fetch(`http://127.0.0.1:${app.port}${p}`);
    if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
    bodies[p] = await res.text();
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pt-bench-'));
  writeFileSync(path.join(dir, 'bodies.json'), JSON.stringify(bodies));
  await app.stop();
  const rounds: { app: Load; bare: Load; ratio: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const bare = await startServer('bench/processing-times/bare-server.ts', {
      ...serverEnv,
      BENCH_BODIES: path.join(dir, 'bodies.json'),
    });
    const bareLoad = await load(bare.port, bare.pid, paths);
    await bare.stop();
    const server = await startServer('bench/telephony/server.ts', serverEnv);
    const appLoad = await load(server.port, server.pid, paths);
    await server.stop();
    rounds.push({ app: appLoad, bare: bareLoad, ratio: appLoad.rps / bareLoad.rps });
    log(
      `round ${r + 1}: app ${appLoad.rps} req/s (p99 ${appLoad.p99} ms), bare ${bareLoad.rps} req/s (p99 ${bareLoad.p99} ms): ${appLoad.rps / bareLoad.rps}x`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  const clean = rounds.every((r) => r.app.non2xx === 0 && r.app.errors === 0);

  const met = (ok: boolean) => (ok ? 'yes' : '**no**');
  const perSecond = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
  const lines = [
    `# Processing times benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Produced by \`npm run bench:processing-times\` (bench/processing-times/run.ts) on PostgreSQL with ${facts.cases.toLocaleString('en-US')} cases (${facts.history.toLocaleString('en-US')} history rows; ${facts.myProgressForms.toLocaleString('en-US')} of them of the seven myProgress forms)${loadSeconds ? `, loaded in ${loadSeconds} s` : ''}. ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}. Machine before the bench: ${Math.round(background.busy * 100)}% busy, load average ${background.loadavg.join(' / ')}.`,
    '',
    '| Measure | Value | Target | Met |',
    '|---|---:|---|---|',
    `| Recompute every form/category/office's processing time (\`ProcessingTimesService.recompute\`) | ${recompute.seconds.toFixed(1)} s, ${perSecond(recompute.result.casesRead, recompute.seconds)} cases/s (${recompute.result.casesRead.toLocaleString('en-US')} read, ${recompute.result.figures} figures; PostgreSQL CPU ${recompute.postgresCpuS.toFixed(1)} s) | < ${TARGETS.recomputeS} s | ${met(recompute.seconds < TARGETS.recomputeS)} |`,
    `| Retrain myProgress and precompute every open case's estimate (\`MyProgressService.train\`) | ${retrain.seconds.toFixed(1)} s, ${perSecond(retrain.result.casesRead, retrain.seconds)} cases/s (${retrain.result.casesRead.toLocaleString('en-US')} read, ${retrain.result.estimated.toLocaleString('en-US')} estimates written; PostgreSQL CPU ${retrain.postgresCpuS.toFixed(1)} s) | < ${TARGETS.retrainS} s | ${met(retrain.seconds < TARGETS.retrainS)} |`,
    `| \`GET /processing-times/api/processingtime/{form}/{office}\`, ${CONNECTIONS} connections, ${paths.length} form/office pairs in turn: app / bare handler (median of ${ROUNDS} rounds) | ${median.app.rps} / ${median.bare.rps} req/s = **${median.ratio.toFixed(2)}x**; p50 ${median.app.p50} / ${median.bare.p50} ms, p99 ${median.app.p99} / ${median.bare.p99} ms; server CPU ${median.app.serverCpuMsPerRequest} / ${median.bare.serverCpuMsPerRequest} ms per request | >= ${TARGETS.apiRatio}x, no errors | ${met(median.ratio >= TARGETS.apiRatio && clean)} |`,
    '',
    `Rounds (app req/s, bare req/s, ratio): ${rounds.map((r) => `${r.app.rps}, ${r.bare.rps}, ${r.ratio.toFixed(2)}x`).join('; ')}. App non-2xx / errors: ${rounds.map((r) => `${r.app.non2xx}/${r.app.errors}`).join(', ')}.`,
    '',
    'The bare handler serves the very bodies the app answered, from a map in memory: the ratio is what the app adds (routing, the publication lookup and its cache, headers, rate limiting) to serving a precomputed answer. Load generator, servers and PostgreSQL share the machine.',
  ];
  console.log(lines.join('\n'));
  writeResults('processing-times', lines);
  if (process.env.BENCH_KEEP_DB !== '1')
    await admin(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
