/**
 * Telephony benchmark (issue 16): the voice assistant's webhooks under 200 concurrent simulated calls on PostgreSQL
 * with 1,000,000 cases, against a bare node:http handler answering fixed TwiML in the same run.
 * Targets: p99 <= 50 ms per webhook answer, throughput (webhook answers per second) >= 0.5x the bare handler.
 *
 *   npm run bench:telephony      (= node --import tsx bench/telephony/run.ts)
 *
 * Three processes: this one plays the calls (the load generator), the server under test runs in a child process
 * (bench/telephony/server.ts: the app as `casedesk start` builds it, on PostgreSQL, no workers; then
 * bench/telephony/bare-server.ts: node:http answering every POST with one fixed Say + Gather, no database), so
 * neither server shares its thread with the load generator. Both get exactly the same requests.
 *
 * A simulated call is what the voice provider sends, over HTTP: every request signed as the provider signs it
 * (X-Twilio-Signature), the TwiML read back and checked. Each call: the incoming webhook (the language question),
 * English (1: the main menu), case status (1: the receipt question), a receipt number said ("E A C 9 9 ..." of a
 * random existing case among all the cases, so a status lookup on the million cases: the answer must read its
 * status), then silence (the goodbye and a Hangup; the call's service item), then the status callback (204; the
 * item gets the call's duration). Six webhook answers per call; every answer counts. An answer that is not what
 * the step must answer (wrong TwiML, a status not found, an HTTP error) counts as an error.
 *
 * As the provider does, each answer after the first is posted to the URL the previous answer gave: its Gather's
 * `action` (keys or speech) or its Redirect (silence). The app's URLs carry the call's state (`?state=...`,
 * voice-assistant/call-state.ts); the bare handler's fixed answer points to the plain gather URL. Same code for both.
 *
 * Two loads per server, the same for both servers, in this order:
 * - saturation (closed loop): each caller sends its next request as soon as it has its answer. Measures the
 *   throughput ratio against the bare handler (target >= 0.5x). Its p99 is bounded by Little's law (mean answer
 *   time = callers / answers per second), so it says how the server queues when saturated, not what a caller hears.
 * - paced: each caller pauses between steps as a caller on a phone does (BENCH_PAUSE_MS, uniform, default
 *   1000-3000 ms: the caller hears the prompt out or starts keying during it, then answers; real prompts last 3-15 s
 *   and a silence waits for the Gather's 6 s timeout, so real gaps are longer and this offers more load than 200
 *   real calls would). Measures the answer time a caller gets with 200 calls in progress (target p99 <= 50 ms).
 *
 * Each run: BENCH_WARMUP seconds of the same load (not counted), then BENCH_SECONDS (saturation) or
 * BENCH_PACED_SECONDS (paced) measured: answers that complete in the measured window count, with their latency
 * (from the request written to the answer read).
 *
 * Settings: BENCH_CASES (1,000,000), BENCH_CALLERS (200), BENCH_SECONDS (20), BENCH_WARMUP (5),
 * BENCH_PACED_SECONDS (40), BENCH_PAUSE_MS (1000-3000),
 * BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_NO_WRITE=1 (print only),
 * BENCH_KEEP_DB=1 (keep the database afterwards and reuse it next time when it holds enough cases),
 * BENCH_SERVER_NODE_ARGS (extra node options for the app's process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 * The database is casedesk_bench_voice (migrated with `casedesk migrate`, cases bulk loaded with `casedesk seed
 * --bulk`). Results go to bench/results/telephony-<date>.md (-2, -3... for later runs of the day). Only talks to
 * 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { twilioSignature } from '../../src/modules/notifications/index.js';
import { DEFAULT_MENU } from '../../src/modules/voice-assistant/menu.js';
import { parseTwiml, spokenTexts, type TwimlVerb } from '../../src/modules/voice-assistant/twiml.js';
import { backgroundLoad, cpuSeconds, machineCpu, postgresBackends, postgresCpuBetween } from '../proc.js';
import { admin, casedesk, freshDatabase, localDbUrl, ROOT } from '../case-events/common.js';
import { startServer } from '../child-server.js';
import { writeResults } from '../results-file.js';
import { intEnv } from '../env.js';

const CASES = intEnv('BENCH_CASES', 1_000_000);
const CALLERS = intEnv('BENCH_CALLERS', 200);
const SECONDS = intEnv('BENCH_SECONDS', 20);
const WARMUP = intEnv('BENCH_WARMUP', 5, 0);
const PACED_SECONDS = intEnv('BENCH_PACED_SECONDS', 40);
const PAUSE = (() => {
  const raw = process.env.BENCH_PAUSE_MS ?? '1000-3000';
  const m = /^(\d+)-(\d+)$/.exec(raw);
  if (!m || Number(m[1]) > Number(m[2])) throw new Error('BENCH_PAUSE_MS must be MIN-MAX in milliseconds');
  return { min: Number(m[1]), max: Number(m[2]) };
})();
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'casedesk_bench_voice';
const TOKEN = 'bench-voice-token';
const PUBLIC_URL = 'http://127.0.0.1';
const INCOMING = '/hooks/voice/twilio/incoming';
const GATHER = '/hooks/voice/twilio/gather';
const STATUS = '/hooks/voice/twilio/status';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- The load ------------------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: CALLERS });

/** One signed form POST; answers the status, the body and when it was answered. */
function post(port: number, urlPath: string, params: Record<string, string>) {
  const body = new URLSearchParams(params).toString();
  const started = performance.now();
  return new Promise<{ status: number; body: string; started: number; done: number }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'x-twilio-signature': twilioSignature(TOKEN, `${PUBLIC_URL}${urlPath}`, params),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            started,
            done: performance.now(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A step of a call: where it posts (`follow`: to the URL the previous answer gave for an answer or a silence, as
 * the provider does; else `path`), what it sends, and what its answer must be (undefined: right).
 */
interface Step {
  path: string;
  follow?: 'answer' | 'silence';
  params: Record<string, string>;
  check: (status: number, body: string) => string | undefined;
}

const unescapeAttr = (v: string) =>
  v.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);

/** Where the provider posts after this answer: the Gather's action (an answer) or the Redirect (a silence). */
function nextUrls(body: string): { answer?: string; silence?: string } {
  const action = /<Gather[^>]*\saction="([^"]*)"/.exec(body)?.[1];
  const redirect = /<Redirect[^>]*>([^<]*)<\/Redirect>/.exec(body)?.[1];
  const answer = action === undefined ? undefined : unescapeAttr(action);
  return { answer, silence: redirect === undefined ? answer : unescapeAttr(redirect) };
}

interface Run {
  seconds: number;
  answers: number;
  errors: number;
  problems: string[];
  latencies: number[];
  serverCpu: number;
  postgresCpu: number;
  machineBusy: number;
  /** CPU seconds of this process (the load generator) and of everything else on the machine (other processes,
   * the kernel's interrupt work) over the measured window. */
  loadCpu: number;
  otherCpu: number;
}

/**
 * Plays calls on `CALLERS` callers for WARMUP + `seconds`: with `pause`, each caller waits a random time in that
 * range (uniform) before each step and starts at a random moment within the first pause; without, it sends each
 * step as soon as it has the previous answer (closed loop).
 */
async function load(
  port: number,
  pid: number,
  script: (sid: string, n: number) => Step[],
  seconds: number,
  pause?: { min: number; max: number },
): Promise<Run> {
  const run: Run = {
    seconds,
    answers: 0,
    errors: 0,
    problems: [],
    latencies: [],
    serverCpu: 0,
    postgresCpu: 0,
    machineBusy: 0,
    loadCpu: 0,
    otherCpu: 0,
  };
  const t0 = performance.now() + WARMUP * 1000;
  const t1 = t0 + seconds * 1000;
  const wait = pause ? () => sleep(pause.min + Math.random() * (pause.max - pause.min)) : undefined;
  // Call SIDs unique to this run (a kept database still holds the calls of earlier runs).
  const runId = randomBytes(6).toString('hex');
  let serial = 0;
  let before:
    | { server: number; pg: Map<number, number>; machine: ReturnType<typeof machineCpu>; self: NodeJS.CpuUsage }
    | undefined;
  const mark = setTimeout(
    () =>
      (before = {
        server: cpuSeconds(pid),
        pg: postgresBackends(DB_NAME),
        machine: machineCpu(),
        self: process.cpuUsage(),
      }),
    WARMUP * 1000,
  );
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      if (pause) await sleep(Math.random() * pause.max);
      while (performance.now() < t1) {
        const n = serial++;
        const sid = `CA${runId}${String(n).padStart(20, '0')}`;
        let next: ReturnType<typeof nextUrls> = {};
        for (const step of script(sid, n)) {
          if (wait) await wait();
          if (performance.now() >= t1) break;
          const url = (step.follow && next[step.follow]) || step.path;
          const res = await post(port, url, { CallSid: sid, From: '+12025550100', ...step.params });
          next = nextUrls(res.body);
          if (res.done < t0 || res.done > t1) continue;
          run.answers++;
          run.latencies.push(res.done - res.started);
          let problem: string | undefined;
          try {
            problem = step.check(res.status, res.body);
          } catch (error) {
            problem = String(error);
          }
          if (problem) {
            run.errors++;
            if (run.problems.length < 5) run.problems.push(`${step.path}: ${problem}`);
          }
        }
      }
    }),
  );
  clearTimeout(mark);
  if (before) {
    const machine = machineCpu();
    run.serverCpu = cpuSeconds(pid) - before.server;
    run.postgresCpu = postgresCpuBetween(before.pg, postgresBackends(DB_NAME));
    run.machineBusy = (machine.busy - before.machine.busy) / Math.max(1, machine.total - before.machine.total);
    const self = process.cpuUsage(before.self);
    run.loadCpu = (self.user + self.system) / 1e6;
    run.otherCpu = (machine.busy - before.machine.busy) / 100 - run.serverCpu - run.postgresCpu - run.loadCpu;
  }
  return run;
}

// ---- What each answer must be ----------------------------------------------------------------------------------

const en = JSON.parse(readFileSync(path.join(ROOT, 'locales/en/voice_assistant.json'), 'utf8')) as {
  say: Record<string, string>;
};
const STATUS_LEAD = en.say.status_result!.split('{{')[0]!;
const MAIN_PROMPT = DEFAULT_MENU.nodes.find((n) => n.id === DEFAULT_MENU.root)!.prompt.en;

function twimlAnswer(status: number, body: string): TwimlVerb[] {
  if (status !== 200) throw new Error(`HTTP ${status}`);
  return parseTwiml(body);
}
function asks(text: string | ((said: string[]) => boolean)) {
  return (status: number, body: string) => {
    const verbs = twimlAnswer(status, body);
    const said = spokenTexts(verbs);
    if (!verbs.some((v) => v.verb === 'Gather')) return 'no Gather';
    const ok = typeof text === 'string' ? said.includes(text) : text(said);
    return ok ? undefined : `unexpected answer: ${said.join(' | ').slice(0, 160)}`;
  };
}
function hangsUpWith(text: string) {
  return (status: number, body: string) => {
    const verbs = twimlAnswer(status, body);
    const last = verbs.at(-1);
    const said = spokenTexts(verbs);
    return last?.verb === 'Hangup' && said.includes(text) ? undefined : `no goodbye: ${said.join(' | ')}`;
  };
}

function callScript(receipts: string[]) {
  const spell = (r: string) => r.split('').join(' ');
  return (_sid: string, n: number): Step[] => [
    { path: INCOMING, params: { CallStatus: 'ringing' }, check: asks(en.say.welcome!) },
    { path: GATHER, follow: 'answer', params: { CallStatus: 'in-progress', Digits: '1' }, check: asks(MAIN_PROMPT) },
    {
      path: GATHER,
      follow: 'answer',
      params: { CallStatus: 'in-progress', Digits: '1' },
      check: asks(en.say.receipt_prompt!),
    },
    {
      path: GATHER,
      follow: 'answer',
      params: { CallStatus: 'in-progress', SpeechResult: spell(receipts[n % receipts.length]!), Confidence: '0.9' },
      check: asks((said) => said.some((s) => s.startsWith(STATUS_LEAD)) && said.includes(en.say.status_next!)),
    },
    {
      path: GATHER,
      follow: 'silence',
      params: { CallStatus: 'in-progress' },
      check: hangsUpWith(en.say.goodbye_status!),
    },
    {
      path: STATUS,
      params: { CallStatus: 'completed', CallDuration: '60' },
      check: (status) => (status === 204 ? undefined : `HTTP ${status}`),
    },
  ];
}

/** The bare handler gets the same requests; its fixed answer is only checked to be TwiML. */
function bareScript(script: (sid: string, n: number) => Step[]) {
  return (sid: string, n: number): Step[] =>
    script(sid, n).map((s) => ({
      ...s,
      check: (status: number, body: string) => (twimlAnswer(status, body), undefined),
    }));
}

// ---- Summary ---------------------------------------------------------------------------------------------------

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
function summary(name: string, r: Run) {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  return {
    name,
    answers: r.answers,
    errors: r.errors,
    perSecond: r.answers / r.seconds,
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
    serverCpuMs: (r.serverCpu * 1000) / Math.max(1, r.answers),
    postgresCpuMs: (r.postgresCpu * 1000) / Math.max(1, r.answers),
    machineBusy: r.machineBusy,
    loadCores: r.loadCpu / r.seconds,
    otherCores: r.otherCpu / r.seconds,
  };
}

async function databaseReady(): Promise<{ dbUrl: string; env: NodeJS.ProcessEnv } | undefined> {
  if (process.env.BENCH_KEEP_DB !== '1') return undefined;
  const exists = await admin(ADMIN_URL, (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]));
  if (exists.rowCount === 0) return undefined;
  const dbUrl = localDbUrl(ADMIN_URL, DB_NAME);
  const count = await admin(dbUrl, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM cases')).catch(
    () => undefined,
  );
  if (!count || Number(count.rows[0]!.n) < CASES) return undefined;
  const env = { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  try {
    casedesk(['migrate'], env);
  } catch {
    console.log(`Database ${DB_NAME}: its migrations are not this code's (made before a merge?): made afresh`);
    return undefined;
  }
  return { dbUrl, env };
}

async function main() {
  let database = await databaseReady();
  if (database) console.log(`Database ${DB_NAME}: reused (>= ${CASES.toLocaleString('en-US')} cases)`);
  else {
    console.log(`Database ${DB_NAME}: ${CASES.toLocaleString('en-US')} cases`);
    database = await freshDatabase(ADMIN_URL, DB_NAME, 0);
    casedesk(['seed', '--bulk', '--count', String(CASES)], database.env);
  }
  // Receipt numbers of random cases among all of them (not Section 1367 ones: those read as not found, CC-6).
  const receipts = await admin(database.dbUrl, async (c) => {
    await c.query('ANALYZE cases');
    const { rows } = await c.query<{ receipt_number: string }>(
      'SELECT receipt_number FROM cases TABLESAMPLE SYSTEM (5) WHERE NOT section_1367 ORDER BY random() LIMIT 5000',
    );
    return rows.map((r) => r.receipt_number);
  });
  if (receipts.length < 100) throw new Error('too few cases to sample');
  const script = callScript(receipts);
  const serverEnv = {
    ...process.env,
    DATABASE_URL: database.dbUrl,
    TWILIO_AUTH_TOKEN: TOKEN,
    CASEDESK_PUBLIC_URL: PUBLIC_URL,
    LOG_LEVEL: 'silent',
  };

  const background = await backgroundLoad(3000);
  const bare = await startServer('bench/telephony/bare-server.ts', serverEnv);
  const bareSaturated = await load(bare.port, bare.pid, bareScript(script), SECONDS);
  const barePaced = await load(bare.port, bare.pid, bareScript(script), PACED_SECONDS, PAUSE);
  await bare.stop();
  agent.destroy();

  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const app = await startServer('bench/telephony/server.ts', serverEnv, nodeArgs);
  const voiceSaturated = await load(app.port, app.pid, script, SECONDS);
  const voicePaced = await load(app.port, app.pid, script, PACED_SECONDS, PAUSE);
  await app.stop();
  agent.destroy();

  const v = summary('voice assistant webhooks, saturation', voiceSaturated);
  const b = summary('bare fixed-TwiML handler, saturation', bareSaturated);
  const vp = summary(`voice assistant webhooks, paced ${PAUSE.min}-${PAUSE.max} ms`, voicePaced);
  const bp = summary(`bare fixed-TwiML handler, paced ${PAUSE.min}-${PAUSE.max} ms`, barePaced);
  const ratio = v.perSecond / b.perSecond;
  const errors = v.errors + vp.errors;
  const ratioMet = ratio >= 0.5 && errors === 0;
  const pacedMet = vp.p99 <= 50 && errors === 0;
  const yes = (met: boolean) => (met ? 'met' : 'not met');
  const lines = [
    `# Telephony benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${CASES.toLocaleString('en-US')} cases, ${CALLERS} concurrent calls; per server: saturation (closed loop) ${WARMUP} s warm-up then ${SECONDS} s measured, then paced (each caller pauses ${PAUSE.min}-${PAUSE.max} ms, uniform, before each step) ${WARMUP} s warm-up then ${PACED_SECONDS} s measured. Load generator, servers and PostgreSQL on the same machine. Machine before the bench started: ${Math.round(background.busy * 100)}% busy, load average ${background.loadavg.join(' / ')} (other sessions share it).`,
    '',
    '| run | webhook answers | wrong answers | answers/s | p50 ms | p99 ms | server CPU ms/answer | PostgreSQL CPU ms/answer | machine busy | load generator cores | other cores |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...[v, b, vp, bp].map(
      (s) =>
        `| ${s.name} | ${s.answers} | ${s.errors} | ${s.perSecond.toFixed(0)} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.serverCpuMs.toFixed(2)} | ${s.postgresCpuMs.toFixed(2)} | ${(s.machineBusy * 100).toFixed(0)}% | ${s.loadCores.toFixed(2)} | ${s.otherCores.toFixed(2)} |`,
    ),
    '',
    `- Throughput (saturation): ${ratio.toFixed(2)}x the bare handler (target >= 0.5x): ${yes(ratioMet)}.`,
    `- Answer time with ${CALLERS} calls in progress (paced): p99 ${vp.p99.toFixed(1)} ms, bare handler ${bp.p99.toFixed(1)} ms (target <= 50 ms): ${yes(pacedMet)}.`,
    `- Answer time at saturation: p99 ${v.p99.toFixed(1)} ms, bare handler ${b.p99.toFixed(1)} ms (not a target: each of the ${CALLERS} callers sends its next request as soon as it has its answer, so the mean answer time is ${CALLERS} / answers per second, ${((CALLERS / Math.max(1, v.perSecond)) * 1000).toFixed(0)} ms for the app and ${((CALLERS / Math.max(1, b.perSecond)) * 1000).toFixed(0)} ms for the bare handler; a p99 of 50 ms there needs well over ${Math.round((CALLERS / 50) * 1000)} answers/s on this machine).`,
    `- Wrong answers: ${errors}.`,
    '',
    `"Other cores" is the machine's busy time not used by the server, its PostgreSQL backends or the load generator: the kernel's loopback TCP work and the other processes on the machine.`,
    ...(voiceSaturated.problems.length || voicePaced.problems.length
      ? ['', 'First wrong answers:', ...[...voiceSaturated.problems, ...voicePaced.problems].map((p) => `- ${p}`)]
      : []),
  ];
  console.log(lines.join('\n'));
  writeResults('telephony', lines);
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
