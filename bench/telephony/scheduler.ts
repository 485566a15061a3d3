/**
 * Callback scheduler benchmark (issue 16, Benchmark): on PostgreSQL with 100,000 pending callbacks in many time zones,
 * the time to pick the next due callback (target p99 <= 10 ms) and the number of callbacks picked outside their
 * calling window (must be 0).
 *
 *   npm run bench:callbacks      (= node --import tsx bench/telephony/scheduler.ts)
 *
 * The picks run the application's own code: `CallbackService.claimNext(agent, tiers)` (src/modules/callbacks), on the
 * app's `openPostgres` Kysely/pg pool: the sweep (Text Ahead asks past their hour; pending callbacks whose window
 * closed moved to the next opening; claims checked against their items) and the claim, one
 * `UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)` statement on callbacks alone (each open group's head in
 * one descent of the partial index `callbacks_group_idx`), then the claimed callback's item asked of the real
 * `ServiceItemService.statesOf` (one primary-key read: is the item still open and in this tier, CC-6). Every item is
 * open and in its callback's tier, as the app's items are. A fake clock walks through one weekday,
 * 00:00 to 24:00 UTC in BENCH_STEP_MINUTES steps, so every zone's window opens and closes during the run; at each
 * step BENCH_AGENTS agents claim BENCH_PICKS_PER_STEP callbacks together (each pick is then answered, so it leaves
 * the line, as an answered call does).
 *
 * In the same run, the baseline: a plain pick of the oldest pending callback of the tier that ignores windows
 * (`SELECT id FROM callbacks WHERE tier = 'tier1' AND status = 'pending' ORDER BY requested_at LIMIT 1`, its own
 * index), timed the same way at the same steps; it shows what the window rule costs and how many of its picks would
 * have been outside their window. Every pick of the app is checked against the window policy in the callback's own
 * zone (8 a.m.-9 p.m. local, weekdays) and against its next_attempt_at.
 *
 * Settings: BENCH_CALLBACKS (100,000), BENCH_AGENTS (8), BENCH_STEP_MINUTES (20), BENCH_PICKS_PER_STEP (40),
 * BENCH_PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_KEEP_DB=1. It creates the database
 * casedesk_bench_callbacks afresh (migrated with `casedesk migrate`) and drops it at the end. Only talks to
 * 127.0.0.1. Results are printed, not written (the lead commits them).
 */
import os from 'node:os';
import { sql } from 'kysely';
import { FakeClock } from '../../src/platform/clock.js';
import { openPostgres } from '../../src/platform/db/database.js';
import { cryptoRandom } from '../../src/platform/random.js';
import type { NotificationService } from '../../src/modules/notifications/index.js';
import type { JobQueue } from '../../src/platform/jobs/index.js';
import { ServiceItemService } from '../../src/modules/service-items/index.js';
import { CallbackService } from '../../src/modules/callbacks/service.js';
import { callingWindow, isInsideWindow } from '../../src/modules/callbacks/windows.js';
import { admin, freshDatabase } from '../case-events/common.js';

function intEnv(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number >= ${min}`);
  return n;
}

const CALLBACKS = intEnv('BENCH_CALLBACKS', 100_000, 1000);
const AGENTS = intEnv('BENCH_AGENTS', 8, 1);
const STEP_MINUTES = intEnv('BENCH_STEP_MINUTES', 20, 1);
const PICKS_PER_STEP = intEnv('BENCH_PICKS_PER_STEP', 40, 1);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
const DB_NAME = 'casedesk_bench_callbacks';
const TARGET_P99_MS = 10;
/** Zones of the customers (offices' zones and the other US zones), weighted roughly by population. */
const ZONES: [string, number][] = [
  ['America/New_York', 40],
  ['America/Chicago', 25],
  ['America/Denver', 6],
  ['America/Phoenix', 3],
  ['America/Los_Angeles', 18],
  ['America/Anchorage', 2],
  ['Pacific/Honolulu', 2],
  ['America/Puerto_Rico', 2],
  ['Pacific/Guam', 1],
  ['America/Indiana/Indianapolis', 1],
];
/** The day walked through: Tuesday 2026-12-08 (UTC), after the line was filled on Monday. */
const DAY = Date.parse('2026-12-08T00:00:00Z');

function pct(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function zoneOf(i: number): string {
  const total = ZONES.reduce((a, [, w]) => a + w, 0);
  let h = (Math.imul(i + 1, 2654435761) >>> 0) % total;
  for (const [zone, w] of ZONES) {
    if (h < w) return zone;
    h -= w;
  }
  return ZONES[0]![0];
}

async function main(): Promise<void> {
  console.log(`[bench] fresh database ${DB_NAME}, migrated with casedesk migrate`);
  const { dbUrl } = await freshDatabase(ADMIN_URL, DB_NAME, 0);
  const database = openPostgres(dbUrl, { max: AGENTS + 1 });
  const db = database.db;
  const clock = new FakeClock(new Date(DAY));
  const unused = (what: string) =>
    new Proxy(
      {},
      {
        get: (_t, p) => {
          throw new Error(`${what}.${String(p)} is not expected in a pick`);
        },
      },
    );
  const service = new CallbackService({
    db,
    clock,
    random: cryptoRandom,
    // The real service-items reads (the pick asks where the claimed callback's item stands); nothing else of it is used.
    items: new ServiceItemService({
      db,
      clock,
      random: cryptoRandom,
      jobs: unused('jobs') as JobQueue,
      notifications: unused('notifications') as NotificationService,
      timeZone: 'America/New_York',
      publicUrl: 'http://127.0.0.1',
    }),
    notifications: unused('notifications') as NotificationService,
    timeZone: 'America/New_York',
    publicUrl: 'http://127.0.0.1',
    agencyPhone: '800-375-5283',
  });
  try {
    // Agents (staff accounts: claims and audit rows name them).
    const agents: string[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const id = cryptoRandom.uuid();
      await sql`INSERT INTO accounts (id, kind, email, email_verified_at, online_account_number, language, created_at, activated_at)
        VALUES (${id}, 'staff', ${`cbagent${i}@agency.example.gov`}, now(), ${String(910000000000 + i)}, 'en', now(), now())`.execute(
        db,
      );
      agents.push(id);
    }
    // One service item per callback (the foreign key), in one INSERT ... SELECT.
    const loadStarted = performance.now();
    await sql`
      INSERT INTO service_items (id, channel, type, queue, status, contact_name, contact_email, language, subject, description, created_at, due_at)
      SELECT gen_random_uuid(), 'voice_assistant', 'callback', 'tier1', 'open', 'Bench ' || i, 'bench' || i || '@example.com', 'en', 'Callback', 'Bench',
        now(), now() + interval '30 days'
      FROM generate_series(1, ${CALLBACKS}) AS i`.execute(db);
    const itemIds = (
      await sql<{ id: string }>`SELECT id FROM service_items ORDER BY created_at, id`.execute(db)
    ).rows.map((r) => r.id);
    // The callbacks: requested over Monday 2026-12-07 (UTC), tier 1 (90%) and tier 2; each window worked out by the
    // app's policy from the start of Tuesday (as the sweep leaves them); 5% are second attempts.
    const start = new Date(DAY);
    const windows = new Map<
      string,
      { first: ReturnType<typeof callingWindow>; last: ReturnType<typeof callingWindow> }
    >();
    for (const [zone] of ZONES)
      windows.set(zone, { first: callingWindow(start, zone, false, 0), last: callingWindow(start, zone, false, 1) });
    const chunk = 2000; // 21 parameters a row: under the protocol's 65,535
    for (let from = 0; from < CALLBACKS; from += chunk) {
      const rows = [];
      for (let i = from; i < Math.min(CALLBACKS, from + chunk); i++) {
        const zone = zoneOf(i);
        const second = i % 20 === 0;
        const w = windows.get(zone)![second ? 'last' : 'first'];
        const requested = new Date(DAY - 86_400_000 + Math.floor((i / CALLBACKS) * 86_400_000));
        rows.push({
          id: cryptoRandom.uuid(),
          item_id: itemIds[i]!,
          tier: i % 10 === 9 ? ('tier2' as const) : ('tier1' as const),
          phones: ['+12025550143'],
          language: 'en' as const,
          time_zone: zone,
          source: 'voice_assistant' as const,
          requested_by: null,
          requested_at: requested,
          status: 'pending' as const,
          rank: second ? 0 : 1,
          attempts: second ? 1 : 0,
          not_before: requested,
          next_attempt_at: w.start,
          window_end_at: w.end,
          claimed_by: null,
          claimed_at: null,
          text_ahead: i % 3 === 0,
          text_ahead_state: null,
          text_ahead_until: null,
          closed_at: null,
        });
      }
      await db.insertInto('callbacks').values(rows).execute();
      process.stdout.write(`\r[bench] loading callbacks: ${Math.min(CALLBACKS, from + chunk).toLocaleString('en-US')}`);
    }
    process.stdout.write('\n');
    // Each item is in its callback's tier queue, as the app's items are (a callback's tier is its item's tier): the
    // pick asks the claimed callback's item its tier, and an item left in another tier would move its callback there.
    await sql`UPDATE service_items si SET queue = c.tier FROM callbacks c WHERE c.item_id = si.id AND si.queue <> c.tier`.execute(
      db,
    );
    await sql`VACUUM (ANALYZE) service_items`.execute(db);
    // The baseline's own index (not part of the schema: the app never picks without the window).
    await sql`CREATE INDEX bench_callbacks_requested_idx ON callbacks (tier, requested_at) WHERE status = 'pending'`.execute(
      db,
    );
    await sql`VACUUM (ANALYZE) callbacks`.execute(db);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    console.log(
      `[bench] ${CALLBACKS.toLocaleString('en-US')} callbacks in ${ZONES.length} zones loaded in ${loadSeconds.toFixed(1)} s`,
    );

    const app: number[] = [];
    const base: number[] = [];
    const peek: number[] = [];
    const sweeps: number[] = [];
    let peekOutside = 0;
    let picked = 0;
    let empty = 0;
    let outside = 0;
    let early = 0;
    let baselineOutside = 0;
    const started = performance.now();
    for (let minute = 0; minute < 24 * 60; minute += STEP_MINUTES) {
      clock.set(new Date(DAY + minute * 60_000));
      const now = clock.now();
      // Baseline: the oldest pending callback of Tier 1, window or not.
      for (let k = 0; k < PICKS_PER_STEP; k++) {
        const t0 = performance.now();
        const row = await sql<{ id: string; time_zone: string }>`
          SELECT id, time_zone FROM callbacks WHERE tier = 'tier1' AND status = 'pending' ORDER BY requested_at LIMIT 1`.execute(
          db,
        );
        base.push(performance.now() - t0);
        if (k === 0 && row.rows[0] && !isInsideWindow(now, row.rows[0].time_zone, false)) baselineOutside++;
      }
      // The sweep the first pick after a window closes runs (rolling that zone's callbacks to its next opening),
      // timed on its own here: it runs once per window close, not once per pick.
      const s0 = performance.now();
      await service.sweep(now);
      sweeps.push(performance.now() - s0);
      // The app: AGENTS agents claiming together.
      let left = PICKS_PER_STEP;
      await Promise.all(
        agents.map(async (agentId) => {
          while (left > 0) {
            left--;
            const t0 = performance.now();
            const c = await service.claimNext({ accountId: agentId, roles: ['tier1'] }, ['tier1']);
            app.push(performance.now() - t0);
            if (!c) {
              empty++;
              continue;
            }
            picked++;
            if (!isInsideWindow(now, c.time_zone, false)) outside++;
            if (c.next_attempt_at > now) early++;
            await db
              .updateTable('callbacks')
              .set({ status: 'answered', closed_at: now, attempts: c.attempts + 1 })
              .where('id', '=', c.id)
              .execute();
          }
        }),
      );
      // The choice alone: the claim's SELECT without the lock and update (CallbackService.nextDue).
      for (let k = 0; k < PICKS_PER_STEP; k++) {
        const t0 = performance.now();
        const row = await service.nextDue(['tier1'], now);
        peek.push(performance.now() - t0);
        if (row && !isInsideWindow(now, row.time_zone, false)) peekOutside++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const a = Float64Array.from(app).sort();
    const b = Float64Array.from(base).sort();
    const p = Float64Array.from(peek).sort();
    const sw = Float64Array.from(sweeps).sort();

    const ms = (x: number) => `${x.toFixed(2)} ms`;
    const met = pct(a, 99) <= TARGET_P99_MS;
    const steps = (24 * 60) / STEP_MINUTES;
    console.log(
      [
        '',
        `# Callback scheduler, ${new Date().toISOString().slice(0, 10)}`,
        '',
        '| Measure | Value | vs baseline | Target | Met |',
        '|---|---:|---:|---|---|',
        `| Pick the next due callback (\`CallbackService.claimNext\`: one SKIP LOCKED claim statement on callbacks, then the item's state from service-items; the sweep measured below), ${AGENTS} agents, p50 / p99 / max | ${ms(pct(a, 50))} / **${ms(pct(a, 99))}** / ${ms(pct(a, 100))} | p99 ${(pct(a, 99) / pct(b, 99)).toFixed(2)}x | p99 <= ${TARGET_P99_MS} ms | ${met ? 'yes' : '**no**'} |`,
        `| Callbacks picked outside their window (8 a.m.-9 p.m. local, weekdays) / before their next_attempt_at | ${outside} / ${early} of ${picked} picked (${empty} empty answers: no window open) | — | 0 | ${outside === 0 && early === 0 ? 'yes' : '**no**'} |`,
        `| The sweep before the picks of a step (rolls callbacks whose window closed to the next opening), p50 / max | ${ms(pct(sw, 50))} / ${ms(pct(sw, 100))} | — | figures only | — |`,
        `| The choice alone (\`CallbackService.nextDue\`: the claim's SELECT, no lock or write, then the item's state), 1 at a time, p50 / p99 / max | ${ms(pct(p, 50))} / **${ms(pct(p, 99))}** / ${ms(pct(p, 100))} | p99 ${(pct(p, 99) / pct(b, 99)).toFixed(2)}x | p99 <= ${TARGET_P99_MS} ms | ${pct(p, 99) <= TARGET_P99_MS ? 'yes' : '**no**'} |`,
        `| Choices outside the window | ${peekOutside} | — | 0 | ${peekOutside === 0 ? 'yes' : '**no**'} |`,
        `| Baseline: oldest pending of the tier, windows ignored (\`ORDER BY requested_at LIMIT 1\`), p50 / p99 | ${ms(pct(b, 50))} / ${ms(pct(b, 99))} | 1.00x | reference | — |`,
        `| Baseline picks that would have called outside the window (first pick of each step) | ${baselineOutside} of ${steps} steps | — | — | — |`,
        '',
        `- ${CALLBACKS.toLocaleString('en-US')} pending callbacks (90% Tier 1), zones ${ZONES.map(([z, w]) => `${z} ${w}`).join(', ')} (weights); 5% second attempts; loaded in ${loadSeconds.toFixed(1)} s.`,
        `- One weekday walked through in ${steps} steps of ${STEP_MINUTES} minutes (fake clock), ${PICKS_PER_STEP} picks per step by ${AGENTS} agents at once (pool of ${AGENTS + 1} connections); ${seconds.toFixed(1)} s in all.`,
        `- The pick asks only the groups of the line (tier, zone, first or last attempt) whose window is open now, each group's head in one descent of \`callbacks_group_idx\`. The claim is a write (row lock, new row version, WAL flush at commit); the baseline and the choice are reads: on a loaded machine the difference is mostly the commit.`,
        `- Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg()[0]!.toFixed(1)}; Node ${process.version}; PostgreSQL on 127.0.0.1.`,
      ].join('\n'),
    );
    if (!met || outside || early || peekOutside) process.exitCode = 1;
  } finally {
    await database.close();
    if (KEEP_DB) console.log(`[bench] BENCH_KEEP_DB=1: database ${DB_NAME} kept`);
    else
      await admin(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`)).catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
