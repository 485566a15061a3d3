/**
 * Sign-in cost benchmark, part 1: the bare argon2id rate (see bench/README.md).
 *
 *   node --import tsx bench/sign-in/hash-rate.ts
 *
 * Sign-in cost is dominated by argon2id. For a grid of parameters (m in 19/32/46/64 MiB x t in 1/2/3, p=1) this
 * measures, through the accounts module's own hashPassword/verifyPassword:
 *  - one at a time ("single"): verifications per second, wall ms per verification (median), CPU ms per verification
 *    (process.cpuUsage, which counts every thread of the process, including libuv's pool where argon2 runs);
 *  - two at a time ("2 concurrent", one per core; @node-rs/argon2's async API runs on libuv's thread pool):
 *    verifications per second and CPU ms per verification.
 * Every cell is measured BENCH_ROUNDS times, interleaved, and the median round is reported, because other work on
 * the machine (see the load average in the results) moves single figures. A verification is one full argon2id
 * computation, exactly what hashing costs, so "hashes/s" and "verifications/s" are the same figure.
 *
 * It then marks the chosen ARGON2_PARAMS (src/modules/accounts/passwords.ts) and checks them against the budget
 * (one sign-in <= 250 ms of CPU; parameters are accepted up to 70% of it, leaving room for the rest of the sign-in
 * and for slower CPUs) and the OWASP floor (m=19 MiB, t=2, p=1); it also times dummyVerify against a failed
 * verifyPassword (they must cost the same, or response times reveal which emails have accounts), and
 * checkPassword's CPU cost on ordinary and adversarial passwords.
 *
 * Writes bench/results/sign-in-hash-rate-<date>.md (unless BENCH_NO_WRITE=1). Exit code 1 when the chosen
 * parameters break the budget or the floor.
 *
 * The end-to-end part (sign-ins per second through the app, reported next to the bare rate of the same run) is
 * for a later bench/sign-in/run.ts: call `measureBareHashRate()` from there in the same process tree, before and
 * after the HTTP load, and report sign-ins/s / bare verifications/s.
 *
 * Settings (environment variables, all optional): BENCH_CELL_MS (default 1000, time per cell and mode per round),
 * BENCH_ROUNDS (3), BENCH_GRID_M (MiB list, "19,32,46,64"), BENCH_GRID_T ("1,2,3"), BENCH_NO_WRITE=1.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARGON2_OWASP_MIN,
  ARGON2_PARAMS,
  checkPassword,
  dummyVerify,
  hashPassword,
  preparePasswordChecks,
  verifyPassword,
  type Argon2Params,
} from '../../src/modules/accounts/passwords.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One sign-in may cost at most this much CPU (the issue's budget). */
export const SIGN_IN_CPU_BUDGET_MS = 250;
/** Share of the budget argon2 may take, leaving room for the rest of the sign-in and slower production CPUs. */
export const ARGON2_SHARE_OF_BUDGET = 0.7;

const BENCH_PASSWORD = 'bench: correct horse battery staple 2026';

// ---------------------------------------------------------------------------------------------------------------
// Measurement

export interface RateResult {
  params: Argon2Params;
  concurrency: number;
  verifications: number;
  wallMs: number;
  verificationsPerSecond: number;
  cpuMsPerVerification: number;
  /** Median wall time of one verification as the caller sees it. */
  medianLatencyMs: number;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs `concurrency` loops of verifyPassword against one stored hash for at least `durationMs` and at least
 * `minVerifications` verifications in all, and returns the rate and the CPU time per verification.
 */
export async function measureVerifyRate(
  params: Argon2Params,
  options: { concurrency?: number; durationMs?: number; minVerifications?: number; storedHash?: string } = {},
): Promise<RateResult> {
  const concurrency = options.concurrency ?? 1;
  const durationMs = options.durationMs ?? 1000;
  const minVerifications = options.minVerifications ?? 4;
  const stored = options.storedHash ?? (await hashPassword(BENCH_PASSWORD, params));
  await verifyPassword(stored, BENCH_PASSWORD); // warm-up: first use of the pool thread and the memory
  const latencies: number[] = [];
  let done = 0;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  const loop = async () => {
    while (performance.now() < deadline || done < minVerifications) {
      const s = performance.now();
      if (!(await verifyPassword(stored, BENCH_PASSWORD))) throw new Error('verification failed');
      latencies.push(performance.now() - s);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const wallMs = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  return {
    params: { ...params },
    concurrency,
    verifications: done,
    wallMs,
    verificationsPerSecond: (done / wallMs) * 1000,
    cpuMsPerVerification: cpu / done,
    medianLatencyMs: median(latencies),
  };
}

/**
 * For the end-to-end sign-in benchmark: the bare argon2id rate with the production parameters, measured in the
 * calling process so it can be reported next to sign-ins/s from the same run. Default: 2 concurrent (one per core
 * on the reference machine), 3 s.
 */
export async function measureBareHashRate(
  options: { concurrency?: number; durationMs?: number } = {},
): Promise<RateResult> {
  return measureVerifyRate(ARGON2_PARAMS, {
    concurrency: options.concurrency ?? 2,
    durationMs: options.durationMs ?? 3000,
    minVerifications: 8,
  });
}

/** The machine, for the results file: CPUs, memory (`free -h`), Node, load average. */
export function machineInfo(): Record<string, string> {
  let free = '';
  try {
    free = execFileSync('free', ['-h'], { encoding: 'utf8' }).trimEnd();
  } catch {
    free = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(os.freemem() / 2 ** 30).toFixed(1)} GiB free`;
  }
  let nproc = String(os.availableParallelism());
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // keep availableParallelism
  }
  const argon2Version = (
    JSON.parse(readFileSync(path.join(ROOT, 'node_modules/@node-rs/argon2/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  return {
    nproc,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    free,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    argon2: `@node-rs/argon2 ${argon2Version}`,
    threadpool: process.env.UV_THREADPOOL_SIZE
      ? `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE}`
      : 'UV_THREADPOOL_SIZE unset (libuv default 4)',
    loadavg: os
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' '),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The run

function intList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 4096))
    throw new Error(`${name} must be a comma-separated list of whole numbers`);
  return list;
}

function intEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const sameParams = (a: Argon2Params, b: Argon2Params) =>
  a.memoryCost === b.memoryCost && a.timeCost === b.timeCost && a.parallelism === b.parallelism;
const atLeastOwasp = (p: Argon2Params) =>
  // OWASP lists equivalent settings (m=19 MiB t=2, m=12 MiB t=3, m=9 MiB t=4, m=7 MiB t=5, m=46 MiB t=1); treat
  // m*t >= 38 MiB-passes with m >= 19 MiB, or m >= 46 MiB with t = 1, as at or above the floor.
  (p.memoryCost >= ARGON2_OWASP_MIN.memoryCost &&
    p.memoryCost * p.timeCost >= ARGON2_OWASP_MIN.memoryCost * ARGON2_OWASP_MIN.timeCost) ||
  p.memoryCost >= 46 * 1024;
const mib = (kib: number) => kib / 1024;
const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface Cell {
  params: Argon2Params;
  single: RateResult;
  concurrent: RateResult;
  /** The larger of the two CPU figures: what one sign-in costs in the worse case. */
  cpuMs: number;
  withinBudget: boolean;
  owasp: boolean;
}

const ADVERSARIAL = [
  '🦊🌵🎻🚲🧭🍋',
  'Ab1$',
  'a1!',
  '4@$1|!0',
  '1',
  '19',
  '0101',
  'qwe',
  'p@ss',
  '$$$$',
  'ab',
  '😀a',
  '1!|',
  'lI1|',
  '@',
  '0',
  '5$',
  'the',
  'ñ1',
];
const ORDINARY = [
  'correct horse battery staple',
  'el perro come manzanas verdes',
  'Tr0ub4dor&3xyz',
  'juanperez1990!',
  'x7#kP2!mQ9zL',
  'my cat is named Pickles 2019',
  'contraseña muy segura de verdad',
  'qwertyuiop123456',
  'Summer2024!Summer',
  'aaaaaaaaaaaaaaa',
];

function checkPasswordCost(): {
  prepareMs: number;
  ordinaryMedianMs: number;
  ordinaryMaxMs: number;
  adversarialMaxMs: number;
  adversarialWorst: string;
} {
  const c0 = cpuMs();
  preparePasswordChecks();
  const prepareMs = cpuMs() - c0;
  const cost = (pw: string) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const s = cpuMs();
      checkPassword(pw, { email: 'maria.garcia@example.com', names: ['María', 'García'] });
      best = Math.min(best, cpuMs() - s);
    }
    return best;
  };
  checkPassword('warm-up password 2026', {});
  const ordinary = ORDINARY.map(cost);
  let adversarialMaxMs = 0;
  let adversarialWorst = '';
  for (const unit of ADVERSARIAL) {
    for (const length of [48, 128]) {
      const pw = Array.from(unit.repeat(200)).slice(0, length).join('');
      const ms = cost(pw);
      if (ms > adversarialMaxMs) {
        adversarialMaxMs = ms;
        adversarialWorst = `"${unit}" repeated to ${length} characters`;
      }
    }
  }
  return {
    prepareMs,
    ordinaryMedianMs: median(ordinary),
    ordinaryMaxMs: Math.max(...ordinary),
    adversarialMaxMs,
    adversarialWorst,
  };
}

async function dummyTiming(rounds: number): Promise<{ verifyMs: number; dummyMs: number }> {
  const stored = await hashPassword(BENCH_PASSWORD);
  await dummyVerify('warm-up');
  const wrong: number[] = [];
  const dummy: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let s = performance.now();
    if (await verifyPassword(stored, 'not the password at all')) throw new Error('wrong password verified');
    wrong.push(performance.now() - s);
    s = performance.now();
    await dummyVerify('not the password at all');
    dummy.push(performance.now() - s);
  }
  return { verifyMs: median(wrong), dummyMs: median(dummy) };
}

async function main(): Promise<void> {
  const cellMs = intEnv('BENCH_CELL_MS', 1000, 100, 60_000);
  const rounds = intEnv('BENCH_ROUNDS', 3, 1, 20);
  const grid: Argon2Params[] = [];
  for (const m of intList('BENCH_GRID_M', [19, 32, 46, 64]))
    for (const t of intList('BENCH_GRID_T', [1, 2, 3]))
      grid.push({ memoryCost: m * 1024, timeCost: t, parallelism: 1 });
  if (!grid.some((p) => sameParams(p, ARGON2_PARAMS))) grid.push({ ...ARGON2_PARAMS });

  const started = new Date();
  const machineBefore = machineInfo();
  log(
    `machine: ${machineBefore.nproc} CPUs (${machineBefore.cpu}), node ${machineBefore.node}, load ${machineBefore.loadavg}`,
  );
  log(`${grid.length} parameter sets x 2 modes x ${rounds} rounds x ~${cellMs} ms`);

  const runs = new Map<string, { single: RateResult[]; concurrent: RateResult[] }>();
  const key = (p: Argon2Params) => `${p.memoryCost}/${p.timeCost}/${p.parallelism}`;
  for (let round = 1; round <= rounds; round++) {
    for (const params of grid) {
      const stored = await hashPassword(BENCH_PASSWORD, params);
      const single = await measureVerifyRate(params, { concurrency: 1, durationMs: cellMs, storedHash: stored });
      const concurrent = await measureVerifyRate(params, { concurrency: 2, durationMs: cellMs, storedHash: stored });
      const entry = runs.get(key(params)) ?? { single: [], concurrent: [] };
      entry.single.push(single);
      entry.concurrent.push(concurrent);
      runs.set(key(params), entry);
      log(
        `round ${round}: m=${mib(params.memoryCost)} MiB t=${params.timeCost}: single ${f1(single.verificationsPerSecond)}/s ${f0(single.cpuMsPerVerification)} ms CPU, 2 concurrent ${f1(concurrent.verificationsPerSecond)}/s ${f0(concurrent.cpuMsPerVerification)} ms CPU`,
      );
    }
  }
  // Each figure is the median over the rounds on its own (a round slowed by other work moves one figure, not all).
  const pickMedian = (list: RateResult[]): RateResult => ({
    ...list[0]!,
    verifications: list.reduce((n, r) => n + r.verifications, 0),
    wallMs: list.reduce((n, r) => n + r.wallMs, 0),
    verificationsPerSecond: median(list.map((r) => r.verificationsPerSecond)),
    cpuMsPerVerification: median(list.map((r) => r.cpuMsPerVerification)),
    medianLatencyMs: median(list.map((r) => r.medianLatencyMs)),
  });
  const limitMs = SIGN_IN_CPU_BUDGET_MS * ARGON2_SHARE_OF_BUDGET;
  const cells: Cell[] = grid.map((params) => {
    const entry = runs.get(key(params))!;
    const single = pickMedian(entry.single);
    const concurrent = pickMedian(entry.concurrent);
    const cpu = Math.max(single.cpuMsPerVerification, concurrent.cpuMsPerVerification);
    return { params, single, concurrent, cpuMs: cpu, withinBudget: cpu <= limitMs, owasp: atLeastOwasp(params) };
  });
  // The strongest cell that fits: most memory-passes (m*t), then most memory.
  const fitting = cells.filter((c) => c.withinBudget && c.owasp);
  const recommended = fitting.sort(
    (a, b) =>
      b.params.memoryCost * b.params.timeCost - a.params.memoryCost * a.params.timeCost ||
      b.params.memoryCost - a.params.memoryCost,
  )[0];
  const chosen = cells.find((c) => sameParams(c.params, ARGON2_PARAMS))!;

  log('timing dummyVerify against a failed verifyPassword');
  const dummy = await dummyTiming(9);
  log('timing checkPassword');
  const check = checkPasswordCost();
  const machineAfter = machineInfo();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;

  // ------------------------------------------------------------------------- table
  const header =
    '| m (MiB) | t | p | single: verif./s | single: median ms | single: CPU ms/verif. | 2 concurrent: verif./s | 2 concurrent: CPU ms/verif. | fits budget | |';
  const rule = '|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---|';
  const rows = cells.map((c) => {
    const marks = [
      sameParams(c.params, ARGON2_PARAMS) ? '**chosen (ARGON2_PARAMS)**' : '',
      recommended && sameParams(c.params, recommended.params) ? 'strongest that fits' : '',
      c.owasp ? '' : 'below OWASP floor',
    ]
      .filter(Boolean)
      .join(', ');
    return `| ${mib(c.params.memoryCost)} | ${c.params.timeCost} | ${c.params.parallelism} | ${f1(c.single.verificationsPerSecond)} | ${f0(c.single.medianLatencyMs)} | ${f0(c.single.cpuMsPerVerification)} | ${f1(c.concurrent.verificationsPerSecond)} | ${f0(c.concurrent.cpuMsPerVerification)} | ${c.withinBudget ? 'yes' : 'no'} | ${marks} |`;
  });
  const table = [header, rule, ...rows].join('\n');
  process.stdout.write(`\n${table}\n\n`);

  const problems: string[] = [];
  if (!chosen.withinBudget)
    problems.push(
      `ARGON2_PARAMS cost ${f0(chosen.cpuMs)} ms of CPU per verification, over ${f0(limitMs)} ms (${ARGON2_SHARE_OF_BUDGET * 100}% of the ${SIGN_IN_CPU_BUDGET_MS} ms sign-in budget)`,
    );
  if (!chosen.owasp) problems.push('ARGON2_PARAMS are below the OWASP floor (m=19 MiB, t=2, p=1)');
  if (Math.abs(dummy.dummyMs - dummy.verifyMs) > Math.max(0.15 * dummy.verifyMs, 10))
    problems.push(
      `dummyVerify (${f0(dummy.dummyMs)} ms) and a failed verifyPassword (${f0(dummy.verifyMs)} ms) differ by more than 15%`,
    );
  const notes: string[] = [];
  if (recommended && !sameParams(recommended.params, ARGON2_PARAMS)) {
    notes.push(
      `On this run the strongest grid point within ${f0(limitMs)} ms is m=${mib(recommended.params.memoryCost)} MiB, t=${recommended.params.timeCost}, p=${recommended.params.parallelism} (${f0(recommended.cpuMs)} ms CPU); ARGON2_PARAMS differ. Re-run on a quiet machine before changing them.`,
    );
  }

  const summary = [
    `- **Chosen ARGON2_PARAMS:** argon2id, m=${mib(ARGON2_PARAMS.memoryCost)} MiB (${ARGON2_PARAMS.memoryCost} KiB), t=${ARGON2_PARAMS.timeCost}, p=${ARGON2_PARAMS.parallelism}.`,
    `- **Bare hash rate with them:** ${f1(chosen.single.verificationsPerSecond)} verifications/s one at a time (median ${f0(chosen.single.medianLatencyMs)} ms each), ${f1(chosen.concurrent.verificationsPerSecond)}/s with 2 concurrent (= the most password sign-ins this machine can do per second, before any other work).`,
    `- **CPU per sign-in's argon2id:** ${f0(chosen.single.cpuMsPerVerification)} ms one at a time, ${f0(chosen.concurrent.cpuMsPerVerification)} ms with 2 concurrent; budget ${SIGN_IN_CPU_BUDGET_MS} ms per sign-in, of which argon2 may take ${f0(limitMs)} ms: ${chosen.withinBudget ? 'within' : '**over**'}.`,
    `- **Memory:** ${mib(ARGON2_PARAMS.memoryCost)} MiB per verification in flight (at most UV_THREADPOOL_SIZE at once: ${mib(ARGON2_PARAMS.memoryCost) * 4} MiB with the default 4); peak RSS of this benchmark ${f0(peakRssMiB)} MiB.`,
    `- **Unknown-account timing:** dummyVerify ${f0(dummy.dummyMs)} ms vs failed verifyPassword ${f0(dummy.verifyMs)} ms (median of 9 interleaved pairs).`,
    `- **checkPassword (sign-up/change, on the event loop):** first call builds the dictionaries in ${f0(check.prepareMs)} ms of CPU; ordinary passwords median ${f1(check.ordinaryMedianMs)} ms, max ${f1(check.ordinaryMaxMs)} ms; worst adversarial input ${f1(check.adversarialMaxMs)} ms (${check.adversarialWorst}).`,
  ];

  const md = `# Sign-in: argon2id hash rate (${started.toISOString().slice(0, 10)})

Command: \`node --import tsx bench/sign-in/hash-rate.ts\` (BENCH_CELL_MS=${cellMs}, BENCH_ROUNDS=${rounds}). Started ${started.toISOString()}.

## Machine

| | |
|---|---|
| nproc | ${machineBefore.nproc} |
| CPU | ${machineBefore.cpu} |
| Node | ${machineBefore.node} |
| OS | ${machineBefore.platform} |
| argon2 | ${machineBefore.argon2} |
| thread pool | ${machineBefore.threadpool} |
| load average (1/5/15 min) at start | ${machineBefore.loadavg} |
| load average at end | ${machineAfter.loadavg} |

\`free -h\` at start:

\`\`\`
${machineBefore.free}
\`\`\`

The machine is shared: a load average above ${machineBefore.nproc} means other processes competed for the CPUs, which
inflates wall times (and, less, CPU times). Each figure is the median of ${rounds} interleaved rounds.

## Summary

${summary.join('\n')}
${problems.length ? `\n**Problems:**\n\n${problems.map((p) => `- ${p}`).join('\n')}\n` : ''}${notes.length ? `\n${notes.map((n) => `- ${n}`).join('\n')}\n` : ''}
## Grid

"verif./s" is argon2id verifications per second (a verification is one full argon2id computation, the same work
as hashing). CPU ms are process CPU time (all threads) divided by the verifications done. "fits budget": the
larger CPU figure is at most ${f0(limitMs)} ms (${ARGON2_SHARE_OF_BUDGET * 100}% of ${SIGN_IN_CPU_BUDGET_MS} ms).

${table}

## Why these parameters

Sign-in must cost at most ${SIGN_IN_CPU_BUDGET_MS} ms of CPU, and argon2id is nearly all of it; we let argon2 take at most
${ARGON2_SHARE_OF_BUDGET * 100}% (${f0(limitMs)} ms) so that the session, database and second-factor work, a
slower production CPU, and noise all still fit. Within that, more memory and more passes make each offline guess
dearer, so ARGON2_PARAMS should be the strongest point of the grid that fits (m=${mib(ARGON2_PARAMS.memoryCost)} MiB,
t=${ARGON2_PARAMS.timeCost}, p=${ARGON2_PARAMS.parallelism}: ${f0(chosen.cpuMs)} ms here).${
    sameParams(ARGON2_PARAMS, { memoryCost: 65536, timeCost: 3, parallelism: 1 })
      ? ` m=64 MiB, t=3 is also RFC 9106's second
recommended setting, with p=1 instead of 4: on 2 cores more lanes only spread the same CPU over more threads and
take a core from a concurrent sign-in.`
      : ''
  }

The grid stops at 64 MiB on purpose. Every verification in flight holds m of memory, up to UV_THREADPOOL_SIZE of
them at once (4 by default: ${mib(ARGON2_PARAMS.memoryCost) * 4} MiB with these parameters), and the embedded mode runs web,
jobs and the database in one process. And the CPU time per verification rises when other processes load the
machine (cache and memory-bandwidth contention), which the ${f0((1 - ARGON2_SHARE_OF_BUDGET) * 100)}% reserve has to absorb. More passes at
64 MiB, or more memory, can be measured with \`BENCH_GRID_M=64,96,128 BENCH_GRID_T=3,4,5\`. The OWASP minimum (m=19 MiB, t=2, p=1) is ${f0(cells.find((c) => sameParams(c.params, ARGON2_OWASP_MIN))?.cpuMs ?? Number.NaN)} ms here: cheaper, but it
leaves most of the budget unused.

## End to end

Not measured here yet. The sign-in benchmark (sign-ins/s through the app under load) should call
\`measureBareHashRate()\` from this file in the same run and report sign-ins/s next to it.
`;

  process.stdout.write(`${summary.join('\n')}\n`);
  for (const p of problems) process.stdout.write(`PROBLEM: ${p}\n`);
  for (const n of notes) process.stdout.write(`NOTE: ${n}\n`);
  if (process.env.BENCH_NO_WRITE !== '1') {
    const dir = path.join(ROOT, 'bench/results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `sign-in-hash-rate-${started.toISOString().slice(0, 10)}.md`);
    writeFileSync(file, md);
    log(`wrote ${path.relative(ROOT, file)}`);
  }
  if (problems.length) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
