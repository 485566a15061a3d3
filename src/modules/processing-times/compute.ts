import { effectiveCategory, type CaseTimeline } from '../cases/index.js';
import type { ProcessingTimeFigure } from './published.js';

/**
 * The computation of processing times (PT-1), pure: from the case timelines, for the cases completed in the six
 * months before a run, per form, category and office, the completed count, the median and the 80th percentile of the
 * completion time (decided - received), in days.
 *
 * Percentile definition (nearest rank): the p-th percentile of n durations is the smallest duration d such that at
 * least p% of the cases took d or less, i.e. sorted[ceil(p * n) - 1]. The 80th percentile is therefore "the time
 * within which 80% of the cases completed", the agency's published upper bound; the median uses the same definition
 * (the time within which half completed), so both ends of the range are durations a real case took.
 *
 * Censoring: cases still open at the end of the window are not counted, as in the agency's published figure (it
 * describes completed cases only). While a backlog grows this understates the wait of the cases still open;
 * myProgress (PT-3) treats open cases as censored instead. Rejections at intake are not completions (see
 * cases/timelines.ts).
 */

export const MS_PER_DAY = 86_400_000;

/** Below this many completed cases a figure is flagged `few_cases` (a few cases make a noisy percentile). */
export const FEW_CASES = 20;

/** A change of the 80th percentile by more than this share of the published one is flagged `jump`. */
export const JUMP_SHARE = 0.25;

/** Why a figure stands out against the last publication: `jump`, `new` (it had none), `few_cases`. */
export type FigureFlag = 'jump' | 'new' | 'few_cases';

export interface ComputedFigure {
  formCode: string;
  /** '' for a form published per form (as stored). */
  categoryCode: string;
  officeCode: string;
  completedCount: number;
  medianDays: number;
  p80Days: number;
  /** In the order above (the most telling first); empty when nothing stands out. */
  flags: FigureFlag[];
}

export interface Window {
  /** Cases completed in [start, end) count. */
  start: Date;
  end: Date;
}

/** The six calendar months before `end` (UTC months: 2026-12-07T05:00Z gives [2026-06-07T05:00Z, end)). */
export function windowEndingAt(end: Date): Window {
  const start = new Date(end.getTime());
  start.setUTCMonth(start.getUTCMonth() - 6);
  return { start, end };
}

/** Nearest-rank percentile of ascending `sorted` (not empty): the smallest d with at least p of the values <= d. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('percentile of nothing');
  const rank = Math.min(n, Math.max(1, Math.ceil(p * n - 1e-9)));
  return sorted[rank - 1]!;
}

const SEP = '\u0000';
const keyOf = (form: string, category: string, office: string) => `${form}${SEP}${category}${SEP}${office}`;

/**
 * Collects the completion times of a stream of timelines, a group (form, category, office) at a time: only numbers
 * are kept (one array per group), so a million cases fit easily in memory.
 */
export class FigureAccumulator {
  readonly #groups = new Map<string, number[]>();
  readonly #start: number;
  readonly #end: number;
  /** Every case seen, completed in the window or not (a run's `cases_read`). */
  casesRead = 0;

  constructor(window: Window) {
    this.#start = window.start.getTime();
    this.#end = window.end.getTime();
  }

  readonly #categories = new Map<string, string>();

  /** The category a case counts under (its own, else its form's fallback; '' for a form published per form). */
  #category(formCode: string, own: string | null): string {
    const k = `${formCode}${SEP}${own ?? ''}`;
    let category = this.#categories.get(k);
    if (category === undefined) this.#categories.set(k, (category = effectiveCategory(formCode, own) ?? ''));
    return category;
  }

  add(timelines: readonly CaseTimeline[]): void {
    for (const t of timelines) {
      this.casesRead++;
      const decided = t.at.decided?.getTime();
      // Open cases (no decision yet, or decided after the window) and cases completed before it do not count.
      if (decided === undefined || decided < this.#start || decided >= this.#end) continue;
      const key = keyOf(t.formCode, this.#category(t.formCode, t.formCategory), t.officeCode);
      let days = this.#groups.get(key);
      if (!days) this.#groups.set(key, (days = []));
      // A decision dated before the receipt (bad data) counts as done the same day.
      days.push(Math.max(0, decided - t.receivedAt.getTime()) / MS_PER_DAY);
    }
  }

  /**
   * One figure per group with at least one completed case (an office without completed cases has no figure), sorted
   * by form, category and office; flagged against `previous` (the figures published last; none before the first).
   */
  figures(previous: readonly ProcessingTimeFigure[] | null): ComputedFigure[] {
    const before = new Map(previous?.map((f) => [keyOf(f.formCode, f.categoryCode ?? '', f.officeCode), f]));
    const out: ComputedFigure[] = [];
    for (const [key, days] of this.#groups) {
      const [formCode, categoryCode, officeCode] = key.split(SEP) as [string, string, string];
      const sorted = Float64Array.from(days).sort();
      const p80Days = round1(percentile(sorted, 0.8));
      const flags: FigureFlag[] = [];
      const old = before.get(key);
      if (previous && !old) flags.push('new');
      else if (old && isJump(old.p80Days, p80Days)) flags.push('jump');
      if (sorted.length < FEW_CASES) flags.push('few_cases');
      out.push({
        formCode,
        categoryCode,
        officeCode,
        completedCount: sorted.length,
        medianDays: round1(percentile(sorted, 0.5)),
        p80Days,
        flags: flags.sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b)),
      });
    }
    return out.sort(
      (a, b) => cmp(a.formCode, b.formCode) || cmp(a.categoryCode, b.categoryCode) || cmp(a.officeCode, b.officeCode),
    );
  }
}

const FLAG_ORDER: readonly FigureFlag[] = ['jump', 'new', 'few_cases'];
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Days to one decimal: finer than any published unit (weeks, months), and stable across runs. */
const round1 = (d: number) => Math.round(d * 10) / 10;

/** Whether the 80th percentile moved by more than JUMP_SHARE of the published one (from 0: any change). */
export function isJump(publishedP80: number, newP80: number): boolean {
  if (publishedP80 <= 0) return newP80 > 0;
  return Math.abs(newP80 - publishedP80) / publishedP80 > JUMP_SHARE;
}

/** The flags as stored in processing_time_figures.flag (comma separated; null for none), and back. */
export const flagsToColumn = (flags: readonly FigureFlag[]): string | null => (flags.length ? flags.join(',') : null);
export const flagsFromColumn = (value: string | null): FigureFlag[] =>
  value ? (value.split(',').filter((f) => (FLAG_ORDER as string[]).includes(f)) as FigureFlag[]) : [];

/** Computes the figures of a stream of timeline batches in one pass. */
export async function computeFigures(
  batches: AsyncIterable<readonly CaseTimeline[]> | Iterable<readonly CaseTimeline[]>,
  window: Window,
  previous: readonly ProcessingTimeFigure[] | null,
): Promise<{ figures: ComputedFigure[]; casesRead: number }> {
  const acc = new FigureAccumulator(window);
  for await (const batch of batches) acc.add(batch);
  return { figures: acc.figures(previous), casesRead: acc.casesRead };
}
