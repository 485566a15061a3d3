import { DAY_MS, ProgressEstimator, stratumKey, type EstimatorOptions, type ProgressCase } from './estimator.js';

/**
 * The myProgress backtest (issue 18 point 6): train on the histories as they stood at a cut-off, predict the cases
 * open then, and score against what happened after, next to the naive estimate (received date + the processing time
 * the agency would have published at the cut-off). Pure: the caller reads histories from a CSV or a database.
 *
 * `histories` hold each case's full history (first time at each milestone, as far as the data goes); the view at the
 * cut-off is derived here (milestones after it left out), so nothing after the cut-off leaks into training.
 */

export interface BacktestOptions {
  cutoff: Date;
  /** The end of the data: cases still undecided then are censored. */
  dataEnd: Date;
  estimator?: Partial<EstimatorOptions>;
  /** Only the open cases of these forms are predicted and scored (default: all); every case is learnt from. */
  forms?: readonly string[];
}

/** One method's score on one form (or all forms). */
export interface Score {
  /** Cases decided after the cut-off and by the end of the data (the MAE is over these). */
  decided: number;
  /** Mean absolute error of the decision date, days. */
  maeDays: number | null;
  /** Share of decided cases whose decision fell in the 80% range. */
  coverageDecided: number | null;
  /** Share of all evaluated cases covered, an undecided case counting as covered when its range ends after the data. */
  coverageAll: number | null;
}

export interface FormResult {
  form: string;
  /** Cases open at the cut-off that both methods could estimate (the evaluated cases). */
  open: number;
  /** Of these, still undecided at the end of the data (censored). */
  undecided: number;
  /** Of these, too few cases for myProgress (it shows the published time: scored as the naive estimate). */
  tooFew: number;
  /** Point estimates that were "at least" (the history ran out): scored at that lower bound. */
  atLeast: number;
  ours: Score;
  naive: Score;
}

export interface BacktestResult {
  cutoff: Date;
  dataEnd: Date;
  trainedCases: number;
  /** Cases open at the cut-off left out: no published figure for their form, category and office at the cut-off. */
  noNaive: number;
  byForm: FormResult[];
  total: FormResult;
}

interface Prediction {
  point: number;
  low: number;
  high: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * The processing times the agency would have published at the cut-off (PT-1): per form, category and office, the
 * median and 80th percentile of the completion times of cases completed in the six months before it; per form and
 * category across offices as well (used where an office has none).
 */
export function publishedAt(
  histories: readonly ProgressCase[],
  cutoff: Date,
): Map<string, { median: number; p80: number }> {
  const from = new Date(cutoff);
  from.setUTCMonth(from.getUTCMonth() - 6);
  const durations = new Map<string, number[]>();
  for (const c of histories) {
    const d = c.at.decided;
    if (!d || d > cutoff || d < from) continue;
    const days = (d.getTime() - c.receivedAt.getTime()) / DAY_MS;
    for (const key of [
      stratumKey(c.formCode, c.formCategory, c.officeCode),
      stratumKey(c.formCode, c.formCategory, null),
    ]) {
      let list = durations.get(key);
      if (!list) durations.set(key, (list = []));
      list.push(days);
    }
  }
  const out = new Map<string, { median: number; p80: number }>();
  for (const [key, list] of durations) {
    list.sort((a, b) => a - b);
    out.set(key, { median: percentile(list, 0.5), p80: percentile(list, 0.8) });
  }
  return out;
}

/** A case as it stood at a moment: later milestones left out. */
export function asOf(c: ProgressCase, at: Date): ProgressCase {
  const seen: ProgressCase['at'] = {};
  for (const [m, d] of Object.entries(c.at)) if (d <= at) seen[m as keyof ProgressCase['at']] = d;
  return { ...c, at: seen };
}

class Tally {
  n = 0;
  decided = 0;
  abs = 0;
  coveredDecided = 0;
  coveredAll = 0;
  add(p: Prediction, actual: number | null, endDays: number): void {
    this.n++;
    if (actual === null) {
      // Undecided at the end of the data: its decision is after endDays. Covered unless the range ended before.
      if (p.high > endDays) this.coveredAll++;
      return;
    }
    this.decided++;
    this.abs += Math.abs(p.point - actual);
    if (actual >= p.low && actual <= p.high) {
      this.coveredDecided++;
      this.coveredAll++;
    }
  }
  score(): Score {
    return {
      decided: this.decided,
      maeDays: this.decided ? this.abs / this.decided : null,
      coverageDecided: this.decided ? this.coveredDecided / this.decided : null,
      coverageAll: this.n ? this.coveredAll / this.n : null,
    };
  }
}

/** Trains at the cut-off, predicts the open cases, scores both methods by form. Days are counted from the cut-off. */
export function backtest(histories: readonly ProgressCase[], options: BacktestOptions): BacktestResult {
  const { cutoff, dataEnd } = options;
  const est = new ProgressEstimator(cutoff, options.estimator);
  const open: ProgressCase[] = [];
  for (const c of histories) {
    if (c.receivedAt > cutoff) continue;
    const seen = asOf(c, cutoff);
    est.add(seen);
    if (!seen.at.decided && (!options.forms || options.forms.includes(c.formCode))) open.push(c);
  }
  est.build();
  const published = publishedAt(histories, cutoff);
  const endDays = (dataEnd.getTime() - cutoff.getTime()) / DAY_MS;
  const forms = new Map<
    string,
    { ours: Tally; naive: Tally; open: number; undecided: number; tooFew: number; atLeast: number }
  >();
  const total = { ours: new Tally(), naive: new Tally(), open: 0, undecided: 0, tooFew: 0, atLeast: 0 };
  let noNaive = 0;
  for (const c of open) {
    const fig =
      published.get(stratumKey(c.formCode, c.formCategory, c.officeCode)) ??
      published.get(stratumKey(c.formCode, c.formCategory, null));
    if (!fig) {
      noNaive++;
      continue;
    }
    const age = (cutoff.getTime() - c.receivedAt.getTime()) / DAY_MS;
    // Naive: received + the published upper bound; its range the published one (median to 80th percentile).
    const naive: Prediction = { point: fig.p80 - age, low: fig.median - age, high: fig.p80 - age };
    const p = est.predict(asOf(c, cutoff));
    let ours: Prediction;
    let tooFew = 0;
    let atLeast = 0;
    if (p.kind === 'estimated') {
      const d = p.decision;
      if (d.likelyDays === null) atLeast = 1;
      ours = {
        point: d.likelyDays ?? d.horizonDays,
        low: d.lowDays ?? d.horizonDays,
        high: d.highDays ?? Number.POSITIVE_INFINITY,
      };
    } else {
      tooFew = 1;
      ours = naive;
    }
    const decided =
      c.at.decided && c.at.decided <= dataEnd ? (c.at.decided.getTime() - cutoff.getTime()) / DAY_MS : null;
    let f = forms.get(c.formCode);
    if (!f)
      forms.set(
        c.formCode,
        (f = { ours: new Tally(), naive: new Tally(), open: 0, undecided: 0, tooFew: 0, atLeast: 0 }),
      );
    for (const g of [f, total]) {
      g.ours.add(ours, decided, endDays);
      g.naive.add(naive, decided, endDays);
      g.open++;
      if (decided === null) g.undecided++;
      g.tooFew += tooFew;
      g.atLeast += atLeast;
    }
  }
  const result = (form: string, g: typeof total): FormResult => ({
    form,
    open: g.open,
    undecided: g.undecided,
    tooFew: g.tooFew,
    atLeast: g.atLeast,
    ours: g.ours.score(),
    naive: g.naive.score(),
  });
  return {
    cutoff,
    dataEnd,
    trainedCases: est.trainedCases,
    noNaive,
    byForm: [...forms].sort(([a], [b]) => a.localeCompare(b)).map(([form, g]) => result(form, g)),
    total: result('All forms', total),
  };
}
