import type { Insertable, Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { CaseFilesTable, CaseSubmissionsTable } from './tables.js';

/** All SQL of evidence: the submissions of a case (`case_submissions`) and their files (`case_files`, migration 0020). */

export type CaseSubmissionRow = Selectable<CaseSubmissionsTable>;
export type CaseFileRow = Selectable<CaseFilesTable>;

/** What an account sent for a case, newest first. */
export async function submissionsOf(db: DbHandle, caseId: number, accountId: string): Promise<CaseSubmissionRow[]> {
  return db
    .selectFrom('case_submissions')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('account_id', '=', accountId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Everything sent for a case, by every account, newest first, with its files (the officer's case page). */
export async function evidenceOfCase(
  db: DbHandle,
  caseId: number,
): Promise<(CaseSubmissionRow & { files: CaseFileRow[] })[]> {
  const submissions = await db
    .selectFrom('case_submissions')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  const files = submissions.length
    ? await filesOf(
        db,
        submissions.map((s) => s.id),
      )
    : [];
  return submissions.map((s) => ({ ...s, files: files.filter((f) => f.submission_id === s.id) }));
}

/** The files of these submissions, oldest first. */
export async function filesOf(db: DbHandle, submissionIds: string[]): Promise<CaseFileRow[]> {
  return db
    .selectFrom('case_files')
    .selectAll()
    .where('submission_id', 'in', submissionIds)
    .orderBy('created_at')
    .execute();
}

/** A submission with its files. */
export async function insertSubmission(
  db: DbHandle,
  submission: Insertable<CaseSubmissionsTable>,
  files: Insertable<CaseFilesTable>[],
): Promise<void> {
  await db.insertInto('case_submissions').values(submission).execute();
  await db.insertInto('case_files').values(files).execute();
}

/** Which of these storage keys a file row names. */
export async function referencedKeys(db: DbHandle, keys: string[]): Promise<Set<string | null>> {
  return new Set(
    (await db.selectFrom('case_files').select('storage_key').where('storage_key', 'in', keys).execute()).map(
      (r) => r.storage_key,
    ),
  );
}

/** A file sent for this case (undefined: no such file, or one of another case). */
export async function caseFileOf(db: DbHandle, caseId: number, fileId: string): Promise<CaseFileRow | undefined> {
  return db
    .selectFrom('case_files')
    .innerJoin('case_submissions', 'case_submissions.id', 'case_files.submission_id')
    .selectAll('case_files')
    .where('case_submissions.case_id', '=', caseId)
    .where('case_files.id', '=', fileId)
    .executeTakeFirst();
}

export async function findFile(db: DbHandle, fileId: string): Promise<CaseFileRow | undefined> {
  return db.selectFrom('case_files').selectAll().where('id', '=', fileId).executeTakeFirst();
}

/** The outcome of a file's check, once: only a file still being checked changes. */
export async function settleFile(
  db: DbHandle,
  fileId: string,
  outcome: { state: 'accepted'; checked_at: Date } | { state: 'rejected'; reason: string; checked_at: Date },
): Promise<void> {
  await db.updateTable('case_files').set(outcome).where('id', '=', fileId).where('state', '=', 'checking').execute();
}
