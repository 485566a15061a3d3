import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { countSecurityEventsSince, lockedUntil, recordSecurityEvent, type AccountRow } from '../accounts/index.js';
import type { Random } from '../../platform/random.js';
import { localDate } from '../../platform/format.js';
import { parseDate, sameName } from '../../platform/personal-details.js';
import {
  ACCESS_CODE_TTL_MS,
  accessCodeHash,
  generateOnlineAccessCode,
  normalizeOnlineAccessCode,
} from './access-codes.js';
import { MAIL_WITHIN_MS, type CaseDocument, type DocumentFile, type NoticeService } from '../notices/index.js';
import type { NotificationService } from '../notifications/index.js';
import {
  caseFeatures,
  caseForNewCode,
  describeCase,
  findCaseForAdding,
  findWithHistoryByReceiptNumber,
  howToAdd,
  mayLinkByReceiptNumber,
  maySeeCase,
  parseReceiptNumber,
  type CaseFeature,
  type CaseStatusView,
} from '../cases/index.js';
import * as repo from './repository.js';

/**
 * The cases of an online account (issue 4 items 3 and 5; CASE-3 to CASE-7): the list, the case card, and adding a
 * paper case: an IOE case with its Online Access Code and the applicant's date of birth, a legacy paper case with
 * its receipt number and identity details that must match the agency's records. Guessing codes is an attack:
 * wrong attempts are counted per account and lock adding cases for an hour after OAC_MAX_FAILURES.
 */

export const OAC_MAX_FAILURES = 5;
/** The longest family name the form takes (as on the profile): a longer one is refused with a message, not cut. */
export const FAMILY_NAME_MAX = 100;
export const OAC_LOCK_MS = 3600_000;
const FAILED = 'case_add_failed';

/** A date of birth as people type it (1980-03-05, 3/5/1980, March 5 1980, 5 de marzo de 1980 ...), as YYYY-MM-DD. */
const dateOfBirth = z
  .string()
  .transform((d, ctx) => parseDate(d) ?? (ctx.addIssue({ code: 'custom', message: 'date' }), z.NEVER));

export type AddProblem =
  | 'code_format'
  | 'dob_format'
  | 'receipt_format'
  | 'family_name_required'
  | 'family_name_too_long'
  | 'no_match'
  | 'expired'
  | 'used'
  | 'already_added'
  | 'use_access_code'
  | 'representative_not_allowed';

export type AddResult =
  | { ok: true; receiptNumber: string }
  | { ok: false; problem: AddProblem }
  | { ok: false; problem: 'locked'; until: Date };

export type NewCodeResult =
  | { ok: true; channel: 'mail' | 'email'; expectedBy: Date }
  | { ok: false; problem: 'no_match' | 'not_expired' }
  | { ok: false; problem: 'locked'; until: Date };

/** An appointment of a case still to come: biometrics or an interview, its time and the place the agency gave. */
export interface UpcomingAppointment {
  kind: 'biometrics' | 'interview';
  at: Date;
  locationName?: string;
  /** The place's IANA time zone, when known: the time is shown by its clock, with the zone's name. */
  timeZone?: string;
}

/**
 * What the cases of an account ask of case events (`CaseEventService`, given at start): a case's open Request for
 * Evidence, and its appointments still to come (soonest first).
 */
export interface OpenRfeOfCase {
  openRfe(receiptNumber: string): Promise<{ sentAt: Date; responseDue: string } | undefined>;
  upcomingAppointments(receiptNumber: string): Promise<UpcomingAppointment[]>;
  /** Whether the case's biometrics are reused (issue 17 point 2: nothing is scheduled, the card says so). */
  biometricsReused(receiptNumber: string): Promise<boolean>;
}

export interface CaseCard {
  caseId: number;
  view: CaseStatusView;
  /** A Request for Evidence waiting for an answer, and its deadline ('YYYY-MM-DD'). */
  openRfe?: { sentAt: Date; responseDue: string; overdue: boolean };
  /** The notices of the case as documents (only when its notices are online: CASE-3, CASE-4). */
  documents: CaseDocument[];
  /** Its biometrics and interview appointments still to come, soonest first. */
  appointments: UpcomingAppointment[];
  /** The biometrics taken before are reused (BIO-1). */
  biometricsReused: boolean;
  features: ReadonlySet<CaseFeature>;
  filingChannel: 'online' | 'paper';
}

export class AccountCaseService {
  constructor(
    private readonly deps: {
      db: DbHandle;
      clock: Clock;
      timeZone: string;
      caseEvents: OpenRfeOfCase;
      notices: NoticeService;
      notifications: NotificationService;
      random: Random;
    },
  ) {}

  /**
   * CASE-5: "request a new Online Access Code" for an expired one. The expired code and the date of birth must
   * still match (so nobody can have letters sent about other people's cases). A new code valid 90 days is issued:
   * I-134 / I-134A beneficiaries get it by email at the address on record; everyone else gets a new account
   * acceptance notice (PDF) in the next print-and-mail batch, expected within 30 days. One new code per case per
   * 30 days: asking again answers the same expectation.
   */
  async requestNewAccessCode(
    account: Pick<AccountRow, 'id' | 'language'>,
    input: { code: string; dateOfBirth: string },
    ip?: string,
  ): Promise<NewCodeResult> {
    const now = this.deps.clock.now();
    const until = await this.#lockedUntil(account.id, now);
    if (until) return { ok: false, problem: 'locked', until };
    const code = normalizeOnlineAccessCode(input.code);
    const dob = dateOfBirth.safeParse(input.dateOfBirth);
    if (!code || !dob.success) return { ok: false, problem: 'no_match' };
    const found = await repo.findAccessCode(this.deps.db, accessCodeHash(code));
    if (!found || !found.date_of_birth || found.date_of_birth !== dob.data)
      return this.#fail(account.id, now, ip, { via: 'new_access_code' }) as Promise<NewCodeResult>;
    if (found.used_at || found.expires_at > now) return { ok: false, problem: 'not_expired' };
    const details = await caseForNewCode(this.deps.db, found.case_id);
    const byEmail = (details.form_code === 'I-134' || details.form_code === 'I-134A') && Boolean(details.email);
    const recent = await repo.recentAccessCode(this.deps.db, found.case_id, new Date(now.getTime() - MAIL_WITHIN_MS));
    if (recent)
      return {
        ok: true,
        channel: byEmail ? 'email' : 'mail',
        expectedBy: new Date(recent.issued_at.getTime() + (byEmail ? 0 : MAIL_WITHIN_MS)),
      };
    const fresh = generateOnlineAccessCode();
    const expiresAt = new Date(now.getTime() + ACCESS_CODE_TTL_MS);
    return inTransaction(this.deps.db, async (trx) => {
      await repo.insertAccessCode(trx, {
        codeHash: accessCodeHash(fresh),
        caseId: found.case_id,
        issuedAt: now,
        expiresAt,
      });
      await recordSecurityEvent(trx, {
        accountId: account.id,
        kind: 'access_code_requested',
        at: now,
        ip,
        details: { receiptNumber: found.receipt_number, channel: byEmail ? 'email' : 'mail' },
      });
      if (byEmail) {
        await this.deps.notifications.queueEmail(trx, {
          to: details.email!,
          template: 'online_access_code',
          language: account.language,
          params: {
            receipt: found.receipt_number,
            code: `${fresh.slice(0, 5)}-${fresh.slice(5, 9)}-${fresh.slice(9)}`,
            days: '90',
          },
        });
        return { ok: true, channel: 'email', expectedBy: now } as const;
      }
      const documentId = await this.deps.notices.issueAccountAcceptance(trx, {
        caseId: found.case_id,
        receiptNumber: found.receipt_number,
        formCode: details.form_code,
        language: account.language,
        code: fresh,
        expiresAt,
      });
      const expectedBy = await this.deps.notices.queueForMail(trx, { documentId, caseId: found.case_id });
      return { ok: true, channel: 'mail', expectedBy } as const;
    });
  }

  async list(accountId: string) {
    return repo.casesOfAccount(this.deps.db, accountId);
  }

  /** The case card, only for an account the case is linked to (anyone else: undefined, answered as not found). */
  async card(accountId: string, receiptInput: string): Promise<CaseCard | undefined> {
    const parsed = parseReceiptNumber(receiptInput);
    if (!parsed.ok) return undefined;
    const found = await findWithHistoryByReceiptNumber(this.deps.db, parsed.value);
    if (!found) return undefined;
    const linked = await repo.isLinked(this.deps.db, accountId, found.id);
    if (!maySeeCase({ section1367: found.section_1367 }, { kind: 'account', linked })) return undefined;
    const features = caseFeatures({
      receiptNumber: found.receipt_number,
      formCode: found.form_code,
      filingChannel: found.filing_channel,
    });
    return {
      caseId: found.id,
      view: describeCase(found, this.deps.timeZone),
      openRfe: await this.#openRfe(found.receipt_number),
      documents: features.has('notices')
        ? onlineNotices(await this.deps.notices.documentsOf(found.id, 'holder'), features)
        : [],
      appointments: await this.deps.caseEvents.upcomingAppointments(found.receipt_number),
      biometricsReused: await this.deps.caseEvents.biometricsReused(found.receipt_number),
      features,
      filingChannel: found.filing_channel,
    };
  }

  /**
   * The next appointment (biometrics or interview) of a case in the account, with its time and place; undefined when
   * none is to come or the case is not the account's. For the account home's "Action needed".
   */
  async upcomingAppointment(accountId: string, receiptInput: string): Promise<UpcomingAppointment | undefined> {
    const parsed = parseReceiptNumber(receiptInput);
    if (!parsed.ok) return undefined;
    const found = await findWithHistoryByReceiptNumber(this.deps.db, parsed.value);
    if (!found) return undefined;
    const linked = await repo.isLinked(this.deps.db, accountId, found.id);
    if (!maySeeCase({ section1367: found.section_1367 }, { kind: 'account', linked })) return undefined;
    return (await this.deps.caseEvents.upcomingAppointments(found.receipt_number))[0];
  }

  /** A document's PDF for the account the case is linked to (anyone else: undefined). */
  async documentFile(accountId: string, receiptInput: string, documentId: string): Promise<DocumentFile | undefined> {
    const parsed = parseReceiptNumber(receiptInput);
    if (!parsed.ok) return undefined;
    const card = await this.card(accountId, parsed.value);
    if (!card?.documents.some((d) => d.id === documentId)) return undefined;
    return this.deps.notices.file(card.caseId, documentId);
  }

  async #openRfe(receiptNumber: string): Promise<CaseCard['openRfe']> {
    const open = await this.deps.caseEvents.openRfe(receiptNumber);
    if (!open) return undefined;
    const today = localDate(this.deps.clock.now(), this.deps.timeZone);
    return { ...open, overdue: open.responseDue < today };
  }

  async #lockedUntil(accountId: string, now: Date): Promise<Date | undefined> {
    return lockedUntil(this.deps.db, accountId, { kind: FAILED, max: OAC_MAX_FAILURES, windowMs: OAC_LOCK_MS }, now);
  }

  /** How many more attempts that do not match are allowed before adding cases waits an hour (for the form to say). */
  async attemptsLeft(accountId: string): Promise<number> {
    const since = new Date(this.deps.clock.now().getTime() - OAC_LOCK_MS);
    const { count } = await countSecurityEventsSince(this.deps.db, accountId, FAILED, since);
    return Math.max(0, OAC_MAX_FAILURES - count);
  }

  async #fail(
    accountId: string,
    now: Date,
    ip: string | undefined,
    details: Record<string, unknown>,
  ): Promise<AddResult> {
    await recordSecurityEvent(this.deps.db, { accountId, kind: FAILED, at: now, ip, details });
    const until = await this.#lockedUntil(accountId, now);
    return until ? { ok: false, problem: 'locked', until } : { ok: false, problem: 'no_match' };
  }

  /**
   * CASE-4, CASE-5: an IOE paper case with the Online Access Code of its account acceptance notice and the
   * applicant's date of birth. Code and date must both match before anything is said about the code (expired,
   * already used), so the answers are no oracle for guessing.
   */
  async addWithAccessCode(
    account: Pick<AccountRow, 'id' | 'kind'>,
    input: { code: string; dateOfBirth: string },
    ip?: string,
  ): Promise<AddResult> {
    const now = this.deps.clock.now();
    const until = await this.#lockedUntil(account.id, now);
    if (until) return { ok: false, problem: 'locked', until };
    const code = normalizeOnlineAccessCode(input.code);
    if (!code) return { ok: false, problem: 'code_format' };
    const dob = dateOfBirth.safeParse(input.dateOfBirth);
    if (!dob.success) return { ok: false, problem: 'dob_format' };
    const hash = accessCodeHash(code);
    const found = await repo.findAccessCode(this.deps.db, hash);
    if (!found || !found.date_of_birth || found.date_of_birth !== dob.data)
      return this.#fail(account.id, now, ip, { via: 'online_access_code' });
    if (await repo.isLinked(this.deps.db, account.id, found.case_id)) return { ok: false, problem: 'already_added' };
    if (found.used_at) return { ok: false, problem: 'used' };
    if (found.expires_at <= now) return { ok: false, problem: 'expired' };
    return inTransaction(this.deps.db, async (trx) => {
      if (!(await repo.useAccessCode(trx, hash, account.id, now))) return { ok: false, problem: 'used' } as const;
      await repo.linkWithAccessCode(
        trx,
        {
          account_id: account.id,
          case_id: found.case_id,
          relationship: account.kind === 'representative' ? 'representative' : 'applicant',
          added_via: 'online_access_code',
          added_at: now,
        },
        now,
      );
      await recordSecurityEvent(trx, {
        accountId: account.id,
        kind: 'case_added',
        at: now,
        ip,
        details: { receiptNumber: found.receipt_number, via: 'online_access_code' },
      });
      return { ok: true, receiptNumber: found.receipt_number } as const;
    });
  }

  /**
   * CASE-6, CASE-7: a legacy paper case (LIN, EAC, MSC, SRC, WAC, YSC ...) by receipt number, with the applicant's
   * date of birth and family name as the agency's records have them. Representatives cannot add these.
   */
  async addByReceiptNumber(
    account: Pick<AccountRow, 'id' | 'kind'>,
    input: { receiptNumber: string; dateOfBirth: string; familyName: string },
    ip?: string,
  ): Promise<AddResult> {
    const now = this.deps.clock.now();
    const until = await this.#lockedUntil(account.id, now);
    if (until) return { ok: false, problem: 'locked', until };
    const receipt = parseReceiptNumber(input.receiptNumber);
    if (!receipt.ok) return { ok: false, problem: 'receipt_format' };
    const how = howToAdd(receipt.value, account.kind === 'representative' ? 'representative' : 'applicant');
    if (how === 'online_access_code') return { ok: false, problem: 'use_access_code' };
    if (how === 'not_allowed') return { ok: false, problem: 'representative_not_allowed' };
    const dob = dateOfBirth.safeParse(input.dateOfBirth);
    if (!dob.success) return { ok: false, problem: 'dob_format' };
    if (!input.familyName.trim()) return { ok: false, problem: 'family_name_required' };
    if (input.familyName.trim().length > FAMILY_NAME_MAX) return { ok: false, problem: 'family_name_too_long' };
    const found = await findCaseForAdding(this.deps.db, receipt.value);
    // Names without accents, case or spacing ("nunez garcia" is "Núñez García"), as every identity check compares them.
    const matches = found && found.date_of_birth === dob.data && sameName(input.familyName, found.family_name);
    // A Section 1367 case is never added by details others may know: the same answer as no match, counted the same
    // way (its holder adds it with an Online Access Code, or through Tier 3).
    if (!found || !matches || !mayLinkByReceiptNumber({ section1367: found.section_1367 }))
      return this.#fail(account.id, now, ip, { via: 'receipt_number' });
    const added = await repo.link(this.deps.db, {
      account_id: account.id,
      case_id: found.id,
      relationship: 'applicant',
      added_via: 'receipt_number',
      added_at: now,
    });
    if (!added) return { ok: false, problem: 'already_added' };
    await recordSecurityEvent(this.deps.db, {
      accountId: account.id,
      kind: 'case_added',
      at: now,
      ip,
      details: { receiptNumber: receipt.value, via: 'receipt_number' },
    });
    return { ok: true, receiptNumber: receipt.value };
  }
}

/** CASE-4: a paper case's receipt notice stays on paper unless the case has it online (paper I-90s). */
function onlineNotices(documents: CaseDocument[], features: ReadonlySet<CaseFeature>): CaseDocument[] {
  return features.has('receipt_notice') ? documents : documents.filter((d) => d.kind !== 'receipt_notice');
}
