/**
 * Crash test of case events ingestion (issue 4): the server is killed with SIGKILL (kill -9) while it ingests
 * 100,000 events, then restarted; the client sends again every batch it has no answer for (and, to be sure, every
 * batch once more). Then: nothing lost (every event stored once, every case at its last step, every history row
 * once) and nothing applied twice (each status change of a linked case notified exactly once).
 *
 *   npm run bench:case-events-crash     (= node --import tsx bench/case-events/crash.ts)
 *
 * Settings: BENCH_EVENTS (default 100,000), BENCH_KILL_AFTER (batches answered before the kill, default 40%),
 * BENCH_PG_ADMIN_URL. Uses the database casedesk_crash_events, created afresh and dropped at the end.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { accessToken, admin, casedesk, freshDatabase, generate, ROOT, STEPS, waitForServer } from './common.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const BATCH = 1000;
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'casedesk_crash_events';
const PORT = 3900 + Math.floor(Math.random() * 90);
const ACCOUNTS = 500;

async function main(): Promise<void> {
  const { dbUrl, env } = await freshDatabase(ADMIN_URL, DB_NAME, PORT);
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const oans = Array.from({ length: ACCOUNTS }, (_, i) => String(810000000000 + i));
  await pool.query(
    `INSERT INTO accounts (id, kind, email, email_verified_at, online_account_number, language, created_at, activated_at)
     SELECT gen_random_uuid(), 'applicant', 'crash-' || i || '@example.com', now(), (810000000000 + i)::text, 'en', now(), now() FROM generate_series(0, ${ACCOUNTS - 1}) AS i`,
  );
  const client = JSON.parse(
    casedesk(['api-client', 'create', 'Crash test system', '--scope', 'case_events:write'], env).trim(),
  ) as { client_id: string; client_secret: string };
  const events = generate(oans, EVENTS);
  const batches: string[] = [];
  for (let i = 0; i < events.length; i += BATCH)
    batches.push(
      events
        .slice(i, i + BATCH)
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
  const killAfter = Number(process.env.BENCH_KILL_AFTER ?? Math.floor(batches.length * 0.4));
  const origin = `http://127.0.0.1:${PORT}`;

  const start = async (): Promise<{ server: ChildProcess; token: string }> => {
    const server = spawn(process.execPath, [path.join(ROOT, 'bin/casedesk.js'), 'serve'], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    });
    await waitForServer(origin);
    return { server, token: await accessToken(origin, client) };
  };
  const send = async (token: string, i: number): Promise<boolean> => {
    try {
      const res = await fetch(`${origin}/api/v1/case-events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body: batches[i],
      });
      await res.arrayBuffer();
      return res.ok;
    } catch {
      return false; // the connection died with the server
    }
  };

  const answered = new Set<number>();
  let first = await start();
  console.log(
    `[crash] sending ${events.length.toLocaleString('en-US')} events in ${batches.length} batches, 4 in flight; kill -9 after ${killAfter} answers`,
  );
  let next = 0;
  let killed = false;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length && !killed) {
        const i = next++;
        if (await send(first.token, i)) answered.add(i);
        if (answered.size >= killAfter && !killed) {
          killed = true;
          process.kill(-first.server.pid!, 'SIGKILL'); // mid-ingestion: other batches are in flight right now
        }
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const afterKill = (await pool.query('SELECT count(*)::int AS n FROM case_events')).rows[0].n as number;
  console.log(
    `[crash] killed: ${answered.size} batches answered, ${afterKill.toLocaleString('en-US')} events stored at the kill`,
  );

  const second = await start();
  first = second;
  try {
    const missing = batches.map((_, i) => i).filter((i) => !answered.has(i));
    for (const i of missing)
      if (!(await send(second.token, i))) throw new Error(`batch ${i} refused after the restart`);
    // At-least-once delivery from the client's side: every batch once more must change nothing.
    for (let i = 0; i < batches.length; i++)
      if (!(await send(second.token, i))) throw new Error(`batch ${i} refused on the second pass`);

    const q = async (sql: string) => (await pool.query(sql)).rows[0] as Record<string, number>;
    const cases = Math.ceil(EVENTS / STEPS.length);
    const linked = Math.ceil(cases / 10);
    const checks = {
      events: await q('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_ids FROM case_events'),
      cases: await q(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE status_key = 'card-was-mailed-to-me')::int AS at_last_step FROM cases`,
      ),
      // History rows: the status-bearing events (ADR 13), each once, and the rows each case shows.
      history: await q(`SELECT (SELECT count(*) FROM case_events WHERE status_key IS NOT NULL)::int AS n,
        (SELECT count(DISTINCT event_id) FROM case_events WHERE status_key IS NOT NULL)::int AS distinct_events`),
      links: await q('SELECT count(*)::int AS n FROM account_cases'),
      notifications: await q(
        `SELECT count(*)::int AS n, count(DISTINCT (recipient, subject))::int AS distinct_messages FROM notification_messages WHERE template = 'case_status_changed'`,
      ),
    };
    const expected = { events: EVENTS, cases, history: EVENTS, links: linked, notifications: linked * STEPS.length };
    const ok =
      checks.events.n === expected.events &&
      checks.events.distinct_ids === expected.events &&
      checks.cases.n === expected.cases &&
      checks.cases.at_last_step === expected.cases &&
      checks.history.n === expected.history &&
      checks.history.distinct_events === expected.history &&
      checks.links.n === expected.links &&
      checks.notifications.n === expected.notifications &&
      checks.notifications.distinct_messages === expected.notifications;
    console.log(
      `[crash] after the restart: ${JSON.stringify(checks)}; expected ${JSON.stringify(expected)}: ${ok ? 'nothing lost, nothing applied twice' : 'MISMATCH'}`,
    );
    const date = new Date().toISOString().slice(0, 10);
    writeFileSync(
      path.join(ROOT, 'bench/results', `case-events-crash-${date}.md`),
      [
        `# Case events: kill -9 during ingestion, ${date}`,
        '',
        'Produced by `npm run bench:case-events-crash` (bench/case-events/crash.ts) on PostgreSQL.',
        '',
        `- Sent ${EVENTS.toLocaleString('en-US')} events (${cases.toLocaleString('en-US')} cases x ${STEPS.length} steps, ${linked} cases filed online by accounts) in batches of ${BATCH}, 4 in flight.`,
        `- The server was killed with SIGKILL after ${answered.size} batches were answered, with others in flight; ${afterKill.toLocaleString('en-US')} events were stored at that moment.`,
        `- After the restart the client sent every batch it had no answer for (${batches.length - answered.size}), then all ${batches.length} batches once more.`,
        '',
        '| Check | Found | Expected |',
        '|---|---:|---:|',
        `| events stored / distinct ids | ${checks.events.n} / ${checks.events.distinct_ids} | ${expected.events} |`,
        `| cases / at their last step | ${checks.cases.n} / ${checks.cases.at_last_step} | ${expected.cases} |`,
        `| history rows / distinct events | ${checks.history.n} / ${checks.history.distinct_events} | ${expected.history} |`,
        `| online filings linked to accounts | ${checks.links.n} | ${expected.links} |`,
        `| status notifications queued / distinct | ${checks.notifications.n} / ${checks.notifications.distinct_messages} | ${expected.notifications} |`,
        '',
        `Result: ${ok ? '**nothing lost, nothing applied twice**' : '**mismatch**'}.`,
        '',
        `Commit: ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()}. History rows are the status-bearing events since ADR 13.`,
        '',
      ].join('\n'),
    );
    if (!ok) process.exitCode = 1;
  } finally {
    try {
      process.kill(-first.server.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
    await pool.end();
    await new Promise((r) => setTimeout(r, 1000));
    await admin(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`)).catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
