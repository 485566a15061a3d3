import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { ProgressEstimateRow, ProgressModelRow, ProgressModelsTable } from './tables.js';

/**
 * The estimates of one training run, column by column (one entry per case), as the bulk insert sends them; moments
 * as milliseconds since the epoch (numbers travel and parse faster than timestamps as text).
 */
export interface EstimateColumns {
  caseId: number[];
  kind: string[];
  formCode: string[];
  formCategory: (string | null)[];
  officeCode: string[];
  basisLevel: (string | null)[];
  basisCount: number[];
  decisionLow: (number | null)[];
  decisionLikely: (number | null)[];
  decisionHigh: (number | null)[];
  decisionHorizon: (number | null)[];
  nextStep: (string | null)[];
  nextLow: (number | null)[];
  nextLikely: (number | null)[];
  nextHigh: (number | null)[];
  nextHorizon: (number | null)[];
}

export function emptyColumns(): EstimateColumns {
  return {
    caseId: [],
    kind: [],
    formCode: [],
    formCategory: [],
    officeCode: [],
    basisLevel: [],
    basisCount: [],
    decisionLow: [],
    decisionLikely: [],
    decisionHigh: [],
    decisionHorizon: [],
    nextStep: [],
    nextLow: [],
    nextLikely: [],
    nextHigh: [],
    nextHorizon: [],
  };
}

export async function insertModel(db: DbHandle, row: Omit<ProgressModelsTable, 'id'>): Promise<number> {
  const { id } = await db.insertInto('progress_models').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Drops the estimates of earlier runs (the new run's replace them in the same transaction). */
export async function deleteEstimatesBefore(db: DbHandle, modelId: number): Promise<void> {
  await db.deleteFrom('progress_estimates').where('model_id', '<', modelId).execute();
}

/**
 * One multi-row insert of a chunk: each column one array parameter (unnest), so 16 parameters whatever the size.
 * The run's transaction deleted the earlier rows first; a run racing another fails on the primary key and rolls
 * back (the job queue runs one at a time and retries).
 */
export async function insertEstimates(db: DbHandle, modelId: number, c: EstimateColumns): Promise<void> {
  if (!c.caseId.length) return;
  await sql`
    INSERT INTO progress_estimates (case_id, model_id, kind, form_code, form_category, office_code, basis_level,
      basis_count, decision_low, decision_likely, decision_high, decision_horizon, next_step, next_low, next_likely,
      next_high, next_horizon)
    SELECT u.case_id, ${modelId}, u.kind, u.form_code, u.form_category, u.office_code, u.basis_level, u.basis_count,
      to_timestamp(u.decision_low / 1000.0), to_timestamp(u.decision_likely / 1000.0), to_timestamp(u.decision_high / 1000.0), to_timestamp(u.decision_horizon / 1000.0), u.next_step, to_timestamp(u.next_low / 1000.0), to_timestamp(u.next_likely / 1000.0),
      to_timestamp(u.next_high / 1000.0), to_timestamp(u.next_horizon / 1000.0)
    FROM unnest(${c.caseId}::int[], ${c.kind}::text[], ${c.formCode}::text[], ${c.formCategory}::text[],
      ${c.officeCode}::text[], ${c.basisLevel}::text[], ${c.basisCount}::int[], ${c.decisionLow}::float8[],
      ${c.decisionLikely}::float8[], ${c.decisionHigh}::float8[], ${c.decisionHorizon}::float8[],
      ${c.nextStep}::text[], ${c.nextLow}::float8[], ${c.nextLikely}::float8[], ${c.nextHigh}::float8[],
      ${c.nextHorizon}::float8[])
      AS u (case_id, kind, form_code, form_category, office_code, basis_level, basis_count, decision_low,
        decision_likely, decision_high, decision_horizon, next_step, next_low, next_likely, next_high, next_horizon)`.execute(
    db,
  );
}

/** A case's estimate with the time its training run read the history. */
export async function estimateOf(
  db: DbHandle,
  caseId: number,
): Promise<(ProgressEstimateRow & { trained_at: Date }) | undefined> {
  return db
    .selectFrom('progress_estimates as e')
    .innerJoin('progress_models as m', 'm.id', 'e.model_id')
    .selectAll('e')
    .select('m.trained_at')
    .where('e.case_id', '=', caseId)
    .executeTakeFirst();
}

export async function latestModel(db: DbHandle): Promise<ProgressModelRow | undefined> {
  return db.selectFrom('progress_models').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}
