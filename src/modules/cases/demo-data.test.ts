import { describe, expect, it } from 'vitest';
import { demoOfficeFactor, generateDemoCases } from './demo-data.js';
import { categoriesOf, effectiveCategory, MY_PROGRESS_FORMS } from './form-categories.js';
import type { NewCaseWithHistory } from './repository.js';
import { MILESTONE_STATUSES } from './timelines.js';

/**
 * Issue 18 point 7: the demo cases behave like real ones, so processing times and myProgress computed from them mean
 * something: decision times per form in the agency's bands, open cases, categories, and backlogs that come and go.
 */

const asOf = new Date('2026-11-01T00:00:00Z');
const MONTH = 30.44 * 86_400_000;
const cases = [...generateDemoCases({ seed: 424242, count: 20_000, asOf, withoutSandbox: true })];

/** A case's decision as processing times count it (the timelines' `decided` milestone). */
const decisionOf = (c: NewCaseWithHistory) => c.history.find((h) => MILESTONE_STATUSES.decided.includes(h.statusKey));
const byForm = (form: string) => cases.filter((c) => c.formCode === form);

/**
 * The Kaplan-Meier median of months from receipt to decision: open cases count as lasting at least until the as-of
 * date (censored), so the long waits of recent cases are not lost (the median of decided cases alone is too short).
 */
function medianMonths(list: NewCaseWithHistory[]): number {
  const times = list
    .map((c) => {
      const decided = decisionOf(c);
      const end = decided ? decided.occurredAt.getTime() : asOf.getTime();
      return { months: (end - c.receivedAt.getTime()) / MONTH, decided: Boolean(decided) };
    })
    .sort((a, b) => a.months - b.months);
  let atRisk = times.length;
  let surviving = 1;
  for (const t of times) {
    if (t.decided) {
      surviving *= 1 - 1 / atRisk;
      if (surviving <= 0.5) return t.months;
    }
    atRisk--;
  }
  return Infinity;
}

/** The median of decided cases' months to decision. */
function decidedMedian(list: NewCaseWithHistory[]): number {
  const months = list
    .flatMap((c) => {
      const d = decisionOf(c);
      return d ? [(d.occurredAt.getTime() - c.receivedAt.getTime()) / MONTH] : [];
    })
    .sort((a, b) => a - b);
  return months[Math.floor(months.length / 2)]!;
}

describe('realistic demo cases', () => {
  it('take about as long as the agency per form (median months to decision, open cases counted as censored)', () => {
    const bands: Record<string, [number, number]> = {
      'I-765': [3, 5],
      'I-130': [12, 16],
      'I-485': [9, 14],
      'N-400': [6, 9],
      'I-90': [8, 12],
      'I-131': [6, 10],
      'I-821': [5, 8],
    };
    for (const [form, [low, high]] of Object.entries(bands)) {
      const median = medianMonths(byForm(form));
      expect(median, form).toBeGreaterThanOrEqual(low);
      expect(median, form).toBeLessThanOrEqual(high);
    }
    // Right-skewed: the slowest tenth of decided I-765 cases take far longer than the median.
    const months = byForm('I-765')
      .flatMap((c) => {
        const d = decisionOf(c);
        return d ? [(d.occurredAt.getTime() - c.receivedAt.getTime()) / MONTH] : [];
      })
      .sort((a, b) => a - b);
    const at = (q: number) => months[Math.floor(q * months.length)]!;
    expect(at(0.9) - at(0.5)).toBeGreaterThan(1.3 * (at(0.5) - at(0.1)));
  });

  it('are received over the last 30 months; cases decided after the as-of date are open, for every myProgress form', () => {
    const ages = cases.map((c) => (asOf.getTime() - c.receivedAt.getTime()) / MONTH);
    expect(Math.max(...ages)).toBeGreaterThan(29);
    expect(Math.max(...ages)).toBeLessThan(31);
    expect(ages.filter((a) => a > 24).length).toBeGreaterThan(cases.length * 0.15);
    for (const form of MY_PROGRESS_FORMS) {
      const all = byForm(form);
      const open = all.filter((c) => !decisionOf(c));
      expect(open.length, form).toBeGreaterThan(all.length * 0.05);
      expect(all.length - open.length, form).toBeGreaterThan(all.length * 0.3);
      // An open case has not gone past a decision: its history stops at a step before it.
      for (const c of open) expect(c.history.at(-1)!.occurredAt.getTime()).toBeLessThanOrEqual(asOf.getTime());
    }
  });

  it('go through plausible steps: biometrics weeks after receipt, interviews for N-400, RFEs, denials, cards after approval', () => {
    const weeksAfter = (c: NewCaseWithHistory, key: string, from: string) => {
      const a = c.history.find((h) => h.statusKey === from);
      const b = c.history.find((h) => h.statusKey === key);
      return a && b ? (b.occurredAt.getTime() - a.occurredAt.getTime()) / (7 * 86_400_000) : undefined;
    };
    const i765 = byForm('I-765');
    const scheduled = i765.flatMap(
      (c) => weeksAfter(c, 'biometrics-appointment-was-scheduled', 'case-was-received') ?? [],
    );
    expect(scheduled.length).toBeGreaterThan(i765.length * 0.9);
    expect(Math.min(...scheduled)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...scheduled)).toBeLessThanOrEqual(5.1);
    const taken = i765.flatMap(
      (c) =>
        weeksAfter(c, 'case-was-updated-to-show-fingerprints-were-taken', 'biometrics-appointment-was-scheduled') ?? [],
    );
    expect(Math.min(...taken)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...taken)).toBeLessThanOrEqual(3.1);
    const decidedN400 = byForm('N-400').filter(decisionOf);
    const interviewed = decidedN400.filter((c) =>
      c.history.some((h) => h.statusKey === 'interview-was-completed-and-my-case-must-be-reviewed'),
    );
    expect(interviewed.length).toBe(decidedN400.length);
    const share = (list: NewCaseWithHistory[], key: string) =>
      list.filter((c) => c.history.some((h) => h.statusKey === key)).length / list.length;
    const decided = cases.filter(decisionOf);
    expect(share(decided, 'request-for-additional-evidence-was-sent')).toBeGreaterThan(0.08);
    expect(share(decided, 'request-for-additional-evidence-was-sent')).toBeLessThan(0.3);
    expect(share(decided, 'case-was-denied')).toBeGreaterThan(0.03);
    expect(share(decided, 'case-was-denied')).toBeLessThan(0.15);
    // A Request for Evidence adds months: cases with one take longer than those without.
    const i130 = byForm('I-130').filter(decisionOf);
    const withRfe = i130.filter((c) =>
      c.history.some((h) => h.statusKey === 'request-for-additional-evidence-was-sent'),
    );
    expect(decidedMedian(withRfe)).toBeGreaterThan(decidedMedian(i130.filter((c) => !withRfe.includes(c))) + 1);
    // Cards are produced and mailed after approval, never after a denial.
    for (const c of i765) {
      const keys = c.history.map((h) => h.statusKey);
      if (keys.includes('card-was-mailed-to-me')) {
        expect(keys.indexOf('case-was-approved')).toBeGreaterThan(-1);
        expect(keys.indexOf('card-was-mailed-to-me')).toBeGreaterThan(keys.indexOf('case-was-approved'));
      }
      if (keys.includes('case-was-denied')) expect(keys).not.toContain('new-card-is-being-produced');
    }
  });

  it('have a catalog category of their form, each with a plausible share (the stored one is the effective one)', () => {
    for (const c of cases) expect(c.formCategory).toBe(effectiveCategory(c.formCode, c.formCategory));
    for (const form of ['I-130', 'I-131', 'I-485', 'I-765']) {
      const all = byForm(form);
      for (const category of categoriesOf(form)) {
        const n = all.filter((c) => c.formCategory === category.code).length;
        expect(n / all.length, `${form} ${category.code}`).toBeGreaterThan(0.05);
        expect(n / all.length, `${form} ${category.code}`).toBeLessThan(0.75);
      }
    }
    expect(byForm('N-400').every((c) => c.formCategory === null)).toBe(true);
    // Categories differ: I-130 petitions of U.S. citizens for immediate relatives go faster than for other relatives.
    const i130 = byForm('I-130');
    expect(medianMonths(i130.filter((c) => c.formCategory === 'usc-immediate'))).toBeLessThan(
      medianMonths(i130.filter((c) => c.formCategory === 'usc-other')) - 2,
    );
  });

  it('differ by office, and each office has backlogs that grow and shrink with the month of receipt', () => {
    // Offices differ: New York's field office is slower than Houston's for N-400.
    const n400 = byForm('N-400');
    expect(medianMonths(n400.filter((c) => c.officeCode === 'FO-NYC'))).toBeGreaterThan(
      1.2 * medianMonths(n400.filter((c) => c.officeCode === 'FO-HOU')),
    );
    // I-765 cases at one service center received 15 to 30 months ago (nearly all decided): the median by quarter of
    // receipt goes up and down, by far more than chance.
    for (const office of ['VSC', 'NSC', 'TSC']) {
      const quarters = new Map<number, NewCaseWithHistory[]>();
      for (const c of byForm('I-765').filter((x) => x.officeCode === office)) {
        const age = (asOf.getTime() - c.receivedAt.getTime()) / MONTH;
        if (age < 15 || age >= 30) continue;
        const q = Math.floor(age / 3);
        quarters.set(q, [...(quarters.get(q) ?? []), c]);
      }
      const medians = [...quarters.values()].map(medianMonths);
      expect(medians.length, office).toBe(5);
      expect(Math.max(...medians) / Math.min(...medians), office).toBeGreaterThan(1.3);
    }
    // The backlog factor is a smooth wave: neighbouring months are close, months far apart can differ a lot.
    const month = (m: number) => new Date(Date.UTC(2024, m, 15));
    const factors = Array.from({ length: 30 }, (_, m) => demoOfficeFactor('TSC', month(m)));
    for (let m = 1; m < 30; m++) expect(Math.abs(factors[m]! - factors[m - 1]!)).toBeLessThan(0.15);
    expect(Math.max(...factors) / Math.min(...factors)).toBeGreaterThan(1.6);
  });

  it('are the same for the same seed and as-of date', () => {
    const again = [...generateDemoCases({ seed: 424242, count: 2_000, asOf, withoutSandbox: true })];
    expect(again).toEqual(cases.slice(0, 2_000));
  });
});
