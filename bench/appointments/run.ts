/**
 * Appointment booking benchmark (issue 17): on PostgreSQL, 10,000 booking attempts from 100 concurrent clients for
 * 2,000 slots: bookings per second, latency (p50/p99), and the number of overbooked slots (must be 0), against a
 * baseline of a bare single-statement conditional UPDATE in the same run (target >= 0.5x of its attempts per second).
 *
 *   npm run bench:appointments      (= node --import tsx bench/appointments/run.ts)
 *
 * The clients run the application's own code: `AppointmentService.book(slotId, 'biometrics', { caseId })`
 * (src/modules/appointments) on the app's `openPostgres` Kysely/pg pool: one statement (a CTE: the conditional
 * `UPDATE appointment_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity ...` joined to the site, and
 * the INSERT of the booking row from what it returned); a refusal then reads the slot and its site to say why
 * (full, passed, not offered). The baseline is `UPDATE appointment_slots SET booked = booked + 1 WHERE id = $1 AND
 * booked < capacity RETURNING id` alone, through the same pool, on a fresh set of slots of the same shape.
 *
 * Each phase gets its own 2,000 slots of capacity BENCH_CAPACITY (4: 8,000 seats for 10,000 attempts, so the
 * hot slots fill and refusals are part of the load) and the same sequence of slot choices (a seeded PRNG, uniform).
 * 100 clients are 100 concurrent loops sharing a pool of BENCH_POOL connections (50; PostgreSQL here allows 100
 * connections in all, shared with other work). Afterwards the database is checked: no slot with booked > capacity,
 * every slot's booked = its 'booked' booking rows, and bookings reported = rows in the database.
 *
 * Settings: BENCH_ATTEMPTS (10,000), BENCH_CLIENTS (100), BENCH_SLOTS (2,000), BENCH_CAPACITY (4), BENCH_POOL (50),
 * BENCH_ROUNDS (3: baseline and application alternate, each round on fresh slots; the median round is reported),
 * BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_NO_WRITE=1 (print only), BENCH_KEEP_DB=1.
 * It creates the database casedesk_bench_appointments afresh (migrated with `casedesk migrate`) and drops it at the
 * end. Only talks to 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { systemClock } from '../../src/platform/clock.js';
import { openPostgres, type Database } from '../../src/platform/db/database.js';
import { cryptoRandom } from '../../src/platform/random.js';
import { AppointmentService } from '../../src/modules/appointments/index.js';
import { admin, freshDatabase, ROOT } from '../case-events/common.js';
import { intEnv } from '../env.js';

const ATTEMPTS = intEnv('BENCH_ATTEMPTS', 10_000);
const CLIENTS = intEnv('BENCH_CLIENTS', 100);
const SLOTS = intEnv('BENCH_SLOTS', 2_000);
const CAPACITY = intEnv('BENCH_CAPACITY', 4);
const POOL = intEnv('BENCH_POOL', 50);
const ROUNDS = intEnv('BENCH_ROUNDS', 3);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WRITE = process.env.BENCH_NO_WRITE !== '1';
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
const DB_NAME = 'casedesk_bench_appointments';
const TARGET = 0.5;
const SITE = 'ASC-BENCH';

/** mulberry32: the same slot choices in every phase and run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function setup(database: Database): Promise<number> {
  await sql`INSERT INTO appointment_sites (code, kind, name_en, name_es, address_line1, city, state, zip, latitude,
      longitude, time_zone, services, active, updated_at)
    VALUES (${SITE}, 'asc', 'Bench ASC', 'CAS de prueba', '1 Bench St', 'Chicago', 'IL', '60605', 41.87, -87.63,
      'America/Chicago', ARRAY['biometrics'], true, now())`.execute(database.db);
  const { rows } = await sql<{ id: number }>`INSERT INTO cases (receipt_number, form_code, office_code, received_at,
      status_key, status_at) VALUES ('IOE0000000001', 'I-485', 'NBC', now(), 'case-was-received', now()) RETURNING id`.execute(
    database.db,
  );
  return rows[0]!.id;
}

/** A fresh set of slots (days ahead, every 15 minutes), answered as their ids. */
async function makeSlots(database: Database, round: number, phase: number): Promise<number[]> {
  const base = Date.UTC(2030, 0, 1) + (round * 2 + phase) * 200 * 86_400_000;
  const { rows } = await sql<{ id: number }>`
    INSERT INTO appointment_slots (site_code, local_date, local_time, starts_at, ends_at, capacity)
    SELECT ${SITE}, (t AT TIME ZONE 'America/Chicago')::date, to_char(t AT TIME ZONE 'America/Chicago', 'HH24:MI'),
      t, t + interval '15 minutes', ${CAPACITY}::integer
    FROM (SELECT to_timestamp(${base / 1000}::double precision) + i * interval '15 minutes' AS t
          FROM generate_series(0, ${SLOTS - 1}::integer) AS i) g
    RETURNING id`.execute(database.db);
  return rows.map((r) => r.id);
}

interface PhaseResult {
  name: string;
  seconds: number;
  attempts: number;
  booked: number;
  refused: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  slotIds: number[];
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function runPhase(
  name: string,
  slotIds: number[],
  attempt: (slotId: number, i: number) => Promise<boolean>,
): Promise<PhaseResult> {
  const random = prng(17);
  const choices = Array.from({ length: ATTEMPTS }, () => slotIds[Math.floor(random() * slotIds.length)]!);
  const latencies = new Float64Array(ATTEMPTS);
  let next = 0;
  let booked = 0;
  let refused = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (;;) {
        const i = next++;
        if (i >= ATTEMPTS) return;
        const t0 = performance.now();
        try {
          if (await attempt(choices[i]!, i)) booked++;
          else refused++;
        } catch (error) {
          errors++;
          if (errors <= 3) console.error(`[bench] ${name}: ${(error as Error).message}`);
        }
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.slice().sort();
  const result = {
    name,
    seconds,
    attempts: ATTEMPTS,
    booked,
    refused,
    errors,
    perSecond: ATTEMPTS / seconds,
    p50: pct(sorted, 50),
    p99: pct(sorted, 99),
    max: pct(sorted, 100),
    slotIds,
  };
  console.log(
    `[bench] ${name}: ${result.perSecond.toFixed(0)} attempts/s (${(booked / seconds).toFixed(0)} bookings/s), ${booked} booked, ${refused} refused, ${errors} errors, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`,
  );
  return result;
}

interface Check {
  overbooked: number;
  mismatched: number;
  bookedInDb: number;
  bookingRows: number;
}

async function check(database: Database, slotIds: number[]): Promise<Check> {
  const { rows } = await sql<Check>`
    SELECT count(*) FILTER (WHERE s.booked > s.capacity)::int AS overbooked,
      count(*) FILTER (WHERE s.booked <> coalesce(b.n, 0))::int AS mismatched,
      coalesce(sum(s.booked), 0)::int AS "bookedInDb", coalesce(sum(b.n), 0)::int AS "bookingRows"
    FROM appointment_slots s
    LEFT JOIN (SELECT slot_id, count(*) AS n FROM appointment_bookings WHERE status = 'booked' GROUP BY slot_id) b
      ON b.slot_id = s.id
    WHERE s.id = ANY (${slotIds}::bigint[])`.execute(database.db);
  return rows[0]!;
}

const median = <T>(xs: T[], key: (x: T) => number): T =>
  [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const startedAll = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  console.log(`[bench] fresh database ${DB_NAME}, migrated with casedesk migrate`);
  const { dbUrl } = await freshDatabase(ADMIN_URL, DB_NAME, 0);
  const database = openPostgres(dbUrl, { max: POOL });
  const service = new AppointmentService({ db: database.db, clock: systemClock, random: cryptoRandom });
  const baselineQuery = (slotId: number) =>
    sql<{
      id: number;
    }>`UPDATE appointment_slots SET booked = booked + 1 WHERE id = ${slotId} AND booked < capacity RETURNING id`.execute(
      database.db,
    );
  try {
    const caseId = await setup(database);
    // Warm-up: the pool's connections, both statements prepared and planned.
    const warm = await makeSlots(database, 99, 0);
    await Promise.all(Array.from({ length: POOL * 2 }, (_, i) => baselineQuery(warm[i % warm.length]!)));
    await Promise.all(
      Array.from({ length: POOL * 2 }, (_, i) =>
        service.book(warm[(i + POOL) % warm.length]!, 'biometrics', { caseId }),
      ),
    );
    const baselines: PhaseResult[] = [];
    const apps: PhaseResult[] = [];
    const checks: Check[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const b = await runPhase(`round ${round + 1} baseline`, await makeSlots(database, round, 0), async (id) => {
        const { rows } = await baselineQuery(id);
        return rows.length === 1;
      });
      baselines.push(b);
      const a = await runPhase(
        `round ${round + 1} AppointmentService.book`,
        await makeSlots(database, round, 1),
        async (id) => {
          const r = await service.book(id, 'biometrics', { caseId });
          if (!r.ok && r.problem !== 'full') throw new Error(`refused: ${r.problem}`);
          return r.ok;
        },
      );
      apps.push(a);
      const c = await check(database, a.slotIds);
      checks.push(c);
      const overBaseline = (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM appointment_slots WHERE id = ANY (${b.slotIds}::bigint[]) AND booked > capacity`.execute(
          database.db,
        )
      ).rows[0]!.n;
      console.log(
        `[bench] round ${round + 1} check: overbooked ${c.overbooked} (baseline slots ${overBaseline}), slots whose count differs from their booking rows ${c.mismatched}, booked reported ${a.booked} = in slots ${c.bookedInDb} = booking rows ${c.bookingRows}`,
      );
    }
    const b = median(baselines, (x) => x.perSecond);
    const a = median(apps, (x) => x.perSecond);
    const ratio = a.perSecond / b.perSecond;
    const overbooked = checks.reduce((n, c) => n + c.overbooked, 0);
    const mismatched = checks.reduce((n, c) => n + c.mismatched, 0);
    const consistent = apps.every((x, i) => x.booked === checks[i]!.bookedInDb && x.booked === checks[i]!.bookingRows);
    const errors = apps.reduce((n, x) => n + x.errors, 0) + baselines.reduce((n, x) => n + x.errors, 0);
    const pg = (
      await sql<{ v: string; s: string }>`SELECT version() AS v, current_setting('synchronous_commit') AS s`.execute(
        database.db,
      )
    ).rows[0]!;
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const date = new Date().toISOString().slice(0, 10);
    const met = (ok: boolean) => (ok ? 'yes' : '**no**');
    const report = `# Appointment booking, ${date}

Produced by \`npm run bench:appointments\` (bench/appointments/run.ts).

| Measure | Value | vs baseline | Target | Met |
|---|---:|---:|---|---|
| Attempts per second, ${CLIENTS} clients, \`AppointmentService.book\` (median of ${ROUNDS} rounds) | ${a.perSecond.toFixed(0)} attempts/s (${(a.booked / a.seconds).toFixed(0)} bookings/s) | ${ratio.toFixed(2)}x | >= ${TARGET}x baseline | ${met(ratio >= TARGET)} |
| Latency p50 / p99 / max | ${a.p50.toFixed(1)} ms / **${a.p99.toFixed(1)} ms** / ${a.max.toFixed(1)} ms | — | figures only | — |
| Overbooked slots (booked > capacity), all rounds | ${overbooked} | — | 0 | ${met(overbooked === 0)} |
| Slots whose booked count differs from their booking rows | ${mismatched} | — | 0 | ${met(mismatched === 0)} |
| Bookings reported = seats taken = booking rows, every round | ${apps.map((x, i) => `${x.booked} = ${checks[i]!.bookedInDb} = ${checks[i]!.bookingRows}`).join('; ')} | — | equal | ${met(consistent)} |
| Errors | ${errors} | — | 0 | ${met(errors === 0)} |
| Baseline: bare \`UPDATE ... WHERE id = $1 AND booked < capacity RETURNING id\` (median round) | ${b.perSecond.toFixed(0)} attempts/s, p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms | 1.00x | reference | — |

## Rounds

| Round | Baseline attempts/s | Baseline booked / refused | Application attempts/s | Application booked / refused | p99 (baseline / application) |
|---|---:|---:|---:|---:|---:|
${baselines.map((x, i) => `| ${i + 1} | ${x.perSecond.toFixed(0)} | ${x.booked} / ${x.refused} | ${apps[i]!.perSecond.toFixed(0)} | ${apps[i]!.booked} / ${apps[i]!.refused} | ${x.p99.toFixed(1)} / ${apps[i]!.p99.toFixed(1)} ms |`).join('\n')}

## Settings

- ${ATTEMPTS.toLocaleString('en-US')} attempts per phase from ${CLIENTS} concurrent clients (async loops) sharing the app's \`openPostgres\` pool of ${POOL} connections; ${SLOTS.toLocaleString('en-US')} fresh slots of capacity ${CAPACITY} per phase (${(SLOTS * CAPACITY).toLocaleString('en-US')} seats), slots chosen uniformly by a seeded PRNG (the same sequence in every phase), so popular slots fill and later attempts on them are refused.
- Application: \`AppointmentService.book(slotId, 'biometrics', { caseId })\`: one statement (CTE: the conditional UPDATE joined to the site, active and offering the service, and the INSERT of the booking row), one round trip; a refusal reads the slot and its site to tell why (2 more round trips). Baseline: the conditional UPDATE alone, autocommit.
- Warm-up of ${POOL * 2} attempts of each kind before the first round. Baseline and application alternate within each round.
- Machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, shared with other work (load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end); Node ${process.version}; ${pg.v.split(' on ')[0]} on 127.0.0.1 (synchronous_commit=${pg.s}); the clients (one Node process) and PostgreSQL share the machine.
- Commit: ${commit}. Whole run: ${((performance.now() - startedAll) / 1000).toFixed(0)} s.

## Reading

- Verdict: ${a.perSecond.toFixed(0)} attempts/s against a baseline of ${b.perSecond.toFixed(0)} (${ratio.toFixed(2)}x, target >= ${TARGET}x: ${ratio >= TARGET ? 'met' : 'not met'}); ${overbooked} overbooked slots.
- Both paths commit once per seat taken (one WAL flush); the application's statement also inserts the booking row (a heap row and three index entries) and reads the site, and its refusals cost two reads more. Concurrent bookers of one slot queue on its row lock; PostgreSQL re-checks \`booked < capacity\` on the newest row version after the wait, so the last seat goes to exactly one of them, and the table's CHECK (\`booked <= capacity\`) would refuse an oversold slot even if the statement were wrong.
`;
    console.log(`\n${report}`);
    if (WRITE) {
      const file = path.join(ROOT, 'bench/results', `appointments-${date}.md`);
      writeFileSync(file, report);
      console.log(`[bench] wrote ${path.relative(ROOT, file)}`);
    }
    if (overbooked > 0 || mismatched > 0 || !consistent) process.exitCode = 1;
  } finally {
    await database.close();
    if (!KEEP_DB) await admin(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
