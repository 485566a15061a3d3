import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { sha256 } from '../../platform/hashing.js';
import type { Language } from '../../platform/i18n/index.js';
import { FORMS } from '../cases/index.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import { localDate } from '../../platform/format.js';
import {
  answerItemSurveyInvitation,
  insertItemSurveyInvitation,
  usableItemSurveyInvitation,
  countComments,
  insertResponse,
  listComments,
  ratingsOverTime,
  responsesAfter,
  summarizeResponses,
  type CommentRow,
  type ExportRow,
  type PeriodRow,
  type RatingSummary,
  type SurveyQuery,
} from './repository.js';

/** Surveys (ACC-9): anonymous responses with the form and page they are about. */
export type SurveyKind = 'exit' | 'account_created';

/** How long the survey link of a resolved service item works. */
export const ITEM_SURVEY_TTL_MS = 30 * 86_400_000;

/**
 * The one-question survey of a resolved service item (issue 15 point 10): records a single-use invitation, in the
 * caller's transaction (the one that resolves the item), and answers the path of its link for the email.
 */
export async function inviteToItemSurvey(
  db: DbHandle,
  p: { token: string; itemNumber: number; language: Language; now: Date },
): Promise<string> {
  await insertItemSurveyInvitation(db, {
    token_hash: sha256(p.token),
    service_item_number: p.itemNumber,
    language: p.language,
    created_at: p.now,
    expires_at: new Date(p.now.getTime() + ITEM_SURVEY_TTL_MS),
    answered_at: null,
  });
  return `/survey/service-item?token=${encodeURIComponent(p.token)}`;
}

export interface SurveyInput {
  rating?: string;
  comment?: string;
  aboutForm?: string;
  aboutPage?: string;
}

export type { CommentRow, ExportRow, PeriodRow, RatingSummary };

export type SurveyProblem = {
  field: 'rating' | 'comment' | 'about_page';
  code: 'empty' | 'comment_too_long' | 'page_too_long';
};

export const ABOUT_FORM_CHOICES = ['', 'account', ...FORMS.map((f) => f.code)];

export class SurveyService {
  constructor(private readonly deps: { db: DbHandle; clock: Clock }) {}

  /** Saves a response; answers the problems instead when the input is not acceptable (nothing is written then). */
  async submit(
    survey: SurveyKind,
    input: SurveyInput,
    language: Language,
  ): Promise<{ ok: true } | { ok: false; problems: SurveyProblem[] }> {
    const rating = /^[1-5]$/.test(input.rating ?? '') ? Number(input.rating) : null;
    const comment = (input.comment ?? '').trim();
    const aboutPage = (input.aboutPage ?? '').trim();
    const aboutForm = ABOUT_FORM_CHOICES.includes(input.aboutForm ?? '') ? input.aboutForm || null : null;
    const problems: SurveyProblem[] = [];
    if (rating === null && !comment) problems.push({ field: 'rating', code: 'empty' });
    if ([...comment].length > 2000) problems.push({ field: 'comment', code: 'comment_too_long' });
    if ([...aboutPage].length > 200) problems.push({ field: 'about_page', code: 'page_too_long' });
    if (problems.length) return { ok: false, problems };
    await insertResponse(this.deps.db, {
      survey,
      rating,
      comment: comment || null,
      about_form: aboutForm,
      about_page: aboutPage || null,
      language,
      created_at: this.deps.clock.now(),
    });
    return { ok: true };
  }

  /** The service item a usable survey link is about (undefined: unknown, used or expired). */
  async itemSurvey(token: string): Promise<{ itemNumber: number } | undefined> {
    if (!token || token.length > 100) return undefined;
    const row = await usableItemSurveyInvitation(this.deps.db, sha256(token), this.deps.clock.now());
    return row ? { itemNumber: Number(row.service_item_number) } : undefined;
  }

  /** The answer to the one question (a rating 1-5), once per link. */
  async answerItemSurvey(
    token: string,
    rating: string | undefined,
    language: Language,
  ): Promise<{ ok: true } | { ok: false; problem: 'rating' | 'link' }> {
    if (!/^[1-5]$/.test(rating ?? '')) return { ok: false, problem: 'rating' };
    if (!token || token.length > 100) return { ok: false, problem: 'link' };
    const now = this.deps.clock.now();
    return inTransaction(this.deps.db, async (trx) => {
      const invitation = await answerItemSurveyInvitation(trx, sha256(token), now);
      if (!invitation) return { ok: false, problem: 'link' } as const;
      await insertResponse(trx, {
        survey: 'service_item',
        rating: Number(rating),
        comment: null,
        about_form: null,
        about_page: null,
        language,
        created_at: now,
        service_item_number: Number(invitation.service_item_number),
      });
      return { ok: true } as const;
    });
  }

  // The staff side (ACC-9: every response is reviewed). Every view and every export is audited with its filters.

  /** Today ('YYYY-MM-DD') by the clock of `timeZone` (the agency's). */
  todayIn(timeZone: string): string {
    return localDate(this.deps.clock.now(), timeZone);
  }

  /** Reads the staff filters; dates default to the last 90 days, today included. */
  readStaffFilters(query: SurveyFilterQuery, timeZone: string) {
    return readSurveyFilters(query, this.todayIn(timeZone), timeZone);
  }

  /** Summary, averages over time (per day up to 31 days, else per week) and one page of comments; audited. */
  async staffReport(actor: StaffActor, filters: SurveyFilters, page: number): Promise<SurveyReport> {
    const { db, clock } = this.deps;
    await auditStaffAction(db, clock, actor, 'surveys.viewed', undefined, { filters, page });
    const unit = daysInRange(filters.from, filters.to) <= DAILY_UP_TO_DAYS ? 'day' : 'week';
    // One after the other: on PGlite every query goes through the one connection anyway.
    const summary = await summarizeResponses(db, filters);
    const periods = await ratingsOverTime(db, filters, unit);
    const total = await countComments(db, filters);
    const rows = await listComments(db, filters, { limit: COMMENTS_PER_PAGE, offset: (page - 1) * COMMENTS_PER_PAGE });
    return {
      filters,
      summary,
      unit,
      periods,
      comments: {
        rows,
        total,
        page,
        pages: Math.max(1, Math.ceil(total / COMMENTS_PER_PAGE)),
        perPage: COMMENTS_PER_PAGE,
      },
    };
  }

  /**
   * The CSV export: audited before the first row is read, then the responses in batches of 1,000, oldest first,
   * each batch its own short query, so any number of responses goes out without being held in memory at once.
   */
  async exportResponses(actor: StaffActor, filters: SurveyFilters): Promise<AsyncIterable<ExportRow[]>> {
    const { db, clock } = this.deps;
    await auditStaffAction(db, clock, actor, 'surveys.exported', undefined, { filters });
    return (async function* batches() {
      let after: { createdAt: Date; id: number } | null = null;
      for (;;) {
        const rows = await responsesAfter(db, filters, after, EXPORT_BATCH);
        if (rows.length) yield rows;
        if (rows.length < EXPORT_BATCH) return;
        const last = rows[rows.length - 1]!;
        after = { createdAt: last.created_at, id: last.id };
      }
    })();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The staff side (ACC-9 "every response is reviewed"): filters, summary, averages over time, comments, CSV export.
// Every view and every export is written to the audit log with the filters used.

/**
 * What a staff member asked for: null means "any". `from` and `to` are calendar days ('YYYY-MM-DD', both included)
 * by the clock of `timeZone`, the agency's time zone they were read in.
 */
export type SurveyFilters = SurveyQuery;

/** The filter form's fields as typed (shown back in the form when they have a problem). */
export interface SurveyFilterValues {
  survey: string;
  from: string;
  to: string;
  about_form: string;
  language: string;
}

export type SurveyFilterProblem =
  | { field: 'survey'; code: 'unknown_survey' }
  | { field: 'from' | 'to'; code: 'date_format' | 'date_invalid' }
  | { field: 'from'; code: 'range_order' | 'range_too_long' }
  | { field: 'about_form'; code: 'unknown_form' }
  | { field: 'language'; code: 'unknown_language' }
  /** A bad page number: the error summary sends the person to the filter form (applying it starts at page 1). */
  | { field: 'filters'; code: 'page' };

export const DEFAULT_RANGE_DAYS = 90;
/** Longest range: five years of weekly rows is about 260 rows, still a readable table. */
export const MAX_RANGE_DAYS = 5 * 366;
/** Up to this many days the averages are per day, beyond per week. */
export const DAILY_UP_TO_DAYS = 31;
export const COMMENTS_PER_PAGE = 50;
const EXPORT_BATCH = 1000;

const dayNumber = (iso: string): number =>
  Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
const fromDayNumber = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);

/** Days from `from` to `to`, both included. */
export function daysInRange(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from) + 1;
}

/**
 * A date typed by a person: 'YYYY-MM-DD' (what the hint shows) or the U.S. 'MM/DD/YYYY'. Answers the ISO form,
 * or why not: not in either format, or not a real day (2026-02-30). Years 1900-2999 only.
 */
export function parseCalendarDate(
  input: string,
): { ok: true; date: string } | { ok: false; code: 'date_format' | 'date_invalid' } {
  const text = input.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!iso && !us) return { ok: false, code: 'date_format' };
  const [year, month, day] = iso
    ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
    : [Number(us![3]), Number(us![1]), Number(us![2])];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (year < 1900 || year > 2999 || !monthDays || day < 1 || day > monthDays)
    return { ok: false, code: 'date_invalid' };
  return { ok: true, date: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

/** The filters as the query string sends them (routes.staff.ts declares how each is read); missing ones are empty. */
export type SurveyFilterQuery = Partial<Record<'survey' | 'from' | 'to' | 'about_form' | 'language' | 'page', string>>;

/**
 * Reads the filters from a query string (missing, repeated or odd parameters are problems, never errors). Without
 * dates: the last 90 days by the agency's clock, today included.
 */
export function readSurveyFilters(
  query: SurveyFilterQuery,
  today: string,
  timeZone: string,
):
  | { ok: true; filters: SurveyFilters; page: number; values: SurveyFilterValues }
  | { ok: false; problems: SurveyFilterProblem[]; values: SurveyFilterValues } {
  // A repeated parameter was read as a value nobody could have chosen (a NUL: routes.staff.ts), so it is refused below.
  const text = (name: keyof SurveyFilterQuery): string => (query[name] ?? '').slice(0, 100);
  const values: SurveyFilterValues = {
    survey: text('survey'),
    from: text('from'),
    to: text('to'),
    about_form: text('about_form'),
    language: text('language'),
  };
  const shown = { ...values };
  for (const key of Object.keys(shown) as (keyof SurveyFilterValues)[]) shown[key] = shown[key].replace(/\u0000/g, '');
  const problems: SurveyFilterProblem[] = [];

  const survey =
    values.survey === '' || values.survey === 'all'
      ? null
      : values.survey === 'exit' || values.survey === 'account_created' || values.survey === 'service_item'
        ? values.survey
        : undefined;
  if (survey === undefined) problems.push({ field: 'survey', code: 'unknown_survey' });

  const readDate = (field: 'from' | 'to'): string | null | undefined => {
    if (values[field].trim() === '') return null;
    const parsed = parseCalendarDate(values[field]);
    if (parsed.ok) return parsed.date;
    problems.push({ field, code: parsed.code });
    return undefined;
  };
  const fromInput = readDate('from');
  const toInput = readDate('to');
  let from = '';
  let to = '';
  if (fromInput !== undefined && toInput !== undefined) {
    to = toInput ?? today;
    from = fromInput ?? fromDayNumber(dayNumber(to) - (DEFAULT_RANGE_DAYS - 1));
    if (dayNumber(from) > dayNumber(to)) problems.push({ field: 'from', code: 'range_order' });
    else if (daysInRange(from, to) > MAX_RANGE_DAYS) problems.push({ field: 'from', code: 'range_too_long' });
  }

  const aboutForm =
    values.about_form === '' ? null : ABOUT_FORM_CHOICES.includes(values.about_form) ? values.about_form : undefined;
  if (aboutForm === undefined) problems.push({ field: 'about_form', code: 'unknown_form' });
  const language =
    values.language === '' ? null : values.language === 'en' || values.language === 'es' ? values.language : undefined;
  if (language === undefined) problems.push({ field: 'language', code: 'unknown_language' });

  const pageText = text('page');
  const page = pageText === '' ? 1 : /^[1-9]\d{0,5}$/.test(pageText) ? Number(pageText) : undefined;
  if (page === undefined) problems.push({ field: 'filters', code: 'page' });

  if (problems.length) return { ok: false, problems, values: shown };
  return {
    ok: true,
    filters: { survey: survey!, from, to, aboutForm: aboutForm!, language: language!, timeZone },
    page: page!,
    // The form shows the dates actually used (the defaults included, US dates in ISO form).
    values: { ...shown, from, to },
  };
}

export interface SurveyReport {
  filters: SurveyFilters;
  summary: RatingSummary;
  unit: 'day' | 'week';
  periods: PeriodRow[];
  comments: { rows: CommentRow[]; total: number; page: number; pages: number; perPage: number };
}
