import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import ts from 'typescript';
import type { DbHandle } from '../src/platform/db/database.js';

/**
 * The declared Kysely table types (the `Tables` interface of src/platform/db/tables.ts with the tables each module
 * adds to it in src/modules/<module>/tables.ts, read with the TypeScript compiler) against the columns of a migrated database (`information_schema.columns`). Used by
 * test/schema-types.test.ts on PGlite and on PostgreSQL.
 */

/** A coarse class of a column's value as the application sees it (after the pg type parsers of database.ts). */
export type ValueClass = 'string' | 'number' | 'boolean' | 'Date' | 'json' | 'array' | 'bytes' | 'unknown';

export interface ColumnShape {
  nullable: boolean;
  /** One class, or several joined by '|' when the declared type mixes them (always a mismatch). */
  type: string;
}

/** table name -> column name -> shape */
export type SchemaShape = Record<string, Record<string, ColumnShape>>;

export const TABLES_FILE = path.resolve(import.meta.dirname, '../src/platform/db/tables.ts');
const MODULES = path.resolve(import.meta.dirname, '../src/modules');

/** The files that declare tables: the platform's, then each module's tables.ts (which augment its `Tables`). */
export function tablesFiles(): string[] {
  const modules = readdirSync(MODULES, { withFileTypes: true }).filter((d) => d.isDirectory());
  const files = modules.map((d) => path.join(MODULES, d.name, 'tables.ts')).filter((f) => existsSync(f));
  return [TABLES_FILE, ...files.sort()];
}

/**
 * Reads `interface Tables` from `file` with the type checker, merged with the module augmentations when `file` is
 * the platform's (all of `tablesFiles()` are in the program): each property is a table, each property of its row
 * type a column. A column's select type is Kysely's: `ColumnType<S, I, U>` and `Generated<S>` select `S` (unwrapped
 * again when `S` is itself a ColumnType, as `Selectable` would leave it). `null` in the union makes it nullable.
 */
export function declaredSchema(file: string = TABLES_FILE): SchemaShape {
  const program = ts.createProgram(file === TABLES_FILE ? tablesFiles() : [file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`cannot read ${file}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const tablesSymbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'Tables');
  if (!tablesSymbol) throw new Error(`${file} exports no interface Tables`);
  const tablesType = checker.getDeclaredTypeOfSymbol(tablesSymbol);
  const shape: SchemaShape = {};
  for (const table of checker.getPropertiesOfType(tablesType)) {
    const rowType = checker.getTypeOfSymbol(table);
    const columns: Record<string, ColumnShape> = {};
    for (const column of checker.getPropertiesOfType(rowType)) {
      columns[column.name] = columnShape(checker, checker.getTypeOfSymbol(column));
    }
    shape[table.name] = columns;
  }
  return shape;
}

function selectType(checker: ts.TypeChecker, type: ts.Type): ts.Type {
  // ColumnType<S, I, U> is { __select__: S; __insert__: I; __update__: U } (Generated<S> is one of them).
  for (let i = 0; i < 5; i++) {
    const select = type.getProperty('__select__');
    if (!select || type.isUnion()) return type;
    type = checker.getTypeOfSymbol(select);
  }
  return type;
}

export function columnShape(checker: ts.TypeChecker, declared: ts.Type): ColumnShape {
  const type = selectType(checker, declared);
  const members = type.isUnion() ? type.types : [type];
  let nullable = false;
  const classes = new Set<ValueClass>();
  for (const member of members) {
    const m = selectType(checker, member);
    if (m.flags & ts.TypeFlags.Null) nullable = true;
    else if (m.flags & ts.TypeFlags.Undefined) continue;
    else classes.add(valueClass(checker, m));
  }
  return { nullable, type: [...classes].sort().join('|') || 'unknown' };
}

function valueClass(checker: ts.TypeChecker, type: ts.Type): ValueClass {
  const f = type.flags;
  if (f & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral | ts.TypeFlags.TemplateLiteral)) return 'string';
  if (f & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return 'number';
  if (f & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return 'boolean';
  if (checker.isArrayType(type) || checker.isTupleType(type)) return 'array';
  const name = type.getSymbol()?.name ?? type.aliasSymbol?.name;
  if (name === 'Date') return 'Date';
  if (name === 'Buffer' || name === 'Uint8Array') return 'bytes';
  if (f & ts.TypeFlags.Object) return 'json';
  return 'unknown';
}

/** What node-postgres hands back for a column, given database.ts's parsers (DATE stays text, INT8 a number). */
export function databaseClass(dataType: string, udtName: string): ValueClass {
  switch (dataType) {
    case 'text':
    case 'character varying':
    case 'character':
    case 'uuid':
    case 'inet':
    case 'cidr':
    case 'citext':
    case 'tsvector':
    case 'date':
    case 'numeric':
      return 'string';
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'real':
    case 'double precision':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return 'Date';
    case 'json':
    case 'jsonb':
      return 'json';
    case 'ARRAY':
      return 'array';
    case 'bytea':
      return 'bytes';
    case 'USER-DEFINED':
      return udtName === 'citext' ? 'string' : 'unknown';
    default:
      return 'unknown';
  }
}

/** The columns of the given tables in the database's current schema. */
export async function databaseSchema(db: DbHandle, tables: readonly string[]): Promise<SchemaShape> {
  const { rows } = await sql<{
    table_name: string;
    column_name: string;
    is_nullable: string;
    data_type: string;
    udt_name: string;
  }>`
    select table_name, column_name, is_nullable, data_type, udt_name
    from information_schema.columns
    where table_schema = current_schema() and table_name = any(${[...tables]}::text[])
    order by table_name, ordinal_position`.execute(db);
  const shape: SchemaShape = {};
  for (const r of rows) {
    (shape[r.table_name] ??= {})[r.column_name] = {
      nullable: r.is_nullable === 'YES',
      type: databaseClass(r.data_type, r.udt_name),
    };
  }
  return shape;
}

/** The base tables of the database's current schema, by name. */
export async function databaseTables(db: DbHandle): Promise<string[]> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  return rows.map((r) => r.table_name);
}

/** Every difference between the declared tables and the database, one sentence each (empty when they agree). */
export function compareSchemas(declared: SchemaShape, actual: SchemaShape): string[] {
  const problems: string[] = [];
  for (const [table, columns] of Object.entries(declared)) {
    const real = actual[table];
    if (!real) {
      problems.push(`${table}: declared, but the database has no such table`);
      continue;
    }
    for (const [column, shape] of Object.entries(columns)) {
      const db = real[column];
      if (!db) {
        problems.push(`${table}.${column}: declared, but the table has no such column`);
        continue;
      }
      if (shape.nullable !== db.nullable) {
        problems.push(
          `${table}.${column}: declared ${shape.nullable ? 'nullable' : 'not null'}, the column is ${db.nullable ? 'nullable' : 'not null'}`,
        );
      }
      // `unknown` is how a jsonb column of no fixed shape is declared (its readers parse it): any JSON value fits.
      const fits = shape.type === db.type || (shape.type === 'unknown' && db.type === 'json');
      if (!fits) problems.push(`${table}.${column}: declared ${shape.type}, the column reads as ${db.type}`);
    }
    for (const column of Object.keys(real)) {
      if (!(column in columns)) problems.push(`${table}.${column}: in the database, not declared`);
    }
  }
  return problems;
}
