import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { recordAudit } from '../src/platform/audit.js';
import { sql } from 'kysely';
import {
  DataDirLockedError,
  inTransaction,
  openPglite,
  preparedQuery,
  type Database,
  type DbHandle,
} from '../src/platform/db/database.js';
import fc from 'fast-check';
import i18next from 'i18next';
import { compileTemplate, createI18n, flattenKeys, LANGUAGES, loadCatalogs } from '../src/platform/i18n/index.js';
import { createLogger, requestLogger } from '../src/platform/logging.js';
import { createTestApp, openTestDatabase, type TestApp } from './harness.js';

describe('configuration', () => {
  it('has working defaults for a developer machine', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './data' });
    expect(config.devOutbox).toBe(true);
    expect(config.runWorkersInProcess).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set, with workers in their own processes', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/casedesk', PORT: '8080', HOST: '0.0.0.0' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/casedesk' });
    expect(config.runWorkersInProcess).toBe(false);
    expect(config.port).toBe(8080);
  });

  it('refuses to start in production without its secrets, naming each one', () => {
    try {
      loadConfig({ NODE_ENV: 'production' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const key of [
        'CASEDESK_COOKIE_SECRET',
        'DATABASE_URL',
        'CASEDESK_PUBLIC_URL',
        'SMTP_URL',
        'TWILIO_AUTH_TOKEN',
      ])
        expect(message).toContain(key);
    }
  });

  it('starts in production when everything is there, with the dev outbox off', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      CASEDESK_COOKIE_SECRET: 's'.repeat(40),
      DATABASE_URL: 'postgres://db/casedesk',
      CASEDESK_PUBLIC_URL: 'https://casedesk.example.gov',
      SMTP_URL: 'smtp://mail:25',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC1',
      TWILIO_AUTH_TOKEN: 'tok',
      TWILIO_FROM: '+15550100',
    });
    expect(config.devOutbox).toBe(false);
    expect(config.production).toBe(true);
  });

  it('explains a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ NODE_ENV: 'production', CASEDESK_DEV_OUTBOX: 'true' })).toThrow(
      /CASEDESK_DEV_OUTBOX must not be on in production/,
    );
  });

  it('keeps files on local disk by default, or in an S3-compatible bucket', () => {
    expect(loadConfig({ CASEDESK_DATA_DIR: '/var/lib/casedesk/' }).files).toEqual({
      kind: 'disk',
      dir: '/var/lib/casedesk/files',
    });
    const config = loadConfig({
      CASEDESK_FILES_STORE: 's3',
      CASEDESK_S3_BUCKET: 'casedesk-files',
      CASEDESK_S3_ENDPOINT: 'http://minio:9000',
      CASEDESK_S3_FORCE_PATH_STYLE: 'true',
      CASEDESK_S3_PREFIX: 'prod/',
      CASEDESK_S3_SSE: 'aws:kms',
    });
    expect(config.files).toEqual({
      kind: 's3',
      bucket: 'casedesk-files',
      region: 'us-east-1',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      prefix: 'prod/',
      serverSideEncryption: 'aws:kms',
    });
  });

  it('refuses the S3 store without a bucket, and bad S3 values', () => {
    expect(() => loadConfig({ CASEDESK_FILES_STORE: 's3' })).toThrow(
      /CASEDESK_S3_BUCKET is required when CASEDESK_FILES_STORE is s3/,
    );
    expect(() => loadConfig({ CASEDESK_S3_BUCKET: 'casedesk-files' })).toThrow(/CASEDESK_FILES_STORE must be s3/);
    expect(() => loadConfig({ CASEDESK_FILES_STORE: 'nfs' })).toThrow(/CASEDESK_FILES_STORE/);
    const s3 = { CASEDESK_FILES_STORE: 's3', CASEDESK_S3_BUCKET: 'casedesk-files' };
    expect(() => loadConfig({ ...s3, CASEDESK_S3_BUCKET: 'Bad_Bucket' })).toThrow(
      /CASEDESK_S3_BUCKET must be a bucket name/,
    );
    expect(() => loadConfig({ ...s3, CASEDESK_S3_SSE: 'aws:kms:dsse' })).toThrow(/CASEDESK_S3_SSE/);
    expect(() => loadConfig({ ...s3, CASEDESK_S3_PREFIX: 'a//b' })).toThrow(/CASEDESK_S3_PREFIX/);
    expect(() => loadConfig({ ...s3, CASEDESK_S3_ENDPOINT: 'minio:9000' })).toThrow(/CASEDESK_S3_ENDPOINT/);
  });
});

describe('catalogs', () => {
  it('English and Spanish have the same keys in every catalog, and no empty text', () => {
    const catalogs = loadCatalogs();
    expect(Object.keys(catalogs.es).sort()).toEqual(Object.keys(catalogs.en).sort());
    for (const ns of Object.keys(catalogs.en)) {
      const normalize = (keys: string[]) => keys.map((k) => k.replace(/_(one|other|many)$/, '')).sort();
      expect(normalize(flattenKeys(catalogs.es[ns])), ns).toEqual(normalize(flattenKeys(catalogs.en[ns])));
      const values = JSON.stringify(catalogs.es[ns]);
      expect(values).not.toMatch(/:""/);
    }
  });
});

describe('translations with values', () => {
  it('fill every placeholder text of every catalog exactly as i18next does, whatever the values (fast-check)', () => {
    const catalogs = loadCatalogs();
    const reference = i18next.createInstance();
    void reference.init({
      initAsync: false,
      resources: catalogs,
      lng: 'en',
      fallbackLng: false,
      ns: Object.keys(catalogs.en),
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      returnNull: false,
    });
    const i18n = createI18n();
    const value = fc.oneof(
      fc.string(),
      fc.constantFrom('{{receipt}}', '$t(common:site_name)', '$&', '$1', '{{', '}}', ''),
    );
    let compiled = 0;
    for (const lang of LANGUAGES) {
      for (const ns of Object.keys(catalogs[lang])) {
        for (const key of flattenKeys(catalogs[lang][ns])) {
          const text = reference.getResource(lang, ns, key) as unknown;
          if (typeof text !== 'string' || !text.includes('{{')) continue;
          if (compileTemplate(text)) compiled++;
          const names = [...text.matchAll(/\{\{\s*-?\s*([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
          fc.assert(
            fc.property(
              fc.array(value, { minLength: names.length, maxLength: names.length }),
              fc.boolean(),
              (values, dropOne) => {
                const options: Record<string, string> = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
                if (dropOne) delete options[names[0]!]; // a missing value: i18next decides what shows
                options.unused = 'x';
                expect(i18n.t(lang)(`${ns}:${key}`, options)).toBe(reference.getFixedT(lang)(`${ns}:${key}`, options));
              },
            ),
            { numRuns: 5 },
          );
        }
      }
    }
    expect(compiled).toBeGreaterThan(100); // the fast path is the one taken
  });
});

describe('logs', () => {
  it('redact names, dates of birth, A-Numbers, emails, phone numbers and credentials', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    log.info(
      {
        email: 'ana@example.com',
        person: {
          firstName: 'Ana',
          lastName: 'López',
          dateOfBirth: '1990-01-02',
          aNumber: 'A123456789',
          phone: '+15555550100',
        },
        req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } },
      },
      'hello',
    );
    const text = lines.join('');
    for (const secret of [
      'ana@example.com',
      'Ana',
      'López',
      '1990-01-02',
      'A123456789',
      '+15555550100',
      'Bearer abc',
      'sid=1',
    ])
      expect(text).not.toContain(secret);
    expect(JSON.parse(text).name).toBe('casedesk');
  });
});

describe('request loggers', () => {
  const capture = (level: string) => {
    const lines: string[] = [];
    const log = createLogger(
      level,
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    let children = 0;
    const child = log.child; // pino's own (children of the child inherit this counting one)
    log.child = function (this: typeof log, ...args: Parameters<typeof child>) {
      children++;
      return child.apply(this, args);
    };
    return { log, lines, children: () => children };
  };

  it('are made only when a line is written, with the request id and the same redaction', () => {
    const { log, lines, children } = capture('warn');
    const request = requestLogger(log, { reqId: 'req-1' }, {});
    request.info({ email: 'ana@example.com' }, 'not at this level');
    request.debug('nor this');
    expect(children()).toBe(0);
    expect(request.level).toBe('warn');
    request.warn({ email: 'ana@example.com', person: { dateOfBirth: '1990-01-02' } }, 'careful');
    request.error('and again');
    expect(children()).toBe(1);
    const written = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(written.map((l) => [l.reqId, l.msg])).toEqual([
      ['req-1', 'careful'],
      ['req-1', 'and again'],
    ]);
    expect(lines.join('')).not.toContain('ana@example.com');
    expect(lines.join('')).not.toContain('1990-01-02');
  });

  it('keep their own level, bindings and children', () => {
    const { log, lines } = capture('warn');
    const request = requestLogger(log, { reqId: 'req-2' }, {});
    request.level = 'info';
    request.info('now written');
    expect(log.level).toBe('warn');
    request.child({ step: 'inner' }).info('inner line');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((l) => [l.reqId, l.step, l.msg])).toEqual([
      ['req-2', undefined, 'now written'],
      ['req-2', 'inner', 'inner line'],
    ]);
  });

  it('follow a route that sets its own level', () => {
    const { log, lines, children } = capture('info');
    const request = requestLogger(log, { reqId: 'req-3' }, { level: 'warn' });
    expect(children()).toBe(1);
    request.info('quiet route');
    expect(lines).toEqual([]);
  });
});

describe('request logs', () => {
  it('never carry query strings (single-use tokens of email links, searched emails)', async () => {
    const lines: string[] = [];
    const t = await createTestApp({
      log: createLogger(
        'info',
        new Writable({
          write(chunk, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      ),
    });
    try {
      await t.app.inject('/account/reset-password?token=SECRETTOKEN123&lang=es');
      await t.app.inject('/staff/help-desk?q=person%40example.com');
    } finally {
      await t.close();
    }
    const text = lines.join('');
    expect(text).toContain('"url":"/account/reset-password?token=…&lang=…"');
    expect(lines.every((l) => typeof (JSON.parse(l) as { reqId?: unknown }).reqId === 'string')).toBe(true);
    expect(text).not.toContain('SECRETTOKEN123');
    expect(text).not.toContain('person');
  });
});

describe('embedded database', () => {
  it('refuses a second process on the same data directory with a clear message', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'casedesk-lock-'));
    const first = await openPglite({ dataDir: dir });
    try {
      await expect(openPglite({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
      await expect(openPglite({ dataDir: dir })).rejects.toThrow(/already open in another Casedesk process/);
    } finally {
      await first.close();
    }
    const again = await openPglite({ dataDir: dir });
    await again.close();
  }, 120_000);
});

describe('prepared queries', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase();
    await sql`CREATE TABLE prepared_probe (id int PRIMARY KEY, name text NOT NULL, tag text NOT NULL)`.execute(
      database.db,
    );
    await sql`INSERT INTO prepared_probe SELECT i, 'name ' || i, CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END FROM generate_series(1, 20) i`.execute(
      database.db,
    );
  });
  afterAll(async () => database?.close());

  // A table of this test only, added to the schema's types.
  const byTagAfter = preparedQuery((db: DbHandle, tag: string, after: number) =>
    db
      .withTables<{ prepared_probe: { id: number; name: string; tag: string } }>()
      .selectFrom('prepared_probe')
      .select(['name', 'id'])
      .where('tag', '=', tag)
      .where('id', '>', after)
      .orderBy('id')
      .limit(3),
  );

  it('answers as the same query built every time would, for any values, with its constant parameters kept', async () => {
    for (const [tag, after] of [
      ['even', 0],
      ['odd', 10],
      ['even', 18],
      ['none', 0],
    ] as const) {
      const direct = await sql<{
        name: string;
        id: number;
      }>`SELECT name, id FROM prepared_probe WHERE tag = ${tag} AND id > ${after} ORDER BY id LIMIT 3`.execute(
        database.db,
      );
      expect(await byTagAfter(database.db, tag, after)).toEqual(direct.rows);
    }
    expect((await byTagAfter(database.db, 'odd', 10)).map((r) => r.id)).toEqual([11, 13, 15]);
  });

  it('runs as a named statement that the connection prepared once, and works inside a transaction', async () => {
    await inTransaction(database.db, async (trx) => {
      expect(await byTagAfter(trx, 'even', 4)).toEqual([
        { name: 'name 6', id: 6 },
        { name: 'name 8', id: 8 },
        { name: 'name 10', id: 10 },
      ]);
      await byTagAfter(trx, 'odd', 4);
      const statements = await sql<{
        name: string;
        statement: string;
      }>`SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE '%prepared_probe%'`.execute(trx);
      expect(statements.rows).toHaveLength(1);
      expect(statements.rows[0]!.name).toMatch(/^casedesk_\d+$/);
    });
  });

  it('runs many at once on the pool without mixing answers', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => byTagAfter(database.db, i % 2 ? 'odd' : 'even', i % 15)),
    );
    answers.forEach((rows, i) => {
      expect(rows.every((r) => r.id > i % 15 && r.id % 2 === (i % 2 ? 1 : 0))).toBe(true);
      expect(rows).toHaveLength(3);
    });
  });
});

describe('audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('records entries and refuses to change or delete them', async () => {
    const db = t.deps.database.db;
    await recordAudit(db, t.clock, {
      actorType: 'operator',
      action: 'test.done',
      subjectType: 'case',
      subjectId: 'EAC9999103403',
      reason: 'test',
      details: { x: 1 },
    });
    const row = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'test.done')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor_type: 'operator', subject_id: 'EAC9999103403', details: { x: 1 } });
    expect(row.occurred_at.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    await expect(
      db.updateTable('audit_log').set({ action: 'changed' }).where('id', '=', row.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').where('id', '=', row.id).execute()).rejects.toThrow(/append-only/);
  });

  it('creating an API client is audited, and only the hash of its secret is stored', async () => {
    const { clientId, clientSecret } = await t.services.apiClients.create('Audited client');
    const entry = await t.deps.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('subject_id', '=', clientId)
      .executeTakeFirstOrThrow();
    expect(entry.action).toBe('api_client.created');
    const stored = await t.deps.database.db
      .selectFrom('api_clients')
      .selectAll()
      .where('id', '=', clientId)
      .executeTakeFirstOrThrow();
    expect(stored.secret_hash).not.toContain(clientSecret);
    expect(JSON.stringify(entry)).not.toContain(clientSecret);
  });
});

describe('health, readiness, metrics and API docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('answers /healthz, /readyz and /metrics', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toEqual({ status: 'ready', database: 'ok' });
    await t.app.inject('/case-status');
    const metrics = await t.app.inject('/metrics');
    expect(metrics.body).toContain('casedesk_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('route="/case-status"');
  });

  it('serves the OpenAPI description of the API it implements', async () => {
    const spec = (await t.app.inject('/api/openapi.json')).json();
    // Every API route is described, and nothing else.
    const apiRoutes = t.app.routeRecords
      .filter(
        (r) =>
          r.policy === 'api-client' || r.url === '/oauth/accesstoken' || r.url.startsWith('/processing-times/api/'),
      )
      .map((r) => r.url.replace(/:(\w+)/g, '{$1}'));
    expect(Object.keys(spec.paths).sort()).toEqual([...new Set(apiRoutes)].sort());
    const file = JSON.parse(readFileSync(new URL('../openapi/casedesk.openapi.json', import.meta.url), 'utf8'));
    expect(spec).toEqual(file);
    expect((await t.app.inject('/api/docs')).statusCode).toBe(200);
  });
});
