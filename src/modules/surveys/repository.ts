import { sql, type Insertable, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { ServiceItemSurveyInvitationsTable, SurveyResponsesTable } from './tables.js';

/** All SQL of the surveys module. */
export async function insertResponse(db: DbHandle, response: Insertable<SurveyResponsesTable>): Promise<void> {
  await db.insertInto('survey_responses').values(response).execute();
}

/**
 * What staff ask of the responses (ACC-9). `from` and `to` are calendar dates ('YYYY-MM-DD', both included) in
 * `timeZone` (the agency's): a response belongs to a day by the agency's clock, not by UTC. Null means "any".
 */
export interface SurveyQuery {
  survey: 'exit' | 'account_created' | 'service_item' | null;
  from: string;
  to: string;
  aboutForm: string | null;
  language: 'en' | 'es' | null;
  timeZone: string;
}

/** The responses the query selects. The day bounds are turned into instants in the agency's time zone by PostgreSQL. */
function filtered(db: DbHandle, q: SurveyQuery) {
  let query = db
    .selectFrom('survey_responses')
    .where('created_at', '>=', sql<Date>`(${q.from}::date)::timestamp at time zone ${q.timeZone}`)
    .where('created_at', '<', sql<Date>`(${q.to}::date + 1)::timestamp at time zone ${q.timeZone}`);
  if (q.survey) query = query.where('survey', '=', q.survey);
  if (q.aboutForm) query = query.where('about_form', '=', q.aboutForm);
  if (q.language) query = query.where('language', '=', q.language);
  return query;
}

/** avg() of a smallint is numeric, which arrives as a string: rounded to one decimal here, a number or null. */
const toAverage = (value: string | number | null): number | null => (value === null ? null : Number(value));

export interface RatingSummary {
  total: number;
  rated: number;
  average: number | null;
  /** Responses per rating, index 0 for rating 1 ... index 4 for rating 5. */
  byRating: [number, number, number, number, number];
}

/** Count, rated count, average rating (one decimal) and the distribution of ratings, in one pass. */
export async function summarizeResponses(db: DbHandle, q: SurveyQuery): Promise<RatingSummary> {
  const row = await filtered(db, q)
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.count<number>('rating').as('rated'),
      sql<string | null>`round(avg(rating), 1)`.as('average'),
      eb.fn.count<number>('id').filterWhere('rating', '=', 1).as('r1'),
      eb.fn.count<number>('id').filterWhere('rating', '=', 2).as('r2'),
      eb.fn.count<number>('id').filterWhere('rating', '=', 3).as('r3'),
      eb.fn.count<number>('id').filterWhere('rating', '=', 4).as('r4'),
      eb.fn.count<number>('id').filterWhere('rating', '=', 5).as('r5'),
    ])
    .executeTakeFirstOrThrow();
  return {
    total: Number(row.total),
    rated: Number(row.rated),
    average: toAverage(row.average),
    byRating: [Number(row.r1), Number(row.r2), Number(row.r3), Number(row.r4), Number(row.r5)],
  };
}

export interface PeriodRow {
  /** First and last day of the period inside the asked range ('YYYY-MM-DD'): the first and last weeks may be partial. */
  start: string;
  end: string;
  responses: number;
  average: number | null;
}

/**
 * Responses and average rating per day or per week (ISO weeks, Monday first, as PostgreSQL's date_trunc), every
 * period of the range listed, empty ones too. Periods are cut by the agency's clock (`AT TIME ZONE`).
 */
export async function ratingsOverTime(db: DbHandle, q: SurveyQuery, unit: 'day' | 'week'): Promise<PeriodRow[]> {
  const trunc = sql.lit(unit);
  const responses = filtered(db, q).select([
    sql`date_trunc(${trunc}, created_at at time zone ${q.timeZone})`.as('bucket'),
    'rating',
  ]);
  const result = await sql<{ first_day: string; last_day: string; responses: number; average: string | null }>`
    with r as (${responses}),
    p as (
      select generate_series(date_trunc(${trunc}, ${q.from}::date::timestamp), ${q.to}::date::timestamp, ${`1 ${unit}`}::interval) as bucket
    )
    select to_char(greatest(p.bucket, ${q.from}::date::timestamp), 'YYYY-MM-DD') as first_day,
           to_char(least(p.bucket + ${`1 ${unit}`}::interval - interval '1 day', ${q.to}::date::timestamp), 'YYYY-MM-DD') as last_day,
           count(r.bucket)::int as responses,
           round(avg(r.rating), 1) as average
    from p left join r on r.bucket = p.bucket
    group by p.bucket
    order by p.bucket`.execute(db);
  return result.rows.map((r) => ({
    start: r.first_day,
    end: r.last_day,
    responses: Number(r.responses),
    average: toAverage(r.average),
  }));
}

export interface CommentRow {
  id: number;
  survey: 'exit' | 'account_created' | 'service_item';
  rating: number | null;
  comment: string;
  about_form: string | null;
  about_page: string | null;
  language: 'en' | 'es';
  created_at: Date;
}

export async function countComments(db: DbHandle, q: SurveyQuery): Promise<number> {
  const row = await filtered(db, q)
    .where('comment', 'is not', null)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of the responses that have a comment, newest first. */
export async function listComments(
  db: DbHandle,
  q: SurveyQuery,
  page: { limit: number; offset: number },
): Promise<CommentRow[]> {
  const rows = await filtered(db, q)
    .where('comment', 'is not', null)
    .select(['id', 'survey', 'rating', 'comment', 'about_form', 'about_page', 'language', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map((r) => ({ ...r, comment: r.comment ?? '' }));
}

/** A response as the CSV export writes it (the service item's number only on a resolved item's survey). */
export type ExportRow = Selectable<SurveyResponsesTable>;

/**
 * The next batch of responses for the CSV export, oldest first, after the last one of the previous batch
 * (keyset pagination on created_at, id). Each batch is its own short query, so an export of any size holds neither
 * the rows in memory nor the connection (on PGlite the only one) for longer than one batch.
 * Cursor values are the Dates read back from the table; responses are written from JavaScript Dates (millisecond
 * precision), so they compare exactly.
 */
export async function responsesAfter(
  db: DbHandle,
  q: SurveyQuery,
  after: { createdAt: Date; id: number } | null,
  limit: number,
): Promise<ExportRow[]> {
  let query = filtered(db, q).select([
    'id',
    'survey',
    'rating',
    'comment',
    'about_form',
    'about_page',
    'language',
    'created_at',
    'service_item_number',
  ]);
  if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)));
  return query.orderBy('created_at').orderBy('id').limit(limit).execute();
}

export async function insertItemSurveyInvitation(
  db: DbHandle,
  row: Insertable<ServiceItemSurveyInvitationsTable>,
): Promise<void> {
  await db.insertInto('service_item_survey_invitations').values(row).execute();
}

/** An invitation not yet answered nor expired, by its token's hash. */
export async function usableItemSurveyInvitation(db: DbHandle, tokenHash: string, now: Date) {
  return db
    .selectFrom('service_item_survey_invitations')
    .select(['service_item_number', 'language'])
    .where('token_hash', '=', tokenHash)
    .where('answered_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Marks an invitation answered, once: undefined when it was answered (or expired) meanwhile. */
export async function answerItemSurveyInvitation(db: DbHandle, tokenHash: string, now: Date) {
  return db
    .updateTable('service_item_survey_invitations')
    .set({ answered_at: now })
    .where('token_hash', '=', tokenHash)
    .where('answered_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['service_item_number', 'language'])
    .executeTakeFirst();
}
