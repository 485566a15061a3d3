import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { submitOnce, type RecordSubmission } from '../../platform/submissions.js';
import type { I18n, Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import {
  applicantOfCase,
  caseIdByReceiptNumber,
  caseProtectionById,
  caseSummaryByReceiptNumber,
  describeCase,
  findWithHistoryByReceiptNumber,
  maySeeCase,
  parseReceiptNumber,
  section1367OfCase,
  type CaseStatusView,
} from '../cases/index.js';
import type { ArticleSummary, KnowledgeService } from '../knowledge/index.js';
import type { NotificationService } from '../notifications/index.js';
import {
  expectationText,
  heldItems,
  listOpenItems,
  mayWorkProtected,
  openItemsOwnedBy,
  searchItems,
  takeItem,
  urgencyText,
  waitingByQueue,
  type ServiceItemEventRow,
  type ServiceItemRow,
  type ServiceItemService,
  type StaffWorker,
  type ServiceItemChannel,
} from '../service-items/index.js';
import { displayNameOf, listAssignableAgents, listWorkingAgents, type StaffRole } from '../staff/index.js';
import { accountIdBy, peopleBy } from '../accounts/index.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import { parseDate, sameName } from '../../platform/personal-details.js';
import { addressChangesOfCase } from '../address-change/index.js';
import type { InquiryDate, PublishedProcessingTimes } from '../processing-times/index.js';
import { agencyDate } from '../../platform/format.js';
import * as repo from './repository.js';

/**
 * The agent console (issue 5 item 6): an agent's items and queues, claiming the next item, logging a call or chat,
 * working an item, searching people and cases. Case details reach an agent only through the one case-visibility
 * policy (Section 1367, CC-6), and on phone and chat only after the caller is verified (CC-2); a representative
 * gets them only with a G-28 on the case (REP-1). Every view of a person's case data is audited.
 */

/** Channels where the person is on the line and must be verified before case details are shared (CC-2). */
export const LIVE_CHANNELS: readonly ServiceItemChannel[] = ['phone', 'chat', 'voice_assistant'];

/** What an agent may log as an inbound contact. */
export const CONTACT_CHANNELS = ['phone', 'chat', 'voice_assistant'] as const;
export const CONTACT_TYPES = [
  'case_inquiry',
  'case_status',
  'address_change',
  'biometrics_reschedule',
  'appointment_request',
  'emergency',
  'expedite_request',
  'interview_reschedule',
  'oath_reschedule',
  'technical_problem',
  'general_question',
] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

/** The verification questions an agent may ask (CC-2), from the agency's records of the case. */
export const VERIFICATION_QUESTIONS = ['date_of_birth', 'family_name', 'zip', 'a_number'] as const;
export type VerificationQuestion = (typeof VERIFICATION_QUESTIONS)[number];
export type CallerRole = 'applicant' | 'representative' | 'interpreter_with_applicant';

export type Agent = StaffActor & { roles: readonly StaffRole[] };

/** A call or chat an agent logs (`/agent/new`). */
export interface ContactInput {
  channel: (typeof CONTACT_CHANNELS)[number];
  type: ContactType;
  urgent: boolean;
  name: string;
  email: string;
  phone: string;
  language: Language;
  receiptNumber: string;
  section1367: boolean;
  subject: string;
  description: string;
}
/** A logged contact, and whether to open its page now or only say its number (CC-6: see logContact). */
export type LogResult =
  { ok: true; item: ServiceItemRow; open: boolean } | { ok: false; field: string; problem: string };

export interface ItemView {
  item: ServiceItemRow;
  timeline: (ServiceItemEventRow & { actor_name: string | null })[];
  /** The linked case's details: only once they may be shared (verified caller, or a written channel). */
  caseView?: CaseStatusView;
  /** The changes of address that reached the case, newest first, each with its status there (COA-3). */
  addressHistory?: Awaited<ReturnType<typeof addressChangesOfCase>>;
  /**
   * CC-10 for the agent: the case's receipt date for a case inquiry and whether the case was received before it
   * (outside normal processing time); null when nothing is published for its form, category and office.
   */
  inquiry?: { date: string; source: InquiryDate['source']; outside: boolean } | null;
  /** Why the case's details are not shown. */
  caseHidden?: 'verify_first' | 'representative_without_g28';
  /** The questions the records allow, for the verification form. */
  questions: VerificationQuestion[];
  verification?: { outcome: 'verified' | 'failed'; callerRole: CallerRole; at: Date };
  /** The queue the item is in (its names in both languages), and who holds it, if anyone. */
  queue?: { code: string; name_en: string; name_es: string };
  ownerName: string | null;
  /** Where the agent may release or hand the item (when they may work it). */
  targets?: ReassignTargets;
  /** Knowledge articles for the item (beside the item for every tier, and the saved replies of the answer, CC-4). */
  suggestions: ArticleSummary[];
  mayWork: boolean;
}

export interface ReassignTargets {
  queues: { code: string; name_en: string; name_es: string }[];
  colleagues: { account_id: string; display_name: string }[];
}

export interface AgentDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  items: ServiceItemService;
  knowledge: Pick<KnowledgeService, 'suggestFor' | 'get'>;
  notifications: NotificationService;
  i18n: I18n;
  timeZone: string;
  publicUrl: string;
  /**
   * REP-1: whether a representative has an active G-28 on the case. Representation (G-28) arrives with a later
   * issue; until then the check exists and answers no, so representatives get no case details.
   */
  hasActiveG28?: (caseId: number) => Promise<boolean>;
  /** The receipt date for a case inquiry (PT-2, CC-10), from the published processing times or an override. */
  processingTimes: Pick<PublishedProcessingTimes, 'inquiryDate'>;
}

/**
 * How each answer is compared with the records (CC-2): names and dates of birth as every surface compares them
 * (platform/personal-details.ts: accents, case and punctuation ignored; dates in any common format), ZIP codes by
 * their first five digits, A-Numbers by their digits. An empty answer never matches.
 */
const digits = (v: string) => v.replace(/\D/g, '');
const matches = {
  date_of_birth: (typed: string, recorded: string) => {
    const date = parseDate(typed);
    return date !== undefined && date === parseDate(recorded);
  },
  family_name: (typed: string, recorded: string) => sameName(typed, recorded),
  zip: (typed: string, recorded: string) => {
    const zip = digits(typed).slice(0, 5);
    return zip !== '' && zip === digits(recorded).slice(0, 5);
  },
  a_number: (typed: string, recorded: string) => {
    const number = digits(typed).replace(/^0+/, '');
    return number !== '' && number === digits(recorded).replace(/^0+/, '');
  },
} satisfies Record<VerificationQuestion, (typed: string, recorded: string) => boolean>;

export class AgentConsoleService {
  constructor(private readonly deps: AgentDeps) {}

  /** The moment pages count time left and time held from. */
  now(): Date {
    return this.deps.clock.now();
  }

  #worker(agent: Agent): StaffWorker {
    return { accountId: agent.accountId, roles: agent.roles };
  }

  /** The agent's own open items, and how many wait in each of their queues (Section 1367 ones only for those who may see them). */
  async home(agent: Agent) {
    const { db } = this.deps;
    const queues = await this.deps.items.queuesOf(this.#worker(agent));
    const may1367 = mayWorkProtected(agent);
    const waiting = await waitingByQueue(db, queues, may1367);
    const all = await this.deps.items.allQueues();
    return {
      mine: await openItemsOwnedBy(db, agent.accountId, may1367),
      queues: queues.map((code) => ({
        code,
        queue: all.find((q) => q.code === code)!,
        waiting: Number(waiting.find((w) => w.queue === code)?.count ?? 0),
      })),
    };
  }

  async claimNext(agent: Agent): Promise<ServiceItemRow | undefined> {
    return this.deps.items.claimNext(this.#worker(agent));
  }

  /** Logs an inbound call or chat as a service item, routed by the rules; the agent keeps it when it lands in their queues. */
  /** `submission`: the form's one-time token; a second post of it answers the item the first one logged (platform/submissions.ts). */
  async logContact(agent: Agent, input: ContactInput, submission?: string): Promise<LogResult> {
    const once = await submitOnce(
      this.deps.db,
      { token: submission, form: `agent/new/${agent.accountId}`, now: this.deps.clock.now() },
      (record) => this.#logContact(agent, input, record),
    );
    if (!('repeated' in once)) return once;
    const item = await this.deps.items.byNumber(once.repeated);
    if (!item) throw new Error(`form_submissions names item ${once.repeated}, which does not exist`);
    return {
      ok: true,
      item,
      open: item.owner_id === agent.accountId && (mayWorkProtected(agent) || !input.receiptNumber),
    };
  }

  async #logContact(agent: Agent, input: ContactInput, record: RecordSubmission): Promise<LogResult> {
    let caseId: number | null = null;
    const may1367 = mayWorkProtected(agent);
    if (input.receiptNumber) {
      const parsed = parseReceiptNumber(input.receiptNumber);
      if (!parsed.ok) return { ok: false, field: 'receipt_number', problem: 'receipt' };
      // CC-6: a receipt number ends the same way for those who may not see Section 1367 cases, whether the case is
      // unknown, protected or ordinary: the item is logged with the number as given (linked to the case when there is
      // one, so a protected one still goes to Tier 3) and the agent is told its number (`open` below).
      caseId = (await caseIdByReceiptNumber(this.deps.db, parsed.value)) ?? null;
    }
    // Read before the transaction: the embedded database has one connection, which the transaction holds.
    const myQueues = await this.deps.items.queuesOf(this.#worker(agent));
    const mayOpen = may1367 || !input.receiptNumber;
    return inTransaction(this.deps.db, async (trx) => {
      const { item, expectation } = await this.deps.items.createRouted(
        {
          channel: input.channel,
          type: input.type,
          urgent: input.urgent,
          contact: { name: input.name, email: input.email, phone: input.phone || null },
          language: input.language,
          subject: input.subject,
          description: input.description,
          caseId,
          receiptNumber: input.receiptNumber || null,
          section1367: input.section1367,
          details: { loggedBy: agent.accountId },
        },
        trx,
      );
      const mine = myQueues.includes(item.queue) && (!item.section_1367 || may1367);
      if (mine) {
        const now = this.deps.clock.now();
        await takeItem(trx, item.id, agent.accountId, now);
        await this.deps.items.record(item.id, { kind: 'claimed', actorId: agent.accountId }, {}, trx);
      }
      // CC-3, CC-4: the caller gets the service item number, whether it is urgent and when to expect an answer.
      const t = this.deps.i18n.t(input.language);
      await this.deps.notifications.queueEmail(trx, {
        to: input.email,
        template: 'service_item_received',
        language: input.language,
        params: {
          number: String(item.number),
          topic: t(`agent:types.${input.type}`),
          link: `${this.deps.publicUrl}/e-request/status`,
          expectation: `${urgencyText(t, item.urgent)} ${expectationText(t, input.language, expectation, this.deps.timeZone)}`,
        },
      });
      await auditStaffAction(
        trx,
        this.deps.clock,
        agent,
        'agent.contact_logged',
        { type: 'service_item', id: String(item.number) },
        { channel: input.channel, type: input.type, queue: item.queue },
      );
      await record(trx, String(item.number));
      return { ok: true, item: { ...item, owner_id: mine ? agent.accountId : null }, open: mine && mayOpen } as const;
    });
  }

  /**
   * An item as the agent sees it: any item but Section 1367 ones for those who may not see them (CC-6), which are
   * unknown to them. Working it (`mayWork`) needs it to be in one of their queues or theirs.
   */
  async item(agent: Agent, number: string): Promise<ItemView | undefined> {
    const item = await this.deps.items.forStaff(agent, number);
    if (!item) return undefined;
    const view: ItemView = {
      item,
      timeline: await this.deps.items.timeline(item.id),
      queue: (await this.deps.items.allQueues()).find((q) => q.code === item.queue),
      ownerName: await displayNameOf(this.deps.db, item.owner_id),
      questions: [],
      suggestions: await this.deps.knowledge.suggestFor(`${item.subject} ${item.description}`, item.language, 3),
      mayWork:
        item.status !== 'resolved' &&
        item.status !== 'closed' &&
        (await this.deps.items.maySee(this.#worker(agent), item)),
    };
    if (view.mayWork) view.targets = await this.reassignTargets(item);
    if (!item.case_id) return view;
    const c = await caseProtectionById(this.deps.db, item.case_id);
    if (!c || !maySeeCase({ section1367: c.section_1367 }, { kind: 'staff', roles: agent.roles })) return view;
    view.questions = await this.#questionsFor(item.case_id);
    const last = await repo.lastVerificationOf(this.deps.db, item.id);
    if (last) view.verification = { outcome: last.outcome, callerRole: last.caller_role, at: last.created_at };
    // A written e-Request or online appointment request counts as verified only when the applicant gave the date of
    // birth on the agency's records (anyone may type anyone's receipt number); otherwise the agent verifies first.
    const details = (typeof item.details === 'string' ? JSON.parse(item.details) : (item.details ?? {})) as Record<
      string,
      unknown
    >;
    const writtenRequest = item.channel === 'e_request' || item.channel === 'appointment_request';
    const verifiedRequest =
      details.dob_matched === true &&
      ((item.channel === 'e_request' && details.requester_role === 'applicant') ||
        item.channel === 'appointment_request');
    if (LIVE_CHANNELS.includes(item.channel) || (writtenRequest && !verifiedRequest)) {
      if (last?.outcome !== 'verified') {
        view.caseHidden = last?.caller_role === 'representative' ? 'representative_without_g28' : 'verify_first';
        return view;
      }
    }
    const found = await findWithHistoryByReceiptNumber(this.deps.db, c.receipt_number);
    if (!found) return view;
    view.caseView = describeCase(found, this.deps.timeZone);
    const inquiry = await this.deps.processingTimes.inquiryDate(
      found.form_code,
      found.form_category,
      found.office_code,
    );
    view.inquiry = inquiry && {
      ...inquiry,
      outside: agencyDate(found.received_at, this.deps.timeZone) < inquiry.date,
    };
    view.addressHistory = await addressChangesOfCase(this.deps.db, found.id);
    await auditStaffAction(
      this.deps.db,
      this.deps.clock,
      agent,
      'agent.case_viewed',
      { type: 'case', id: c.receipt_number },
      { item: String(item.number) },
    );
    return view;
  }

  async #questionsFor(caseId: number): Promise<VerificationQuestion[]> {
    const a = await applicantOfCase(this.deps.db, caseId);
    if (!a) return [];
    return VERIFICATION_QUESTIONS.filter((q) => Boolean(a[q]));
  }

  /**
   * CC-2: the agent asks the questions the records allow and types what the caller says; the caller is verified
   * when at least two were asked and every one matched. A representative also needs a G-28 on the case (REP-1).
   * Which questions were asked and whether each matched is kept; the answers themselves are not.
   */
  async verifyCaller(
    agent: Agent,
    number: string,
    input: { callerRole: CallerRole; answers: Partial<Record<VerificationQuestion, string>> },
  ): Promise<
    | {
        ok: true;
        outcome: 'verified' | 'failed';
        reason?: 'too_few' | 'mismatch' | 'no_g28';
        questions: VerificationQuestion[];
      }
    | { ok: false; problem: 'not_found' | 'date_unreadable' }
  > {
    const item = await this.deps.items.forStaff(agent, number);
    if (
      !item?.case_id ||
      item.status === 'resolved' ||
      item.status === 'closed' ||
      !(await this.deps.items.maySee(this.#worker(agent), item))
    )
      return { ok: false, problem: 'not_found' };
    const section1367 = await section1367OfCase(this.deps.db, item.case_id);
    if (section1367 === undefined || !maySeeCase({ section1367 }, { kind: 'staff', roles: agent.roles }))
      return { ok: false, problem: 'not_found' };
    const records = await applicantOfCase(this.deps.db, item.case_id);
    const asked = VERIFICATION_QUESTIONS.filter((q) => (input.answers[q] ?? '').trim() !== '' && records?.[q]);
    // A date of birth that is no date is a typing slip to correct, not a wrong answer: nothing is recorded.
    if (asked.includes('date_of_birth') && parseDate(input.answers.date_of_birth!) === undefined)
      return { ok: false, problem: 'date_unreadable' };
    const results = asked.map((q) => ({ question: q, correct: matches[q](input.answers[q]!, String(records![q])) }));
    let reason: 'too_few' | 'mismatch' | 'no_g28' | undefined;
    if (results.length < 2) reason = 'too_few';
    else if (results.some((r) => !r.correct)) reason = 'mismatch';
    else if (
      input.callerRole === 'representative' &&
      !(await (this.deps.hasActiveG28 ?? (() => Promise.resolve(false)))(item.case_id))
    )
      reason = 'no_g28';
    const outcome = reason ? 'failed' : 'verified';
    await inTransaction(this.deps.db, async (trx) => {
      await repo.insertVerification(trx, {
        id: this.deps.random.uuid(),
        item_id: item.id,
        agent_id: agent.accountId,
        case_id: item.case_id,
        caller_role: input.callerRole,
        questions: JSON.stringify(results),
        outcome,
        created_at: this.deps.clock.now(),
      });
      await this.deps.items.record(
        item.id,
        {
          kind: 'caller_verification',
          actorId: agent.accountId,
          details: { outcome, reason, callerRole: input.callerRole, asked: results.map((r) => r.question) },
        },
        {},
        trx,
      );
      await auditStaffAction(
        trx,
        this.deps.clock,
        agent,
        'agent.caller_verification',
        { type: 'service_item', id: String(item.number) },
        { outcome, reason, callerRole: input.callerRole, questions: results },
      );
    });
    return { ok: true, outcome, reason, questions: VERIFICATION_QUESTIONS.filter((q) => Boolean(records?.[q])) };
  }

  /**
   * A saved reply (issue 15 point 9): the text of a knowledge article, in the item's language, for the agent to adapt
   * and send. Undefined when the article does not exist (or is archived).
   */
  async savedReply(agent: Agent, number: string, slug: string): Promise<string | undefined> {
    const item = await this.deps.items.forStaff(agent, number);
    if (!item || !/^[a-z0-9-]{1,200}$/.test(slug)) return undefined;
    return (await this.deps.knowledge.get(slug, item.language, 'agents'))?.body;
  }

  /** Where an item can be released or handed: queues that may hold it, and the colleagues who work items. */
  async reassignTargets(item: Pick<ServiceItemRow, 'section_1367'>): Promise<ReassignTargets> {
    const queues = (await this.deps.items.allQueues()).filter(
      (q) => q.kind !== 'office' && (!item.section_1367 || q.holds_1367),
    );
    // CC-6: a Section 1367 item is handed only to a queue that may hold it, never to a named colleague.
    const colleagues = item.section_1367 ? [] : await listAssignableAgents(this.deps.db);
    return { queues, colleagues };
  }

  /**
   * Releases the item to a queue or hands it to a colleague (`queue:<code>` or `person:<account id>`), with a note;
   * audited. 'not_found' when the agent may not work it, 'target' for a queue or colleague not on offer.
   */
  async reassign(
    agent: Agent,
    number: string,
    target: string,
    note: string,
  ): Promise<{ ok: true } | { ok: false; problem: 'not_found' | 'target' }> {
    const item = await this.deps.items.forStaff(agent, number);
    if (!item || !(await this.deps.items.maySee(this.#worker(agent), item))) return { ok: false, problem: 'not_found' };
    const { queues, colleagues } = await this.reassignTargets(item);
    const [kind, id = ''] = target.split(/:(.*)/s);
    const to =
      kind === 'queue' && queues.some((q) => q.code === id)
        ? { queue: id }
        : kind === 'person' && colleagues.some((c) => c.account_id === id)
          ? { ownerId: id }
          : undefined;
    if (!to) return { ok: false, problem: 'target' };
    await inTransaction(this.deps.db, async (trx) => {
      await this.deps.items.reassign(item.id, this.#worker(agent), to, note, trx);
      await auditStaffAction(
        trx,
        this.deps.clock,
        agent,
        'agent.item_reassigned',
        { type: 'service_item', id: String(item.number) },
        { fromQueue: item.queue, fromOwner: item.owner_id, ...to },
      );
    });
    return { ok: true };
  }

  /** A queue's open items, for an agent who works the queue (undefined otherwise), with who holds each. */
  async queue(agent: Agent, code: string) {
    const worker = this.#worker(agent);
    if (!(await this.deps.items.queuesOf(worker)).includes(code)) return undefined;
    const queue = (await this.deps.items.allQueues()).find((q) => q.code === code)!;
    const items = await listOpenItems(this.deps.db, [code], mayWorkProtected(agent), 500);
    return { queue, items, names: await this.#names() };
  }

  /** Who holds which open items and since when (the supervisors' page); Section 1367 ones only for those who may see them. */
  async holders(agent: Agent) {
    const items = await heldItems(this.deps.db, mayWorkProtected(agent));
    return { items, names: await this.#names(), queues: await this.deps.items.allQueues() };
  }

  async #names(): Promise<Map<string, string>> {
    return new Map((await listWorkingAgents(this.deps.db)).map((a) => [a.account_id, a.display_name]));
  }

  /** Applicants and representatives (never staff) matching a search, for the agent's list of people. */
  async #people(by: { email: string } | { onlineAccountNumber: string }) {
    const rows = await peopleBy(this.deps.db, by);
    return rows.map((r) => ({
      name: [r.given_name, r.family_name].filter(Boolean).join(' '),
      email: r.email,
      onlineAccountNumber: r.online_account_number,
      kind: r.kind,
    }));
  }

  /**
   * Search by receipt number, email, Online Account Number or service item number: the cases (receipt number,
   * form and office only: status and history come through an item, after verification) and service items the
   * agent may see. Section 1367 cases and items are simply not found by those who may not see them.
   */
  async search(agent: Agent, query: string) {
    const { db } = this.deps;
    const q = query.trim();
    const may1367 = mayWorkProtected(agent);
    const result: {
      cases: { receiptNumber: string; formCode: string; officeCode: string }[];
      people: { name: string; email: string; onlineAccountNumber: string; kind: string }[];
      items: ServiceItemRow[];
    } = { cases: [], people: [], items: [] };
    if (!q) return result;
    const receipt = parseReceiptNumber(q);
    let by: Parameters<typeof searchItems>[1];
    if (receipt.ok) {
      const c = await caseSummaryByReceiptNumber(db, receipt.value);
      if (c && maySeeCase({ section1367: c.section_1367 }, { kind: 'staff', roles: agent.roles }))
        result.cases.push({ receiptNumber: c.receipt_number, formCode: c.form_code, officeCode: c.office_code });
      by = { receiptNumber: receipt.value };
    } else if (/^\d{12}$/.test(q)) {
      result.people = await this.#people({ onlineAccountNumber: q });
      by = { accountId: await accountIdBy(db, { onlineAccountNumber: q }) };
    } else if (/^\d{1,11}$/.test(q)) {
      by = { number: Number(q) };
    } else if (q.includes('@')) {
      result.people = await this.#people({ email: q.toLowerCase() });
      by = { email: q.toLowerCase(), accountId: await accountIdBy(db, { email: q.toLowerCase() }) };
    } else {
      return result;
    }
    result.items = await searchItems(db, by, may1367);
    await auditStaffAction(db, this.deps.clock, agent, 'agent.search', undefined, {
      kind: receipt.ok ? 'receipt_number' : q.includes('@') ? 'email' : 'number',
      cases: result.cases.length,
      people: result.people.length,
      items: result.items.length,
    });
    return result;
  }
}
