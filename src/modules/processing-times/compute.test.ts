import { describe, expect, it } from 'vitest';
import type { CaseTimeline } from '../cases/index.js';
import {
  FEW_CASES,
  FigureAccumulator,
  computeFigures,
  flagsFromColumn,
  flagsToColumn,
  isJump,
  percentile,
  windowEndingAt,
} from './compute.js';
import type { ProcessingTimeFigure } from './published.js';

/** Processing times computed from known histories (PT-1): percentiles, ties, censoring, the window, flags. */

const END = new Date('2026-12-01T12:00:00Z');
const WINDOW = windowEndingAt(END);
const DAY = 86_400_000;

let nextId = 1;
/** A case received `days` days before its decision on `decided` (none: still open). */
function timeline(p: {
  form?: string;
  category?: string | null;
  office?: string;
  days: number;
  decided?: string | null;
}): CaseTimeline {
  const decided = p.decided === null ? undefined : new Date(p.decided ?? '2026-10-01T12:00:00Z');
  const receivedAt = new Date((decided ?? END).getTime() - p.days * DAY);
  return {
    caseId: nextId++,
    formCode: p.form ?? 'N-400',
    formCategory: p.category ?? null,
    officeCode: p.office ?? 'FO-MIA',
    receivedAt,
    at: decided ? { decided } : {},
  };
}

const figuresOf = (timelines: CaseTimeline[], previous: ProcessingTimeFigure[] | null = null) => {
  const acc = new FigureAccumulator(WINDOW);
  acc.add(timelines);
  return { figures: acc.figures(previous), casesRead: acc.casesRead };
};

describe('percentile (nearest rank: the smallest d with at least p of the cases <= d)', () => {
  it('answers durations real cases took', () => {
    const ten = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(percentile(ten, 0.8)).toBe(8);
    expect(percentile(ten, 0.5)).toBe(5);
    expect(percentile([7], 0.8)).toBe(7);
    expect(percentile([7], 0.5)).toBe(7);
    // Three cases: 80% of 3 is 2.4, so the third (at least 80% took it or less).
    expect(percentile([1, 2, 3], 0.8)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5], 0.8)).toBe(4);
    expect(() => percentile([], 0.8)).toThrow();
  });
});

describe('figures from case timelines', () => {
  it('computes median and 80th percentile per form, category and office; ties count each case', () => {
    // Ten cases: 10, 20, 30, 30, 30, 30, 40, 50, 60, 100 days.
    const days = [30, 10, 30, 60, 20, 30, 100, 40, 30, 50];
    const { figures, casesRead } = figuresOf(days.map((d) => timeline({ days: d })));
    expect(casesRead).toBe(10);
    expect(figures).toEqual([
      {
        formCode: 'N-400',
        categoryCode: '',
        officeCode: 'FO-MIA',
        completedCount: 10,
        medianDays: 30,
        p80Days: 50,
        flags: ['few_cases'],
      },
    ]);
  });

  it('leaves out open cases (censored: not counted, as the agency publishes) and cases completed outside the window', () => {
    const { figures, casesRead } = figuresOf([
      timeline({ days: 10 }),
      timeline({ days: 20 }),
      // Still open after 900 days: not a completion, not counted.
      timeline({ days: 900, decided: null }),
      // Completed before the window (more than six months before the run) and after its end.
      timeline({ days: 5, decided: '2026-05-31T12:00:00Z' }),
      timeline({ days: 5, decided: '2026-12-01T12:00:00Z' }),
      // The first moment of the window counts.
      timeline({ days: 30, decided: '2026-06-01T12:00:00Z' }),
    ]);
    expect(casesRead).toBe(6);
    expect(figures).toHaveLength(1);
    expect(figures[0]).toMatchObject({ completedCount: 3, medianDays: 20, p80Days: 30 });
  });

  it('gives an office without completed cases no figure, and keeps offices and categories apart', () => {
    const { figures } = figuresOf([
      timeline({ office: 'FO-MIA', days: 100 }),
      timeline({ office: 'FO-NYC', days: 200, decided: null }),
      timeline({ form: 'I-485', category: 'employment', office: 'NBC', days: 300 }),
      timeline({ form: 'I-485', category: 'family', office: 'NBC', days: 400 }),
      // No category (or an unknown one): the form's fallback category.
      timeline({ form: 'I-485', category: null, office: 'NBC', days: 500 }),
      timeline({ form: 'I-485', category: 'nonsense', office: 'NBC', days: 600 }),
    ]);
    expect(figures.map((f) => [f.formCode, f.categoryCode, f.officeCode, f.completedCount, f.p80Days])).toEqual([
      ['I-485', 'employment', 'NBC', 1, 300],
      ['I-485', 'family', 'NBC', 1, 400],
      ['I-485', 'other', 'NBC', 2, 600],
      ['N-400', '', 'FO-MIA', 1, 100],
    ]);
  });

  it('counts a decision dated before the receipt as the same day, and rounds to a tenth of a day', () => {
    const { figures } = figuresOf([timeline({ days: -3 }), timeline({ days: 1.26 })]);
    expect(figures[0]).toMatchObject({ medianDays: 0, p80Days: 1.3 });
  });

  it('streams batches', async () => {
    const batches = [[timeline({ days: 1 }), timeline({ days: 2 })], [timeline({ days: 3 })]];
    const { figures, casesRead } = await computeFigures(batches, WINDOW, null);
    expect(casesRead).toBe(3);
    expect(figures[0]).toMatchObject({ completedCount: 3, medianDays: 2, p80Days: 3 });
  });
});

describe('flags against the last publication', () => {
  const published = (p80Days: number, office = 'FO-MIA'): ProcessingTimeFigure => ({
    formCode: 'N-400',
    categoryCode: null,
    officeCode: office,
    medianDays: p80Days / 2,
    p80Days,
    completedCount: 100,
  });
  const many = (days: number, office = 'FO-MIA') => Array.from({ length: FEW_CASES }, () => timeline({ days, office }));

  it('flags a jump of more than 25% of the 80th percentile, either way, and not 25% itself', () => {
    expect(figuresOf(many(126), [published(100)]).figures[0]!.flags).toEqual(['jump']);
    expect(figuresOf(many(74), [published(100)]).figures[0]!.flags).toEqual(['jump']);
    expect(figuresOf(many(125), [published(100)]).figures[0]!.flags).toEqual([]);
    expect(figuresOf(many(75), [published(100)]).figures[0]!.flags).toEqual([]);
    expect(isJump(0, 0)).toBe(false);
    expect(isJump(0, 1)).toBe(true);
  });

  it('flags a figure the last publication did not have as new (none before the first publication)', () => {
    expect(figuresOf(many(100, 'FO-NYC'), [published(100)]).figures[0]!.flags).toEqual(['new']);
    expect(figuresOf(many(100, 'FO-NYC'), null).figures[0]!.flags).toEqual([]);
  });

  it('flags fewer than FEW_CASES completed cases, beside a jump', () => {
    const few = Array.from({ length: FEW_CASES - 1 }, () => timeline({ days: 300 }));
    expect(figuresOf(few, [published(100)]).figures[0]!.flags).toEqual(['jump', 'few_cases']);
    expect(figuresOf(many(100), [published(100)]).figures[0]!.flags).toEqual([]);
  });

  it('stores flags as one column and reads them back', () => {
    expect(flagsToColumn([])).toBeNull();
    expect(flagsToColumn(['jump', 'few_cases'])).toBe('jump,few_cases');
    expect(flagsFromColumn('jump,few_cases')).toEqual(['jump', 'few_cases']);
    expect(flagsFromColumn(null)).toEqual([]);
    expect(flagsFromColumn('odd')).toEqual([]);
  });
});

describe('the window', () => {
  it('is the six calendar months before the run', () => {
    expect(WINDOW.start.toISOString()).toBe('2026-06-01T12:00:00.000Z');
    expect(WINDOW.end).toEqual(END);
  });

  it('computes 1,000,000 cases quickly (numbers only, one array per group)', () => {
    const acc = new FigureAccumulator(WINDOW);
    const offices = ['FO-MIA', 'FO-NYC', 'NBC', 'VSC'];
    const batch: CaseTimeline[] = [];
    const started = performance.now();
    for (let i = 0; i < 1_000_000; i++) {
      batch.push(timeline({ office: offices[i % 4], days: (i * 7919) % 700 }));
      if (batch.length === 20_000) acc.add(batch.splice(0));
    }
    const figures = acc.figures(null);
    expect(figures).toHaveLength(4);
    expect(figures.reduce((n, f) => n + f.completedCount, 0)).toBe(1_000_000);
    // Generous on a shared machine; the point is seconds, not minutes.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
