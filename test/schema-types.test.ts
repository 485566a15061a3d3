import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/platform/db/database.js';
import { openTestDatabase } from './harness.js';
import { compareSchemas, databaseSchema, databaseTables, declaredSchema, type SchemaShape } from './schema-types.js';

// The declared Kysely types of every table (src/platform/db/tables.ts and the tables each module adds to it in its
// tables.ts) against the migrated test database: PGlite by default, PostgreSQL with DATABASE_URL (.ci/run runs both).

let database: Database;
let declared: SchemaShape;
let actual: SchemaShape;

beforeAll(async () => {
  declared = declaredSchema();
  database = await openTestDatabase();
  actual = await databaseSchema(database.db, Object.keys(declared));
});
afterAll(async () => {
  await database?.close();
});

describe('declared table types', () => {
  it('read every table of the Tables interface with its columns', () => {
    expect(Object.keys(declared).length).toBeGreaterThanOrEqual(50);
    expect(declared.cases?.receipt_number).toEqual({ nullable: false, type: 'string' });
    expect(declared.cases?.id).toEqual({ nullable: false, type: 'number' });
    expect(declared.cases?.status_params).toEqual({ nullable: false, type: 'json' });
    expect(declared.audit_log?.actor_id).toEqual({ nullable: true, type: 'string' });
    expect(declared.api_clients?.scopes).toEqual({ nullable: false, type: 'array' });
    expect(declared.api_clients?.disabled_at).toEqual({ nullable: true, type: 'Date' });
  });

  it('match the columns of the database: names, nullability and kind of value', () => {
    expect(compareSchemas(declared, actual)).toEqual([]);
  });

  it("declare every table of the database but the migrator's", async () => {
    const tables = await databaseTables(database.db);
    expect(tables.filter((t) => !(t in declared))).toEqual(['kysely_migration', 'kysely_migration_lock']);
  });
});

describe('the comparison', () => {
  it('names a declared column the table lacks, a column not declared, and a wrong nullability or kind', () => {
    const db: SchemaShape = {
      t: {
        id: { nullable: false, type: 'number' },
        note: { nullable: true, type: 'string' },
        extra: { nullable: false, type: 'Date' },
      },
      j: { data: { nullable: false, type: 'json' }, at: { nullable: false, type: 'Date' } },
    };
    const wrong: SchemaShape = {
      t: {
        id: { nullable: false, type: 'string' },
        note: { nullable: false, type: 'string' },
        missing: { nullable: false, type: 'boolean' },
      },
      gone: { id: { nullable: false, type: 'number' } },
      j: { data: { nullable: false, type: 'unknown' }, at: { nullable: false, type: 'unknown' } },
    };
    expect(compareSchemas(wrong, db)).toEqual([
      't.id: declared string, the column reads as number',
      't.note: declared not null, the column is nullable',
      't.missing: declared, but the table has no such column',
      't.extra: in the database, not declared',
      'gone: declared, but the database has no such table',
      'j.at: declared unknown, the column reads as Date',
    ]);
  });

  it('finds a wrong declaration in a Tables file against the real database', () => {
    // A copy of a real declaration with one column made nullable and one column renamed.
    const dir = mkdtempSync(path.join(path.dirname(import.meta.filename), '.schema-types-'));
    try {
      const file = path.join(dir, 'tables.ts');
      writeFileSync(
        file,
        `import type { ColumnType, Generated } from 'kysely';
        export interface Tables { api_access_tokens: { token_hash: string | null; client: string; issued_at: Date; expires_at: ColumnType<Date, Date, never> }; cases: { id: Generated<string> } }`,
      );
      const wrong = declaredSchema(file);
      const problems = compareSchemas(wrong, actual).filter(
        (p) => !p.startsWith('cases.') || p.startsWith('cases.id:'),
      );
      expect(problems).toEqual([
        'api_access_tokens.token_hash: declared nullable, the column is not null',
        'api_access_tokens.client: declared, but the table has no such column',
        'api_access_tokens.client_id: in the database, not declared',
        'cases.id: declared string, the column reads as number',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
