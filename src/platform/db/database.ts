import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  sql,
  type Compilable,
  type PostgresPool,
  type PostgresPoolClient,
  type RawBuilder,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import type { Tables } from './tables.js';

// DATE columns stay 'YYYY-MM-DD' strings: a calendar date has no time zone. BIGINT (counts) become numbers.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Db = Kysely<Tables>;
/** A handle to run queries with: the database itself or a running transaction. */
export type DbHandle = Kysely<Tables> | Transaction<Tables>;

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** The one pool every query goes through (Kysely and pg-boss alike). */
  pool: pg.Pool;
  /** The embedded engine itself (embedded mode only): tests snapshot it with `dumpDataDir()`. */
  pglite?: PGlite;
  close(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `The embedded database in ${dataDir} is already open in another Casedesk process.\n` +
        'Only one process may use an embedded data directory (it would silently lose writes otherwise).\n' +
        'Stop the other process, point CASEDESK_DATA_DIR to another directory, or use PostgreSQL (DATABASE_URL) to run several processes.\n' +
        'If no other process is running (one stopped abruptly), the lock is released by itself within a minute.',
    );
    this.name = 'DataDirLockedError';
  }
}

/** SQL texts that run as named statements (see `preparedQuery`), and their names. */
const PREPARED = new Map<string, string>();

/** Where an argument of a prepared query goes among the parameters of its SQL. */
class Argument {
  constructor(readonly index: number) {}
}

/**
 * A query of constant text, compiled once per process and run as a named (server-side prepared) statement: each
 * connection has PostgreSQL parse and plan it once, then only execute it, and Kysely builds it once. For lookups
 * that run on every request (the case status query: parsing and planning was half of PostgreSQL's work, and
 * Kysely's build a tenth of the server's).
 *
 * - `build` must use its arguments only as values of the query (they are placeholders when it is compiled), and
 *   the query's text must not depend on them (no lists of varying length: use `isAnyOf`).
 * - Only for queries whose best plan does not depend on the values (a lookup by a unique key): after five
 *   executions PostgreSQL may keep one generic plan.
 * - Name every column rather than `*`: a prepared statement fails if a migration changes the columns of its
 *   result while a connection holds it.
 */
export function preparedQuery<A extends unknown[], O>(
  build: (db: DbHandle, ...args: A) => Compilable<O>,
): (db: DbHandle, ...args: A) => Promise<O[]> {
  let text: string | undefined;
  let slots: readonly unknown[] = [];
  return async (db, ...args) => {
    if (text === undefined) {
      const compiled = build(db, ...(args.map((_, i) => new Argument(i)) as A)).compile();
      slots = compiled.parameters;
      text = compiled.sql;
      if (!PREPARED.has(text)) PREPARED.set(text, `casedesk_${PREPARED.size + 1}`);
    }
    const parameters = slots.map((slot) => (slot instanceof Argument ? args[slot.index] : slot));
    const { rows } = await db.executeQuery(CompiledQuery.raw(text, parameters));
    return rows as O[];
  };
}

/** Kysely's pool: the pg pool's clients, running the texts of `preparedQuery` as named statements. */
function preparingPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrapClient = (client: pg.PoolClient): PostgresPoolClient => {
    function query(text: unknown, parameters?: ReadonlyArray<unknown>): unknown {
      const name = typeof text === 'string' ? PREPARED.get(text) : undefined;
      if (name !== undefined) return client.query({ name, text: text as string, values: parameters as unknown[] });
      return client.query(text as string, parameters as unknown[]); // a cursor object, or an unprepared text
    }
    return { query: query as PostgresPoolClient['query'], release: () => client.release() };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (!wrapped) clients.set(client, (wrapped = wrapClient(client)));
      return wrapped;
    },
    end: () => pool.end(),
  };
}

function wrap(kind: Database['kind'], pool: pg.Pool, onClose: () => Promise<void>, pglite?: PGlite): Database {
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  let closed = false;
  return {
    kind,
    db,
    pool,
    pglite,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // ends the pool too
      await onClose();
    },
  };
}

export function openPostgres(url: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 20, connectionTimeoutMillis: 5000 });
  // An idle client that loses its server must not crash the process; the next query reports the failure.
  pool.on('error', () => undefined);
  return wrap('postgres', pool, async () => undefined);
}

export interface PgliteOptions {
  /** Directory on disk, locked for this process. Omit for an in-memory database. */
  dataDir?: string;
  /** A tarball made by `dumpDataDir()` to start from (tests clone a migrated snapshot this way). */
  loadDataDir?: Blob | File;
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  let release: (() => Promise<void>) | undefined;
  let pglite: PGlite;
  if (options.dataDir) {
    const dir = path.resolve(options.dataDir);
    mkdirSync(dir, { recursive: true });
    try {
      // Creating a database blocks the event loop for several seconds, so the lock's refresh can be late: a
      // generous stale time, and a late refresh is logged rather than crashing the process.
      release = await lockfile.lock(dir, {
        stale: 60_000,
        update: 10_000,
        retries: 0,
        realpath: false,
        onCompromised: (error) =>
          process.emitWarning(`Lock on the embedded data directory could not be refreshed: ${error.message}`),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirLockedError(options.dataDir);
      throw error;
    }
    try {
      pglite = await PGlite.create(dir);
    } catch (error) {
      await release();
      throw error;
    }
  } else {
    pglite = await PGlite.create(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
  }
  // PGlite is one database session: exactly one connection, shared by Kysely and pg-boss.
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
  return wrap(
    'pglite',
    pool,
    async () => {
      await pglite.close();
      await release?.();
    },
    pglite,
  );
}

export async function openDatabase(
  config: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string },
): Promise<Database> {
  return config.kind === 'postgres' ? openPostgres(config.url) : openPglite({ dataDir: config.dataDir });
}

/** Runs `work` in one transaction and hands it the transaction handle to use. */
export function inTransaction<T>(db: DbHandle, work: (trx: Transaction<Tables>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Tables>);
  return db.transaction().execute(work);
}

/**
 * `column = ANY($1::type[])`: a list of any length as one parameter. For batch work: Kysely's `in` sends one
 * parameter per value, and a list of thousands is thousands of parameters for PostgreSQL to parse and plan.
 */
export function isAnyOf(
  column: string,
  values: readonly (string | number)[],
  type: 'int' | 'text',
): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} = any(${values}::${sql.raw(type)}[])`;
}
