import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { defineJob, type JobQueue } from '../../platform/jobs/index.js';
import type { Random } from '../../platform/random.js';
import type { FileStorage } from '../../platform/storage.js';
import type { AccountCaseService } from '../account-cases/index.js';
import { caseIdByReceiptNumber } from '../cases/index.js';
import { checkContent, cleanFileName, detectType, MAX_FILE_BYTES, MAX_FILES, MAX_SUBMISSION_BYTES } from './files.js';
import * as repo from './repository.js';

/**
 * Evidence and Request for Evidence responses (issue 4 item 6; CASE-10). A submission holds up to MAX_FILES files;
 * each file shows its delivery state: uploaded, being checked (a job), accepted, or rejected with the reason. An RFE
 * response form closes after one submission for that request, or when its deadline has passed.
 */

export const checkFileJob = defineJob({
  name: 'evidence-check-file',
  payload: z.object({ fileId: z.string().uuid() }),
});

/**
 * Files under `evidence/` that no row points at (a process that died between storing a file and committing its row,
 * or a temporary file of a write cut short) are deleted by this job once older than ORPHAN_GRACE_MS.
 */
export const sweepOrphansJob = defineJob({
  name: 'evidence-sweep-orphans',
  payload: z.object({}),
  repeatEverySeconds: 6 * 3600,
  retryLimit: 3,
});

/** How old a file without a row must be before the sweep deletes it: an upload in progress is never that old. */
export const ORPHAN_GRACE_MS = 24 * 3600 * 1000;

export type SubmitProblem = 'not_found' | 'not_allowed' | 'no_files' | 'too_many' | 'too_large' | 'rfe_closed';

/** A file as it arrives: its bytes as a stream (`truncated` set by the parser when it cut the file at its limit). */
export interface IncomingFile {
  filename: string;
  stream: AsyncIterable<Uint8Array> & { truncated?: boolean };
}

/** How much of a file is read before its type is decided from its content (file-type needs at most 4,100 bytes). */
const HEAD_BYTES = 4100;

class TooLarge extends Error {}

interface Prepared {
  id: string;
  name: string;
  type: { mime: string; ext: string } | undefined;
  size: number;
  key: string | null;
  /** Why a file without a type is refused: not one we take ('type'), or empty ('empty'). */
  reason?: 'type' | 'empty';
}

/** An accepted evidence file as it is read: its bytes, its checked type and the name the person gave it. */
export interface EvidenceFile {
  data: Buffer;
  contentType: string;
  fileName: string;
}

export class EvidenceService {
  constructor(
    private readonly deps: {
      db: DbHandle;
      clock: Clock;
      random: Random;
      storage: FileStorage;
      jobs: JobQueue;
      cases: AccountCaseService;
    },
  ) {}

  /** What the person may send for the case now, and what was sent. Undefined: not this person's case. */
  async overview(accountId: string, receipt: string) {
    const card = await this.deps.cases.card(accountId, receipt);
    if (!card) return undefined;
    const caseId = await caseIdByReceiptNumber(this.deps.db, card.view.receiptNumber);
    if (caseId === undefined) throw new Error(`the case card of ${card.view.receiptNumber} has no case`);
    const submissions = await repo.submissionsOf(this.deps.db, caseId, accountId);
    const files = submissions.length
      ? await repo.filesOf(
          this.deps.db,
          submissions.map((s) => s.id),
        )
      : [];
    const rfe = card.openRfe;
    const answered = rfe
      ? submissions.some((s) => s.kind === 'rfe_response' && s.rfe_sent_at?.getTime() === rfe.sentAt.getTime())
      : false;
    return {
      card,
      caseId,
      canUploadEvidence: card.features.has('evidence_upload'),
      rfeOpen: Boolean(rfe && card.features.has('rfe_response') && !rfe.overdue && !answered),
      submissions: submissions.map((s) => ({ ...s, files: files.filter((f) => f.submission_id === s.id) })),
    };
  }

  /**
   * Takes the files of a submission as they arrive (issue 13 point 8): who may send what is decided before the first
   * byte of a file is read; each file's type is decided from its first bytes, then the file is streamed to the file
   * storage with its size, and the submission's, counted on the way. A file over a limit stops the reading: the
   * submission is refused and every file stored for it is deleted (a file cut at its limit is never kept).
   */
  async submit(
    accountId: string,
    receipt: string,
    kind: 'evidence' | 'rfe_response',
    incoming: AsyncIterable<IncomingFile>,
  ): Promise<{ ok: true; submissionId: string } | { ok: false; problem: SubmitProblem }> {
    const o = await this.overview(accountId, receipt);
    if (!o) return { ok: false, problem: 'not_found' };
    if (kind === 'evidence' && !o.canUploadEvidence) return { ok: false, problem: 'not_allowed' };
    if (kind === 'rfe_response' && !o.rfeOpen) return { ok: false, problem: 'rfe_closed' };
    const { db, clock, random, storage, jobs } = this.deps;
    const now = clock.now();
    const prepared: Prepared[] = [];
    let total = 0;
    const stored = () => prepared.flatMap((p) => (p.key ? [p.key] : []));
    const refuse = async (problem: SubmitProblem) => {
      await Promise.all(stored().map((key) => storage.delete(key)));
      return { ok: false as const, problem };
    };
    try {
      for await (const file of incoming) {
        const p = await this.#receive(
          file,
          now,
          (n) => {
            total += n;
            if (total > MAX_SUBMISSION_BYTES) throw new TooLarge();
          },
          () => prepared.length >= MAX_FILES,
        );
        if (p === 'too_many') return await refuse('too_many');
        if (p) prepared.push(p);
      }
    } catch (error) {
      if (error instanceof TooLarge) return await refuse('too_large');
      await Promise.all(stored().map((key) => storage.delete(key).catch(() => undefined)));
      throw error;
    }
    if (!prepared.length) return { ok: false, problem: 'no_files' };
    const submissionId = random.uuid();
    try {
      await inTransaction(db, async (trx) => {
        await repo.insertSubmission(
          trx,
          {
            id: submissionId,
            case_id: o.caseId,
            account_id: accountId,
            kind,
            rfe_sent_at: kind === 'rfe_response' ? o.card.openRfe!.sentAt : null,
            created_at: now,
          },
          prepared.map((p) => ({
            id: p.id,
            submission_id: submissionId,
            file_name: p.name,
            content_type: p.type?.mime ?? null,
            byte_size: p.size,
            storage_key: p.key,
            state: p.type ? ('checking' as const) : ('rejected' as const),
            reason: p.type ? null : (p.reason ?? 'type'),
            created_at: now,
            checked_at: p.type ? null : now,
          })),
        );
        const toCheck = prepared.filter((p) => p.type).map((p) => ({ fileId: p.id }));
        await jobs.sendMany(trx, checkFileJob, toCheck);
      });
    } catch (error) {
      // No row points at them: delete now (a crash here leaves them to the orphan sweep).
      await Promise.all(stored().map((key) => storage.delete(key).catch(() => undefined)));
      throw error;
    }
    return { ok: true, submissionId };
  }

  /**
   * One file: its first bytes decide its type; an allowed one is streamed to storage, another is read to its end
   * (counted, not kept). An empty file is refused with its reason ('empty'); undefined for a file part without a
   * name (a form sent without choosing a file).
   */
  async #receive(
    file: IncomingFile,
    now: Date,
    count: (bytes: number) => void,
    full: () => boolean,
  ): Promise<Prepared | 'too_many' | undefined> {
    const iterator = file.stream[Symbol.asyncIterator]();
    let size = 0;
    const take = (chunk: Uint8Array) => {
      size += chunk.length;
      if (size > MAX_FILE_BYTES || file.stream.truncated) throw new TooLarge();
      count(chunk.length);
      return chunk;
    };
    const head: Uint8Array[] = [];
    let ended = false;
    while (size < HEAD_BYTES) {
      const step = await iterator.next();
      if (step.done) {
        ended = true;
        break;
      }
      head.push(take(step.value));
    }
    if (ended && size === 0 && !file.filename) return undefined;
    if (full()) return 'too_many';
    if (ended && size === 0)
      return {
        id: this.deps.random.uuid(),
        name: cleanFileName(file.filename),
        type: undefined,
        size,
        key: null,
        reason: 'empty',
      };
    const first = Buffer.concat(head);
    async function* all() {
      yield first;
      if (!ended) {
        for (let step = await iterator.next(); !step.done; step = await iterator.next()) yield take(step.value);
      }
      if (file.stream.truncated) throw new TooLarge();
    }
    const id = this.deps.random.uuid();
    const type = await detectType(first);
    if (!type) {
      for await (const chunk of all()) void chunk;
      return { id, name: cleanFileName(file.filename), type: undefined, size, key: null, reason: 'type' };
    }
    const key = `evidence/${now.toISOString().slice(0, 10)}/${id}.${type.ext}`;
    const written = await this.deps.storage.putStream(key, all());
    return { id, name: cleanFileName(file.filename, type.ext), type, size: written, key };
  }

  /**
   * The sweep (safe to run twice, or in two processes at once): lists the files under `evidence/` last written
   * before now minus ORPHAN_GRACE_MS and deletes those no `case_files` row points at, 500 at a time.
   */
  async sweepOrphans(): Promise<{ deleted: string[] }> {
    const { db, clock, storage } = this.deps;
    const before = clock.now().getTime() - ORPHAN_GRACE_MS;
    const deleted: string[] = [];
    let batch: string[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const referenced = await repo.referencedKeys(db, batch);
      for (const key of batch) {
        if (referenced.has(key)) continue;
        await storage.delete(key);
        deleted.push(key);
      }
      batch = [];
    };
    for await (const file of storage.list('evidence/')) {
      if (file.modifiedAt.getTime() >= before) continue;
      batch.push(file.key);
      if (batch.length >= 500) await flush();
    }
    await flush();
    return { deleted };
  }

  /**
   * A file sent for the case, to read (the officer's case page, issue 15 point 3 of the leftovers): only a file whose
   * check accepted it; one refused or not checked yet is listed with its state and never handed out. Who may read
   * it, and the audit, are the caller's (the officer module asks the capability policy first).
   */
  async caseFile(caseId: number, fileId: string): Promise<EvidenceFile | undefined> {
    const file = await repo.caseFileOf(this.deps.db, caseId, fileId);
    if (!file || file.state !== 'accepted' || !file.storage_key || !file.content_type) return undefined;
    const data = await this.deps.storage.get(file.storage_key);
    return data && { data, contentType: file.content_type, fileName: file.file_name };
  }

  /** The job: the deeper check of one file (safe to run twice: a checked file is left as it is). */
  async checkFile(fileId: string): Promise<void> {
    const { db, clock, storage } = this.deps;
    const file = await repo.findFile(db, fileId);
    if (!file || file.state !== 'checking' || !file.storage_key || !file.content_type) return;
    const data = await storage.get(file.storage_key);
    const result = data ? await checkContent(data, file.content_type) : ({ ok: false, reason: 'missing' } as const);
    await repo.settleFile(
      db,
      fileId,
      result.ok
        ? { state: 'accepted', checked_at: clock.now() }
        : { state: 'rejected', reason: result.reason, checked_at: clock.now() },
    );
  }
}
