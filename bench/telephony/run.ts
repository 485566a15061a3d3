/**
 * Telephony benchmark (issue 16): the voice assistant's webhooks under 200 concurrent simulated calls on PostgreSQL
 * with 1,000,000 cases, against a bare node:http handler answering fixed TwiML in the same run.
 * Targets: p99 <= 50 ms per webhook answer, throughput >= 0.5x the bare handler.
 *
 *   npm run bench:telephony      (= node --import tsx bench/telephony/run.ts)
 *
 * A simulated call is the application's own call simulator (src/modules/voice-assistant/call-simulator.ts) over
 * HTTP: every request signed as the provider signs it, the TwiML read back and checked. Each call: the incoming
 * webhook, English (1), case status (1), a receipt number said ("E A C 9 9 ..." of a random existing case, so a
 * status lookup on the million cases), then silence (the goodbye and the call's service item), then the status
 * callback. The bare handler answers every POST with one fixed Say + Gather, no database.
 *
 * Settings: BENCH_CASES (1,000,000), BENCH_CALLERS (200), BENCH_SECONDS (20), BENCH_PG_ADMIN_URL
 * (postgres://postgres@127.0.0.1:5432/postgres), BENCH_NO_WRITE=1 (print only), BENCH_KEEP_DB=1. It creates the
 * database casedesk_bench_voice afresh (migrated with `casedesk migrate`, cases bulk loaded with `casedesk seed
 * --bulk`). Results go to bench/results/telephony-<date>.md (not committed by the helper; the lead runs it).
 * Only talks to 127.0.0.1.
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { createLogger } from '../../src/platform/logging.js';
import { createServices } from '../../src/services.js';
import { sampleReceiptNumbers } from '../../src/modules/cases/index.js';
import { twilioSignature } from '../../src/modules/notifications/index.js';
import { parseTwiml } from '../../src/modules/voice-assistant/twiml.js';
import { admin, casedesk, freshDatabase, ROOT } from '../case-events/common.js';

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number >= ${min}`);
  return n;
}

const CASES = intEnv('BENCH_CASES', 1_000_000);
const CALLERS = intEnv('BENCH_CALLERS', 200);
const SECONDS = intEnv('BENCH_SECONDS', 20);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'casedesk_bench_voice';
const TOKEN = 'bench-voice-token';
const PUBLIC_URL = 'http://127.0.0.1';

const agent = new http.Agent({ keepAlive: true, maxSockets: CALLERS });

/** One signed form POST; answers the status, the body and the time it took (ms). */
function post(port: number, urlPath: string, params: Record<string, string>) {
  const body = new URLSearchParams(params).toString();
  const started = process.hrtime.bigint();
  return new Promise<{ status: number; body: string; ms: number }>((resolve, reject) => {
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
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Run {
  requests: number;
  errors: number;
  latencies: number[];
  seconds: number;
}

async function load(
  port: number,
  script: (sid: string, n: number) => [string, Record<string, string>][],
): Promise<Run> {
  const run: Run = { requests: 0, errors: 0, latencies: [], seconds: SECONDS };
  const end = Date.now() + SECONDS * 1000;
  let serial = 0;
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (Date.now() < end) {
        const n = serial++;
        const sid = `CA${String(n).padStart(32, '0')}`;
        for (const [urlPath, params] of script(sid, n)) {
          const res = await post(port, urlPath, { CallSid: sid, From: '+12025550100', ...params });
          run.requests++;
          run.latencies.push(res.ms);
          if (res.status >= 400) run.errors++;
          else if (res.status === 200) parseTwiml(res.body);
        }
      }
    }),
  );
  return run;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
function summary(name: string, r: Run) {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  return {
    name,
    requests: r.requests,
    errors: r.errors,
    perSecond: r.requests / r.seconds,
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
  };
}

async function main() {
  console.log(`Database ${DB_NAME}: ${CASES.toLocaleString('en-US')} cases`);
  const { dbUrl, env } = await freshDatabase(ADMIN_URL, DB_NAME, 0);
  casedesk(['seed', '--bulk', '--count', String(CASES)], env);
  const config = loadConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    DATABASE_URL: dbUrl,
    CASEDESK_PUBLIC_URL: PUBLIC_URL,
    TWILIO_AUTH_TOKEN: TOKEN,
    CASEDESK_RUN_WORKERS: 'false',
    CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const deps = await createDeps(config, { log: createLogger('silent') });
  const services = createServices(deps);
  const { app } = await buildApp(deps, services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const receipts = await sampleReceiptNumbers(deps.database.db, 5000);
  const spell = (r: string) => r.split('').join(' ');
  const voice = await load(port, (_sid, n) => [
    ['/hooks/voice/twilio/incoming', { CallStatus: 'ringing' }],
    ['/hooks/voice/twilio/gather', { Digits: '1' }],
    ['/hooks/voice/twilio/gather', { Digits: '1' }],
    ['/hooks/voice/twilio/gather', { SpeechResult: spell(receipts[n % receipts.length]!) }],
    ['/hooks/voice/twilio/gather', {}],
    ['/hooks/voice/twilio/status', { CallStatus: 'completed', CallDuration: '60' }],
  ]);
  await app.close();
  await deps.jobs.stop();
  await deps.database.close();

  const fixed =
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf speech" action="/g" numDigits="1"><Say>Main menu. Press 1.</Say></Gather></Response>';
  const bare = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end(fixed));
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as AddressInfo).port;
  const baseline = await load(barePort, () =>
    Array.from({ length: 6 }, () => ['/', {}] as [string, Record<string, string>]),
  );
  bare.close();
  agent.destroy();

  const v = summary('voice assistant webhooks', voice);
  const b = summary('bare fixed-TwiML handler', baseline);
  const ratio = v.perSecond / b.perSecond;
  const lines = [
    `# Telephony benchmark, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${CASES.toLocaleString('en-US')} cases, ${CALLERS} concurrent calls, ${SECONDS} s each run.`,
    '',
    '| run | requests | errors | requests/s | p50 ms | p99 ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...[v, b].map(
      (s) =>
        `| ${s.name} | ${s.requests} | ${s.errors} | ${s.perSecond.toFixed(0)} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} |`,
    ),
    '',
    `Throughput ${ratio.toFixed(2)}x the bare handler (target >= 0.5x); p99 ${v.p99.toFixed(1)} ms (target <= 50 ms).`,
  ];
  console.log(lines.join('\n'));
  if (process.env.BENCH_NO_WRITE !== '1')
    writeFileSync(
      path.join(ROOT, `bench/results/telephony-${new Date().toISOString().slice(0, 10)}.md`),
      `${lines.join('\n')}\n`,
    );
  if (process.env.BENCH_KEEP_DB !== '1')
    await admin(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
