import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import { confirmLink, removeSuspendedLink, suspendedLinksOf, type SuspendedLinkRow } from '../account-cases/index.js';
import {
  ACCESS_CODE_TTL_MS,
  generateOnlineAccessCode,
  type CaseEventService,
  type IngestResult,
} from '../case-events/index.js';
import {
  describeCase,
  findWithHistoryByReceiptNumber,
  maySeeCase,
  parseReceiptNumber,
  type CaseStatusView,
} from '../cases/index.js';
import {
  checkContent,
  cleanFileName,
  detectType,
  evidenceOfCase,
  MAX_FILE_BYTES,
  type CaseFileRow,
  type CaseSubmissionRow,
  type ContentProblem,
  type EvidenceFile,
  type EvidenceService,
} from '../evidence/index.js';
import { messagesOfCase, mayWorkProtected } from '../service-items/index.js';
import { instantAtLocalTime, parseTimeOfDay } from '../../platform/format.js';
import { parseDate } from '../../platform/personal-details.js';
import type { CaseDocument, CaseNoticeKind, DocumentFile, NoticeService } from '../notices/index.js';
import type { StaffRole } from '../staff/index.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';

/**
 * The officer workspace (issue 4 item 2): find a case, see it, and take lifecycle actions. Every action is a case
 * event, the same as the case management systems send (`CaseEventService.ingest`), so the API and the workspace
 * cannot disagree. Every view and action is audited; Section 1367 cases follow the capability policy.
 */

export interface OfficerCase {
  view: CaseStatusView;
  caseId: number;
  officeCode: string;
  filingChannel: 'online' | 'paper';
  section1367: boolean;
  documents: CaseDocument[];
  /** Accounts that added the case by receipt number before it was protected, waiting for the agency's review. */
  suspendedLinks: SuspendedLinkRow[];
  /** Evidence and RFE responses sent for the case, newest first, with their files and the check of each. */
  evidence: (CaseSubmissionRow & { files: CaseFileRow[] })[];
  /** The case's secure message threads with what each side wrote (issue 15 point 12). */
  messages: Awaited<ReturnType<typeof messagesOfCase>>;
}

/** The appointment fields of the event form: a date, a time and a place (issue 15 point 12). */
export interface AppointmentInput {
  date: string;
  time: string;
  place: string;
}

export type AppointmentProblem = { field: 'appointment_date' | 'appointment_time' | 'location_name'; code: string };

/**
 * The payload an interview (or a biometrics appointment) takes from the form: the moment, read in the agency's time
 * zone from a date and a time as people type them, and the place. An interview needs all three; a biometrics
 * appointment takes what is given. Answers the problems instead, each on its field.
 */
export function appointmentPayload(
  type: string,
  input: AppointmentInput,
  timeZone: string,
): { ok: true; payload: Record<string, string> } | { ok: false; problems: AppointmentProblem[] } {
  const required = type === 'interview_scheduled';
  const key = type === 'interview_scheduled' ? 'interviewAt' : type === 'biometrics_scheduled' ? 'appointmentAt' : null;
  if (!key) return { ok: true, payload: {} };
  const problems: AppointmentProblem[] = [];
  const date = input.date ? parseDate(input.date) : undefined;
  const time = input.time ? parseTimeOfDay(input.time) : undefined;
  if (input.date && !date) problems.push({ field: 'appointment_date', code: 'date_invalid' });
  else if (!input.date && (required || input.time)) problems.push({ field: 'appointment_date', code: 'date_required' });
  if (input.time && !time) problems.push({ field: 'appointment_time', code: 'time_invalid' });
  else if (!input.time && (required || input.date)) problems.push({ field: 'appointment_time', code: 'time_required' });
  if (required && !input.place) problems.push({ field: 'location_name', code: 'place_required' });
  if (problems.length) return { ok: false, problems };
  const payload: Record<string, string> = {};
  if (date && time) payload[key] = instantAtLocalTime(date, time, timeZone).toISOString();
  if (input.place) payload.locationName = input.place;
  return { ok: true, payload };
}

/** Why an attached document was refused (each has a message on the page). */
export type AttachProblem = 'title' | 'no_file' | 'too_large' | 'type' | ContentProblem;

export class OfficerService {
  constructor(
    private readonly deps: {
      db: DbHandle;
      clock: Clock;
      random: Random;
      caseEvents: CaseEventService;
      notices: NoticeService;
      /** The files sent for a case (its storage is the evidence module's). */
      evidence: Pick<EvidenceService, 'caseFile'>;
      timeZone: string;
    },
  ) {}

  /** The case as an officer sees it (undefined: unknown, or a Section 1367 case the roles may not see). */
  async find(
    actor: StaffActor & { roles: readonly StaffRole[] },
    receiptInput: string,
  ): Promise<OfficerCase | undefined> {
    const parsed = parseReceiptNumber(receiptInput);
    if (!parsed.ok) return undefined;
    const found = await findWithHistoryByReceiptNumber(this.deps.db, parsed.value);
    if (!found || !maySeeCase({ section1367: found.section_1367 }, { kind: 'staff', roles: actor.roles }))
      return undefined;
    await auditStaffAction(this.deps.db, this.deps.clock, actor, 'officer.case_viewed', {
      type: 'case',
      id: found.receipt_number,
    });
    return {
      view: describeCase(found, this.deps.timeZone),
      caseId: found.id,
      officeCode: found.office_code,
      filingChannel: found.filing_channel,
      section1367: found.section_1367,
      documents: await this.deps.notices.documentsOf(found.id),
      suspendedLinks: found.section_1367 ? await suspendedLinksOf(this.deps.db, found.id) : [],
      evidence: await evidenceOfCase(this.deps.db, found.id),
      messages: await messagesOfCase(this.deps.db, found.id, mayWorkProtected(actor)),
    };
  }

  /**
   * The review of a link suspended when the case became protected (CC-6, issue 13 item 1): the officer confirms the
   * account is the holder's (the case comes back to it) or removes the link. Audited with the reason.
   */
  async reviewLink(
    actor: StaffActor,
    c: OfficerCase,
    accountId: string,
    decision: 'confirm' | 'remove',
    reason: string,
  ): Promise<boolean> {
    if (!c.suspendedLinks.some((l) => l.account_id === accountId)) return false;
    return inTransaction(this.deps.db, async (trx) => {
      const done =
        decision === 'confirm'
          ? await confirmLink(trx, c.caseId, accountId, actor.accountId, this.deps.clock.now())
          : await removeSuspendedLink(trx, c.caseId, accountId);
      if (done)
        await auditStaffAction(
          trx,
          this.deps.clock,
          actor,
          `officer.link_${decision === 'confirm' ? 'confirmed' : 'removed'}`,
          { type: 'case', id: c.view.receiptNumber },
          { accountId },
          reason,
        );
      return done;
    });
  }

  /** A lifecycle action: one event, now, under a new id; answers the ingestion result (problems are the officer's to fix). */
  async act(
    actor: StaffActor,
    receiptNumber: string,
    type: string,
    payload: Record<string, unknown>,
    reason?: string,
  ): Promise<IngestResult & { eventId: string }> {
    const event = {
      id: `officer-${this.deps.random.uuid()}`,
      receiptNumber,
      type,
      occurredAt: this.deps.clock.now().toISOString(),
      payload,
    };
    const result = await this.deps.caseEvents.ingest([event], null);
    if (result.ok)
      await auditStaffAction(
        this.deps.db,
        this.deps.clock,
        actor,
        `officer.${type}`,
        { type: 'case', id: receiptNumber },
        { eventId: event.id, payload },
        reason,
      );
    return { ...result, eventId: event.id };
  }

  /**
   * An account acceptance notice with a new Online Access Code (CASE-4): the code as an event (so it works for
   * adding the case), the notice as a PDF document of the case, and the letter in the print-and-mail batch.
   */
  async issueAcceptanceNotice(
    actor: StaffActor,
    c: OfficerCase,
    language: Language,
  ): Promise<{ ok: true; expectedBy: Date } | { ok: false }> {
    const code = generateOnlineAccessCode();
    const result = await this.act(actor, c.view.receiptNumber, 'account_acceptance_notice', { onlineAccessCode: code });
    if (!result.ok) return { ok: false };
    const now = this.deps.clock.now();
    return inTransaction(this.deps.db, async (trx) => {
      const documentId = await this.deps.notices.issueAccountAcceptance(trx, {
        caseId: c.caseId,
        receiptNumber: c.view.receiptNumber,
        formCode: c.view.formCode,
        language,
        code,
        expiresAt: new Date(now.getTime() + ACCESS_CODE_TTL_MS),
      });
      return {
        ok: true,
        expectedBy: await this.deps.notices.queueForMail(trx, { documentId, caseId: c.caseId }),
      } as const;
    });
  }

  /**
   * A notice of the case as it stands, as a PDF document of the case (the holder sees it when notices are online):
   * a `notice_issued` event like the agency systems send, whose notice is rendered here at once rather than by the
   * job the event also enqueued (that job then finds it done).
   */
  async issueNotice(
    actor: StaffActor,
    c: OfficerCase,
    kind: CaseNoticeKind,
    language: Language,
  ): Promise<string | undefined> {
    const result = await this.act(actor, c.view.receiptNumber, 'notice_issued', { noticeType: kind, language });
    return result.ok ? this.deps.notices.issueFromEvent(result.eventId) : undefined;
  }

  /**
   * An agency document attached to the case (PDF, JPEG, PNG or TIFF recognized from its content, at most 10 MB, a
   * complete PDF without a password), shown to the account holder or kept internal. Audited.
   */
  async attachDocument(
    actor: StaffActor,
    c: OfficerCase,
    input: {
      title: string;
      language: Language;
      shared: boolean;
      file?: { filename: string; data: Buffer; truncated: boolean };
    },
  ): Promise<{ ok: true; documentId: string } | { ok: false; problem: AttachProblem }> {
    const title = input.title.trim();
    if (!title || title.length > 200) return { ok: false, problem: 'title' };
    if (!input.file || !input.file.data.length) return { ok: false, problem: 'no_file' };
    if (input.file.truncated || input.file.data.length > MAX_FILE_BYTES) return { ok: false, problem: 'too_large' };
    const type = await detectType(input.file.data);
    if (!type) return { ok: false, problem: 'type' };
    const content = await checkContent(input.file.data, type.mime);
    if (!content.ok) return { ok: false, problem: content.reason };
    const fileName = cleanFileName(input.file.filename, type.ext);
    return inTransaction(this.deps.db, async (trx) => {
      const documentId = await this.deps.notices.attachAgencyDocument(trx, {
        caseId: c.caseId,
        title,
        language: input.language,
        fileName,
        data: input.file!.data,
        contentType: type.mime as DocumentFile['contentType'],
        shared: input.shared,
        createdBy: actor.accountId,
      });
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'officer.document_attached',
        { type: 'case', id: c.view.receiptNumber },
        { documentId, title, fileName, shared: input.shared },
      );
      return { ok: true, documentId } as const;
    });
  }

  /**
   * An evidence file sent for the case, for an officer to read: the case as `find` gives it (the capability policy:
   * a Section 1367 case needs the protected-cases role; its view audited), then the download audited with the file.
   * Undefined: no such case for these roles, no such file on it, or a file not accepted by its check.
   */
  async evidenceFile(
    actor: StaffActor & { roles: readonly StaffRole[] },
    receipt: string,
    fileId: string,
  ): Promise<EvidenceFile | undefined> {
    const c = await this.find(actor, receipt);
    if (!c || !c.evidence.some((s) => s.files.some((f) => f.id === fileId && f.state === 'accepted'))) return undefined;
    const file = await this.deps.evidence.caseFile(c.caseId, fileId);
    if (!file) return undefined;
    await auditStaffAction(
      this.deps.db,
      this.deps.clock,
      actor,
      'officer.evidence_downloaded',
      { type: 'case', id: c.view.receiptNumber },
      { fileId },
    );
    return file;
  }

  async documentFile(
    actor: StaffActor & { roles: readonly StaffRole[] },
    receipt: string,
    documentId: string,
  ): Promise<DocumentFile | undefined> {
    const c = await this.find(actor, receipt);
    if (!c || !c.documents.some((d) => d.id === documentId)) return undefined;
    return this.deps.notices.file(c.caseId, documentId);
  }
}
