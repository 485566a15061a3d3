import type { Language } from '../../platform/i18n/index.js';
import { LOCALES } from '../../platform/format.js';

/**
 * A published figure as the agency states it (PT-1): a range from the median (the lower bound) to the time within
 * which 80% of the cases were completed (the upper bound), in weeks when the upper bound is under eight weeks, else
 * in months, with one decimal ("10.5 Months"). One place for the public page, the agency-compatible API, myProgress
 * and anything else that states a processing time.
 */
export type RangeUnit = 'Weeks' | 'Months';

export interface RangeBound {
  /** In `unit`, rounded up to one decimal: a bound never claims less time than the cases took. */
  value: number;
  unit: RangeUnit;
  /** The agency API's unit names: "Months"/"Meses", "Weeks"/"Semanas". */
  unitEn: string;
  unitEs: string;
}

export interface PublishedRange {
  /** The median: half of the cases were completed within it. */
  lower: RangeBound;
  /** The 80th percentile: 80% of the cases were completed within it (the inquiry rule counts back by it). */
  upper: RangeBound;
}

/** Below this many days (8 weeks) for the upper bound, a range is stated in weeks. */
export const WEEKS_BELOW_DAYS = 56;
/** The average month: 365.25 / 12 days. */
export const DAYS_PER_MONTH = 365.25 / 12;

const UNIT_NAMES: Record<RangeUnit, { en: string; es: string }> = {
  Months: { en: 'Months', es: 'Meses' },
  Weeks: { en: 'Weeks', es: 'Semanas' },
};

/** Up to one decimal, rounded up (a float's noise below 1e-9 is not a tenth). */
function tenthUp(value: number): number {
  return Math.max(0, Math.ceil(value * 10 - 1e-9) / 10);
}

/** A number of days in a unit, as the agency states it. */
export function rangeBound(days: number, unit: RangeUnit): RangeBound {
  const value = tenthUp(days / (unit === 'Weeks' ? 7 : DAYS_PER_MONTH));
  return { value, unit, unitEn: UNIT_NAMES[unit].en, unitEs: UNIT_NAMES[unit].es };
}

/** The unit both bounds of a figure are stated in: weeks when the upper bound is under eight weeks. */
export function rangeUnit(upperDays: number): RangeUnit {
  return upperDays < WEEKS_BELOW_DAYS ? 'Weeks' : 'Months';
}

/** A published figure's range: median to 80th percentile, both in the same unit. */
export function publishedRange(figure: { medianDays: number; p80Days: number }): PublishedRange {
  const unit = rangeUnit(figure.p80Days);
  return { lower: rangeBound(figure.medianDays, unit), upper: rangeBound(figure.p80Days, unit) };
}

const WORDS: Record<Language, Record<RangeUnit, [one: string, many: string]>> = {
  en: { Months: ['month', 'months'], Weeks: ['week', 'weeks'] },
  es: { Months: ['mes', 'meses'], Weeks: ['semana', 'semanas'] },
};

const numberFormats = new Map<Language, Intl.NumberFormat>();
function formatNumber(value: number, lang: Language): string {
  let f = numberFormats.get(lang);
  if (!f) numberFormats.set(lang, (f = new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 1 })));
  return f.format(value);
}

/** One bound in a sentence: "10.5 months", "1 week" / "10.5 meses", "1 semana". */
export function boundText(bound: RangeBound, lang: Language): string {
  const [one, many] = WORDS[lang][bound.unit];
  return `${formatNumber(bound.value, lang)} ${bound.value === 1 ? one : many}`;
}

/** The range in a sentence: "8 to 10.5 months" / "de 8 a 10.5 meses" (one unit word, as both share it). */
export function rangeText(range: PublishedRange, lang: Language): string {
  const upper = boundText(range.upper, lang);
  const lower = formatNumber(range.lower.value, lang);
  if (range.lower.value === range.upper.value) return upper;
  return lang === 'es' ? `de ${lower} a ${upper}` : `${lower} to ${upper}`;
}
