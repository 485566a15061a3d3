import { z } from 'zod';
import type { ServiceItemChannel } from '../service-items/index.js';
import { fields } from '../../platform/http/inputs.js';

/** The quality-review rubric (CC-14) and the reading of the review and sample forms: pure rules, no SQL, no HTTP. */

export const CRITERIA = ['greeting', 'verification', 'accuracy', 'resolution', 'courtesy'] as const;
export type Criterion = (typeof CRITERIA)[number];
export const LEVELS = [0, 1, 2, 3, 4] as const;
export const MAX_LEVEL = 4;
export type Scores = Record<Criterion, number>;

export const COMMENT_MAX = 2000;
export const NOTE_MAX = 500;
export const SAMPLE_DEFAULT = 10;
export const SAMPLE_MAX = 50;
export const PERIOD_DEFAULT_DAYS = 7;
/** Longest sampling period: a quarter (every item of the period is ranked by its hash). */
export const PERIOD_MAX_DAYS = 93;
export const SEED_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export const CHANNELS: readonly ServiceItemChannel[] = [
  'phone',
  'chat',
  'e_request',
  'secure_message',
  'appointment_request',
  'voice_assistant',
  'technical_help_form',
];

/** The total as a percentage of the rubric's maximum, two decimals (what numeric(5,2) keeps). */
export function totalOf(scores: Scores): number {
  const sum = CRITERIA.reduce((n, c) => n + scores[c], 0);
  return Math.round((sum / (CRITERIA.length * MAX_LEVEL)) * 10_000) / 100;
}

/** A single text field; a repeated one (an array) is kept as a value nobody could have chosen. */
const field = (max = 10_000) =>
  z
    .unknown()
    .optional()
    .transform((value): string =>
      value === undefined ? '' : typeof value === 'string' ? value.slice(0, max) : '\u0000',
    );

// ---- The review form -------------------------------------------------------------------------------------------

export interface ReviewFormValues {
  greeting: string;
  verification: string;
  accuracy: string;
  resolution: string;
  courtesy: string;
  wrong_answer: string;
  article: string;
  article_version: string;
  comment: string;
}

export type ReviewField = keyof ReviewFormValues;
export type ReviewProblemCode =
  | 'score_missing'
  | 'score_invalid'
  | 'wrong_answer_missing'
  | 'article_without_wrong_answer'
  | 'article_unknown'
  | 'version_invalid'
  | 'version_unknown'
  | 'version_without_article'
  | 'comment_required'
  | 'comment_too_long';
export interface ReviewProblem {
  field: ReviewField;
  code: ReviewProblemCode;
}

export interface ReviewInput {
  scores: Scores;
  wrongAnswer: boolean;
  /** The article slug the wrong answer came from, if any. */
  article: string | null;
  /** A version chosen; null: the article's current one. */
  version: number | null;
  comment: string;
}

const FIELD_ORDER: ReviewField[] = [...CRITERIA, 'wrong_answer', 'article', 'article_version', 'comment'];

export function sortReviewProblems(problems: ReviewProblem[]): ReviewProblem[] {
  return [...problems].sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
}

/** The review form's fields as the route declares them (ADR 15), read by `readReview`. */
export const reviewFields = {
  greeting: field(10),
  verification: field(10),
  accuracy: field(10),
  resolution: field(10),
  courtesy: field(10),
  wrong_answer: field(10),
  article: field(200),
  article_version: field(20),
  comment: field(COMMENT_MAX * 4),
};
const reviewForm = fields(reviewFields);

/** A posted review form (any shape) as its values. */
export function reviewFormValues(body: unknown): ReviewFormValues {
  return reviewForm.parse(body);
}

/** Reads a posted review: every criterion scored 0-4, wrong answer yes or no, the article only for a wrong answer. */
export function readReview(
  values: ReviewFormValues,
): { ok: true; input: ReviewInput } | { ok: false; problems: ReviewProblem[] } {
  const problems: ReviewProblem[] = [];
  const scores = {} as Scores;
  for (const c of CRITERIA) {
    const v = values[c].trim();
    if (v === '') problems.push({ field: c, code: 'score_missing' });
    else if (!/^[0-4]$/.test(v)) problems.push({ field: c, code: 'score_invalid' });
    else scores[c] = Number(v);
  }
  const wrong = values.wrong_answer === 'yes' ? true : values.wrong_answer === 'no' ? false : undefined;
  if (wrong === undefined) problems.push({ field: 'wrong_answer', code: 'wrong_answer_missing' });
  const article = values.article.trim();
  const versionText = values.article_version.trim();
  let version: number | null = null;
  if (article && wrong === false) problems.push({ field: 'article', code: 'article_without_wrong_answer' });
  if (article && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(article))
    problems.push({ field: 'article', code: 'article_unknown' });
  if (versionText) {
    if (!/^[1-9]\d{0,5}$/.test(versionText)) problems.push({ field: 'article_version', code: 'version_invalid' });
    else if (!article) problems.push({ field: 'article_version', code: 'version_without_article' });
    else version = Number(versionText);
  }
  const comment = values.comment.replace(/\r\n?/g, '\n').trim();
  if ([...comment].length > COMMENT_MAX) problems.push({ field: 'comment', code: 'comment_too_long' });
  else if (wrong && !comment) problems.push({ field: 'comment', code: 'comment_required' });
  if (problems.length) return { ok: false, problems: sortReviewProblems(problems) };
  return { ok: true, input: { scores, wrongAnswer: wrong!, article: article || null, version, comment } };
}

// ---- The sample filters ------------------------------------------------------------------------------------------

export interface SampleFilterValues {
  from: string;
  to: string;
  channel: string;
  agent: string;
  n: string;
  seed: string;
}

export interface SampleFilters {
  /** Calendar days 'YYYY-MM-DD' in the agency's time zone, both included. */
  from: string;
  to: string;
  channel: ServiceItemChannel | null;
  agentId: string | null;
  size: number;
  seed: string;
}

export type SampleProblem =
  | { field: 'from' | 'to'; code: 'date_invalid' }
  | { field: 'from'; code: 'range_order' | 'range_too_long' }
  | { field: 'channel'; code: 'channel_unknown' }
  | { field: 'agent'; code: 'agent_unknown' }
  | { field: 'n'; code: 'size_invalid' }
  | { field: 'seed'; code: 'seed_invalid' };

const dayNumber = (iso: string): number =>
  Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
export const fromDayNumber = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);
export const addDays = (iso: string, days: number): string => fromDayNumber(dayNumber(iso) + days);

/** 'YYYY-MM-DD' or 'MM/DD/YYYY', a real day of the years 1900-2999, as 'YYYY-MM-DD'. */
export function parseDay(input: string): string | undefined {
  const text = input.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!iso && !us) return undefined;
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : [Number(us![3]), Number(us![1]), Number(us![2])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (year < 1900 || year > 2999 || !monthDays || day < 1 || day > monthDays) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The sample's query string as the route declares it (ADR 15), read by `readSampleFilters`. */
export const sampleFilterQuery = fields({
  from: field(40),
  to: field(40),
  channel: field(40),
  agent: field(40),
  n: field(10),
  seed: field(80),
});

/**
 * Reads the sample filters from a query string (any shape, or as `sampleFilterQuery` read it: reading is the same). Without dates: the last 7 days, today included. An
 * empty seed is allowed here (the route draws one and redirects, so that the seed is in the address).
 */
export function readSampleFilters(
  query: unknown,
  today: string,
  agents: readonly string[],
):
  | { ok: true; filters: SampleFilters; values: SampleFilterValues }
  | { ok: false; problems: SampleProblem[]; values: SampleFilterValues } {
  const values: SampleFilterValues = sampleFilterQuery.parse(query);
  const shown = Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, v.replace(/\u0000/g, '')]),
  ) as unknown as SampleFilterValues;
  const problems: SampleProblem[] = [];
  const day = (name: 'from' | 'to'): string | null | undefined => {
    if (!values[name].trim()) return null;
    const parsed = parseDay(values[name]);
    if (!parsed) problems.push({ field: name, code: 'date_invalid' });
    return parsed;
  };
  const fromInput = day('from');
  const toInput = day('to');
  let from = '';
  let to = '';
  if (fromInput !== undefined && toInput !== undefined) {
    to = toInput ?? today;
    from = fromInput ?? addDays(to, -(PERIOD_DEFAULT_DAYS - 1));
    if (dayNumber(from) > dayNumber(to)) problems.push({ field: 'from', code: 'range_order' });
    else if (dayNumber(to) - dayNumber(from) + 1 > PERIOD_MAX_DAYS)
      problems.push({ field: 'from', code: 'range_too_long' });
  }
  const channel =
    values.channel === ''
      ? null
      : (CHANNELS as readonly string[]).includes(values.channel)
        ? (values.channel as ServiceItemChannel)
        : undefined;
  if (channel === undefined) problems.push({ field: 'channel', code: 'channel_unknown' });
  const agent =
    values.agent === '' ? null : UUID.test(values.agent) && agents.includes(values.agent) ? values.agent : undefined;
  if (agent === undefined) problems.push({ field: 'agent', code: 'agent_unknown' });
  const n = values.n.trim() === '' ? SAMPLE_DEFAULT : /^\d{1,3}$/.test(values.n.trim()) ? Number(values.n.trim()) : NaN;
  if (!(n >= 1 && n <= SAMPLE_MAX)) problems.push({ field: 'n', code: 'size_invalid' });
  const seed = values.seed.trim();
  if (seed && !SEED_PATTERN.test(seed)) problems.push({ field: 'seed', code: 'seed_invalid' });
  if (problems.length) return { ok: false, problems, values: shown };
  return {
    ok: true,
    filters: { from, to, channel: channel!, agentId: agent!, size: n, seed },
    values: { ...shown, from, to, n: String(n), seed },
  };
}

/** The query string of a sample (what the address holds: reproducible by anyone who opens it). */
export function sampleQuery(f: SampleFilters): string {
  const params = new URLSearchParams({ from: f.from, to: f.to });
  if (f.channel) params.set('channel', f.channel);
  if (f.agentId) params.set('agent', f.agentId);
  params.set('n', String(f.size));
  params.set('seed', f.seed);
  return params.toString();
}

/**
 * A sample query handed from page to page (the review page's "back to the sample"): only the sample's own
 * parameters, each a plain value, so it can only ever point back at /staff/quality.
 */
export function cleanSampleQuery(text: string): string {
  const given = new URLSearchParams(text.slice(0, 600));
  const out = new URLSearchParams();
  for (const key of ['from', 'to', 'channel', 'agent', 'n', 'seed']) {
    const v = given.get(key);
    if (v && /^[A-Za-z0-9_/-]{1,64}$/.test(v)) out.set(key, v);
  }
  return out.toString();
}
