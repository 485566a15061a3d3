/**
 * Kaplan-Meier survival curves (PT-3): the share of cases not yet at a milestone after t days, from durations that
 * are either observed (the case reached it) or right-censored (the case was still open at that age). Pure, no I/O.
 */

/** A step function: S(t) = surv[i] for times[i] <= t < times[i + 1]; S(t) = 1 before times[0]. */
export interface SurvivalCurve {
  /** Distinct event times, ascending (days). */
  times: Float64Array;
  /** S just after each event time. */
  surv: Float64Array;
  /** The largest time any case was followed (event or censoring): the curve says nothing beyond it. */
  horizon: number;
  /** Observed events (cases that reached the milestone). */
  events: number;
  /** All cases (events and censored). */
  total: number;
}

/**
 * Builds the curve. `durations[i]` is case i's time (days, >= 0); `observed[i]` is 1 when it reached the milestone
 * then, 0 when it was censored then. Ties: all events at a time count together (d events among the n at risk);
 * a case censored at the same time as events is still at risk for them (the usual convention). With `weights`, each
 * case counts with its weight in d and n (a weighted Kaplan-Meier); `events` and `total` still count cases.
 */
export function kaplanMeier(
  durations: ArrayLike<number>,
  observed: ArrayLike<number>,
  weights?: ArrayLike<number>,
): SurvivalCurve {
  const n = durations.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Ascending time; at equal times events first (so censored cases count as at risk for them).
  order.sort((a, b) => durations[a]! - durations[b]! || observed[b]! - observed[a]!);
  const times: number[] = [];
  const surv: number[] = [];
  // Weighted (recent receipts count more): d and n are sums of weights; unweighted, every weight is 1.
  const w = (i: number) => (weights ? weights[i]! : 1);
  let atRisk = 0;
  for (let i = 0; i < n; i++) atRisk += w(i);
  let s = 1;
  let events = 0;
  let d = 0;
  let c = 0;
  let horizon = 0;
  let i = 0;
  while (i < n) {
    const t = durations[order[i]!]!;
    d = 0;
    c = 0;
    let count = 0;
    while (i < n && durations[order[i]!] === t) {
      if (observed[order[i]!]) {
        d += w(order[i]!);
        count++;
      } else c += w(order[i]!);
      i++;
    }
    if (count > 0) {
      s *= atRisk > 0 ? Math.max(0, 1 - d / atRisk) : 0;
      times.push(t);
      surv.push(s);
      events += count;
    }
    atRisk -= d + c;
    horizon = t;
  }
  return { times: Float64Array.from(times), surv: Float64Array.from(surv), horizon, events, total: n };
}

/** S(t): the share still not at the milestone after t days. */
export function survivalAt(curve: SurvivalCurve, t: number): number {
  // Last event time <= t.
  let lo = 0;
  let hi = curve.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (curve.times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 1 : curve.surv[lo - 1]!;
}

/**
 * The p-quantile of the time still to wait for a case that has not reached the milestone at age `age`: the
 * smallest x >= 0 with S(age + x) / S(age) <= 1 - p (conditional survival). Undefined when the curve never falls
 * that low after `age` (too few cases took that long to say: the caller reports "at least" the horizon instead).
 * For age 0 this is the ordinary Kaplan-Meier quantile.
 */
export function conditionalQuantile(curve: SurvivalCurve, age: number, p: number): number | undefined {
  const base = survivalAt(curve, age);
  if (base <= 0) return undefined;
  const target = (1 - p) * base;
  // First event time > age with surv <= target (surv is non-increasing: binary search).
  let lo = 0;
  let hi = curve.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (curve.times[mid]! <= age) lo = mid + 1;
    else hi = mid;
  }
  const first = lo;
  lo = first;
  hi = curve.times.length;
  // Guard float noise: a survival within 1e-12 of the target counts as reaching it.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (curve.surv[mid]! <= target + 1e-12) hi = mid;
    else lo = mid + 1;
  }
  if (lo >= curve.times.length) return undefined;
  return curve.times[lo]! - age;
}
