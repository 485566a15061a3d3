import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql, type RawBuilder, type Transaction } from 'kysely';
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

function wrap(kind: Database['kind'], pool: pg.Pool, onClose: () => Promise<void>, pglite?: PGlite): Database {
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
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
        onCompromised: (error) => process.emitWarning(`Lock on the embedded data directory could not be refreshed: ${error.message}`),
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
  const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 } as pg.PoolConfig);
  return wrap('pglite', pool, async () => {
    await pglite.close();
    await release?.();
  }, pglite);
}

export async function openDatabase(config: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string }): Promise<Database> {
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
export function isAnyOf(column: string, values: readonly (string | number)[], type: 'int' | 'text'): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} = any(${values}::${sql.raw(type)}[])`;
}
