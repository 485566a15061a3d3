import { describe, expect, it } from 'vitest';
import { DAY_MS, ProgressEstimator, type ProgressCase } from './estimator.js';
import { conditionalQuantile, kaplanMeier, survivalAt } from './km.js';
import { seededRandom } from '../../platform/random.js';

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

describe('Kaplan-Meier (hand-computed, ties and censoring)', () => {
  // Times in days; 1 = decided then, 0 = still open (censored) then. Two events tie at 1; at 2 and at 4 an event
  // ties with a censored case (still at risk for the event).
  const curve = kaplanMeier([1, 1, 2, 2, 3, 4, 4, 5], [1, 1, 1, 0, 1, 0, 1, 0]);

  it('multiplies (1 - d/n) at each event time', () => {
    expect([...curve.times]).toEqual([1, 2, 3, 4]);
    const expected = [6 / 8, (6 / 8) * (5 / 6), (6 / 8) * (5 / 6) * (3 / 4), (6 / 8) * (5 / 6) * (3 / 4) * (2 / 3)];
    [...curve.surv].forEach((s, i) => expect(s).toBeCloseTo(expected[i]!, 12));
    expect(curve).toMatchObject({ horizon: 5, events: 5, total: 8 });
    expect(survivalAt(curve, 0.5)).toBe(1);
    expect(survivalAt(curve, 2.5)).toBeCloseTo(5 / 8, 12);
    expect(survivalAt(curve, 99)).toBeCloseTo(5 / 16, 12);
  });

  it('gives quantiles, conditional ones, and none where the curve never gets that low', () => {
    expect(conditionalQuantile(curve, 0, 0.25)).toBe(1); // S(1) = 0.75 <= 0.75
    expect(conditionalQuantile(curve, 0, 0.5)).toBe(3); // S(3) = 15/32 <= 0.5
    expect(conditionalQuantile(curve, 0, 0.9)).toBeUndefined(); // S never reaches 0.1 (the tail is censored)
    // Open at age 2 (S = 5/8): half of those decide by S = 5/16, reached at 4: two more days.
    expect(conditionalQuantile(curve, 2, 0.5)).toBe(2);
    // Open at 1.5 (S = 3/4): a quarter by S = 0.5625: at 3, 1.5 days on.
    expect(conditionalQuantile(curve, 1.5, 0.25)).toBe(1.5);
    // Past every event time: nothing to say.
    expect(conditionalQuantile(curve, 4.5, 0.1)).toBeUndefined();
  });

  it('weighs cases: a weight of 2 counts as the case twice', () => {
    const weighted = kaplanMeier([1, 2, 3, 4], [1, 0, 1, 1], [2, 1, 1, 1]);
    const doubled = kaplanMeier([1, 1, 2, 3, 4], [1, 1, 0, 1, 1]);
    expect([...weighted.times]).toEqual([...doubled.times]);
    [...weighted.surv].forEach((s, i) => expect(s).toBeCloseTo(doubled.surv[i]!, 12));
    // events and total still count cases
    expect(weighted).toMatchObject({ events: 3, total: 4 });
  });

  it('handles an empty history and a history of censored cases only', () => {
    const empty = kaplanMeier([], []);
    expect(empty).toMatchObject({ events: 0, total: 0, horizon: 0 });
    expect(conditionalQuantile(empty, 0, 0.5)).toBeUndefined();
    const open = kaplanMeier([3, 5], [0, 0]);
    expect(open.times.length).toBe(0);
    expect(survivalAt(open, 10)).toBe(1);
    expect(conditionalQuantile(open, 1, 0.1)).toBeUndefined();
  });
});

const AS_OF = new Date('2026-06-01T00:00:00Z');
const day = (n: number) => new Date(AS_OF.getTime() + n * DAY_MS);

/**
 * Synthetic cases received uniformly over the two years before AS_OF; the decision takes a log-normal time (median
 * `median` days, sigma 0.5); biometrics are taken after a log-normal time too. `truth` holds each case's real
 * decision; `seen` is the case as it stood at AS_OF (later milestones left out).
 */
function synthetic(count: number, seed: number, office = 'FO-MIA', median = 180) {
  const rand = seededRandom(seed);
  const out: { seen: ProgressCase; decidedAt: Date }[] = [];
  for (let i = 0; i < count; i++) {
    const receivedAt = day(-730 * rand());
    const decisionDays = median * Math.exp(0.5 * normal(rand));
    const bioDays = Math.min(decisionDays * 0.9, 30 * Math.exp(0.3 * normal(rand)));
    const decidedAt = new Date(receivedAt.getTime() + decisionDays * DAY_MS);
    const bioAt = new Date(receivedAt.getTime() + bioDays * DAY_MS);
    const at: ProgressCase['at'] = {};
    if (bioAt <= AS_OF) at.biometrics_taken = bioAt;
    if (decidedAt <= AS_OF) at.decided = decidedAt;
    out.push({ seen: { formCode: 'I-765', formCategory: 'c09', officeCode: office, receivedAt, at }, decidedAt });
  }
  return out;
}

describe('estimates on synthetic histories with known distributions', () => {
  it('80% ranges of open cases cover about 80% of their real decisions (log-normal, censored training data)', () => {
    const cases = synthetic(8000, 18);
    const est = new ProgressEstimator(AS_OF);
    for (const c of cases) est.add(c.seen);
    let open = 0;
    let covered = 0;
    let absError = 0;
    let naiveError = 0;
    let beyond = 0;
    const atReceipt = est.predict({ ...cases[0]!.seen, receivedAt: AS_OF, at: {} });
    if (atReceipt.kind !== 'estimated') throw new Error('expected an estimate');
    const median = atReceipt.decision.likelyDays!;
    expect(median).toBeGreaterThan(160);
    expect(median).toBeLessThan(200); // the true median is 180
    for (const c of cases) {
      const p = est.predict(c.seen);
      if (p.kind === 'decided') continue;
      expect(p.kind).toBe('estimated');
      if (p.kind !== 'estimated') continue;
      open++;
      const actual = (c.decidedAt.getTime() - AS_OF.getTime()) / DAY_MS;
      const { lowDays, likelyDays, highDays, horizonDays } = p.decision;
      // Where the history never got that far the range reads "at least <horizon>" (open-ended).
      if (lowDays === null) beyond++;
      if (actual >= (lowDays ?? horizonDays) && (highDays === null || actual <= highDays)) covered++;
      absError += Math.abs(actual - (likelyDays ?? horizonDays));
      naiveError += Math.abs(actual - (median - (AS_OF.getTime() - c.seen.receivedAt.getTime()) / DAY_MS));
    }
    expect(open).toBeGreaterThan(1500);
    // Only the oldest open cases are past the last decision seen.
    expect(beyond / open).toBeLessThan(0.01);
    const coverage = covered / open;
    expect(coverage).toBeGreaterThanOrEqual(0.75);
    expect(coverage).toBeLessThanOrEqual(0.85);
    // The conditional median beats "received + the overall median" on open cases.
    expect(absError).toBeLessThan(naiveError * 0.9);
  });

  it('conditions on age: an older open case has less left to wait', () => {
    const est = new ProgressEstimator(AS_OF);
    for (const c of synthetic(4000, 7)) est.add(c.seen);
    const at = (age: number) =>
      est.predict({ formCode: 'I-765', formCategory: 'c09', officeCode: 'FO-MIA', receivedAt: day(-age), at: {} });
    const young = at(10);
    const old = at(250);
    if (young.kind !== 'estimated' || old.kind !== 'estimated') throw new Error('expected estimates');
    expect(young.decision.likelyDays!).toBeGreaterThan(old.decision.likelyDays!);
    expect(young.decision.lowDays!).toBeLessThanOrEqual(young.decision.likelyDays!);
    expect(young.decision.likelyDays!).toBeLessThanOrEqual(young.decision.highDays!);
    // Older than every case seen: no quantile, only how far the history reaches (nothing beyond it: 0 days).
    expect(at(5000)).toMatchObject({
      kind: 'estimated',
      decision: { lowDays: null, likelyDays: null, highDays: null, horizonDays: 0 },
    });
  });

  it('learns nothing from a case rejected at intake, and has nothing to estimate for one', () => {
    const cases = synthetic(400, 3, 'FO-MIA').map((c) => c.seen);
    const plain = new ProgressEstimator(AS_OF);
    for (const c of cases) plain.add(c);
    const withRejected = new ProgressEstimator(AS_OF);
    for (const c of cases) withRejected.add(c);
    // Many rejected cases, open forever in the log: were they learnt as censored, the curve's tail would stretch.
    for (let i = 0; i < 300; i++)
      withRejected.add({
        formCode: 'I-765',
        formCategory: 'c09',
        officeCode: 'FO-MIA',
        receivedAt: day(-700 + i),
        at: { rejected: day(-690 + i) },
      });
    const open: ProgressCase = {
      formCode: 'I-765',
      formCategory: 'c09',
      officeCode: 'FO-MIA',
      receivedAt: day(-20),
      at: {},
    };
    expect(withRejected.predict(open)).toEqual(plain.predict(open));
    expect(withRejected.trainedCases).toBe(plain.trainedCases);
    expect(plain.predict({ ...open, at: { rejected: day(-5) } })).toEqual({ kind: 'decided' });
  });

  it('falls back to the form and category across offices, then says too few', () => {
    const est = new ProgressEstimator(AS_OF);
    for (const c of synthetic(400, 3, 'FO-MIA')) est.add(c.seen);
    for (const c of synthetic(10, 4, 'FO-DAL')) est.add(c.seen);
    const open = (office: string, formCategory = 'c09'): ProgressCase => ({
      formCode: 'I-765',
      formCategory,
      officeCode: office,
      receivedAt: day(-20),
      at: {},
    });
    expect(est.predict(open('FO-MIA'))).toMatchObject({ kind: 'estimated', level: 'office' });
    const dal = est.predict(open('FO-DAL'));
    expect(dal).toMatchObject({ kind: 'estimated', level: 'all_offices' });
    if (dal.kind === 'estimated') expect(dal.decidedCount).toBeGreaterThan(300);
    expect(est.predict(open('FO-MIA', 'c08'))).toEqual({ kind: 'too_few', decidedCount: 0 });
    expect(est.predict({ ...open('FO-MIA'), at: { decided: day(-1) } })).toEqual({ kind: 'decided' });
  });

  it('names the next step the case has not reached, with its own estimate; none once it is past all steps', () => {
    const est = new ProgressEstimator(AS_OF);
    for (const c of synthetic(3000, 5)) est.add(c.seen);
    const fresh = est.predict({
      formCode: 'I-765',
      formCategory: 'c09',
      officeCode: 'FO-MIA',
      receivedAt: day(-5),
      at: {},
    });
    if (fresh.kind !== 'estimated') throw new Error('expected an estimate');
    expect(fresh.next?.step).toBe('biometrics_taken');
    expect(fresh.next!.time.likelyDays!).toBeLessThan(fresh.decision.likelyDays!);
    const done = est.predict({
      formCode: 'I-765',
      formCategory: 'c09',
      officeCode: 'FO-MIA',
      receivedAt: day(-60),
      at: { biometrics_taken: day(-30) },
    });
    if (done.kind !== 'estimated') throw new Error('expected an estimate');
    expect(done.next).toBeNull();
  });
});
