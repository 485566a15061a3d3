import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { submitOnce, type RecordSubmission } from '../../platform/submissions.js';
import type { I18n, Language, Translate } from '../../platform/i18n/index.js';
import { findCaseForRequest, maySeeCase, type RequestCase } from '../cases/index.js';
import type { PublishedProcessingTimes } from '../processing-times/index.js';
import { localDate } from '../../platform/format.js';
import type { NotificationService } from '../notifications/index.js';
import {
  expectationText,
  urgencyText,
  type ServiceItemRow,
  type ServiceItemService,
  type SlaExpectation,
  type ServiceItemStatus,
  type SlaPolicyName,
} from '../service-items/index.js';
import { sha256 } from '../../platform/hashing.js';
import * as repo from './repository.js';
import {
  parseRequest,
  type FieldProblem,
  type ParsedRequest,
  type RawForm,
  type RequestForm,
  type RequestType,
} from './schema.js';

/**
 * e-Request (issue 5 item 4): public requests about a case or for a service, each filed as a routed service item
 * (CC-3) with its SLA clock and a confirmation email, and the status page by service item number plus email.
 * CC-10: a case inquiry is taken only for a case received before the receipt date for a case inquiry (PT-2) of its
 * form, category and office, which the processing times module gives (from the published figures, or an
 * administrator's override).
 */

export interface ERequestDeps {
  db: DbHandle;
  clock: Clock;
  items: ServiceItemService;
  notifications: NotificationService;
  i18n: I18n;
  /** The agency's time zone: dates of receipt, birth and answers are its calendar dates. */
  timeZone: string;
  publicUrl: string;
  /** The receipt date for a case inquiry of a form, category and office (PT-2). */
  processingTimes: Pick<PublishedProcessingTimes, 'inquiryDate'>;
}

/** CC-10: why a case inquiry is not taken (no item is created). */
export interface InquiryRefusal {
  reason: 'not_open' | 'within_normal';
  receiptNumber: string;
  formCode: string;
  officeCode: string;
  /** The case's received date, 'YYYY-MM-DD' in the agency's time zone. */
  receivedDate: string;
  /** Cases received before this date may be inquired about; null when none is published for its form and office. */
  inquiryDate: string | null;
}

export type SubmitResult =
  | { ok: true; item: ServiceItemRow; expectation: SlaExpectation }
  /** The form's one-time token already made an item (a double submit): its number, nothing new was made. */
  | { ok: true; repeated: string }
  | { ok: false; problems: FieldProblem[] }
  | { ok: false; refusal: InquiryRefusal }
  /** Too many failed matches for this receipt number by this requester: it may try again at `retryAt`. */
  | { ok: false; wait: { retryAt: Date } };

/** What the customer sees of an item's status (internal statuses and queues are never shown). */
export type CustomerStatus = 'working' | 'need_information' | 'closed';

export function customerStatus(status: ServiceItemStatus): CustomerStatus {
  if (status === 'waiting_on_customer') return 'need_information';
  if (status === 'resolved' || status === 'closed') return 'closed';
  return 'working';
}

/** Conversation entries: the request, the agency's answers and questions, the customer's answers. */
const CONVERSATION_KINDS = new Set(['created', 'reply', 'question', 'customer_message']);

/** The longest answer the status page takes (as a secure message). */
export const MAX_ANSWER = 5000;

export interface StatusView {
  number: string;
  type: string;
  subject: string;
  status: CustomerStatus;
  /** An open item whose last word is the agency's answer (issue 15 point 10: the customer sees "Answered"). */
  answered: boolean;
  sentAt: Date;
  dueAt: Date;
  slaPolicy: SlaPolicyName | null;
  urgent: boolean;
  /** Customer-visible entries only (never internal notes); replies and closing notes with their text. */
  timeline: { kind: string; at: Date; body: string | null }[];
}

/**
 * Entries whose text the customer reads (an agent's reply, a question asked of them, their own answer, the closing
 * note); others show their kind only.
 */
const TEXT_KINDS = new Set(['reply', 'resolved', 'question', 'customer_message']);

/**
 * Guessing a date of birth (issue 13 item 15): failed case matches are counted per receipt number and requester
 * (its network address, and its email, each on its own), over 24 hours. After MAX_CASE_FAILURES the requester waits
 * before its next try, 1 minute and then twice as long after each further failure (at most CASE_WAIT_MAX_MS). Nobody
 * else waits: the real applicant, from another address with another email, is answered at once.
 */
export const MAX_CASE_FAILURES = 5;
export const CASE_FAILURE_WINDOW_MS = 86_400_000;
export const CASE_WAIT_MAX_MS = 3600_000;

/** When a requester with these failures may try again (undefined: now). */
export function caseRetryAt(failures: { count: number; last?: Date }, now: Date): Date | undefined {
  if (failures.count < MAX_CASE_FAILURES || !failures.last) return undefined;
  const retryAt = new Date(
    failures.last.getTime() + Math.min(CASE_WAIT_MAX_MS, 60_000 * 2 ** (failures.count - MAX_CASE_FAILURES)),
  );
  return retryAt > now ? retryAt : undefined;
}

const emailHash = (email: string) => sha256(`e-request:${email.trim().toLowerCase()}`);

export class ERequestService {
  constructor(private readonly deps: ERequestDeps) {}

  today(): string {
    return localDate(this.deps.clock.now(), this.deps.timeZone);
  }

  now(): Date {
    return this.deps.clock.now();
  }

  /**
   * Validates a form, matches the case (receipt number plus date of birth when the agency has one: a mismatch
   * answers exactly like an unknown case), applies CC-10 to case inquiries, then files the item where the routing
   * rules send it and queues the confirmation email, in one transaction.
   */
  /** `submission`: the form's one-time token; a second post of it answers the first item (platform/submissions.ts). */
  async submit(
    form: RequestForm,
    raw: RawForm,
    ctx: { language: Language; accountId?: string | null; ip: string; submission?: string },
  ): Promise<SubmitResult> {
    const once = await submitOnce(
      this.deps.db,
      { token: ctx.submission, form: `e-request/${form}`, now: this.deps.clock.now() },
      (record) => this.#submit(form, raw, ctx, record),
    );
    return 'repeated' in once ? { ok: true, repeated: once.repeated } : once;
  }

  async #submit(
    form: RequestForm,
    raw: RawForm,
    ctx: { language: Language; accountId?: string | null; ip: string },
    record: RecordSubmission,
  ): Promise<SubmitResult> {
    const parsed = parseRequest(form, raw, this.today());
    if (!parsed.ok) return parsed;
    const v = parsed.value;
    let found: RequestCase | undefined;
    let caseId: number | null = null;
    if (v.receiptNumber && v.section1367) {
      // The sender marked it a Section 1367 matter: nothing about any case is checked or shown (not even whether one
      // exists, CC-6). The request goes to Tier 3 as written, linked to the case when there is one; Tier 3 verifies
      // the person before saying anything about a case.
      caseId = (await findCaseForRequest(this.deps.db, v.receiptNumber))?.id ?? null;
    } else if (v.receiptNumber) {
      // Guessing dates of birth is an attack: after MAX_CASE_FAILURES failed matches for this receipt number, this
      // requester (by address or by email) waits before each next try, whether the case exists or not (the same
      // answer either way); other requesters do not.
      const now = this.deps.clock.now();
      const requester = { receiptNumber: v.receiptNumber, ip: ctx.ip, emailHash: emailHash(v.email) };
      const failures = await repo.countCaseFailuresSince(this.deps.db, {
        ...requester,
        since: new Date(now.getTime() - CASE_FAILURE_WINDOW_MS),
      });
      const waits = [caseRetryAt(failures.byAddress, now), caseRetryAt(failures.byEmail, now)].filter((d): d is Date =>
        Boolean(d),
      );
      if (waits.length) return { ok: false, wait: { retryAt: new Date(Math.max(...waits.map((d) => d.getTime()))) } };
      found = await findCaseForRequest(this.deps.db, v.receiptNumber);
      // A Section 1367 case is unknown to the public e-Request (maySeeCase: CC-6), date of birth or not: the same
      // answer as an unknown receipt number, after the same query and the same failure count.
      const matches =
        found &&
        maySeeCase({ section1367: found.section_1367 }, { kind: 'public' }) &&
        (found.date_of_birth ? found.date_of_birth === v.dateOfBirth : true);
      if (!found || !matches) {
        await repo.recordCaseFailure(this.deps.db, { ...requester, at: now });
        return { ok: false, problems: [{ field: 'receipt_number', key: 'e_request:errors.case_not_found' }] };
      }
      caseId = found.id;
    }
    if (v.type === 'outside_processing_time' && found) {
      const refusal = await this.#inquiryRefusal(found);
      if (refusal) return { ok: false, refusal };
    }
    const t = this.deps.i18n.t(ctx.language);
    const topic = t(`e_request:types.${v.type}`);
    return inTransaction(this.deps.db, async (trx) => {
      const { item, expectation } = await this.deps.items.createRouted(
        {
          channel: 'e_request',
          type: v.type,
          // CC-4/CC-5: none of these is urgent by itself (an expedite is decided by the owning office, CC-8).
          urgent: false,
          accountId: ctx.accountId ?? null,
          contact: { name: `${v.givenName} ${v.familyName}`, email: v.email, phone: v.phone },
          language: ctx.language,
          subject: v.receiptNumber ? `${topic} (${v.receiptNumber})` : topic,
          description: this.#describe(t, v),
          caseId,
          receiptNumber: v.receiptNumber,
          section1367: v.section1367,
          details: {
            form: v.form,
            given_name: v.givenName,
            family_name: v.familyName,
            requester_role: v.role,
            // Whether the date of birth matched the agency's records (not just accepted for a case without one).
            dob_matched: Boolean(found?.date_of_birth && found.date_of_birth === v.dateOfBirth),
            ...(v.dateOfBirth ? { date_of_birth: v.dateOfBirth } : {}),
            ...(v.receiptNumber ? { receipt_number: v.receiptNumber } : {}),
            section_1367: v.section1367,
            ...v.details,
          },
        },
        trx,
      );
      await this.deps.notifications.queueEmail(trx, {
        to: item.contact_email,
        template: 'service_item_received',
        language: ctx.language,
        params: {
          number: String(item.number),
          topic,
          link: `${this.deps.publicUrl}/e-request/status`,
          expectation: `${urgencyText(t, item.urgent)} ${expectationText(t, ctx.language, { kind: expectation.kind, dueAt: expectation.dueAt }, this.deps.timeZone)}`,
        },
      });
      await record(trx, String(item.number));
      return { ok: true, item, expectation } as const;
    });
  }

  /** The item's description for agents: every answer with its label, in the person's language. */
  #describe(t: Translate, v: ParsedRequest): string {
    const show = (key: string, value: string | string[]): string => {
      const one = (x: string) => {
        if (key === 'accommodation') return t(`e_request:accommodation_kinds.${x}`);
        if (['criterion', 'mail_kind', 'appointment_kind', 'reschedule_kind'].includes(key))
          return t(`e_request:choices.${key}.${x}`);
        return x;
      };
      return Array.isArray(value) ? value.map(one).join(', ') : one(value);
    };
    const lines = [`${t('e_request:summary.requester_role')}: ${t(`e_request:roles.${v.role}`)}`];
    for (const [key, value] of Object.entries(v.details)) {
      if (key === 'description') continue;
      lines.push(`${t(`e_request:summary.${key}`)}: ${show(key, value)}`);
    }
    if (v.text) lines.push('', v.text);
    return lines.join('\n');
  }

  /** The item a service item number plus its email address name, if the status page may show it. */
  async #itemFor(number: string, email: string): Promise<ServiceItemRow | undefined> {
    const typed = email.trim().toLowerCase();
    const item = await this.deps.items.byNumber(number);
    // An item without an email (a phone call logged without one) is never found by number and email.
    if (!typed || !item || !item.contact_email || item.contact_email.toLowerCase() !== typed) return undefined;
    // Threads of an online account are read there, behind sign-in and two-step verification: not by number and email.
    // A request sent from a form while signed in (e-Request, technical help) is read here like any other: the account
    // has no page for it, and its questions are answered here (issue 15 point 10).
    if (item.channel === 'secure_message') return undefined;
    // An item that became Section 1367 protected through its case (not one its sender marked so) is unknown here: the
    // sender may be anyone who knew the receipt number and date of birth (CC-6).
    if (item.section_1367 && !senderMarked1367(item)) return undefined;
    return item;
  }

  /** The item a service item number plus its email address name, as the customer sees it; undefined for any mismatch. */
  async status(number: string, email: string): Promise<StatusView | undefined> {
    const item = await this.#itemFor(number, email);
    return item ? this.#view(item) : undefined;
  }

  async #view(item: ServiceItemRow): Promise<StatusView> {
    const events = (await this.deps.items.timeline(item.id)).filter((e) => e.customer_visible);
    const lastWord = events.filter((e) => CONVERSATION_KINDS.has(e.kind)).at(-1)?.kind;
    return {
      number: String(item.number),
      type: item.type,
      subject: item.subject,
      status: customerStatus(item.status),
      answered: lastWord === 'reply' && customerStatus(item.status) !== 'closed',
      sentAt: item.created_at,
      dueAt: item.due_at,
      slaPolicy: item.sla_policy,
      urgent: item.urgent,
      timeline: events.map((e) => ({ kind: e.kind, at: e.occurred_at, body: TEXT_KINDS.has(e.kind) ? e.body : null })),
    };
  }

  /**
   * The customer answers from the status page (issue 15 point 10): the answer joins the item and a clock paused while
   * waiting on them starts again. Undefined for a number and email that do not match (as `status`).
   */
  async answer(
    number: string,
    email: string,
    message: string,
  ): Promise<
    | { ok: true; view: StatusView }
    | { ok: false; problem: 'empty' | 'too_long' | 'closed'; view: StatusView }
    | undefined
  > {
    const item = await this.#itemFor(number, email);
    if (!item) return undefined;
    const text = message.trim();
    const problem = !text ? 'empty' : [...text].length > MAX_ANSWER ? 'too_long' : undefined;
    if (problem) return { ok: false, problem, view: await this.#view(item) };
    const done = await this.deps.items.customerAnswer(item.id, { accountId: null, body: text });
    const view = await this.#view((await this.deps.items.byId(item.id))!);
    return done === 'ok' ? { ok: true, view } : { ok: false, problem: 'closed', view };
  }

  /** The item behind a confirmation page (the browser that filed it carries its number in a signed cookie). */
  async confirmation(number: string): Promise<ServiceItemRow | undefined> {
    const item = await this.deps.items.byNumber(number);
    return item?.channel === 'e_request' ? item : undefined;
  }

  /** CC-10: why a case inquiry about this case is not taken yet; undefined when it is outside normal processing time. */
  async #inquiryRefusal(found: RequestCase): Promise<InquiryRefusal | undefined> {
    const receivedDate = localDate(found.received_at, this.deps.timeZone);
    const inquiry = await this.deps.processingTimes.inquiryDate(
      found.form_code,
      found.form_category,
      found.office_code,
    );
    const base = {
      receiptNumber: found.receipt_number,
      formCode: found.form_code,
      officeCode: found.office_code,
      receivedDate,
    };
    if (!inquiry) return { ...base, reason: 'not_open', inquiryDate: null };
    if (!(receivedDate < inquiry.date)) return { ...base, reason: 'within_normal', inquiryDate: inquiry.date };
    return undefined;
  }

  /**
   * The inquiry date rule (CC-10) for another channel (the voice assistant): whether the case of this receipt number
   * (already normalized) is outside normal processing time. Section 1367 cases are not looked at here: the caller's
   * module routes them to Tier 3 (CC-6) and says nothing of them.
   */
  async inquiryRule(receiptNumber: string): Promise<'outside' | 'within_normal' | 'not_open' | 'not_found'> {
    const found = await findCaseForRequest(this.deps.db, receiptNumber);
    if (!found || !maySeeCase({ section1367: found.section_1367 }, { kind: 'public' })) return 'not_found';
    const refusal = await this.#inquiryRefusal(found);
    return refusal ? refusal.reason : 'outside';
  }
}

export type { RequestType };

/** Whether the person who sent the request said it was about a Section 1367 matter (the form's box). */
function senderMarked1367(item: Pick<ServiceItemRow, 'details'>): boolean {
  const details = (typeof item.details === 'string' ? JSON.parse(item.details) : (item.details ?? {})) as Record<
    string,
    unknown
  >;
  return details.section_1367 === true;
}
