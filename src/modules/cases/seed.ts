import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, DbHandle } from '../../platform/db/database.js';
import { generateDemoCases, type DemoDataOptions } from './demo-data.js';
import {
  allReceiptNumbers,
  applicantColumns,
  analyzeCaseTables,
  countCases,
  insertCases,
  maxCaseId,
  resetCaseSequences,
  type NewCaseWithHistory,
} from './repository.js';

export type Progress = (done: number, total: number) => void;

/** Seeds demo cases through ordinary inserts, in batches (used on first start and by `casedesk seed`). */
export async function seedDemoData(
  db: DbHandle,
  options: DemoDataOptions,
  onProgress?: Progress,
): Promise<{ inserted: number; total: number }> {
  const before = await countCases(db);
  let batch: NewCaseWithHistory[] = [];
  let done = 0;
  const total = options.count + 6;
  for (const c of generateDemoCases(options)) {
    batch.push(c);
    if (batch.length === 500) {
      await insertCases(db, batch);
      done += batch.length;
      batch = [];
      onProgress?.(done, total);
    }
  }
  await insertCases(db, batch);
  done += batch.length;
  onProgress?.(done, total);
  const after = await countCases(db);
  return { inserted: after - before, total: after };
}

function copyText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function copyRows(client: pg.PoolClient, statement: string, lines: string[]): Promise<void> {
  await pipeline(Readable.from(lines), client.query(copyFrom(statement)));
}

/**
 * Loads millions of demo cases quickly. On PostgreSQL: COPY in chunks of 50,000 cases with explicit ids
 * (receipt numbers already present are never generated again). On the embedded database: batched inserts.
 */
export async function bulkLoadDemoCases(
  database: Database,
  options: Omit<DemoDataOptions, 'exclude'>,
  onProgress?: Progress,
): Promise<{ inserted: number; total: number }> {
  const existing = new Set(await allReceiptNumbers(database.db));
  const generate = { ...options, exclude: existing };
  if (database.kind === 'pglite') return seedDemoData(database.db, generate, onProgress);
  const total = options.count;
  let nextId = (await maxCaseId(database.db)) + 1;
  let done = 0;
  const client = await database.pool.connect();
  try {
    let cases: string[] = [];
    let history: string[] = [];
    let applicants: string[] = [];
    const flush = async () => {
      if (cases.length === 0) return;
      await client.query('BEGIN');
      await copyRows(
        client,
        'COPY cases (id, receipt_number, form_code, form_category, office_code, received_at, status_key, status_at, status_params) FROM STDIN',
        cases,
      );
      await copyRows(client, 'COPY case_status_history (case_id, status_key, occurred_at) FROM STDIN', history);
      if (applicants.length)
        await copyRows(
          client,
          'COPY case_applicants (case_id, family_name, date_of_birth, zip, a_number) FROM STDIN',
          applicants,
        );
      await client.query('COMMIT');
      done += cases.length;
      cases = [];
      history = [];
      applicants = [];
      onProgress?.(done, total);
    };
    for (const c of generateDemoCases(generate)) {
      const id = nextId++;
      const current = c.history[c.history.length - 1]!;
      cases.push(
        `${id}\t${c.receiptNumber}\t${c.formCode}\t${c.formCategory ?? '\\N'}\t${c.officeCode}\t${c.receivedAt.toISOString()}\t${current.statusKey}\t${current.occurredAt.toISOString()}\t${copyText(JSON.stringify(c.statusParams))}\n`,
      );
      for (const h of c.history) history.push(`${id}\t${h.statusKey}\t${h.occurredAt.toISOString()}\n`);
      if (c.applicant) {
        const a = applicantColumns(c.applicant);
        applicants.push(
          `${id}\t${copyText(a.family_name)}\t${a.date_of_birth}\t${a.zip ?? '\\N'}\t${a.a_number ?? '\\N'}\n`,
        );
      }
      if (cases.length === 50_000) await flush();
    }
    await flush();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  await resetCaseSequences(database.db);
  await analyzeCaseTables(database.db);
  return { inserted: done, total: await countCases(database.db) };
}
