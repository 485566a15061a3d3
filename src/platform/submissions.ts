import type { DbHandle } from './db/database.js';
import { cryptoRandom, type Random } from './random.js';

/**
 * One-time tokens for forms that create something (an e-Request, a technical-help request, a message thread, a
 * logged call). The form carries a random token (`submissionField`, beside the CSRF field); the post that creates
 * the thing records the token in `form_submissions` in the same transaction, with a reference to the result. A
 * second post of the same token (a double click, the browser's "resend", a retried request) shows the first result
 * instead of creating again; two posts at the same moment cannot both commit, the primary key refuses the second,
 * which then answers with the first's result. A post without a token (a page from before this change) is taken as
 * it is. Rows are kept for a week.
 */

export const SUBMISSION_FIELD = '_submission';
export const SUBMISSION_KEEP_MS = 7 * 86_400_000;
const TOKEN = /^[A-Za-z0-9_-]{22,64}$/;

/** A new token for a form being rendered. */
export function newSubmissionToken(random: Random = cryptoRandom): string {
  return random.token(18);
}

/** The token a posted form carries, if it is one. */
export function submissionTokenOf(body: unknown): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[SUBMISSION_FIELD];
  return typeof value === 'string' && TOKEN.test(value) ? value : undefined;
}

/** The token to render again with a form shown back with errors: the one posted (nothing was created), or a new one. */
export function submissionTokenFor(body: unknown, random: Random = cryptoRandom): string {
  return submissionTokenOf(body) ?? newSubmissionToken(random);
}

export interface SubmissionKey {
  token?: string;
  /** The form's name, e.g. `e-request/typo-correction`: a token counts for the form it was used with only. */
  form: string;
  now: Date;
}

/** Records, inside the transaction that creates the result, that the token made it. */
export type RecordSubmission = (trx: DbHandle, result: string) => Promise<void>;

async function used(db: DbHandle, token: string | undefined): Promise<{ form: string; result: string } | undefined> {
  if (!token) return undefined;
  return db.selectFrom('form_submissions').select(['form', 'result']).where('token', '=', token).executeTakeFirst();
}

function isTokenConflict(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; table?: string; message?: string } | undefined;
  return (
    e?.code === '23505' &&
    (e.constraint === 'form_submissions_pkey' ||
      e.table === 'form_submissions' ||
      Boolean(e.message?.includes('form_submissions_pkey')))
  );
}

/**
 * Runs `create` once per token: answers `{ repeated: result }` when the token already made something (before or
 * during this call), otherwise what `create` answers. `create` must call `record(trx, result)` inside the
 * transaction that makes the result (or not at all, when it makes nothing: the token stays usable, e.g. after errors).
 */
export async function submitOnce<T>(
  db: DbHandle,
  key: SubmissionKey,
  create: (record: RecordSubmission) => Promise<T>,
): Promise<T | { repeated: string }> {
  const before = await used(db, key.token);
  if (before?.form === key.form) return { repeated: before.result };
  // A token used with another form (copied from another page or person) is no token: the post is taken as it is.
  const token = before ? undefined : key.token;
  const record: RecordSubmission = async (trx, result) => {
    if (!token) return;
    await trx.insertInto('form_submissions').values({ token, form: key.form, result, created_at: key.now }).execute();
  };
  try {
    const made = await create(record);
    if (token) await expireSubmissions(db, key.now);
    return made;
  } catch (error) {
    // Another post of the same token committed first: this one's transaction was rolled back; show the first result.
    if (isTokenConflict(error)) {
      const first = await used(db, key.token);
      if (first?.form === key.form) return { repeated: first.result };
      // Used at the same moment with another form: take this post without the token.
      if (first) return create(async () => {});
    }
    throw error;
  }
}

/** Deletes tokens older than a week (a few at a time, as new ones are recorded). */
export async function expireSubmissions(db: DbHandle, now: Date): Promise<void> {
  const before = new Date(now.getTime() - SUBMISSION_KEEP_MS);
  await db
    .deleteFrom('form_submissions')
    .where('token', 'in', (eb) =>
      eb.selectFrom('form_submissions').select('token').where('created_at', '<', before).limit(100),
    )
    .execute();
}
