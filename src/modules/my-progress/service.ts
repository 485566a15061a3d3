import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { defineJob, type JobQueue } from '../../platform/jobs/index.js';
import {
  MILESTONE_STATUSES,
  MY_PROGRESS_FORMS,
  caseSummaryByReceiptNumber,
  caseTimelines,
  effectiveCategory,
  type CaseTimeline,
  type Milestone,
} from '../cases/index.js';
import { DAY_MS, ProgressEstimator, type EstimatorOptions, type RemainingTime } from './estimator.js';
import type { ProcessingTimeFigure, PublishedProcessingTimes } from '../processing-times/index.js';
import * as repo from './repository.js';
import type { ProgressModelRow } from './tables.js';

/** Retrains myProgress every day; also queued on demand (`retrainSoon`). Safe to run twice: a run replaces the last. */
export const trainProgressJob = defineJob({
  name: 'my-progress-train',
  payload: z.object({}),
  repeatEverySeconds: 24 * 3600,
  retryLimit: 3,
  expireInSeconds: 30 * 60,
});

export interface MyProgressDeps {
  db: DbHandle;
  clock: Clock;
  /** The published processing times (shown when there are too few cases, or for forms myProgress does not cover). */
  published: PublishedProcessingTimes;
  /** For `retrainSoon` (on-demand training). */
  jobs?: JobQueue;
  options?: Partial<EstimatorOptions>;
  /** Cases per round trip when reading, and estimates per insert when writing (default 20,000). */
  batchSize?: number;
}

/** A date range of the tab: dates null where the history never got that far ("at least" the horizon). */
export interface DateRange {
  low: Date | null;
  likely: Date | null;
  high: Date | null;
  horizon: Date | null;
}

export type CaseProgress =
  | { kind: 'not_covered'; published: ProcessingTimeFigure | null }
  | { kind: 'decided' }
  /** Closed without a decision (rejected at intake): nothing to estimate. */
  | { kind: 'closed' }
  /** A covered open case the last training run did not see (received since, or no run yet). */
  | { kind: 'pending'; published: ProcessingTimeFigure | null }
  | { kind: 'too_few'; basisCount: number; published: ProcessingTimeFigure | null }
  | {
      kind: 'estimated';
      basisLevel: 'office' | 'all_offices';
      basisCount: number;
      trainedAt: Date;
      decision: DateRange;
      next: { step: Milestone; range: DateRange } | null;
    };

export interface TrainingRun {
  modelId: number;
  casesRead: number;
  casesLearnt: number;
  openCases: number;
  estimated: number;
  tooFew: number;
  durationMs: number;
  /** The phases: reading the timelines and learning, building the curves, predicting and writing. */
  readMs: number;
  buildMs: number;
  writeMs: number;
}

const DECIDED = new Set(MILESTONE_STATUSES.decided);
const REJECTED = new Set(MILESTONE_STATUSES.rejected);

/**
 * myProgress (issue 18 point 5; PT-3, CASE-9): trains the estimator on the event log (via cases' timelines, ADR 0016)
 * and precomputes every open case's estimate, so the card's tab reads one row.
 */
export class MyProgressService {
  constructor(private readonly deps: MyProgressDeps) {}

  /** Queues a training run now (at most one waiting). */
  async retrainSoon(): Promise<void> {
    if (!this.deps.jobs) throw new Error('MyProgressService needs the job queue to retrain on demand');
    await this.deps.jobs.send(this.deps.db, trainProgressJob, {}, { singletonKey: 'my-progress-train' });
  }

  /**
   * Reads every case of the seven forms once (streamed), learns from those received in the window, then writes the
   * estimate of each case still open, in chunks, replacing the previous run's in one transaction.
   */
  async train(): Promise<TrainingRun> {
    const started = Date.now();
    const asOf = this.deps.clock.now();
    const est = new ProgressEstimator(asOf, this.deps.options);
    const open: CaseTimeline[] = [];
    let casesRead = 0;
    let decidedLearnt = 0;
    const windowStart = est.windowStart.getTime();
    for await (const batch of caseTimelines(this.deps.db, {
      formCodes: MY_PROGRESS_FORMS,
      asOf,
      batchSize: this.deps.batchSize,
    })) {
      for (const c of batch) {
        const row = { ...c, formCategory: effectiveCategory(c.formCode, c.formCategory) };
        est.add(row);
        casesRead++;
        if (row.at.decided) {
          if (row.receivedAt.getTime() >= windowStart) decidedLearnt++;
        } else open.push(row);
      }
    }
    const readMs = Date.now() - started;
    est.build();
    const buildMs = Date.now() - started - readMs;
    const chunk = this.deps.batchSize ?? 20_000;
    const at = (days: number | null) => (days === null ? null : asOf.getTime() + days * DAY_MS);
    let estimated = 0;
    let tooFew = 0;
    const modelId = await inTransaction(this.deps.db, async (trx) => {
      const id = await repo.insertModel(trx, {
        trained_at: asOf,
        cutoff: asOf,
        window_start: est.windowStart,
        cases_learnt: est.trainedCases,
        decided_learnt: decidedLearnt,
        strata: est.strata().length,
        open_cases: open.length,
        estimated: 0,
        too_few: 0,
        duration_ms: 0,
      });
      await repo.deleteEstimatesBefore(trx, id);
      for (let i = 0; i < open.length; i += chunk) {
        const cols = repo.emptyColumns();
        for (const c of open.slice(i, i + chunk)) {
          const p = est.predict(c);
          if (p.kind === 'decided') continue;
          cols.caseId.push(c.caseId);
          cols.formCode.push(c.formCode);
          cols.formCategory.push(c.formCategory);
          cols.officeCode.push(c.officeCode);
          cols.kind.push(p.kind);
          cols.basisCount.push(p.decidedCount);
          const d: RemainingTime | undefined = p.kind === 'estimated' ? p.decision : undefined;
          const n = p.kind === 'estimated' ? p.next : null;
          if (p.kind === 'estimated') estimated++;
          else tooFew++;
          cols.basisLevel.push(p.kind === 'estimated' ? p.level : null);
          cols.decisionLow.push(d ? at(d.lowDays) : null);
          cols.decisionLikely.push(d ? at(d.likelyDays) : null);
          cols.decisionHigh.push(d ? at(d.highDays) : null);
          cols.decisionHorizon.push(d ? at(d.horizonDays) : null);
          cols.nextStep.push(n?.step ?? null);
          cols.nextLow.push(n ? at(n.time.lowDays) : null);
          cols.nextLikely.push(n ? at(n.time.likelyDays) : null);
          cols.nextHigh.push(n ? at(n.time.highDays) : null);
          cols.nextHorizon.push(n ? at(n.time.horizonDays) : null);
        }
        await repo.insertEstimates(trx, id, cols);
      }
      await trx
        .updateTable('progress_models')
        .set({ estimated, too_few: tooFew, duration_ms: Date.now() - started })
        .where('id', '=', id)
        .execute();
      return id;
    });
    return {
      modelId,
      casesRead,
      casesLearnt: est.trainedCases,
      openCases: open.length,
      estimated,
      tooFew,
      durationMs: Date.now() - started,
      readMs,
      buildMs,
      writeMs: Date.now() - started - readMs - buildMs,
    };
  }

  /** The last training run, if any. */
  lastRun(): Promise<ProgressModelRow | undefined> {
    return repo.latestModel(this.deps.db);
  }

  /**
   * What the myProgress tab shows for a case the caller may see (the card's guards come first): one row of the
   * precomputed estimates, or the published processing time.
   */
  async forCase(receiptNumber: string, history: readonly { key: string }[]): Promise<CaseProgress | undefined> {
    const c = await caseSummaryByReceiptNumber(this.deps.db, receiptNumber);
    if (!c) return undefined;
    const category = effectiveCategory(c.form_code, c.form_category);
    const published = () => this.#publishedFigure(c.form_code, category, c.office_code);
    if (!MY_PROGRESS_FORMS.includes(c.form_code)) return { kind: 'not_covered', published: await published() };
    if (history.some((h) => DECIDED.has(h.key))) return { kind: 'decided' };
    if (history.some((h) => REJECTED.has(h.key))) return { kind: 'closed' };
    const row = await repo.estimateOf(this.deps.db, c.id);
    if (!row) return { kind: 'pending', published: await published() };
    if (row.kind === 'too_few' || !row.basis_level)
      return { kind: 'too_few', basisCount: row.basis_count, published: await published() };
    // Stale since the training (the job has not run since, and the case moved on or time passed): a most likely date
    // already gone is no estimate; say what is published instead, until the next training.
    const now = this.deps.clock.now();
    if (row.decision_likely && row.decision_likely.getTime() < now.getTime())
      return { kind: 'pending', published: await published() };
    const reached = (step: string) =>
      history.some((h) => (MILESTONE_STATUSES[step as Milestone] ?? []).includes(h.key));
    const range = (low: Date | null, likely: Date | null, high: Date | null, horizon: Date | null): DateRange => ({
      low,
      likely,
      high,
      horizon,
    });
    return {
      kind: 'estimated',
      basisLevel: row.basis_level,
      basisCount: row.basis_count,
      trainedAt: row.trained_at,
      decision: range(row.decision_low, row.decision_likely, row.decision_high, row.decision_horizon),
      next:
        row.next_step && !reached(row.next_step)
          ? {
              step: row.next_step as Milestone,
              range: range(row.next_low, row.next_likely, row.next_high, row.next_horizon),
            }
          : null,
    };
  }

  async #publishedFigure(
    formCode: string,
    category: string | null,
    officeCode: string,
  ): Promise<ProcessingTimeFigure | null> {
    const publication = await this.deps.published.current();
    return (
      publication?.figures.find(
        (f) => f.formCode === formCode && (f.categoryCode ?? null) === category && f.officeCode === officeCode,
      ) ?? null
    );
  }
}
