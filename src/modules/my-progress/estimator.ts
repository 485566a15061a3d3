import type { Milestone } from '../cases/index.js';
import { conditionalQuantile, kaplanMeier, type SurvivalCurve } from './km.js';

/**
 * myProgress estimates (PT-3): per stratum (form, category, office) Kaplan-Meier curves of the time from receipt to
 * the decision and to each step, learnt from the cases received in the window before the training date, open cases
 * censored at their age. A case open at age a gets the conditional distribution S(a + x) / S(a): its median is the
 * most likely date, its 10th to 90th percentiles the 80% range. Pure: no database (the service feeds it).
 */

export const DAY_MS = 86_400_000;

/** What a case looks like to the estimator (a cases/timelines CaseTimeline fits). */
export interface ProgressCase {
  formCode: string;
  formCategory: string | null;
  officeCode: string;
  receivedAt: Date;
  at: Partial<Record<Milestone, Date>>;
}

/** Steps before the decision, in the order cases of each form usually take them (the next step is taken from here). */
export const STEP_ORDER: Record<string, readonly Milestone[]> = {
  'N-400': ['biometrics_scheduled', 'biometrics_taken', 'interview_scheduled', 'interview_completed'],
  'I-485': ['biometrics_scheduled', 'biometrics_taken', 'interview_scheduled', 'interview_completed'],
  'I-90': ['biometrics_scheduled', 'biometrics_taken'],
  'I-765': ['biometrics_scheduled', 'biometrics_taken'],
  'I-131': ['biometrics_scheduled', 'biometrics_taken'],
  'I-821': ['biometrics_scheduled', 'biometrics_taken'],
  'I-130': ['interview_scheduled', 'interview_completed'],
};

export interface EstimatorOptions {
  /** Cases received this many months before the training date are learnt from (default 24). */
  windowMonths: number;
  /** Decided cases a stratum needs before it is used (default 30). */
  minDecided: number;
  /** A step is "next" only when at least this share of the stratum's decided cases reached it (default 0.5). */
  minStepShare: number;
  /**
   * Recent receipts count more: a case's weight halves every this many months of receipt age (a weighted
   * Kaplan-Meier; backlogs change). 0: every case counts the same (default).
   */
  halfLifeMonths: number;
  /** The range: these quantiles of the remaining time (default 0.1 and 0.9: an 80% range). */
  low: number;
  high: number;
}

export const DEFAULT_OPTIONS: EstimatorOptions = {
  windowMonths: 24,
  minDecided: 30,
  minStepShare: 0.5,
  halfLifeMonths: 0,
  low: 0.1,
  high: 0.9,
};

/** Remaining days (from the training date) at three quantiles; null: the history never got that far (see horizon). */
export interface RemainingTime {
  lowDays: number | null;
  likelyDays: number | null;
  highDays: number | null;
  /** How far (days from the training date) the history can speak for this case: "at least" this when null above. */
  horizonDays: number;
}

export type Prediction =
  | { kind: 'decided' }
  | { kind: 'too_few'; decidedCount: number }
  | {
      kind: 'estimated';
      level: 'office' | 'all_offices';
      /** Decided cases of the stratum used (received in the window). */
      decidedCount: number;
      decision: RemainingTime;
      next: { step: Milestone; time: RemainingTime } | null;
    };

/**
 * Steps after which the decision follows its own clock: a case past its interview (scheduled or held) or a Request
 * for Evidence (sent or answered) waits on that step's date more than on its receipt date. For such a case the
 * remaining time is read from the time from that step to the decision (cases of the stratum that reached it, open
 * ones censored), when enough decided cases did. The step the case reached last counts.
 */
export const ANCHOR_STEPS: readonly Milestone[] = [
  'interview_completed',
  'interview_scheduled',
  'rfe_answered',
  'rfe_sent',
];

/** Durations from a step to the decision (observed) or to the training date (censored), with their weights. */
interface FromStep {
  d: number[];
  o: number[];
  w: number[];
  decided: number;
}

/** Accumulated durations of one stratum, before the curves are built. */
class StratumData {
  decision: number[] = [];
  decisionObserved: number[] = [];
  weight: number[] = [];
  fromStep = new Map<Milestone, FromStep>();
  /** Per step: duration to it (observed) or to decision / training date (censored). */
  steps = new Map<Milestone, { d: number[]; o: number[]; reachedByDecided: number }>();
  decided = 0;

  add(c: ProgressCase, asOfMs: number, steps: readonly Milestone[], weight: number): void {
    const r = c.receivedAt.getTime();
    this.weight.push(weight);
    const decidedAt = c.at.decided?.getTime();
    const end = decidedAt ?? asOfMs;
    this.decision.push((end - r) / DAY_MS);
    this.decisionObserved.push(decidedAt !== undefined ? 1 : 0);
    if (decidedAt !== undefined) this.decided++;
    for (const s of steps) {
      let acc = this.steps.get(s);
      if (!acc) this.steps.set(s, (acc = { d: [], o: [], reachedByDecided: 0 }));
      const at = c.at[s]?.getTime();
      // Reached: observed. Not reached: censored at the decision (decided without it) or at the training date.
      acc.d.push(((at ?? end) - r) / DAY_MS);
      acc.o.push(at !== undefined ? 1 : 0);
      if (decidedAt !== undefined && at !== undefined) acc.reachedByDecided++;
    }
    for (const s of ANCHOR_STEPS) {
      const at = c.at[s]?.getTime();
      if (at === undefined || at > end) continue;
      let acc = this.fromStep.get(s);
      if (!acc) this.fromStep.set(s, (acc = { d: [], o: [], w: [], decided: 0 }));
      acc.d.push((end - at) / DAY_MS);
      acc.o.push(decidedAt !== undefined ? 1 : 0);
      acc.w.push(weight);
      if (decidedAt !== undefined) acc.decided++;
    }
  }
}

interface Stratum {
  decided: number;
  decision: SurvivalCurve;
  steps: Map<Milestone, { curve: SurvivalCurve; share: number }>;
  /** From each anchor step to the decision, with the decided cases behind the curve. */
  fromStep: Map<Milestone, { curve: SurvivalCurve; decided: number }>;
}

export const stratumKey = (formCode: string, category: string | null, officeCode: string | null): string =>
  `${formCode}|${category ?? ''}|${officeCode ?? '*'}`;

/** Learns the curves from cases streamed in (`add`), then predicts (`predict`) for cases open at the training date. */
export class ProgressEstimator {
  readonly options: EstimatorOptions;
  readonly asOf: Date;
  readonly windowStart: Date;
  #data = new Map<string, StratumData>();
  #strata = new Map<string, Stratum>();
  #trainedCases = 0;
  #built = false;

  constructor(asOf: Date, options: Partial<EstimatorOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.asOf = asOf;
    const start = new Date(asOf);
    start.setUTCMonth(start.getUTCMonth() - this.options.windowMonths);
    this.windowStart = start;
  }

  /** Cases learnt from so far. */
  get trainedCases(): number {
    return this.#trainedCases;
  }

  /**
   * Learns from a case as it stood at the training date (milestones after it must already be left out, as
   * caseTimelines' `asOf` does). Cases received outside the window are ignored.
   */
  add(c: ProgressCase): void {
    if (this.#built) throw new Error('the estimator is already built');
    const r = c.receivedAt.getTime();
    if (r < this.windowStart.getTime() || r > this.asOf.getTime()) return;
    // A case rejected at intake was never going to be decided: it says nothing about how long decisions take.
    if (c.at.rejected && !c.at.decided) return;
    const steps = STEP_ORDER[c.formCode] ?? [];
    const half = this.options.halfLifeMonths;
    const weight = half > 0 ? 0.5 ** ((this.asOf.getTime() - r) / DAY_MS / (half * 30.44)) : 1;
    for (const key of [
      stratumKey(c.formCode, c.formCategory, c.officeCode),
      stratumKey(c.formCode, c.formCategory, null),
    ]) {
      let d = this.#data.get(key);
      if (!d) this.#data.set(key, (d = new StratumData()));
      d.add(c, this.asOf.getTime(), steps, weight);
    }
    this.#trainedCases++;
  }

  /** Builds every stratum's curves (once, after the last `add`). */
  build(): this {
    if (this.#built) return this;
    for (const [key, d] of this.#data) {
      const steps = new Map<Milestone, { curve: SurvivalCurve; share: number }>();
      for (const [s, acc] of d.steps) {
        steps.set(s, {
          curve: kaplanMeier(acc.d, acc.o, d.weight),
          share: d.decided ? acc.reachedByDecided / d.decided : 0,
        });
      }
      const fromStep = new Map<Milestone, { curve: SurvivalCurve; decided: number }>();
      for (const [s, acc] of d.fromStep)
        fromStep.set(s, { curve: kaplanMeier(acc.d, acc.o, acc.w), decided: acc.decided });
      this.#strata.set(key, {
        decided: d.decided,
        decision: kaplanMeier(d.decision, d.decisionObserved, d.weight),
        steps,
        fromStep,
      });
    }
    this.#data.clear();
    this.#built = true;
    return this;
  }

  /** Strata built, with their decided counts (for the training run's record). */
  strata(): { key: string; decided: number }[] {
    return [...this.#strata].map(([key, s]) => ({ key, decided: s.decided }));
  }

  /** The estimate for a case as it stands at the training date. */
  predict(c: ProgressCase): Prediction {
    if (!this.#built) this.build();
    if (c.at.decided && c.at.decided.getTime() <= this.asOf.getTime()) return { kind: 'decided' };
    if (c.at.rejected && c.at.rejected.getTime() <= this.asOf.getTime()) return { kind: 'decided' };
    const office = this.#strata.get(stratumKey(c.formCode, c.formCategory, c.officeCode));
    const across = this.#strata.get(stratumKey(c.formCode, c.formCategory, null));
    const min = this.options.minDecided;
    const [stratum, level] =
      office && office.decided >= min
        ? [office, 'office' as const]
        : across && across.decided >= min
          ? [across, 'all_offices' as const]
          : [undefined, undefined];
    if (!stratum || !level) return { kind: 'too_few', decidedCount: office?.decided ?? 0 };
    const age = Math.max(0, (this.asOf.getTime() - c.receivedAt.getTime()) / DAY_MS);
    return {
      kind: 'estimated',
      level,
      decidedCount: stratum.decided,
      decision: this.#decision(stratum, c, age),
      next: this.#nextStep(stratum, c, age),
    };
  }

  /**
   * The remaining time to the decision: from the latest anchor step the case reached (ANCHOR_STEPS) when the stratum
   * has enough decided cases that reached it, else from the receipt. Either way in days from the training date.
   */
  #decision(stratum: Stratum, c: ProgressCase, age: number): RemainingTime {
    let best: { at: number; curve: SurvivalCurve } | undefined;
    for (const s of ANCHOR_STEPS) {
      const at = c.at[s]?.getTime();
      const from = stratum.fromStep.get(s);
      if (at === undefined || at > this.asOf.getTime() || !from || from.decided < this.options.minDecided) continue;
      if (!best || at > best.at) best = { at, curve: from.curve };
    }
    if (best) return this.#remaining(best.curve, (this.asOf.getTime() - best.at) / DAY_MS);
    return this.#remaining(stratum.decision, age);
  }

  #remaining(curve: SurvivalCurve, age: number): RemainingTime {
    return {
      lowDays: conditionalQuantile(curve, age, this.options.low) ?? null,
      likelyDays: conditionalQuantile(curve, age, 0.5) ?? null,
      highDays: conditionalQuantile(curve, age, this.options.high) ?? null,
      horizonDays: Math.max(0, curve.horizon - age),
    };
  }

  /**
   * The first step of the form's order that the case has not reached and that most decided cases of the stratum
   * reached; a step after one the case already passed is not "next" (a case past its interview is not waiting for
   * its biometrics).
   */
  #nextStep(stratum: Stratum, c: ProgressCase, age: number): { step: Milestone; time: RemainingTime } | null {
    const order = STEP_ORDER[c.formCode] ?? [];
    let lastReached = -1;
    order.forEach((s, i) => {
      if (c.at[s]) lastReached = i;
    });
    for (let i = lastReached + 1; i < order.length; i++) {
      const s = order[i]!;
      const info = stratum.steps.get(s);
      if (!info || info.share < this.options.minStepShare) continue;
      return { step: s, time: this.#remaining(info.curve, age) };
    }
    return null;
  }
}
