/**
 * Sign-in benchmark (see bench/README.md): sign-ins per second the service sustains on this machine with the
 * production argon2id parameters, next to the bare argon2id verification rate measured in the same run.
 *
 *   node --import tsx bench/sign-in/run.ts      (BENCH_DURATION seconds, default 20; BENCH_USERS, default 8)
 *
 * A sign-in here is the first factor as a browser does it: GET /account/sign-in (CSRF cookie and token), then
 * POST email + password, answered 303 to the code page. The service runs on the embedded database in a temporary
 * directory, with 20 activated accounts created beforehand. Only talks to 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARGON2_PARAMS, hashPassword } from '../../src/modules/accounts/passwords.js';
import { openPglite } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrator.js';
import { machineInfo, measureBareHashRate, SIGN_IN_CPU_BUDGET_MS } from './hash-rate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DURATION_S = Number(process.env.BENCH_DURATION ?? 20);
const USERS = Number(process.env.BENCH_USERS ?? 8);
const PORT = 3000 + Math.floor(Math.random() * 2000) + 2000;
const PASSWORD = 'bench: seven unrelated words 2026 sign in';
const ACCOUNTS = 20;

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
}

async function prepare(dataDir: string): Promise<string[]> {
  const database = await openPglite({ dataDir });
  try {
    await migrateToLatest(database.db);
    const hash = await hashPassword(PASSWORD);
    const now = new Date();
    const emails = Array.from({ length: ACCOUNTS }, (_, i) => `bench-${i}@example.com`);
    await database.db
      .insertInto('accounts')
      .values(
        emails.map((email, i) => ({
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          kind: 'applicant' as const,
          email,
          email_verified_at: now,
          password_hash: hash,
          online_account_number: String(900000000000 + i),
          language: 'en' as const,
          created_at: now,
          activated_at: now,
        })),
      )
      .execute();
    return emails;
  } finally {
    await database.close();
  }
}

async function signInOnce(origin: string, email: string): Promise<boolean> {
  const page = await fetch(`${origin}/account/sign-in`);
  const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${origin}/account/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email, password: PASSWORD }).toString(),
  });
  await res.arrayBuffer();
  return res.status === 303 && res.headers.get('location') === '/account/sign-in/code';
}

async function main(): Promise<void> {
  console.log('[bench] bare argon2id verification rate (2 concurrent, this process)');
  const bare = await measureBareHashRate({ concurrency: 2, durationMs: 8000 });
  console.log(
    `[bench] bare: ${bare.verificationsPerSecond.toFixed(1)}/s, ${bare.cpuMsPerVerification.toFixed(0)} ms CPU each`,
  );

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'casedesk-bench-sign-in-'));
  const emails = await prepare(dataDir);
  const env = {
    ...process.env,
    CASEDESK_DATA_DIR: dataDir,
    PORT: String(PORT),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CASEDESK_SEED_CASES: '0',
    CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000000',
    CASEDESK_ACCOUNT_FORM_RATE_LIMIT_PER_MINUTE: '100000000',
    NODE_ENV: 'development',
  };
  delete (env as Record<string, string | undefined>).DATABASE_URL;
  const server = spawn(process.execPath, [path.join(ROOT, 'bin/casedesk.js'), 'serve'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${PORT}`;
  try {
    const started = Date.now();
    while (
      !(await fetch(`${origin}/readyz`)
        .then((r) => r.ok)
        .catch(() => false))
    ) {
      if (Date.now() - started > 60_000) throw new Error('the service did not start within 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    // Warm-up: every virtual user signs in once.
    await Promise.all(Array.from({ length: USERS }, (_, u) => signInOnce(origin, emails[u % emails.length]!)));
    let ok = 0;
    let failed = 0;
    const cpu0 = cpuMsOf(server.pid!);
    const t0 = performance.now();
    const deadline = t0 + DURATION_S * 1000;
    await Promise.all(
      Array.from({ length: USERS }, async (_, u) => {
        let i = u;
        while (performance.now() < deadline) {
          if (await signInOnce(origin, emails[i++ % emails.length]!)) ok++;
          else failed++;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const serverCpuMs = cpuMsOf(server.pid!) - cpu0;
    const rate = ok / seconds;
    const cpuPerSignIn = serverCpuMs / Math.max(1, ok);
    const machine = machineInfo();
    const lines = [
      `# Sign-in benchmark, ${new Date().toISOString().slice(0, 10)}`,
      '',
      'Produced by `node --import tsx bench/sign-in/run.ts`. The first factor of a sign-in as a browser does it (GET the form, POST email and password, 303 to the code page), embedded database, 20 accounts, argon2id with the production parameters, compared with the bare verification rate measured in the same run.',
      '',
      `| measure | value |`,
      `|---|---:|`,
      `| argon2id parameters | m=${ARGON2_PARAMS.memoryCost / 1024} MiB, t=${ARGON2_PARAMS.timeCost}, p=${ARGON2_PARAMS.parallelism} |`,
      `| bare verifications/s (2 concurrent) | ${bare.verificationsPerSecond.toFixed(1)} |`,
      `| bare CPU ms per verification | ${bare.cpuMsPerVerification.toFixed(0)} |`,
      `| sign-ins/s sustained (${USERS} concurrent users, ${DURATION_S} s) | ${rate.toFixed(1)} |`,
      `| ratio to the bare rate | ${(rate / bare.verificationsPerSecond).toFixed(2)}x |`,
      `| server CPU ms per sign-in (whole request pair) | ${cpuPerSignIn.toFixed(0)} (budget ${SIGN_IN_CPU_BUDGET_MS}) |`,
      `| failed sign-ins | ${failed} |`,
      '',
      '## Machine',
      '',
      '```',
      ...Object.entries(machine).map(([k, v]) => `${k}: ${v}`),
      '```',
      '',
    ];
    const out = path.join(ROOT, `bench/results/sign-in-${new Date().toISOString().slice(0, 10)}.md`);
    writeFileSync(out, lines.join('\n'));
    console.log(lines.slice(4, 13).join('\n'));
    console.log(`[bench] wrote ${path.relative(ROOT, out)}`);
    if (failed > 0) process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
