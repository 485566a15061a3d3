import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundText, DAYS_PER_MONTH, publishedRange, rangeBound, rangeText, rangeUnit } from './ranges.js';

describe('published ranges', () => {
  it('states a range in months from eight weeks up, with one decimal, as the agency does', () => {
    expect(publishedRange({ medianDays: 182, p80Days: 319 })).toEqual({
      lower: { value: 6, unit: 'Months', unitEn: 'Months', unitEs: 'Meses' },
      upper: { value: 10.5, unit: 'Months', unitEn: 'Months', unitEs: 'Meses' },
    });
    expect(rangeUnit(56)).toBe('Months');
    expect(rangeUnit(55.9)).toBe('Weeks');
  });

  it('states a short range in weeks, both bounds in the same unit', () => {
    expect(publishedRange({ medianDays: 20, p80Days: 38 })).toEqual({
      lower: { value: 2.9, unit: 'Weeks', unitEn: 'Weeks', unitEs: 'Semanas' },
      upper: { value: 5.5, unit: 'Weeks', unitEn: 'Weeks', unitEs: 'Semanas' },
    });
  });

  it('rounds up to a tenth: a bound never claims less time than the cases took', () => {
    expect(rangeBound(7, 'Weeks').value).toBe(1);
    expect(rangeBound(7.01, 'Weeks').value).toBe(1.1);
    expect(rangeBound(DAYS_PER_MONTH * 3, 'Months').value).toBe(3);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 2000, noNaN: true }), (days) => {
        const r = publishedRange({ medianDays: days / 2, p80Days: days });
        const perUnit = r.upper.unit === 'Weeks' ? 7 : DAYS_PER_MONTH;
        expect(r.upper.value * perUnit).toBeGreaterThanOrEqual(days - 1e-6);
        expect(r.upper.value * perUnit).toBeLessThan(days + perUnit / 10 + 1e-6);
        expect(Math.round(r.upper.value * 10)).toBeCloseTo(r.upper.value * 10, 9);
        expect(r.lower.value).toBeLessThanOrEqual(r.upper.value);
      }),
    );
  });

  it('says the range in both languages', () => {
    const range = publishedRange({ medianDays: 240, p80Days: 365 });
    expect(rangeText(range, 'en')).toBe('7.9 to 12 months');
    expect(rangeText(range, 'es')).toBe('de 7.9 a 12 meses');
    expect(boundText(rangeBound(7, 'Weeks'), 'en')).toBe('1 week');
    expect(boundText(rangeBound(7, 'Weeks'), 'es')).toBe('1 semana');
    expect(boundText(rangeBound(DAYS_PER_MONTH, 'Months'), 'es')).toBe('1 mes');
    expect(rangeText(publishedRange({ medianDays: 14, p80Days: 14 }), 'en')).toBe('2 weeks');
  });
});
