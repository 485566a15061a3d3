import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { DocumentContentType, NoticeKind } from './tables.js';
import type { I18n, Language } from '../../platform/i18n/index.js';
import { defineJob } from '../../platform/jobs/index.js';
import type { Random } from '../../platform/random.js';
import type { FileStorage } from '../../platform/storage.js';
import { findWithHistoryByReceiptNumber, formLongName } from '../cases/index.js';
import { formatDate, localDate, longCalendarDate, longDate } from '../../platform/format.js';
import { sha256 } from '../../platform/hashing.js';
import { noticeContent, type NoticeContent, type NoticeEvent } from './content.js';
import { renderAccountAcceptanceNotice, renderNoticeOfAction, type NoticeSection } from './pdf.js';
import * as repo from './repository.js';
import type { CaseDocument } from './repository.js';

export type { CaseDocument } from './repository.js';

/**
 * Notices of a case as documents (PDF in the file storage, a row in case_documents) and the print-and-mail batches
 * that letters go out in. A letter waits in the open batch; `closeBatch` hands the batch to the print shop.
 */

/** CASE-5: a mailed notice arrives within 30 days. */
export const MAIL_WITHIN_MS = 30 * 86_400_000;

/** The notices of a case's situation that are rendered from templates (the account acceptance notice has its own). */
export const CASE_NOTICE_KINDS = [
  'receipt_notice',
  'biometrics_notice',
  'rfe_notice',
  'interview_notice',
  'approval_notice',
  'denial_notice',
] as const;
export type CaseNoticeKind = (typeof CASE_NOTICE_KINDS)[number];
export const isCaseNoticeKind = (value: unknown): value is CaseNoticeKind =>
  (CASE_NOTICE_KINDS as readonly unknown[]).includes(value);

/**
 * Renders the notice a `notice_issued` event names (agency systems and the officer workspace alike), enqueued in the
 * event's transaction. Safe to run twice: the document is tied to its event.
 */
export const renderNoticeJob = defineJob({
  name: 'notices-render-event',
  payload: z.object({ eventId: z.string().min(1).max(100) }),
});

/** A document's content with what a download needs. */
export interface DocumentFile {
  data: Buffer;
  contentType: DocumentContentType;
  /** The name to offer (agency documents keep their cleaned name; notices are named after their kind). */
  fileName: string;
}

const EXTENSION: Record<DocumentContentType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tif',
};

export interface NoticeDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  storage: FileStorage;
  i18n: I18n;
  timeZone: string;
  /** The stored case event of an id (the case-events module's, given here: case-events enqueues this module's job). */
  eventOf: (
    db: DbHandle,
    eventId: string,
  ) => Promise<{ receipt_number: string; type: string; occurred_at: Date; payload: unknown } | undefined>;
  /** The events of a case (a notice is built from its own event and those before it). */
  eventsOfCase: (db: DbHandle, receiptNumber: string) => Promise<NoticeEvent[]>;
  /** The service's address, for the links a notice prints (e-Request). */
  publicUrl: string;
}

export class NoticeService {
  constructor(private readonly deps: NoticeDeps) {}

  /** An account acceptance notice with an Online Access Code, stored as a document of the case. */
  async issueAccountAcceptance(
    db: DbHandle,
    p: { caseId: number; receiptNumber: string; formCode: string; language: Language; code: string; expiresAt: Date },
  ): Promise<string> {
    const { clock, i18n, timeZone } = this.deps;
    const t = i18n.t(p.language);
    const now = clock.now();
    const formatted = `${p.code.slice(0, 5)}-${p.code.slice(5, 9)}-${p.code.slice(9)}`;
    const expires = localDate(p.expiresAt, timeZone);
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
   * The job of a `notice_issued` event: the notice it names, rendered in its language (English unless it says
   * Spanish), built from that event and the case's events up to it (never from the case's later situation), as a
   * document of the case. Answers the document's id; undefined when the event names no notice kind we render (it
   * stays in the history only) or is unknown. Running it again answers the same document: the file goes under a key
   * made from the event id, and the row is tied to the event.
   */
  async issueFromEvent(eventId: string, db: DbHandle = this.deps.db): Promise<string | undefined> {
    const existing = await repo.documentIdOfEvent(db, eventId);
    if (existing) return existing;
    const event = await this.deps.eventOf(db, eventId);
    if (!event || event.type !== 'notice_issued') return undefined;
    const payload = (typeof event.payload === 'string' ? JSON.parse(event.payload) : event.payload) as Record<
      string,
      unknown
    >;
    if (!isCaseNoticeKind(payload.noticeType)) return undefined;
    const found = await findWithHistoryByReceiptNumber(db, event.receipt_number);
    if (!found) return undefined;
    const language: Language = payload.language === 'es' ? 'es' : 'en';
    const content = noticeContent(
      payload.noticeType,
      { id: eventId, type: event.type, occurredAt: event.occurred_at, payload },
      await this.deps.eventsOfCase(db, event.receipt_number),
    );
    const pdf = await this.#renderNotice({
      kind: payload.noticeType,
      content,
      receiptNumber: found.receipt_number,
      formCode: found.form_code,
      receivedAt: found.received_at,
      language,
    });
    const key = `notices/events/${sha256(eventId).slice(0, 40)}.pdf`;
    await this.deps.storage.put(key, pdf);
    const id = this.deps.random.uuid();
    const inserted = await repo.insertEventDocument(db, {
      id,
      case_id: found.id,
      kind: payload.noticeType,
      language,
      storage_key: key,
      byte_size: pdf.length,
      created_at: this.deps.clock.now(),
      event_id: eventId,
    });
    return inserted ?? (await repo.documentIdOfEventOrThrow(db, eventId));
  }

  /** A notice of action (I-797 layout) of the given kind, its text in the notice's language. */
  async #renderNotice(p: {
    kind: CaseNoticeKind;
    content: NoticeContent;
    receiptNumber: string;
    formCode: string;
    receivedAt: Date;
    language: Language;
  }): Promise<Buffer> {
    const { clock, i18n, timeZone } = this.deps;
    const lang = p.language;
    const t = i18n.t(lang);
    const c = p.content;
    const date = (d: Date) => longDate(d, lang, timeZone);
    const a = c.applicant;
    const name = [a.givenName, a.familyName].filter(Boolean).join(' ').toUpperCase();
    const address = a.mailingAddress;
    const addressee = [
      name,
      ...(address
        ? [
            address.inCareOf ? `C/O ${address.inCareOf}` : '',
            [address.street, address.unit].filter(Boolean).join(' '),
            [address.city, [address.state, address.zip].filter(Boolean).join(' ')].filter(Boolean).join(', '),
            address.country ?? '',
          ]
        : []),
    ].filter(Boolean);
    const appointment: [string, string][] = c.appointmentAt
      ? [
          [
            t('notices:notice.appointment_at'),
            // By the place's clock when the events name its zone (an ASC booked by Casedesk), else the agency's.
            `${longDate(c.appointmentAt, lang, c.timeZone ?? timeZone)}, ${formatDate(c.appointmentAt, lang, c.timeZone ?? timeZone, 'time')}`,
          ],
          [t('notices:notice.appointment_place'), c.locationName ?? t('notices:notice.place_to_follow')],
        ]
      : [[t('notices:notice.appointment_at'), t('notices:notice.time_to_follow')]];
    const body: NoticeSection[] = [{ paragraphs: [t(`notices:notice.body.${p.kind}`)] }];
    if (p.kind === 'rfe_notice') {
      body.push({
        heading: t('notices:notice.evidence_heading'),
        ...(c.evidenceRequested?.length
          ? { list: c.evidenceRequested }
          : { paragraphs: [t('notices:notice.evidence_unlisted')] }),
      });
      body.push({
        heading: t('notices:notice.deadline_heading'),
        paragraphs: [
          c.responseDue
            ? t('notices:notice.deadline', { date: longCalendarDate(c.responseDue, lang) })
            : t('notices:notice.deadline_unknown'),
          t('notices:notice.respond'),
        ],
      });
    }
    if (p.kind === 'biometrics_notice' || p.kind === 'interview_notice')
      body.push({
        heading: t('notices:notice.appointment_heading'),
        facts: appointment,
        paragraphs: [t(`notices:notice.bring.${p.kind}`)],
      });
    body.push({
      paragraphs: [
        t('notices:notice.e_request', { url: `${this.deps.publicUrl}/e-request` }),
        t('notices:acceptance.help'),
      ],
    });
    return renderNoticeOfAction({
      agency: t('common:site.agency'),
      heading: t('notices:notice.heading'),
      title: t(`notices:kinds.${p.kind}`),
      boxes: [
        [
          { label: t('notices:notice.type'), value: t(`notices:kinds.${p.kind}`) },
          { label: t('notices:notice.receipt'), value: p.receiptNumber },
          { label: t('notices:notice.case_type'), value: formLongName(p.formCode, lang), span: 2 },
        ],
        [
          { label: t('notices:notice.received'), value: date(p.receivedAt) },
          { label: t('notices:notice.priority'), value: c.priorityDate ? longCalendarDate(c.priorityDate, lang) : '' },
          { label: t('notices:notice.date'), value: date(c.noticeDate) },
          { label: t('notices:notice.page'), value: '' },
        ],
      ],
      pageBoxLabel: t('notices:notice.page'),
      pageOf: (page, pages) => t('notices:notice.page_of', { page, pages }),
      footerPage: (page, pages) => t('notices:notice.footer_page', { page, pages }),
      footer: `${t(`notices:kinds.${p.kind}`)} · ${p.receiptNumber}`,
      addressee,
      side: [
        [t('notices:notice.a_number'), a.aNumber ?? t('notices:notice.none')],
        ...(name ? [[t('notices:notice.applicant'), name] as [string, string]] : []),
      ],
      sections: body,
      createdAt: clock.now(),
    });
  }

  /**
   * An agency document an officer attaches (already checked: an allowed type recognized from its content), shown to
   * the case's account holder or kept internal.
   */
  async attachAgencyDocument(
    db: DbHandle,
    p: {
      caseId: number;
      title: string;
      language: Language;
      fileName: string;
      data: Buffer;
      contentType: DocumentContentType;
      shared: boolean;
      createdBy: string;
    },
  ): Promise<string> {
    const now = this.deps.clock.now();
    const id = this.deps.random.uuid();
    const key = `documents/${now.toISOString().slice(0, 10)}/${id}.${EXTENSION[p.contentType]}`;
    await this.deps.storage.put(key, p.data);
    await repo.insertDocument(db, {
      id,
      case_id: p.caseId,
      kind: 'agency_document',
      language: p.language,
      storage_key: key,
      byte_size: p.data.length,
      created_at: now,
      content_type: p.contentType,
      title: p.title,
      file_name: p.fileName,
      shared_with_holder: p.shared,
      created_by: p.createdBy,
    });
    return id;
  }

  /** Keeps a notice as a document of the case. The file first: a row never points at a missing file. */
  async #store(
    db: DbHandle,
    p: { caseId: number; kind: NoticeKind; language: Language },
    pdf: Buffer,
  ): Promise<string> {
    const now = this.deps.clock.now();
    const id = this.deps.random.uuid();
    const key = `notices/${now.toISOString().slice(0, 10)}/${id}.pdf`;
    await this.deps.storage.put(key, pdf);
    await repo.insertDocument(db, {
      id,
      case_id: p.caseId,
      kind: p.kind,
      language: p.language,
      storage_key: key,
      byte_size: pdf.length,
      created_at: now,
    });
    return id;
  }

  /** Puts a document in the open print-and-mail batch; answers the date it should arrive by. */
  async queueForMail(db: DbHandle, p: { documentId: string; caseId: number }): Promise<Date> {
    const now = this.deps.clock.now();
    const expectedBy = new Date(now.getTime() + MAIL_WITHIN_MS);
    await repo.insertMailItem(db, {
      id: this.deps.random.uuid(),
      documentId: p.documentId,
      caseId: p.caseId,
      createdAt: now,
      expectedBy,
    });
    return expectedBy;
  }

  /** The documents of a case, newest first; `holder`: only those shown to its account holder. */
  async documentsOf(caseId: number, which: 'all' | 'holder' = 'all'): Promise<CaseDocument[]> {
    return repo.documentsOfCase(this.deps.db, caseId, which);
  }

  /** A document's content, only as a document of the given case (the caller has checked who may see which). */
  async file(caseId: number, documentId: string): Promise<DocumentFile | undefined> {
    const row = await repo.documentFileOf(this.deps.db, caseId, documentId);
    if (!row) return undefined;
    const data = await this.deps.storage.get(row.storage_key);
    return (
      data && { data, contentType: row.content_type, fileName: row.file_name ?? `${row.kind.replace(/_/g, '-')}.pdf` }
    );
  }

  /** Closes the open batch: every waiting letter goes into it; answers them for the print shop (oldest first). */
  async closeBatch(): Promise<
    { batchId: string; letters: { receiptNumber: string; storageKey: string }[] } | undefined
  > {
    const { db, clock, random } = this.deps;
    return inTransaction(db, async (trx) => {
      const waiting = await repo.waitingLettersForUpdate(trx);
      if (!waiting.length) return undefined;
      const batchId = random.uuid();
      await repo.insertBatch(trx, { id: batchId, closedAt: clock.now(), letterIds: waiting.map((w) => w.id) });
      return { batchId, letters: waiting.map((w) => ({ receiptNumber: w.receipt_number, storageKey: w.storage_key })) };
    });
  }

  async read(storageKey: string): Promise<Buffer | undefined> {
    return this.deps.storage.get(storageKey);
  }
}
