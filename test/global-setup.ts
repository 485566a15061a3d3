import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config.js';
import { createDeps } from '../src/deps.js';
import { seedDemoData } from '../src/modules/cases/index.js';
import { openPglite, openPostgres, type Database } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrator.js';
import { createLogger } from '../src/platform/logging.js';
import { createServices } from '../src/services.js';
import { TEST_AS_OF, TEST_SEED, TEST_SEED_COUNT } from './constants.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Embedded mode: a tarball of the migrated, seeded database. PostgreSQL mode: the template database's URL. */
    dbTemplate:
      { kind: 'pglite'; file: string } | { kind: 'postgres'; templateName: string; adminUrl: string; runId: string };
  }
}

/** Migrates and seeds once per run; every test file then starts from a copy of that database. */
async function prepare(database: Database): Promise<void> {
  await migrateToLatest(database.db);
  const deps = await createDeps(loadConfig({ NODE_ENV: 'test' }), { database, log: createLogger('silent') });
  createServices(deps);
  await deps.jobs.start();
  await deps.jobs.stop();
  await seedDemoData(database.db, { seed: TEST_SEED, count: TEST_SEED_COUNT, asOf: new Date(TEST_AS_OF) });
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const database = await openPglite();
    await prepare(database);
    const dump = await database.pglite!.dumpDataDir('none');
    const dir = path.resolve('.test-cache');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `template-${process.pid}.tar`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    project.provide('dbTemplate', { kind: 'pglite', file });
    return async () => {
      const { rmSync } = await import('node:fs');
      rmSync(file, { force: true });
    };
  }
  const runId = `${process.pid}_${Date.now()}`;
  const name = `casedesk_tpl_${runId}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE 'C.UTF-8' ENCODING 'UTF8'`).catch(async () => {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  });
  const database = openPostgres(withDatabase(adminUrl, name), { max: 2 });
  await prepare(database);
  await database.close();
  project.provide('dbTemplate', { kind: 'postgres', templateName: name, adminUrl, runId });
  return async () => {
    const rows = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`casedesk_t_${runId}_%`]);
    for (const r of rows.rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}
