import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { ProgressEstimateRow, ProgressModelRow, ProgressModelsTable } from './tables.js';

/** The estimates of one training run, column by column (one entry per case), as the bulk insert sends them. */
export interface EstimateColumns {
  caseId: number[];
  kind: string[];
  formCode: string[];
  formCategory: (string | null)[];
  officeCode: string[];
  basisLevel: (string | null)[];
  basisCount: number[];
  decisionLow: (string | null)[];
  decisionLikely: (string | null)[];
  decisionHigh: (string | null)[];
  decisionHorizon: (string | null)[];
  nextStep: (string | null)[];
  nextLow: (string | null)[];
  nextLikely: (string | null)[];
  nextHigh: (string | null)[];
  nextHorizon: (string | null)[];
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

/** One multi-row insert of a chunk: each column one array parameter (unnest), so 16 parameters whatever the size. */
export async function insertEstimates(db: DbHandle, modelId: number, c: EstimateColumns): Promise<void> {
  if (!c.caseId.length) return;
  await sql`
    INSERT INTO progress_estimates (case_id, model_id, kind, form_code, form_category, office_code, basis_level,
      basis_count, decision_low, decision_likely, decision_high, decision_horizon, next_step, next_low, next_likely,
      next_high, next_horizon)
    SELECT u.case_id, ${modelId}, u.kind, u.form_code, u.form_category, u.office_code, u.basis_level, u.basis_count,
      u.decision_low, u.decision_likely, u.decision_high, u.decision_horizon, u.next_step, u.next_low, u.next_likely,
      u.next_high, u.next_horizon
    FROM unnest(${c.caseId}::int[], ${c.kind}::text[], ${c.formCode}::text[], ${c.formCategory}::text[],
      ${c.officeCode}::text[], ${c.basisLevel}::text[], ${c.basisCount}::int[], ${c.decisionLow}::timestamptz[],
      ${c.decisionLikely}::timestamptz[], ${c.decisionHigh}::timestamptz[], ${c.decisionHorizon}::timestamptz[],
      ${c.nextStep}::text[], ${c.nextLow}::timestamptz[], ${c.nextLikely}::timestamptz[], ${c.nextHigh}::timestamptz[],
      ${c.nextHorizon}::timestamptz[])
      AS u (case_id, kind, form_code, form_category, office_code, basis_level, basis_count, decision_low,
        decision_likely, decision_high, decision_horizon, next_step, next_low, next_likely, next_high, next_horizon)
    ON CONFLICT (case_id) DO UPDATE SET model_id = excluded.model_id, kind = excluded.kind,
      form_code = excluded.form_code, form_category = excluded.form_category, office_code = excluded.office_code,
      basis_level = excluded.basis_level, basis_count = excluded.basis_count, decision_low = excluded.decision_low,
      decision_likely = excluded.decision_likely, decision_high = excluded.decision_high,
      decision_horizon = excluded.decision_horizon, next_step = excluded.next_step, next_low = excluded.next_low,
      next_likely = excluded.next_likely, next_high = excluded.next_high, next_horizon = excluded.next_horizon`.execute(
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
