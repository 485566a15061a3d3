/**
 * Account enumeration by timing (issue 3, security suite): do the public account forms take the same time whether
 * or not an email has an account? Tests check that the answers are the same; time belongs here.
 *
 *   node --import tsx bench/sign-in/enumeration.ts      (BENCH_ROUNDS, default 60 for sign-in, twice that for the others)
 *
 * In one process, on a temporary embedded database, with the production argon2id parameters, each form is posted
 * alternately for an address with an account and one without, and the median and 90th percentile of each are
 * printed with their ratio (known / unknown). A ratio near 1.00 means the form's time does not tell them apart.
 * Every post comes from a network address of its own, so the per-address throttle (20 failures in 15 minutes) never
 * answers in place of the form; the answers' status codes are printed too, and must be the same for both (issue 13
 * item 14: a throttled email answers 429 whether or not it has an account, so "sign-in, email throttled" compares
 * two throttled emails, one with an account and one without).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { hashPassword } from '../../src/modules/accounts/passwords.js';
import { signInEmailKey } from '../../src/modules/accounts/service.js';
import { openPglite } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';
import { createLogger } from '../../src/platform/logging.js';
import { machineInfo } from './hash-rate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);
const PASSWORD = 'bench: seven unrelated words 2026 sign in';

let addressCounter = 0;
/** A new network address for each post (10.x.y.z), so the per-address throttle stays out of the measurement. */
const nextAddress = () => {
  const n = addressCounter++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

class Browser {
  cookie = '';
  constructor(private readonly app: FastifyInstance) {}
  async token(url: string): Promise<string> {
    const res = await this.app.inject({ url, headers: { cookie: this.cookie }, remoteAddress: '127.0.0.9' });
    this.cookie = [this.cookie, ...res.cookies.map((c) => `${c.name}=${c.value}`)].filter(Boolean).join('; ');
    return /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
  }
  /** The time of the POST alone, in ms. */
  async post(url: string, fields: Record<string, string>): Promise<{ ms: number; status: number; location?: string }> {
    const _csrf = await this.token(url);
    const started = process.hrtime.bigint();
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: nextAddress(),
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...fields, _csrf }).toString(),
    });
    return {
      ms: Number(process.hrtime.bigint() - started) / 1e6,
      status: res.statusCode,
      location: res.headers.location,
    };
  }
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

type Post = { ms: number; status: number };

async function compare(
  name: string,
  rounds: number,
  known: (i: number) => Promise<Post>,
  unknown: (i: number) => Promise<Post>,
) {
  for (let i = 0; i < 5; i++) {
    await known(-1 - i);
    await unknown(-1 - i);
  } // warm-up
  const a: number[] = [];
  const b: number[] = [];
  const statuses = { known: new Set<number>(), unknown: new Set<number>() };
  const take = (into: number[], seen: Set<number>) => (p: Post) => {
    into.push(p.ms);
    seen.add(p.status);
  };
  for (let i = 0; i < rounds; i++) {
    // Alternate which goes first, so drift in the machine's speed falls on both.
    if (i % 2) {
      take(a, statuses.known)(await known(i));
      take(b, statuses.unknown)(await unknown(i));
    } else {
      take(b, statuses.unknown)(await unknown(i));
      take(a, statuses.known)(await known(i));
    }
  }
  const list = (set: Set<number>) => [...set].sort().join(', ');
  const row = {
    name,
    rounds,
    knownMedianMs: quantile(a, 0.5),
    unknownMedianMs: quantile(b, 0.5),
    knownP90Ms: quantile(a, 0.9),
    unknownP90Ms: quantile(b, 0.9),
    knownStatuses: list(statuses.known),
    unknownStatuses: list(statuses.unknown),
  };
  const ratio = row.knownMedianMs / row.unknownMedianMs;
  const same = row.knownStatuses === row.unknownStatuses ? 'same answers' : 'DIFFERENT ANSWERS';
  console.log(
    `[bench] ${name}: median ${row.knownMedianMs.toFixed(1)} ms with an account vs ${row.unknownMedianMs.toFixed(1)} ms without (ratio ${ratio.toFixed(2)}); p90 ${row.knownP90Ms.toFixed(1)} vs ${row.unknownP90Ms.toFixed(1)} ms; status ${row.knownStatuses} vs ${row.unknownStatuses} (${same})`,
  );
  return { ...row, ratio };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'casedesk-bench-enum-'));
  const database = await openPglite({ dataDir });
  try {
    await migrateToLatest(database.db);
    const now = new Date();
    const hash = await hashPassword(PASSWORD);
    const KNOWN = 2000;
    await database.db
      .insertInto('accounts')
      .values(
        Array.from({ length: KNOWN }, (_, i) => ({
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          kind: 'applicant' as const,
          email: `known-${i}@example.com`,
          email_verified_at: now,
          password_hash: hash,
          online_account_number: String(900000000000 + i),
          language: 'en' as const,
          created_at: now,
          activated_at: now,
        })),
      )
      .execute();
    const floor = Number(process.env.CASEDESK_ACCOUNT_FORM_MIN_MS ?? 250);
    const runs: { minimumMs: number; results: Awaited<ReturnType<typeof compare>>[] }[] = [];
    // First without the minimum answer time (what the work alone reveals), then with it, in the same run.
    for (const minimumMs of [0, floor]) {
      console.log(`[bench] minimum answer time ${minimumMs} ms`);
      const config = loadConfig({
        NODE_ENV: 'development',
        LOG_LEVEL: 'silent',
        CASEDESK_DATA_DIR: dataDir,
        CASEDESK_ACCOUNT_FORM_MIN_MS: String(minimumMs),
        CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000000',
        CASEDESK_ACCOUNT_FORM_RATE_LIMIT_PER_MINUTE: '100000000',
      });
      const deps = await createDeps(config, { database, log: createLogger('silent') });
      const { app } = await buildApp(deps);
      await deps.jobs.start();
      const browser = new Browser(app);
      const known = (i: number) => `known-${(i + 1000 + minimumMs) % KNOWN}@example.com`;
      const unknown = (i: number, what: string) => `nobody-${what}-${minimumMs}-${i}@example.com`;
      // Two emails throttled beforehand, one with an account and one without: 12 wrong passwords each, stored as the
      // service stores them (a throttled attempt is not counted, so posting them would stop at 5 and a 1-minute wait;
      // 12 make the longest wait, an hour, longer than the run).
      const throttled = {
        known: `known-${KNOWN - 1 - (minimumMs ? 1 : 0)}@example.com`,
        unknown: unknown(0, 'throttled'),
      };
      const failedAt = new Date();
      await database.db
        .insertInto('sign_in_email_failures')
        .values(
          [throttled.known, throttled.unknown].flatMap((email) =>
            Array.from({ length: 12 }, () => ({ email_hash: signInEmailKey(email), occurred_at: failedAt })),
          ),
        )
        .execute();
      const results = [
        await compare(
          'sign-in (wrong password vs no account)',
          ROUNDS,
          (i) => browser.post('/account/sign-in', { email: known(i * 7), password: 'not the password at all 1' }),
          (i) =>
            browser.post('/account/sign-in', { email: unknown(i, 'signin'), password: 'not the password at all 1' }),
        ),
        await compare(
          'sign-in, email throttled (right password vs no account)',
          ROUNDS,
          () => browser.post('/account/sign-in', { email: throttled.known, password: PASSWORD }),
          () => browser.post('/account/sign-in', { email: throttled.unknown, password: PASSWORD }),
        ),
        await compare(
          'email me a link to sign in',
          ROUNDS * 2,
          (i) => browser.post('/account/sign-in/unlock', { email: known(i * 3 + 1500) }),
          (i) => browser.post('/account/sign-in/unlock', { email: unknown(i, 'unlock') }),
        ),
        await compare(
          'forgot password',
          ROUNDS * 2,
          (i) => browser.post('/account/forgot-password', { email: known(i * 3 + 1) }),
          (i) => browser.post('/account/forgot-password', { email: unknown(i, 'reset') }),
        ),
        await compare(
          'sign-up (address with an account vs new address)',
          ROUNDS * 2,
          (i) => browser.post('/account/sign-up', { email: known(i * 3 + 2), kind: 'applicant' }),
          (i) => browser.post('/account/sign-up', { email: unknown(i, 'signup'), kind: 'applicant' }),
        ),
      ];
      runs.push({ minimumMs, results });
      await app.close();
      await deps.jobs.stop();
    }
    const machine = machineInfo();
    const date = new Date().toISOString().slice(0, 10);
    const lines = [
      `# Account enumeration by timing, ${date}`,
      '',
      'In-process requests (no network), embedded database, production argon2id parameters. Each form posted',
      'alternately for an address with an account and one without; times of the POST alone. A ratio near 1.00: the',
      'time does not tell them apart. First with no minimum answer time (what the work alone reveals), then with the',
      `minimum answer time the service uses (CASEDESK_ACCOUNT_FORM_MIN_MS = ${floor} ms), in the same run. Every post`,
      'from a network address of its own (the per-address throttle never answers); the status codes of the answers',
      'must be the same with and without an account. "Email throttled": two emails with 12 wrong passwords stored first',
      "(an hour's wait), one with an account (then posted with its right password) and one without.",
      '',
      '## Machine',
      '',
      ...Object.entries(machine).map(([k, v]) =>
        v.includes('\n') ? `- ${k}:\n\n\`\`\`\n${v}\n\`\`\`` : `- ${k}: ${v}`,
      ),
      '',
      '## Results',
      '',
      '| Minimum answer time | Form | Rounds | Median with account (ms) | Median without (ms) | Ratio | p90 with (ms) | p90 without (ms) | Status with | Status without |',
      '|---:|---|---:|---:|---:|---:|---:|---:|---|---|',
      ...runs.flatMap(({ minimumMs, results }) =>
        results.map(
          (r) =>
            `| ${minimumMs} ms | ${r.name} | ${r.rounds} | ${r.knownMedianMs.toFixed(1)} | ${r.unknownMedianMs.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.knownP90Ms.toFixed(1)} | ${r.unknownP90Ms.toFixed(1)} | ${r.knownStatuses} | ${r.unknownStatuses} |`,
        ),
      ),
      '',
    ];
    const file = path.join(ROOT, 'bench/results', `sign-in-enumeration-${date}.md`);
    writeFileSync(file, lines.join('\n'));
    console.log(`[bench] written to ${path.relative(ROOT, file)}`);
  } finally {
    await database.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
