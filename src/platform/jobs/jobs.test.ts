import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { defineJob, type JobContext } from './index.js';

/** The job queue over pg-boss: transactional send, retry metadata for handlers, and jobs orphaned by a dead process. */

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function jobRows(t: TestApp, name: string) {
  const result = await sql<{ state: string; retry_count: number; retry_limit: number; retry_delay: number }>`
    SELECT state, retry_count, retry_limit, retry_delay FROM pgboss.job WHERE name = ${name} ORDER BY created_on`.execute(
    t.deps.database.db,
  );
  return result.rows;
}

describe('JobQueue', () => {
  let t: TestApp;
  const flaky = defineJob({
    name: 'test.flaky',
    payload: z.object({ n: z.number() }),
    retryLimit: 2,
    retryBackoff: false,
    retryDelaySeconds: 30,
  });
  const flakyCalls: JobContext[] = [];
  const orphan = defineJob({
    name: 'test.orphan',
    payload: z.object({ n: z.number() }),
    retryLimit: 3,
    retryBackoff: false,
    expireInSeconds: 60,
  });
  const orphanCalls: JobContext[] = [];
  const unstarted = defineJob({ name: 'test.never_started', payload: z.object({}) });

  beforeAll(async () => {
    t = await createTestApp({
      jobOptions: { pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, maintenanceIntervalSeconds: 1 },
    });
    t.deps.jobs.register(flaky, async (_payload, ctx) => {
      flakyCalls.push(ctx);
      throw new Error(`try ${ctx.retryCount} failed`);
    });
    t.deps.jobs.register(orphan, async (_payload, ctx) => {
      orphanCalls.push(ctx);
    });
  });
  afterAll(async () => t?.close());

  it('refuses a job type that was never registered', async () => {
    const other = defineJob({ name: 'test.unregistered', payload: z.object({}) });
    await expect(t.deps.jobs.send(t.deps.database.db, other, {})).rejects.toThrow('not registered');
  });

  it('refuses to silently drop a job whose queue does not exist yet', async () => {
    t.deps.jobs.register(unstarted);
    // start() has not run since the type was registered: its queue does not exist in the database.
    await expect(t.deps.jobs.send(t.deps.database.db, unstarted, {})).rejects.toThrow('queue does not exist');
  });

  it('validates the payload before storing it', async () => {
    await t.deps.jobs.start();
    await expect(
      t.deps.jobs.send(t.deps.database.db, flaky, { n: 'one' } as unknown as { n: number }),
    ).rejects.toThrow();
    expect(await jobRows(t, flaky.name)).toEqual([]);
  });

  it('stores a job only when its transaction commits', async () => {
    const db = t.deps.database.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await t.deps.jobs.send(trx, unstarted, {});
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await t.deps.jobs.countByState(unstarted.name)).toEqual({});
    await db.transaction().execute((trx) => t.deps.jobs.send(trx, unstarted, {}));
    expect(await t.deps.jobs.countByState(unstarted.name)).toEqual({ created: 1 });
  });

  it("gives every try its retry count and limit, and the job keeps its type's retry policy", async () => {
    const id = await t.deps.jobs.send(t.deps.database.db, flaky, { n: 1 });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // The test override (1 s) wins over the type's 30 s; the limit is the type's.
    expect(await jobRows(t, flaky.name)).toEqual([
      { state: 'created', retry_count: 0, retry_limit: 2, retry_delay: 1 },
    ]);
    await t.deps.jobs.work();
    await waitFor('the job to fail for good', async () => (await jobRows(t, flaky.name))[0]?.state === 'failed');
    expect(flakyCalls.map((c) => [c.retryCount, c.retryLimit])).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    expect(flakyCalls.every((c) => c.jobId === id)).toBe(true);
  });

  it('retries a job that a dead process left active, once it has expired', async () => {
    // What a process that died in the middle of a job leaves behind: the job active, started long ago.
    // (Sent for later, so that the running workers cannot take it before it is made to look like that.)
    await t.deps.jobs.send(t.deps.database.db, orphan, { n: 7 }, { startAfter: new Date(Date.now() + 3_600_000) });
    await sql`UPDATE pgboss.job SET state = 'active', started_on = now() - interval '1 hour' WHERE name = ${orphan.name}`.execute(
      t.deps.database.db,
    );
    expect(orphanCalls).toEqual([]);
    await waitFor(
      'the orphaned job to run again',
      async () => orphanCalls.length > 0 && (await jobRows(t, orphan.name))[0]?.state === 'completed',
    );
    expect(orphanCalls.map((c) => c.retryCount)).toEqual([1]);
  });
});

describe('a repeating job (issue 13 point 12: the evidence sweep)', () => {
  let t: TestApp;
  const calls: number[] = [];
  const repeating = defineJob({ name: 'test.repeating', payload: z.object({}), repeatEverySeconds: 3600 });

  beforeAll(async () => {
    t = await createTestApp({ jobOptions: { pollingIntervalSeconds: 0.5 } });
    t.deps.jobs.register(repeating, async () => {
      calls.push(calls.length + 1);
    });
  });
  afterAll(async () => t?.close());

  it('runs when the workers start, then queues its next run an interval later; never more than one waits', async () => {
    await t.deps.jobs.work();
    await waitFor(
      'the first run and the next one queued',
      async () => calls.length === 1 && (await t.deps.jobs.countByState(repeating.name)).created === 1,
    );
    const waiting = await sql<{ later: boolean }>`
      SELECT start_after > now() + interval '50 minutes' AS later FROM pgboss.job WHERE name = ${repeating.name} AND state = 'created'`.execute(
      t.deps.database.db,
    );
    expect(waiting.rows).toEqual([{ later: true }]);
    // Another process starting queues its first run the same way: skipped, one run is already waiting.
    expect(await t.deps.jobs.send(t.deps.database.db, repeating, {}, { singletonKey: repeating.name })).toBeNull();
    expect(await t.deps.jobs.countByState(repeating.name)).toMatchObject({ created: 1, completed: 1 });
    expect(calls).toEqual([1]);
  });
});

describe('JobQueue batches (WorkOptions)', () => {
  let t: TestApp;
  const batchy = defineJob({
    name: 'test.batchy',
    payload: z.object({ n: z.number() }),
    retryLimit: 2,
    retryBackoff: false,
  });
  const batchyCalls: { n: number; retryCount: number }[] = [];
  const slow = defineJob({
    name: 'test.slow',
    payload: z.object({ n: z.number() }),
    retryLimit: 2,
    retryBackoff: false,
    expireInSeconds: 4,
  });
  const slowCalls: { n: number; retryCount: number }[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      jobOptions: { pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, maintenanceIntervalSeconds: 1 },
    });
    t.deps.jobs.register(
      batchy,
      async ({ n }, ctx) => {
        batchyCalls.push({ n, retryCount: ctx.retryCount });
        if (n === 3 && ctx.retryCount === 0) throw new Error('job 3 fails on its first try');
      },
      { batchSize: 5, concurrency: 5 },
    );
    t.deps.jobs.register(
      slow,
      async ({ n }, ctx) => {
        slowCalls.push({ n, retryCount: ctx.retryCount });
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      },
      { batchSize: 6, concurrency: 2 },
    );
    await t.deps.jobs.start();
  });
  afterAll(async () => t?.close());

  it("fetches a batch in the queue's order from an index, without reading and sorting every waiting job", async () => {
    const waiting = defineJob({ name: 'test.waiting', payload: z.object({ n: z.number() }) });
    t.deps.jobs.register(waiting);
    await t.deps.jobs.stop();
    await t.deps.jobs.start();
    await t.deps.jobs.sendMany(
      t.deps.database.db,
      waiting,
      Array.from({ length: 5000 }, (_, n) => ({ n })),
    );
    await sql`ANALYZE pgboss.job`.execute(t.deps.database.db); // and its partitions, as autovacuum would soon
    // pg-boss 10's fetch (plans.js fetchNextJob), for a batch of 100.
    const plan = await sql<{ 'QUERY PLAN': string }>`
      EXPLAIN SELECT id FROM pgboss.job WHERE name = ${waiting.name} AND state < 'active' AND start_after < now()
      ORDER BY priority desc, created_on, id LIMIT 100 FOR UPDATE SKIP LOCKED`.execute(t.deps.database.db);
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Scan using \S*priority_created_on_id/);
    expect(text).not.toMatch(/Sort/);
  });

  it('fails only the job of a batch that threw; the others complete', async () => {
    for (let n = 1; n <= 5; n++) await t.deps.jobs.send(t.deps.database.db, batchy, { n });
    await t.deps.jobs.work();
    await waitFor('all five jobs completed', async () => (await t.deps.jobs.countByState(batchy.name)).completed === 5);
    // One fetch took all five; job 3 alone was tried again (pg-boss would fail the whole batch for one error).
    expect(
      batchyCalls
        .filter((c) => c.retryCount === 0)
        .map((c) => c.n)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5]);
    expect(batchyCalls.filter((c) => c.retryCount > 0)).toEqual([{ n: 3, retryCount: 1 }]);
    expect((await jobRows(t, batchy.name)).map((r) => r.retry_count).sort()).toEqual([0, 0, 0, 0, 1]);
  });

  it('hands back, untouched, the jobs of a slow batch not started by a quarter of their time limit', async () => {
    // Six jobs of 1.5 s, two at a time: 4.5 s as one batch, past the 4 s limit after which pg-boss fails the whole
    // batch. Handed back after 1 s instead, each job runs once, on its first try, in a later batch.
    for (let n = 1; n <= 6; n++) await t.deps.jobs.send(t.deps.database.db, slow, { n });
    await waitFor(
      'all six jobs completed',
      async () => (await t.deps.jobs.countByState(slow.name)).completed === 6,
      30_000,
    );
    expect(slowCalls.map((c) => c.n).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(slowCalls.every((c) => c.retryCount === 0)).toBe(true);
    expect((await jobRows(t, slow.name)).every((r) => r.retry_count === 0)).toBe(true);
  });
});
