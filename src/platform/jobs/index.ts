import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { z } from 'zod';
import type { DbHandle } from '../db/database.js';
import type { Logger } from '../logging.js';

/**
 * Durable background jobs: pg-boss 10 over the application's own pool (ADR 0003).
 * A job is enqueued with the transaction handle of the change that causes it, so both commit or neither does.
 * Handlers must be safe to run twice (a process can die after the work and before the acknowledgement).
 */
export interface JobType<P> {
  name: string;
  payload: z.ZodType<P>;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  expireInSeconds: number;
  /**
   * A job that runs again and again: every process running workers queues one at start, and each run queues the
   * next this many seconds later. Its queue is `stately` (at most one waiting), so several processes never pile
   * up runs.
   */
  repeatEverySeconds?: number;
}

export function defineJob<P>(
  def: Omit<JobType<P>, 'retryLimit' | 'retryDelaySeconds' | 'retryBackoff' | 'expireInSeconds'> & Partial<JobType<P>>,
): JobType<P> {
  return { retryLimit: 10, retryDelaySeconds: 5, retryBackoff: true, expireInSeconds: 15 * 60, ...def };
}

export interface JobContext {
  jobId: string;
  /** 0 on the first try, then 1, 2 ... */
  retryCount: number;
  /** Retries this job gets: the try with `retryCount === retryLimit` is the last one. */
  retryLimit: number;
}

type Handler<P> = (payload: P, ctx: JobContext) => Promise<void>;

/**
 * How the workers of one job type take its jobs. A worker fetches up to `batchSize` jobs in one statement and runs
 * up to `concurrency` of them at once; each job completes or fails (and is retried) on its own. After a full batch
 * it fetches again at once; it waits `pollingIntervalSeconds` only when it found fewer jobs than it asked for.
 */
export interface WorkOptions {
  /** Jobs fetched per poll (default 1). */
  batchSize?: number;
  /** Jobs of a batch run at once (default 1; at most `batchSize`). */
  concurrency?: number;
  /** Seconds between polls of an empty or draining queue (pg-boss's minimum is 0.5); default: the queue's option, else 2. */
  pollingIntervalSeconds?: number;
}

export interface JobQueueOptions {
  pollingIntervalSeconds?: number;
  /** Overrides every job type's retry delay (tests use 1 second). */
  retryDelaySeconds?: number;
  /**
   * How often pg-boss's maintenance runs (default 120 s): it fails jobs left active past their expiry by a process
   * that died, so they are retried, and archives finished jobs.
   */
  maintenanceIntervalSeconds?: number;
}

export class JobQueue {
  readonly #boss: PgBoss;
  readonly #types = new Map<string, { type: JobType<unknown>; handler?: Handler<unknown>; work: WorkOptions }>();
  #started = false;
  #stopping = false;

  constructor(
    pool: pg.Pool,
    private readonly log: Logger,
    private readonly options: JobQueueOptions = {},
  ) {
    this.#boss = new PgBoss({
      db: { executeSql: (text, values) => pool.query(text, values) },
      schema: 'pgboss',
      // Maintenance is what retries a job whose worker died mid-job: without it such a job stays active forever.
      supervise: true,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 120,
      schedule: false,
    });
    this.#boss.on('error', (error) => this.log.error({ err: error }, 'job queue error'));
  }

  /** Declares a job type; its handler runs in the workers, taking jobs as `work` says (default: one at a time). */
  register<P>(type: JobType<P>, handler?: Handler<P>, work: WorkOptions = {}): void {
    this.#types.set(type.name, { type: type, handler: handler as Handler<unknown> | undefined, work });
  }

  /** Creates pg-boss's schema and one queue per registered job type (idempotent). */
  async start(): Promise<void> {
    if (this.#started) return;
    await this.#boss.start();
    await this.#createFetchIndex();
    for (const { type } of this.#types.values()) {
      const queue = {
        name: type.name,
        ...(type.repeatEverySeconds ? { policy: 'stately' as const } : {}),
        ...this.#retryPolicy(type),
      };
      if (await this.#boss.getQueue(type.name)) await this.#boss.updateQueue(type.name, queue);
      else await this.#boss.createQueue(type.name, queue);
    }
    this.#started = true;
  }

  /**
   * pg-boss fetches a queue's next jobs `ORDER BY priority DESC, created_on, id`, which none of its own indexes hold:
   * with 100,000 jobs waiting, every fetch read and sorted all of them (about 200 ms; bench/delivery). With this
   * index (on every queue's partition, present and future) a fetch reads only the jobs it takes. Made once, here,
   * where pg-boss's schema is made; two processes starting at once may race to make it, and the loser carries on.
   */
  async #createFetchIndex(): Promise<void> {
    try {
      await this.#boss
        .getDb()
        .executeSql(
          `CREATE INDEX IF NOT EXISTS job_fetch_order ON pgboss.job (name, priority DESC, created_on, id) WHERE state < 'active'`,
          [],
        );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== '42P07' && code !== '23505') throw error;
    }
  }

  /** Starts polling every registered queue that has a handler. */
  async work(): Promise<void> {
    await this.start();
    this.#stopping = false;
    for (const { type, handler, work } of this.#types.values()) {
      if (!handler) continue;
      const batchSize = Math.max(1, work.batchSize ?? 1);
      const concurrency = Math.max(1, Math.min(work.concurrency ?? 1, batchSize));
      let workerId: string | undefined;
      // eslint-disable-next-line prefer-const -- the handler may run before work() resolves (a const: dead zone)
      workerId = await this.#boss.work(
        type.name,
        // includeMetadata: without it pg-boss hands over no retryCount, and a handler could never tell its last try.
        {
          pollingIntervalSeconds: work.pollingIntervalSeconds ?? this.options.pollingIntervalSeconds ?? 2,
          batchSize,
          includeMetadata: true,
        },
        async (jobs) => {
          await this.#runBatch(type, handler, jobs, concurrency);
          // A full batch: more jobs are probably waiting, so fetch again at once instead of sleeping a polling interval.
          if (jobs.length >= batchSize && workerId && !this.#stopping) this.#boss.notifyWorker(workerId);
        },
      );
      if (type.repeatEverySeconds) await this.#repeat(type, type.payload.parse({}), 0);
    }
  }

  /**
   * Runs a fetched batch, `concurrency` jobs at a time. A job that throws is failed on its own (pg-boss retries it
   * with its backoff); the others complete when this returns (pg-boss completes every job still active). Jobs not
   * started yet when the process stops, or a quarter of the job type's time limit after the batch began (a slow
   * batch: say, a mail server that does not answer), are handed back untouched, their retry count unchanged, so
   * the batch ends well within the time limit after which pg-boss would fail all of it.
   */
  async #runBatch(
    type: JobType<unknown>,
    handler: Handler<unknown>,
    jobs: PgBoss.JobWithMetadata<unknown>[],
    concurrency: number,
  ): Promise<void> {
    const startBy = Date.now() + (type.expireInSeconds * 1000) / 4;
    const failed: { id: string; error: unknown }[] = [];
    let next = 0;
    const lane = async () => {
      while (next < jobs.length) {
        if (this.#stopping || Date.now() > startBy) {
          // Hand back what no lane started yet, at once: waiting for the slow lanes could outlast pg-boss's own
          // expiry of the batch, after which another worker may already hold these jobs.
          const rest = jobs.slice(next);
          next = jobs.length;
          await this.#release(type.name, rest);
          return;
        }
        const job = jobs[next++]!;
        try {
          await handler(type.payload.parse(job.data), {
            jobId: job.id,
            retryCount: job.retryCount,
            retryLimit: job.retryLimit,
          });
        } catch (error) {
          failed.push({ id: job.id, error });
          // A repeating job's last try failed: its next run is still queued (retries come before).
          if (type.repeatEverySeconds && job.retryCount >= job.retryLimit)
            await this.#repeat(type, job.data, type.repeatEverySeconds);
          continue;
        }
        if (type.repeatEverySeconds) await this.#repeat(type, job.data, type.repeatEverySeconds);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane));
    for (const { id, error } of failed) await this.#boss.fail(type.name, id, error as object);
  }

  /**
   * Puts fetched jobs back as they were before the fetch: a first try back to `created`, a retry back to `retry`
   * with its count as it was (pg-boss counts a retry when it fetches a job that was started before).
   */
  async #release(name: string, jobs: PgBoss.JobWithMetadata<unknown>[]): Promise<void> {
    if (!jobs.length) return;
    // Only this fetch of each job (its started_on, to the millisecond a Date holds): a job expired and fetched again by
    // another worker meanwhile is left alone.
    await this.#boss.getDb().executeSql(
      `UPDATE pgboss.job j SET
         state = (CASE WHEN j.retry_count > 0 THEN 'retry' ELSE 'created' END)::pgboss.job_state,
         started_on = CASE WHEN j.retry_count > 0 THEN j.started_on END,
         retry_count = greatest(j.retry_count - 1, 0)
       FROM unnest($2::uuid[], $3::timestamptz[]) AS f (id, started_on)
       WHERE j.name = $1 AND j.id = f.id AND j.state = 'active'
         AND abs(extract(epoch FROM j.started_on - f.started_on)) < 0.001`,
      [name, jobs.map((j) => j.id), jobs.map((j) => j.startedOn.toISOString())],
    );
  }

  /** Enqueues a job inside the given transaction (or on its own when given the database). */
  async send<P>(
    db: DbHandle,
    type: JobType<P>,
    payload: P,
    options: { startAfter?: Date; singletonKey?: string } = {},
  ): Promise<string | null> {
    if (!this.#types.has(type.name)) throw new Error(`Job type ${type.name} is not registered`);
    const data = type.payload.parse(payload);
    const id = await this.#boss.send(type.name, data as object, {
      // Each job carries its type's retry policy, so it holds even when the queue row was made with older settings
      // (or before this process called start()).
      ...this.#retryPolicy(type),
      ...options,
      db: {
        executeSql: async (text, values) => {
          const result = await db.executeQuery(CompiledQuery.raw(text, values));
          return { rows: result.rows };
        },
      },
    });
    // pg-boss answers null, and stores nothing, when the queue does not exist; only a singleton may be skipped.
    if (id === null && !options.singletonKey) {
      throw new Error(`Job ${type.name} was not stored: its queue does not exist (run \`casedesk migrate\`)`);
    }
    return id;
  }

  /**
   * Enqueues many jobs of a type in one statement, inside the given transaction (for effects of bulk work, such as
   * the notifications of a batch of case events).
   */
  async sendMany<P>(db: DbHandle, type: JobType<P>, payloads: P[]): Promise<void> {
    if (!payloads.length) return;
    if (!this.#types.has(type.name)) throw new Error(`Job type ${type.name} is not registered`);
    const executeSql = async (text: string, values: unknown[]) => {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows };
    };
    // pg-boss's bulk insert says nothing back and skips jobs of a queue that does not exist: check it first.
    if (!(await executeSql('SELECT 1 FROM pgboss.queue WHERE name = $1', [type.name])).rows.length) {
      throw new Error(`Jobs ${type.name} were not stored: their queue does not exist (run \`casedesk migrate\`)`);
    }
    const policy = this.#retryPolicy(type);
    const jobs = payloads.map((p) => ({ name: type.name, data: type.payload.parse(p) as object, ...policy }));
    await this.#boss.insert(jobs, { db: { executeSql } } as never);
  }

  /** Queues the next run of a repeating job (skipped by its stately queue when one is already waiting). */
  async #repeat(type: JobType<unknown>, data: unknown, afterSeconds: number): Promise<void> {
    await this.#boss.send(type.name, data as object, {
      ...this.#retryPolicy(type),
      singletonKey: type.name,
      ...(afterSeconds ? { startAfter: afterSeconds } : {}),
    });
  }

  #retryPolicy(type: JobType<unknown>) {
    return {
      retryLimit: type.retryLimit,
      retryDelay: this.options.retryDelaySeconds ?? type.retryDelaySeconds,
      retryBackoff: type.retryBackoff,
      expireInSeconds: type.expireInSeconds,
    };
  }

  /** Jobs of a type in each state (for tests, metrics and operators). */
  async countByState(name: string): Promise<Record<string, number>> {
    const result = await this.#boss
      .getDb()
      .executeSql(`SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state`, [name]);
    return Object.fromEntries(result.rows.map((r: { state: string; n: number }) => [r.state, r.n]));
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#stopping = true;
    await this.#boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
  }
}
