import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { defineJob, type JobQueue } from '../../platform/jobs/index.js';
import type { Random } from '../../platform/random.js';
import type { FileStorage } from '../../platform/storage.js';
import type { AccountCaseService } from '../account-cases/index.js';
import { checkContent, cleanFileName, detectType, MAX_FILE_BYTES, MAX_FILES, MAX_SUBMISSION_BYTES } from './files.js';

/**
 * Evidence and Request for Evidence responses (issue 4 item 6; CASE-10). A submission holds up to MAX_FILES files;
 * each file shows its delivery state: uploaded, being checked (a job), accepted, or rejected with the reason. An RFE
 * response form closes after one submission for that request, or when its deadline has passed.
 */

export const checkFileJob = defineJob({ name: 'evidence-check-file', payload: z.object({ fileId: z.string().uuid() }) });

export type SubmitProblem = 'not_found' | 'not_allowed' | 'no_files' | 'too_many' | 'too_large' | 'rfe_closed';

export interface UploadedFile {
  filename: string;
  data: Buffer;
}

export class EvidenceService {
  constructor(private readonly deps: { db: DbHandle; clock: Clock; random: Random; storage: FileStorage; jobs: JobQueue; cases: AccountCaseService }) {}

  /** What the person may send for the case now, and what was sent. Undefined: not this person's case. */
  async overview(accountId: string, receipt: string) {
    const card = await this.deps.cases.card(accountId, receipt);
    if (!card) return undefined;
    const caseId = (await this.deps.db.selectFrom('cases').select('id').where('receipt_number', '=', card.view.receiptNumber).executeTakeFirstOrThrow()).id;
    const submissions = await this.deps.db.selectFrom('case_submissions').selectAll().where('case_id', '=', caseId).where('account_id', '=', accountId).orderBy('created_at', 'desc').execute();
    const files = submissions.length ? await this.deps.db.selectFrom('case_files').selectAll().where('submission_id', 'in', submissions.map((s) => s.id)).orderBy('created_at').execute() : [];
    const rfe = card.openRfe;
    const answered = rfe ? submissions.some((s) => s.kind === 'rfe_response' && s.rfe_sent_at?.getTime() === rfe.sentAt.getTime()) : false;
    return {
      card,
      caseId,
      canUploadEvidence: card.features.has('evidence_upload'),
      rfeOpen: Boolean(rfe && card.features.has('rfe_response') && !rfe.overdue && !answered),
      submissions: submissions.map((s) => ({ ...s, files: files.filter((f) => f.submission_id === s.id) })),
    };
  }

  async submit(accountId: string, receipt: string, kind: 'evidence' | 'rfe_response', uploads: UploadedFile[]): Promise<{ ok: true; submissionId: string } | { ok: false; problem: SubmitProblem }> {
    const o = await this.overview(accountId, receipt);
    if (!o) return { ok: false, problem: 'not_found' };
    if (kind === 'evidence' && !o.canUploadEvidence) return { ok: false, problem: 'not_allowed' };
    if (kind === 'rfe_response' && !o.rfeOpen) return { ok: false, problem: 'rfe_closed' };
    const files = uploads.filter((u) => u.data.length > 0);
    if (!files.length) return { ok: false, problem: 'no_files' };
    if (files.length > MAX_FILES) return { ok: false, problem: 'too_many' };
    if (files.some((f) => f.data.length > MAX_FILE_BYTES) || files.reduce((n, f) => n + f.data.length, 0) > MAX_SUBMISSION_BYTES) return { ok: false, problem: 'too_large' };
    const { db, clock, random, storage, jobs } = this.deps;
    const now = clock.now();
    // Files are stored before the transaction (a stored file without a row is only unused space).
    const prepared = await Promise.all(files.map(async (f) => {
      const type = await detectType(f.data);
      const id = random.uuid();
      if (!type) return { id, name: cleanFileName(f.filename, 'bin'), type: undefined, size: f.data.length, key: null };
      const key = `evidence/${now.toISOString().slice(0, 10)}/${id}.${type.ext}`;
      await storage.put(key, f.data);
      return { id, name: cleanFileName(f.filename, type.ext), type, size: f.data.length, key };
    }));
    const submissionId = random.uuid();
    await inTransaction(db, async (trx) => {
      await trx.insertInto('case_submissions').values({ id: submissionId, case_id: o.caseId, account_id: accountId, kind, rfe_sent_at: kind === 'rfe_response' ? o.card.openRfe!.sentAt : null, created_at: now }).execute();
      await trx.insertInto('case_files').values(prepared.map((p) => ({
        id: p.id, submission_id: submissionId, file_name: p.name, content_type: p.type?.mime ?? null, byte_size: p.size, storage_key: p.key,
        state: p.type ? ('checking' as const) : ('rejected' as const), reason: p.type ? null : 'type', created_at: now, checked_at: p.type ? null : now,
      }))).execute();
      const toCheck = prepared.filter((p) => p.type).map((p) => ({ fileId: p.id }));
      await jobs.sendMany(trx, checkFileJob, toCheck);
    });
    return { ok: true, submissionId };
  }

  /** The job: the deeper check of one file (safe to run twice: a checked file is left as it is). */
  async checkFile(fileId: string): Promise<void> {
    const { db, clock, storage } = this.deps;
    const file = await db.selectFrom('case_files').selectAll().where('id', '=', fileId).executeTakeFirst();
    if (!file || file.state !== 'checking' || !file.storage_key || !file.content_type) return;
    const data = await storage.get(file.storage_key);
    const result = data ? checkContent(data, file.content_type) : ({ ok: false, reason: 'missing' } as const);
    await db
      .updateTable('case_files')
      .set(result.ok ? { state: 'accepted', checked_at: clock.now() } : { state: 'rejected', reason: result.reason, checked_at: clock.now() })
      .where('id', '=', fileId)
      .where('state', '=', 'checking')
      .execute();
  }
}
