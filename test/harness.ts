import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { createDeps, type Deps, type DepsOverrides } from '../src/deps.js';
import { FakeClock } from '../src/platform/clock.js';
import { openPglite, openPostgres, type Database } from '../src/platform/db/database.js';
import { createLogger } from '../src/platform/logging.js';
import type { Services } from '../src/services.js';

/**
 * Test harness: every test file gets its own copy of a migrated, seeded database (a PGlite snapshot, or a
 * PostgreSQL database created from a template when DATABASE_URL is set), a fake clock and a silent logger.
 */

let templateBlob: Blob | undefined;
const TEST_FILES_DIR = path.join(tmpdir(), `casedesk-test-files-${process.pid}`);

export async function openTestDatabase(): Promise<Database> {
  const template = inject('dbTemplate');
  if (template.kind === 'pglite') {
    templateBlob ??= new Blob([readFileSync(template.file)]);
    return openPglite({ loadDataDir: templateBlob });
  }
  const name = `casedesk_t_${template.runId}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: template.adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template.templateName}`);
  } finally {
    await admin.end();
  }
  const url = new URL(template.adminUrl);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 5 });
  const close = database.close.bind(database);
  database.close = async () => {
    await close();
    const a = new pg.Client({ connectionString: template.adminUrl });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => a.end());
  };
  return database;
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  services: Services;
  clock: FakeClock;
  config: Config;
  close(): Promise<void>;
}

export interface TestAppOptions extends DepsOverrides {
  env?: Record<string, string>;
  clock?: FakeClock;
}

export function testConfig(env: Record<string, string> = {}): Config {
  // The account forms' minimum answer time (a timing defence, src/platform/http/timing.ts) would only slow the tests.
  // Files go to a temporary directory of the test run, never to the repository's ./data.
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    CASEDESK_AGENCY_TIME_ZONE: 'America/New_York',
    CASEDESK_ACCOUNT_FORM_MIN_MS: '0',
    CASEDESK_FILES_DIR: TEST_FILES_DIR,
    ...env,
  });
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { env, clock: givenClock, ...overrides } = options;
  const config = testConfig(env);
  const clock = givenClock ?? new FakeClock('2026-11-23T15:00:00Z');
  const database = overrides.database ?? (await openTestDatabase());
  const deps = await createDeps(config, { log: createLogger('silent'), ...overrides, database, clock });
  const { app, services } = await buildApp(deps);
  return {
    app,
    deps,
    services,
    clock,
    config,
    async close() {
      await app.close();
      await deps.jobs.stop();
      deps.mailer.close?.();
      await database.close();
    },
  };
}

/** An API client and a fresh token, for API tests. */
export async function apiToken(
  t: TestApp,
  scopes: string[] = ['case_status:read'],
): Promise<{ clientId: string; clientSecret: string; token: string }> {
  const { clientId, clientSecret } = await t.services.apiClients.create('Test client', scopes);
  const issued = await t.services.apiClients.issueToken(clientId, clientSecret);
  return { clientId, clientSecret, token: issued.accessToken };
}

/** Posts a batch of events to the case events API, with `token` or else a new `case_events:write` one. */
export async function postCaseEvents(t: TestApp, events: unknown[], token?: string) {
  const bearer = token ?? (await apiToken(t, ['case_events:write'])).token;
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/case-events',
    headers: { authorization: `Bearer ${bearer}` },
    payload: events,
  });
}

/** The id of the case with this receipt number (it must exist). */
export async function caseIdOf(t: TestApp, receiptNumber: string): Promise<number> {
  const row = await t.deps.database.db
    .selectFrom('cases')
    .select('id')
    .where('receipt_number', '=', receiptNumber)
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface CaseEventInput {
  id: string;
  receiptNumber: string;
  type: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** One event as the case events API takes it: `caseEvent('ev-1', 'IOE0900000001', 'approved', '2026-11-01T15:00:00Z')`. */
export function caseEvent(
  id: string,
  receiptNumber: string,
  type: string,
  occurredAt: string,
  payload: Record<string, unknown> = {},
): CaseEventInput {
  return { id, receiptNumber, type, occurredAt, payload };
}

/** A GET of an API route with a bearer token. */
export function apiGet(t: TestApp, url: string, token: string) {
  return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}
