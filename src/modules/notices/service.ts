import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { I18n, Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import type { FileStorage } from '../../platform/storage.js';
import type { NoticeKind } from '../../platform/db/tables.js';
import { formLongName, longCalendarDate, longDate, type CaseStatusView } from '../cases/index.js';
import { renderAccountAcceptanceNotice, renderCaseNotice } from './pdf.js';

/**
 * Notices of a case as documents (PDF in the file storage, a row in case_documents) and the print-and-mail batches
 * that letters go out in. A letter waits in the open batch; `closeBatch` hands the batch to the print shop.
 */

/** CASE-5: a mailed notice arrives within 30 days. */
export const MAIL_WITHIN_MS = 30 * 86_400_000;

export interface NoticeDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  storage: FileStorage;
  i18n: I18n;
  timeZone: string;
}

export class NoticeService {
  constructor(private readonly deps: NoticeDeps) {}

  /** An account acceptance notice with an Online Access Code, stored as a document of the case. */
  async issueAccountAcceptance(db: DbHandle, p: { caseId: number; receiptNumber: string; formCode: string; language: Language; code: string; expiresAt: Date }): Promise<string> {
    const { clock, i18n, timeZone } = this.deps;
    const t = i18n.t(p.language);
    const now = clock.now();
    const formatted = `${p.code.slice(0, 5)}-${p.code.slice(5, 9)}-${p.code.slice(9)}`;
    const expires = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(p.expiresAt);
    const pdf = await renderAccountAcceptanceNotice({
      agency: t('common:site.agency'),
      title: t('notices:acceptance.title'),
      issuedOn: t('notices:acceptance.issued', { date: longDate(now, p.language, timeZone) }),
      receiptLabel: t('notices:acceptance.receipt'),
      receiptNumber: p.receiptNumber,
      formLabel: t('notices:acceptance.form'),
      formName: formLongName(p.formCode, p.language),
      codeLabel: t('notices:acceptance.code'),
      code: formatted,
      validUntil: t('notices:acceptance.valid_until', { date: longCalendarDate(expires, p.language) }),
      paragraphs: [t('notices:acceptance.how'), t('notices:acceptance.once'), t('notices:acceptance.help')],
      createdAt: now,
    });
    return this.#store(db, { caseId: p.caseId, kind: 'account_acceptance_notice', language: p.language }, pdf);
  }

  /**
   * A notice about the case's current situation (receipt, biometrics, RFE with its deadline, interview, approval,
   * denial), its text the official status description filled in for the case, in English or Spanish.
   */
  async issueCaseNotice(db: DbHandle, p: { caseId: number; kind: Exclude<NoticeKind, 'account_acceptance_notice'>; view: CaseStatusView; language: Language }): Promise<string> {
    const { clock, i18n, timeZone } = this.deps;
    const t = i18n.t(p.language);
    const now = clock.now();
    const pdf = await renderCaseNotice({
      agency: t('common:site.agency'),
      title: t(`notices:kinds.${p.kind}`),
      issuedOn: t('notices:acceptance.issued', { date: longDate(now, p.language, timeZone) }),
      facts: [
        [t('notices:acceptance.receipt'), p.view.receiptNumber],
        [t('notices:acceptance.form'), formLongName(p.view.formCode, p.language)],
        [t('notices:status'), p.view.current.title[p.language]],
      ],
      paragraphs: [p.view.current.description[p.language], t('notices:acceptance.help')],
      createdAt: now,
    });
    return this.#store(db, p, pdf);
  }

  /** Keeps a notice as a document of the case. The file first: a row never points at a missing file. */
  async #store(db: DbHandle, p: { caseId: number; kind: NoticeKind; language: Language }, pdf: Buffer): Promise<string> {
    const now = this.deps.clock.now();
    const id = this.deps.random.uuid();
    const key = `notices/${now.toISOString().slice(0, 10)}/${id}.pdf`;
    await this.deps.storage.put(key, pdf);
    await db.insertInto('case_documents').values({ id, case_id: p.caseId, kind: p.kind, language: p.language, storage_key: key, byte_size: pdf.length, created_at: now }).execute();
    return id;
  }

  /** Puts a document in the open print-and-mail batch; answers the date it should arrive by. */
  async queueForMail(db: DbHandle, p: { documentId: string; caseId: number }): Promise<Date> {
    const now = this.deps.clock.now();
    const expectedBy = new Date(now.getTime() + MAIL_WITHIN_MS);
    await db.insertInto('mail_items').values({ id: this.deps.random.uuid(), document_id: p.documentId, case_id: p.caseId, created_at: now, expected_by: expectedBy, batch_id: null }).execute();
    return expectedBy;
  }

  async documentsOf(caseId: number) {
    return this.deps.db.selectFrom('case_documents').select(['id', 'kind', 'language', 'created_at', 'byte_size']).where('case_id', '=', caseId).orderBy('created_at', 'desc').execute();
  }

  /** A document's PDF, only as a document of the given case. */
  async file(caseId: number, documentId: string): Promise<Buffer | undefined> {
    const row = await this.deps.db.selectFrom('case_documents').select('storage_key').where('id', '=', documentId).where('case_id', '=', caseId).executeTakeFirst();
    return row ? this.deps.storage.get(row.storage_key) : undefined;
  }

  /** Closes the open batch: every waiting letter goes into it; answers them for the print shop (oldest first). */
  async closeBatch(): Promise<{ batchId: string; letters: { receiptNumber: string; storageKey: string }[] } | undefined> {
    const { db, clock, random } = this.deps;
    return inTransaction(db, async (trx) => {
      const waiting = await trx
        .selectFrom('mail_items as m')
        .innerJoin('case_documents as d', 'd.id', 'm.document_id')
        .innerJoin('cases as c', 'c.id', 'm.case_id')
        .select(['m.id', 'c.receipt_number', 'd.storage_key'])
        .where('m.batch_id', 'is', null)
        .orderBy('m.created_at')
        .forUpdate()
        .execute();
      if (!waiting.length) return undefined;
      const batchId = random.uuid();
      await trx.insertInto('mail_batches').values({ id: batchId, closed_at: clock.now(), item_count: waiting.length }).execute();
      await trx.updateTable('mail_items').set({ batch_id: batchId }).where('id', 'in', waiting.map((w) => w.id)).execute();
      return { batchId, letters: waiting.map((w) => ({ receiptNumber: w.receipt_number, storageKey: w.storage_key })) };
    });
  }

  async read(storageKey: string): Promise<Buffer | undefined> {
    return this.deps.storage.get(storageKey);
  }
}
