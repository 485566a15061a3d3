import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { StaffRole } from '../../platform/db/tables.js';
import type { Insertable } from 'kysely';
import type {
  ServiceItemChannel,
  ServiceItemStatus,
  ServiceItemsTable,
  SlaPolicyName,
  ServiceItemRow,
  ServiceItemEventRow,
} from './tables.js';
import type { Language, Translate } from '../../platform/i18n/index.js';
import { defineJob, type JobQueue } from '../../platform/jobs/index.js';
import type { Random } from '../../platform/random.js';
import { caseForRoutingForShare, maySeeCase } from '../cases/index.js';
import { longDate } from '../../platform/format.js';
import type { NotificationService } from '../notifications/index.js';
import { inviteToItemSurvey } from '../surveys/index.js';
import {
  claimNext,
  endPause,
  findItemById,
  findItemByNumber,
  insertEvent,
  insertItemWithEvents,
  insertPause,
  itemStates,
  itemsOfAccount,
  listEvents,
  listOpenItems,
  lockItem,
  officeQueue,
  openFollowUpsOf,
  openPause,
  pausesOf,
  queues as listQueues,
  routingRules,
  statusOfItem,
  updateItem,
} from './repository.js';
import { queueKindsOf, routeItem, type Route } from './routing.js';
import {
  dueAt as slaDueAt,
  expectation as slaExpectation,
  nextFollowUp,
  promisedDays,
  SLA_POLICIES,
  type FollowUpLevel,
  type SlaExpectation,
} from './sla.js';

/** "Your request is urgent." / "Your request is not urgent." (CC-4: the customer is told which). */
export function urgencyText(t: Translate, urgent: boolean): string {
  return t(urgent ? 'service_items:expectation.is_urgent' : 'service_items:expectation.is_not_urgent');
}

/** What the customer is told to expect (CC-5, CC-7): urgent 24-72 hours; non-urgent by a date; office requests 30 days. */
export function expectationText(
  t: Translate,
  lang: Language,
  p: { kind: SlaPolicyName | null; dueAt: Date },
  timeZone: string,
): string {
  const date = longDate(p.dueAt, lang, timeZone);
  if (p.kind === 'urgent') return t('service_items:expectation.urgent');
  const days = p.kind ? promisedDays(p.kind) : null;
  if (days)
    return days.min === days.max
      ? t('service_items:expectation.technical_day', { count: days.max, date })
      : t('service_items:expectation.technical_range', { min: days.min, max: days.max, date });
  if (p.kind === 'office_service_request') return t('service_items:expectation.office', { date });
  return t('service_items:expectation.non_urgent', { date });
}

/**
 * What an agent tells the customer about an item (CC-3, CC-4), from the item's own SLA policy (sla.ts): whether it is
 * urgent where the Contact Center's urgent/non-urgent targets apply (CC-5), and when to expect the answer as that
 * policy words it. An item under no policy (technical-help items the help desk dates itself) is promised its due
 * date: never the 30 business days of a policy it is not under.
 */
export function promiseOfItem(
  t: Translate,
  lang: Language,
  item: Pick<ServiceItemRow, 'sla_policy' | 'due_at' | 'urgent'>,
  timeZone: string,
): string {
  if (!item.sla_policy) return t('service_items:expectation.by_date', { date: longDate(item.due_at, lang, timeZone) });
  const expected = expectationText(t, lang, { kind: item.sla_policy, dueAt: item.due_at }, timeZone);
  return SLA_POLICIES[item.sla_policy].rule === 'CC-5' ? `${urgencyText(t, item.urgent)} ${expected}` : expected;
}

/** Where an item's clock stands at `now`: time left until its due moment (frozen while paused), or past it. */
export interface ItemClock {
  dueAt: Date;
  /** Since when the clock waits on the customer; null while it runs. */
  pausedAt: Date | null;
  /** Milliseconds until the due moment (counted to the pause while paused); negative once past due. */
  msLeft: number;
  /** Past the due moment now (strictly, as sla.ts counts a breach). */
  overdue: boolean;
  /** Answered or closed: the clock no longer matters. */
  stopped: boolean;
}

export function clockOf(item: Pick<ServiceItemRow, 'due_at' | 'sla_paused_at' | 'status'>, now: Date): ItemClock {
  const until = item.sla_paused_at ?? now;
  const msLeft = item.due_at.getTime() - until.getTime();
  return {
    dueAt: item.due_at,
    pausedAt: item.sla_paused_at,
    msLeft,
    overdue: msLeft < 0,
    stopped: item.status === 'resolved' || item.status === 'closed',
  };
}

/** "2 days 4 hours", "3 hours 10 minutes", "12 minutes": a length of time as agents read it on a clock. */
export function durationText(t: Translate, ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const part = (unit: 'days' | 'hours' | 'minutes', count: number) => t(`service_items:clock.${unit}`, { count });
  if (days) return hours ? `${part('days', days)} ${part('hours', hours)}` : part('days', days);
  if (hours) return mins ? `${part('hours', hours)} ${part('minutes', mins)}` : part('hours', hours);
  return part('minutes', mins);
}

/** "2 days 4 hours left", "Overdue by 3 hours", "Paused, 2 days left": an item's clock in words. */
export function timeLeftText(t: Translate, clock: ItemClock): string {
  if (clock.stopped) return t('service_items:clock.stopped');
  const time = durationText(t, clock.msLeft);
  if (clock.overdue) return t('service_items:clock.overdue', { time });
  return t(clock.pausedAt ? 'service_items:clock.paused_left' : 'service_items:clock.left', { time });
}

/** Whose words a timeline entry is: the customer's, ours to the customer, or ours only (the workspace's conversation). */
export function eventVoice(
  ev: Pick<ServiceItemEventRow, 'kind' | 'customer_visible'>,
): 'customer' | 'agency' | 'internal' {
  if (ev.kind === 'created' || ev.kind === 'customer_message') return 'customer';
  return ev.customer_visible ? 'agency' : 'internal';
}

/** Watches an item's SLA clock: runs at the due moment (again if a pause moved it), and escalates on a breach. */
export const slaCheckJob = defineJob({
  name: 'service-item-sla-check',
  payload: z.object({ itemId: z.string().uuid() }),
});

/** How an item is closed (the agent picks one; dashboards count them). */
export const RESOLUTION_CODES = [
  'answered',
  'case_status_given',
  'sent_to_office',
  'appointment_made',
  'no_action_needed',
  'duplicate',
  'no_response',
] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

/** An inquiry to route by the rules (Contact Center channels). */
export interface RoutedItemInput {
  channel: ServiceItemChannel;
  type: string;
  urgent?: boolean;
  accountId?: string | null;
  contact: { name: string; email: string; phone?: string | null };
  language: Language;
  subject: string;
  description: string;
  /** The case it is about (its office routes service requests; its Section 1367 flag isolates the item). */
  caseId?: number | null;
  receiptNumber?: string | null;
  /** The person says it is a VAWA, T or U matter (CC-6), whatever the case says. */
  section1367?: boolean;
  details?: Record<string, unknown>;
  /** The item's id, when the caller chose it beforehand (a row of its own that points to the item is written first). */
  id?: string;
}

export interface StaffWorker {
  accountId: string;
  roles: readonly string[];
}

/** Whether this staff member may see Section 1367 items at all: the case policy decides (CC-6, maySeeCase). */
export function mayWorkProtected(viewer: Pick<StaffWorker, 'roles'>): boolean {
  return maySeeCase({ section1367: true }, { kind: 'staff', roles: viewer.roles as readonly StaffRole[] });
}

/** The one visibility rule of items for staff: every staff page that lists or opens items asks it (CC-6). */
export function maySeeItem(viewer: Pick<StaffWorker, 'roles'>, item: Pick<ServiceItemRow, 'section_1367'>): boolean {
  return !item.section_1367 || mayWorkProtected(viewer);
}

/**
 * Answers in the account, and anything about a Section 1367 matter, stay behind sign-in or the status page: the email
 * only says there is something to read (a mailbox may be read by someone the person must be protected from).
 */
function isPrivate(item: Pick<ServiceItemRow, 'channel' | 'section_1367'>): boolean {
  return item.channel === 'secure_message' || item.section_1367;
}

/** Refusals of item actions, each with a message on the agent's page. */
export class ServiceItemActionError extends Error {
  constructor(
    readonly code:
      'not_found' | 'closed' | 'already_paused' | 'not_paused' | 'no_office' | 'not_owner' | 'no_queue' | 'no_email',
  ) {
    super(code);
  }
}

/**
 * Service items (CC-3): a numbered inquiry with a queue, a status, a due date and a timeline of every action.
 * Modules that take inquiries (the Technical Help Desk today; the Contact Center later) create and work them here.
 * Methods take an optional transaction handle: inside a transaction, pass it (the embedded database has one
 * connection, so a query outside the transaction would wait for it forever).
 */

export interface NewServiceItem {
  channel: ServiceItemChannel;
  type: string;
  queue: string;
  accountId?: string | null;
  contact: { name: string; email: string; phone?: string | null };
  language: 'en' | 'es';
  urgent?: boolean;
  subject: string;
  description: string;
  /** How long the agency has to answer (the target shown to the customer). */
  dueInMs: number;
  /** The item's id, when the caller chose it beforehand (a row of its own that points to the item is written first). */
  id?: string;
}

export interface TimelineEntry {
  kind: string;
  actorId?: string | null;
  body?: string | null;
  customerVisible?: boolean;
  details?: Record<string, unknown>;
}

export interface ServiceItemDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  jobs: JobQueue;
  notifications: NotificationService;
  /** The agency's time zone: business days and holidays are counted there. */
  timeZone: string;
  publicUrl: string;
}

/** The columns of a new item that come from the contact as given (who, how, in which language, about what). */
const fromContact = (input: NewServiceItem | RoutedItemInput) => ({
  channel: input.channel,
  type: input.type,
  account_id: input.accountId ?? null,
  contact_name: input.contact.name,
  contact_email: input.contact.email,
  contact_phone: input.contact.phone ?? null,
  language: input.language,
  subject: input.subject,
  description: input.description,
});

const eventRow = (itemId: string, at: Date, entry: TimelineEntry) => ({
  item_id: itemId,
  kind: entry.kind,
  actor_id: entry.actorId ?? null,
  occurred_at: at,
  body: entry.body ?? null,
  customer_visible: entry.customerVisible ?? false,
  details: JSON.stringify(entry.details ?? {}),
});

/** Adds entries to an item's timeline (in this order): without text, for staff only and with no details unless said. */
async function addEntry(db: DbHandle, itemId: string, at: Date, ...entries: TimelineEntry[]): Promise<void> {
  await insertEvent(
    db,
    entries.map((entry) => eventRow(itemId, at, entry)),
  );
}

export class ServiceItemService {
  constructor(private readonly deps: ServiceItemDeps) {}

  /**
   * Creates the item and its first timeline entry, in the caller's transaction when given one. `closed`: an item
   * that was handled as it came (a self-served call): made closed with that resolution and that entry after its
   * first, as `record(..., { status: 'closed' })` right after would leave it, in the same two statements.
   */
  async create(
    input: NewServiceItem,
    db: DbHandle = this.deps.db,
    closed?: { entry: TimelineEntry; resolution: string },
  ): Promise<ServiceItemRow> {
    const now = this.deps.clock.now();
    return this.#insertOpen(
      db,
      now,
      {
        ...fromContact(input),
        id: input.id,
        queue: input.queue,
        urgent: input.urgent ?? false,
        due_at: new Date(now.getTime() + input.dueInMs),
      },
      { customerVisible: true, details: { channel: input.channel, queue: input.queue } },
      closed,
    );
  }

  async byNumber(number: string, db: DbHandle = this.deps.db): Promise<ServiceItemRow | undefined> {
    if (!/^\d{1,12}$/.test(number)) return undefined;
    return findItemByNumber(db, number);
  }

  async byId(id: string, db: DbHandle = this.deps.db): Promise<ServiceItemRow | undefined> {
    return findItemById(db, id);
  }

  /**
   * Where these items stand now (status, queue, Section 1367), by id; an id not found is left out. For records of
   * other modules that follow their item (a callback's line, CC-6), without reading this module's tables.
   */
  async statesOf(
    ids: readonly string[],
    db: DbHandle = this.deps.db,
  ): Promise<Map<string, Pick<ServiceItemRow, 'status' | 'queue' | 'section_1367'>>> {
    const rows = await itemStates(db, ids);
    return new Map(rows.map((r) => [r.id, { status: r.status, queue: r.queue, section_1367: r.section_1367 }]));
  }

  /**
   * Staff reads of items go through the one visibility rule (CC-6): Section 1367 items exist only for those the case
   * policy allows (maySeeItem). Lists leave them out in SQL; a single item is undefined, answered as not found.
   */
  async openItems(queues: string[], viewer: Pick<StaffWorker, 'roles'>): Promise<ServiceItemRow[]> {
    return listOpenItems(this.deps.db, queues, mayWorkProtected(viewer));
  }

  /** An item by number for a staff member: undefined when it does not exist or they may not see it (CC-6). */
  async forStaff(
    viewer: Pick<StaffWorker, 'roles'>,
    number: string,
    db: DbHandle = this.deps.db,
  ): Promise<ServiceItemRow | undefined> {
    const item = await this.byNumber(number, db);
    return item && maySeeItem(viewer, item) ? item : undefined;
  }

  async timeline(itemId: string, db: DbHandle = this.deps.db) {
    return listEvents(db, itemId);
  }

  async ofAccount(accountId: string, viewer: Pick<StaffWorker, 'roles'>): Promise<ServiceItemRow[]> {
    return itemsOfAccount(this.deps.db, accountId, mayWorkProtected(viewer));
  }

  /** Adds a timeline entry and applies the changes that go with it (status, queue, owner, resolution). */
  async record(
    itemId: string,
    entry: TimelineEntry,
    changes: { status?: ServiceItemStatus; queue?: string; ownerId?: string | null; resolution?: string } = {},
    db: DbHandle = this.deps.db,
  ): Promise<void> {
    const now = this.deps.clock.now();
    const work = async (trx: DbHandle) => {
      await addEntry(trx, itemId, now, entry);
      const set: Parameters<typeof updateItem>[2] = {};
      if (changes.status) set.status = changes.status;
      if (changes.queue) set.queue = changes.queue;
      if (changes.ownerId !== undefined) set.owner_id = changes.ownerId;
      if (changes.status === 'resolved' || changes.status === 'closed') {
        set.resolved_at = now;
        set.resolution = changes.resolution ?? null;
      }
      if (Object.keys(set).length) await updateItem(trx, itemId, set);
      if (changes.status === 'resolved') {
        const item = await findItemById(trx, itemId);
        if (item) await this.#tellResolved(trx, item);
      }
    };
    // An entry alone is one statement (atomic by itself): no transaction around it.
    const entryOnly = !changes.status && !changes.queue && changes.ownerId === undefined;
    if (db === this.deps.db && !entryOnly) await inTransaction(db, work);
    else await work(db);
  }

  // ---- Contact Center: routing, SLA clocks, claims and the agent's actions (issue 5) ----------------------------

  /**
   * Creates an item where the routing rules send it (Section 1367 to Tier 3 only, technical problems to the help
   * desk, expedite and interview/oath reschedule requests to the owning office, urgent appointment needs to Tier 2,
   * the rest to Tier 1), with its SLA clock started and watched. Answers the item, the route and what the customer
   * is told to expect.
   */
  async createRouted(
    input: RoutedItemInput,
    db: DbHandle = this.deps.db,
  ): Promise<{ item: ServiceItemRow; route: Route; expectation: SlaExpectation }> {
    const work = async (trx: DbHandle) => {
      const c = input.caseId ? await caseForRoutingForShare(trx, input.caseId) : undefined;
      const section1367 = Boolean(input.section1367) || Boolean(c?.section_1367);
      const urgent = Boolean(input.urgent);
      const route = routeItem(await routingRules(trx), {
        channel: input.channel,
        type: input.type,
        urgent,
        section1367,
        officeCode: c?.office_code,
      });
      // A rule without a policy keeps the urgency's (CC-5).
      const policy: SlaPolicyName = route.slaPolicy ?? (urgent ? 'urgent' : 'non_urgent');
      const now = this.deps.clock.now();
      const expected = slaExpectation(policy, now, this.deps.timeZone);
      const item = await this.#insertOpen(
        trx,
        now,
        {
          ...fromContact(input),
          id: input.id,
          queue: route.queue,
          urgent,
          priority: urgent ? 1 : 2,
          due_at: expected.dueAt,
          case_id: c?.id ?? null,
          receipt_number: c?.receipt_number ?? input.receiptNumber ?? null,
          section_1367: section1367,
          office_code: c?.office_code ?? null,
          sla_policy: policy,
          sla_started_at: now,
          details: JSON.stringify(input.details ?? {}),
        },
        {
          customerVisible: true,
          details: {
            channel: input.channel,
            queue: route.queue,
            rule: route.rule,
            why: route.note,
            sla: policy,
            dueAt: expected.dueAt.toISOString(),
          },
        },
      );
      await this.deps.jobs.send(trx, slaCheckJob, { itemId: item.id }, { startAfter: expected.dueAt });
      return { item, route, expectation: expected };
    };
    return db === this.deps.db ? inTransaction(db, work) : work(db);
  }

  /**
   * The SLA policy the routing rules give an inquiry of this channel and type (ACC-6: what the technical-help form
   * promises for each topic, before anything is sent). Section 1367 and office routes are not considered.
   */
  async policiesFor(channel: ServiceItemChannel, types: readonly string[]): Promise<Record<string, SlaPolicyName>> {
    const rules = await routingRules(this.deps.db);
    return Object.fromEntries(
      types.map((type) => {
        const route = routeItem(rules, { channel, type, urgent: false, section1367: false });
        return [type, route.slaPolicy ?? 'non_urgent'];
      }),
    );
  }

  /** The queue codes a staff member works (office queues: every office's, for officers). */
  async queuesOf(worker: StaffWorker): Promise<string[]> {
    const kinds = queueKindsOf(worker.roles);
    return (await this.allQueues()).filter((q) => (kinds as string[]).includes(q.kind)).map((q) => q.code);
  }

  #queues: { at: number; rows: Promise<Awaited<ReturnType<typeof listQueues>>> } | undefined;

  /** The queues (rows of `service_queues`), read again at most once a minute: every claim needs them. */
  async allQueues() {
    const now = Date.now();
    if (!this.#queues || now - this.#queues.at > 60_000) {
      const rows = listQueues(this.deps.db);
      this.#queues = { at: now, rows };
      rows.catch(() => (this.#queues = undefined));
    }
    return this.#queues.rows;
  }

  /** Whether a staff member may see an item: its queue is theirs or they own it, and Section 1367 items only per the case policy (CC-6). */
  async maySee(
    worker: StaffWorker,
    item: Pick<ServiceItemRow, 'queue' | 'owner_id' | 'section_1367'>,
  ): Promise<boolean> {
    if (!maySeeItem(worker, item)) return false;
    if (item.owner_id === worker.accountId) return true;
    return (await this.queuesOf(worker)).includes(item.queue);
  }

  /** The next item for this agent (urgent first, then the oldest), now theirs; two agents never get the same one. */
  async claimNext(worker: StaffWorker): Promise<ServiceItemRow | undefined> {
    const include1367 = mayWorkProtected(worker);
    return claimNext(this.deps.db, {
      queues: await this.queuesOf(worker),
      agentId: worker.accountId,
      now: this.deps.clock.now(),
      include1367,
    });
  }

  /** Loads an item for an action, locked, refusing closed ones. */
  async #forAction(trx: DbHandle, itemId: string): Promise<ServiceItemRow> {
    const item = await lockItem(trx, itemId);
    if (!item) throw new ServiceItemActionError('not_found');
    if (item.status === 'resolved' || item.status === 'closed') throw new ServiceItemActionError('closed');
    return item;
  }

  /**
   * The SLA clock stops while the agency waits on the customer (CC-5); each pause is kept with its reason (internal).
   * With a question (issue 15 point 10), the customer is sent it by email with where to answer, and reads it there
   * (the e-Request status page, or their account's thread); their answer starts the clock again (`customerAnswer`).
   */
  async pauseClock(itemId: string, worker: StaffWorker, reason: string, question = ''): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const item = await this.#forAction(trx, itemId);
      if (await openPause(trx, itemId)) throw new ServiceItemActionError('already_paused');
      // A question goes to the customer by email: without an address (a call logged without one) it would go nowhere.
      if (question.trim() && !item.contact_email) throw new ServiceItemActionError('no_email');
      const now = this.deps.clock.now();
      await insertPause(trx, { itemId, at: now, by: worker.accountId, reason });
      await updateItem(trx, itemId, {
        sla_paused_at: now,
        status: 'waiting_on_customer',
        owner_id: item.owner_id ?? worker.accountId,
      });
      await addEntry(trx, itemId, now, { kind: 'sla_paused', actorId: worker.accountId, body: reason });
      const asked = question.trim();
      if (!asked) return;
      await addEntry(trx, itemId, now, {
        kind: 'question',
        actorId: worker.accountId,
        body: asked,
        customerVisible: true,
      });
      await this.deps.notifications.queueEmail(trx, {
        to: item.contact_email,
        template: isPrivate(item) ? 'service_item_question_notice' : 'service_item_question',
        language: item.language,
        params: { number: String(item.number), question: asked, link: this.#customerLink(item) },
      });
    });
  }

  /** Where the customer reads and answers an item: their account's thread, or the e-Request status page. */
  #customerLink(item: Pick<ServiceItemRow, 'channel' | 'number'>): string {
    return item.channel === 'secure_message'
      ? `${this.deps.publicUrl}/account/messages/${String(item.number)}`
      : `${this.deps.publicUrl}/e-request/status`;
  }

  /**
   * The customer answers (from the e-Request status page or their account's thread): the answer joins the timeline,
   * and a clock paused while waiting on them starts again (CC-5). 'closed' when the item was closed meanwhile.
   */
  async customerAnswer(
    itemId: string,
    answer: { accountId: string | null; body: string },
    db: DbHandle = this.deps.db,
  ): Promise<'ok' | 'closed'> {
    const work = async (trx: DbHandle): Promise<'ok' | 'closed'> => {
      const item = await lockItem(trx, itemId);
      if (!item) throw new ServiceItemActionError('not_found');
      if (item.status === 'resolved' || item.status === 'closed') return 'closed';
      if (item.sla_paused_at) await this.resumeClock(item.id, null, trx);
      await this.record(
        item.id,
        { kind: 'customer_message', actorId: answer.accountId, body: answer.body, customerVisible: true },
        item.status === 'waiting_on_customer' && !item.sla_paused_at
          ? { status: item.owner_id ? 'in_progress' : 'open' }
          : {},
        trx,
      );
      return 'ok';
    };
    return db === this.deps.db ? inTransaction(db, work) : work(db);
  }

  /** Restarts the clock: the due moment moves by the paused time (sla.ts), and the watch job follows it. */
  async resumeClock(itemId: string, worker: StaffWorker | null, db: DbHandle = this.deps.db): Promise<Date> {
    const work = async (trx: DbHandle) => {
      const item = await this.#forAction(trx, itemId);
      const pause = await openPause(trx, itemId);
      if (!pause) throw new ServiceItemActionError('not_paused');
      const now = this.deps.clock.now();
      await endPause(trx, pause.id, { at: now, by: worker?.accountId ?? null });
      const due = this.#dueOf(item, await pausesOf(trx, itemId));
      await updateItem(trx, itemId, {
        sla_paused_at: null,
        due_at: due,
        status: item.owner_id ? 'in_progress' : 'open',
      });
      await addEntry(trx, itemId, now, {
        kind: 'sla_resumed',
        actorId: worker?.accountId,
        details: { dueAt: due.toISOString() },
      });
      await this.deps.jobs.send(trx, slaCheckJob, { itemId }, { startAfter: due });
      return due;
    };
    return db === this.deps.db ? inTransaction(db, work) : work(db);
  }

  #dueOf(item: ServiceItemRow, pauses: { paused_at: Date; resumed_at: Date | null }[]): Date {
    if (!item.sla_policy) return item.due_at;
    const startedAt = item.sla_started_at ?? item.created_at;
    // Pauses from before the clock (re)started (e.g. before the item went to an office) do not move it.
    const state = {
      startedAt,
      policy: item.sla_policy,
      pauses: pauses.filter((p) => p.paused_at >= startedAt).map((p) => ({ from: p.paused_at, to: p.resumed_at })),
    };
    return slaDueAt(state, this.deps.timeZone) ?? item.due_at;
  }

  /**
   * The watch job: at the due moment an item still unanswered is breached. A service request to an office gets its
   * secondary, then its tertiary request (CC-7); any other item is escalated: urgent, to the next tier, and the
   * customer is told by email (CC-4). A paused or moved clock is watched again later; answered items are left alone.
   */
  async checkSla(itemId: string): Promise<'not_due' | 'breached' | 'follow_up' | 'ignored'> {
    return inTransaction(this.deps.db, async (trx) => {
      const item = await lockItem(trx, itemId);
      // A breach is recorded once per clock: an escalation restarts the clock after it (a due moment after the breach).
      if (
        !item ||
        item.status === 'resolved' ||
        item.status === 'closed' ||
        item.sla_paused_at ||
        (item.breached_at && item.breached_at >= item.due_at)
      )
        return 'ignored';
      // A follow-up request whose primary was answered has nothing left to follow (CC-7).
      if (item.parent_item_id) {
        const parent = await statusOfItem(trx, item.parent_item_id);
        if (parent && (parent.status === 'resolved' || parent.status === 'closed')) return 'ignored';
      }
      const now = this.deps.clock.now();
      if (now < item.due_at) {
        await this.deps.jobs.send(trx, slaCheckJob, { itemId }, { startAfter: item.due_at });
        return 'not_due';
      }
      if (item.sla_policy === 'office_service_request') {
        await updateItem(trx, itemId, { breached_at: now });
        const next = nextFollowUp(item.created_at, item.follow_up_level, this.deps.timeZone);
        if (next) {
          const followUp = await this.#createFollowUp(trx, item, next.level, now);
          await addEntry(trx, itemId, now, {
            kind: 'follow_up_created',
            details: { level: next.level, number: String(followUp.number) },
          });
          return 'follow_up';
        }
        await updateItem(trx, itemId, { escalated_at: now, priority: 1 });
        await addEntry(trx, itemId, now, { kind: 'sla_breached', details: { level: item.follow_up_level } });
        return 'breached';
      }
      const to = item.queue === 'tier1' && !item.section_1367 ? 'tier2' : item.queue;
      // A breach of the urgent clock an escalation started is recorded once; the item stays escalated where it is.
      if (item.escalated_at && item.sla_policy === 'urgent') {
        await updateItem(trx, itemId, { breached_at: now });
        await addEntry(trx, itemId, now, { kind: 'sla_breached', details: { from: item.queue, to: item.queue } });
        return 'breached';
      }
      await updateItem(trx, itemId, {
        breached_at: now,
        escalated_at: now,
        queue: to,
        status: 'escalated',
        owner_id: to === item.queue ? item.owner_id : null,
      });
      await this.#urgentClock(trx, itemId, now);
      await addEntry(trx, itemId, now, { kind: 'sla_breached', details: { from: item.queue, to } });
      await this.#tellEscalated(trx, item);
      return 'breached';
    });
  }

  /**
   * Inserts an open item that nobody owns yet, created `now`, and the first entry of its timeline (closed with its
   * closing entry when `closed`).
   */
  async #insertOpen(
    db: DbHandle,
    now: Date,
    {
      id,
      ...item
    }: Omit<
      Insertable<ServiceItemsTable>,
      'id' | 'status' | 'owner_id' | 'created_at' | 'resolved_at' | 'resolution'
    > & { id?: string | undefined },
    created: { customerVisible: boolean; details: Record<string, unknown> },
    closed?: { entry: TimelineEntry; resolution: string },
  ): Promise<ServiceItemRow> {
    const itemId = id ?? this.deps.random.uuid();
    // The item and its first entries in one statement.
    return insertItemWithEvents(
      db,
      {
        id: itemId,
        status: closed ? 'closed' : 'open',
        owner_id: null,
        created_at: now,
        resolved_at: closed ? now : null,
        resolution: closed ? closed.resolution : null,
        ...item,
      },
      [{ kind: 'created', ...created }, ...(closed ? [closed.entry] : [])].map((entry) => eventRow(itemId, now, entry)),
    );
  }

  async #createFollowUp(
    trx: DbHandle,
    parent: ServiceItemRow,
    level: FollowUpLevel,
    now: Date,
  ): Promise<ServiceItemRow> {
    const expected = slaExpectation('office_service_request', now, this.deps.timeZone);
    const item = await this.#insertOpen(
      trx,
      now,
      {
        channel: parent.channel,
        type: parent.type,
        queue: parent.queue,
        account_id: parent.account_id,
        contact_name: parent.contact_name,
        contact_email: parent.contact_email,
        contact_phone: parent.contact_phone,
        language: parent.language,
        urgent: parent.urgent,
        priority: 1,
        subject: parent.subject,
        description: parent.description,
        due_at: expected.dueAt,
        case_id: parent.case_id,
        receipt_number: parent.receipt_number,
        section_1367: parent.section_1367,
        office_code: parent.office_code,
        sla_policy: 'office_service_request',
        sla_started_at: now,
        follow_up_level: level,
        parent_item_id: parent.id,
        details: JSON.stringify(parent.details ?? {}),
      },
      { customerVisible: false, details: { followUpOf: String(parent.number), level } },
    );
    await this.deps.jobs.send(trx, slaCheckJob, { itemId: item.id }, { startAfter: expected.dueAt });
    return item;
  }

  async #tellEscalated(trx: DbHandle, item: ServiceItemRow): Promise<void> {
    const expected = slaExpectation('urgent', this.deps.clock.now(), this.deps.timeZone);
    const hours = `${Math.round((expected.respondFrom!.getTime() - this.deps.clock.now().getTime()) / 3_600_000)}-${Math.round((expected.dueAt.getTime() - this.deps.clock.now().getTime()) / 3_600_000)}`;
    await this.deps.notifications.queueEmail(trx, {
      to: item.contact_email,
      template: 'service_item_escalated',
      language: item.language,
      // A secure message's customer reads it in their account's thread (the status page does not show threads).
      params: { number: String(item.number), hours, link: this.#customerLink(item) },
    });
  }

  /**
   * The customer is told their item is closed, with the one-question satisfaction survey (issue 15 point 10, ACC-9):
   * a single-use link, valid 30 days. Sent in the transaction that resolves the item.
   */
  async #tellResolved(trx: DbHandle, item: ServiceItemRow): Promise<void> {
    const path = await inviteToItemSurvey(trx, {
      token: this.deps.random.token(32),
      itemNumber: item.number,
      language: item.language,
      now: this.deps.clock.now(),
    });
    await this.deps.notifications.queueEmail(trx, {
      to: item.contact_email,
      template: 'service_item_resolved',
      language: item.language,
      params: { number: String(item.number), link: this.#customerLink(item), survey: `${this.deps.publicUrl}${path}` },
    });
  }

  /** Ends a pause the item is in (an action that hands it on, or closes it, ends the wait on the customer). */
  async #endPause(trx: DbHandle, itemId: string, now: Date, by: string | null): Promise<void> {
    const pause = await openPause(trx, itemId);
    if (pause) await endPause(trx, pause.id, { at: now, by });
  }

  /**
   * An escalated item is answered as an urgent one (CC-4, CC-5: 24-72 hours, as the customer is told): its clock
   * restarts under the urgent policy and is watched again.
   */
  async #urgentClock(trx: DbHandle, itemId: string, now: Date): Promise<Date> {
    const expected = slaExpectation('urgent', now, this.deps.timeZone);
    await updateItem(trx, itemId, {
      sla_policy: 'urgent',
      sla_started_at: now,
      due_at: expected.dueAt,
      sla_paused_at: null,
      urgent: true,
      priority: 1,
    });
    await this.deps.jobs.send(trx, slaCheckJob, { itemId }, { startAfter: expected.dueAt });
    return expected.dueAt;
  }

  /**
   * An agent sends the item up a tier (Tier 1 to Tier 2 by default) with a reason; the customer is told by email (CC-4).
   * A Section 1367 item stays with Tier 3, the only tier that may see it (CC-6).
   */
  async escalate(
    itemId: string,
    worker: StaffWorker,
    reason: string,
    asked: 'tier2' | 'tier3' = 'tier2',
  ): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const item = await this.#forAction(trx, itemId);
      const to = item.section_1367 ? 'tier3' : asked;
      const now = this.deps.clock.now();
      await this.#endPause(trx, itemId, now, worker.accountId);
      await updateItem(trx, itemId, { queue: to, status: 'escalated', owner_id: null, escalated_at: now });
      await this.#urgentClock(trx, itemId, now);
      await addEntry(trx, itemId, now, {
        kind: 'escalated',
        actorId: worker.accountId,
        body: reason,
        details: { from: item.queue, to },
      });
      await this.#tellEscalated(trx, item);
    });
  }

  /**
   * Releases an item to a queue (its own, or another; nobody holds it then) or hands it to a named colleague, with a
   * note on the timeline (issue 15 point 9). A Section 1367 item goes only to a queue that may hold it (CC-6). The clock
   * runs on as it was: a release is no answer and no escalation.
   */
  async reassign(
    itemId: string,
    worker: StaffWorker,
    to: { queue: string } | { ownerId: string },
    note: string,
    db: DbHandle = this.deps.db,
  ): Promise<ServiceItemRow> {
    const queues = await this.allQueues();
    const work = async (trx: DbHandle) => {
      const item = await this.#forAction(trx, itemId);
      const now = this.deps.clock.now();
      const waiting = item.sla_paused_at !== null;
      if ('queue' in to) {
        const queue = queues.find((q) => q.code === to.queue);
        if (!queue || (item.section_1367 && !queue.holds_1367)) throw new ServiceItemActionError('no_queue');
        await updateItem(trx, itemId, {
          queue: queue.code,
          owner_id: null,
          claimed_at: null,
          status: waiting ? 'waiting_on_customer' : item.status === 'escalated' ? 'escalated' : 'open',
        });
      } else {
        // CC-6: a Section 1367 item goes only to a queue that may hold it, never to a named person.
        if (item.section_1367) throw new ServiceItemActionError('no_queue');
        await updateItem(trx, itemId, {
          owner_id: to.ownerId,
          claimed_at: now,
          status: waiting ? 'waiting_on_customer' : 'in_progress',
        });
      }
      await addEntry(trx, itemId, now, {
        kind: 'queue' in to ? 'released' : 'reassigned',
        actorId: worker.accountId,
        body: note,
        details: {
          fromQueue: item.queue,
          fromOwner: item.owner_id,
          ...('queue' in to ? { toQueue: to.queue } : { toOwner: to.ownerId }),
        },
      });
      return (await findItemById(trx, itemId))!;
    };
    return db === this.deps.db ? inTransaction(db, work) : work(db);
  }

  /** What the Contact Center cannot resolve goes to the owning office as a service request, 30 calendar days (CC-7). */
  async routeToOffice(itemId: string, worker: StaffWorker, officeCode: string, reason: string): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      await this.#forAction(trx, itemId);
      const queue = await officeQueue(trx, officeCode);
      if (!queue) throw new ServiceItemActionError('no_office');
      const now = this.deps.clock.now();
      const expected = slaExpectation('office_service_request', now, this.deps.timeZone);
      await this.#endPause(trx, itemId, now, worker.accountId);
      await updateItem(trx, itemId, {
        queue: queue.code,
        office_code: officeCode,
        status: 'open',
        owner_id: null,
        sla_policy: 'office_service_request',
        sla_started_at: now,
        sla_paused_at: null,
        due_at: expected.dueAt,
      });
      await addEntry(trx, itemId, now, {
        kind: 'routed_to_office',
        actorId: worker.accountId,
        body: reason,
        customerVisible: true,
        details: { office: officeCode, dueAt: expected.dueAt.toISOString() },
      });
      await this.deps.jobs.send(trx, slaCheckJob, { itemId }, { startAfter: expected.dueAt });
    });
  }

  /** An answer to the customer, by email (and in the account's messages when the item came from there). */
  async reply(itemId: string, worker: StaffWorker, message: string): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const item = await this.#forAction(trx, itemId);
      const now = this.deps.clock.now();
      await updateItem(trx, itemId, {
        first_response_at: item.first_response_at ?? now,
        owner_id: item.owner_id ?? worker.accountId,
        status: item.status === 'open' || item.status === 'escalated' ? 'in_progress' : item.status,
      });
      await addEntry(trx, itemId, now, {
        kind: 'reply',
        actorId: worker.accountId,
        body: message,
        customerVisible: true,
      });
      // Answers in the account, and any answer about a Section 1367 matter, stay behind sign-in or the status page: the
      // email only says there is one (a mailbox may be read by someone the person must be protected from).
      await this.deps.notifications.queueEmail(trx, {
        to: item.contact_email,
        template: isPrivate(item) ? 'service_item_reply_notice' : 'service_item_reply',
        language: item.language,
        params: { number: String(item.number), message, link: this.#customerLink(item) },
      });
    });
  }

  async note(itemId: string, worker: StaffWorker, text: string): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const item = await this.#forAction(trx, itemId);
      await addEntry(trx, itemId, this.deps.clock.now(), { kind: 'note', actorId: worker.accountId, body: text });
      if (!item.owner_id) await updateItem(trx, itemId, { owner_id: worker.accountId, status: 'in_progress' });
    });
  }

  async resolve(itemId: string, worker: StaffWorker, code: ResolutionCode, note: string): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const item = await this.#forAction(trx, itemId);
      const now = this.deps.clock.now();
      await this.#endPause(trx, itemId, now, worker.accountId);
      await updateItem(trx, itemId, {
        status: 'resolved',
        resolution: code,
        resolved_at: now,
        sla_paused_at: null,
        owner_id: item.owner_id ?? worker.accountId,
        first_response_at: item.first_response_at ?? now,
      });
      await addEntry(trx, itemId, now, {
        kind: 'resolved',
        actorId: worker.accountId,
        body: note || null,
        customerVisible: true,
        details: { code },
      });
      await this.#tellResolved(trx, item);
      // The follow-up requests of an answered office request are answered with it (CC-7).
      const followUps = await openFollowUpsOf(trx, itemId);
      for (const f of followUps) {
        await updateItem(trx, f.id, { status: 'resolved', resolution: code, resolved_at: now, sla_paused_at: null });
        await addEntry(trx, f.id, now, {
          kind: 'resolved',
          actorId: worker.accountId,
          details: { code, with: String(item.number) },
        });
      }
    });
  }
}
