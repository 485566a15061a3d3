import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { Random } from '../../platform/random.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import { caseForRoutingForShare, OFFICES, officeTimeZone } from '../cases/index.js';
import type { NotificationService, VoiceProvider } from '../notifications/index.js';
import { mayWorkProtected, type ServiceItemRow, type ServiceItemService } from '../service-items/index.js';
import * as repo from './repository.js';
import type { AttemptOutcome, CallbackRow, CallbackSource, CallbackTier } from './tables.js';
import { callingWindow, isInsideWindow, SECOND_ATTEMPT_AFTER_MS, type CallingWindow } from './windows.js';

// ---- The contract with voice-assistant and text-ahead (docs: /work/briefs/telephony-contract.md, issue 16) ---------

export interface CallbackRequestInput {
  /** The service item the callback belongs to (must exist). */
  itemId: string;
  /** E.164 numbers, tried in this order (CB-2); at least one. */
  phones: string[];
  language: 'en' | 'es';
  source: CallbackSource;
  /** Staff account id when an agent asked for it. */
  requestedBy?: string | null;
  /**
   * The caller agreed to a text before the call (the voice assistant recorded the consent for this item and number,
   * CB-5): the callback waits for the Text Ahead ask as an agent's does.
   */
  textAhead?: boolean;
}

export interface CallbackPlace {
  callbackId: string;
  /** 1-based place in its tier's national FIFO line. */
  position: number;
  /** First moment it may be placed (calling window of the customer's time zone). */
  earliestAt: Date;
  /** IANA zone used (case's filing location/owning office; agency zone if no case). */
  timeZone: string;
}

export interface CallbackRequester {
  request(input: CallbackRequestInput): Promise<CallbackPlace>;
}

export interface CallbackSummary {
  callbackId: string;
  itemId: string;
  itemNumber: number;
  status: string;
  language: 'en' | 'es';
  phones: string[];
  attempts: number;
}

/**
 * Text Ahead's replies. Each acts in the transaction given (the reply and the callback change commit together) and
 * answers false when it changed nothing (the callback moved on: answered, cancelled, its hour counted as no reply).
 */
export interface CallbackControl {
  byId(callbackId: string): Promise<CallbackSummary | undefined>;
  /** Y: move it to the front of the agent's next half hour (CB-6). */
  confirmed(callbackId: string, at: Date, db?: DbHandle): Promise<boolean>;
  /** N: one more attempt, scheduled before the end of the agency's business day (CB-6). */
  declined(callbackId: string, at: Date, db?: DbHandle): Promise<boolean>;
  /** Q: the customer needs no more help: the callback and its service item close with that reason. */
  quit(callbackId: string, at: Date, db?: DbHandle): Promise<boolean>;
  /** No reply within one hour: counts as one attempt (CB-6), with the attempt chain of CB-3. */
  noReply(callbackId: string, at: Date, db?: DbHandle): Promise<boolean>;
}

/**
 * Text Ahead's side (implemented by text-ahead's service; absent = no Text Ahead): sends the CB-5 text in the
 * transaction given and answers when the ask's hour ends (the one expiry clock), or undefined when no text went out.
 */
export interface TextAheadSender {
  askBeforeCall(c: CallbackSummary, db?: DbHandle): Promise<Date | undefined>;
}

// ---------------------------------------------------------------------------------------------------------------

/** Where Tier 2's attempt recorded on the help desk's page left the CB-3 chain. */
export interface ItemAttemptResult {
  result: 'answered' | 'second_attempt' | 'unreached';
  /** 1 or 2. */
  attempt: number;
  nextAttemptAt?: Date;
}

/** Outcomes an agent records for one number tried (CB-2). */
export const CALL_OUTCOMES = ['answered', 'voicemail', 'no_answer', 'busy', 'wrong_number'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const CALLBACK_TIERS: readonly CallbackTier[] = ['tier1', 'tier2', 'tier3'];
const E164 = /^\+[1-9]\d{6,14}$/;
/** After the second unanswered attempt the item closes with this resolution (CB-3): service-items' "no response". */
const UNREACHED_RESOLUTION = 'no_response';
/** After a Text Ahead "Q" (CB-6): nothing more is needed. */
const QUIT_RESOLUTION = 'no_action_needed';

export class CallbackError extends Error {
  constructor(
    readonly code:
      | 'item_not_found'
      | 'bad_phone'
      | 'not_found'
      | 'not_yours'
      | 'not_open'
      | 'no_phone'
      | 'closed_item'
      | 'outside_window',
  ) {
    super(code);
  }
}

/**
 * The agent holding a claimed callback may no longer work it (CC-6): its item became Section 1367 or moved to a tier
 * that is not theirs. Answered as "not yours" (the pages say not found); the callback goes back to its item's line.
 */
class LeftAgentsTiers extends CallbackError {
  constructor() {
    super('not_yours');
  }
}

export interface CallbackDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  items: ServiceItemService;
  notifications: NotificationService;
  /** The agency's zone: callbacks without a case are timed for it. */
  timeZone: string;
  publicUrl: string;
  /** The agency's phone number, said in the email after the failed attempts (how to call back). */
  agencyPhone: string;
  /** Click-to-call through the provider's Calls API (an outbox in development and tests). */
  voice?: VoiceProvider;
  /** The number the provider calls from (caller id). */
  callerId?: string;
  /** Text Ahead (CB-5); absent = none. Wired by the composition root (text-ahead imports this module, not back). */
  textAhead?: TextAheadSender;
  /** Whether a number replied STOP (case-subscriptions' `isOptedOut`): the unreached text skips such numbers. */
  isOptedOut?: (db: DbHandle, phone: string) => Promise<boolean>;
}

/** A claimed callback not worked (no call placed, no outcome recorded) for this long goes back to its line. */
export const STALE_CLAIM_MS = 15 * 60_000;
/** The Text Ahead ask goes out when at most this many due callbacks of its tier are ahead of it (near the head). */
export const TEXT_AHEAD_NEAR_HEAD = 3;
/**
 * A pick looks at most this many heads in a row whose item was resolved, closed or moved to another tier (each is put
 * right for good as it is seen), then answers that nothing is due; the next pick goes on.
 */
const FOLLOW_TRIES = 20;

/** The tiers whose lines a staff member works (their tier roles). */
export function tiersOf(roles: readonly string[]): CallbackTier[] {
  return CALLBACK_TIERS.filter((t) => roles.includes(t));
}

/**
 * Callbacks (issue 16 point 2; CB-1 to CB-4, ACC-7): requests from the voice assistant, agents, the help desk and
 * chat; one national first-in-first-out line per tier, each callback offered only inside the calling window of the
 * customer's own time zone; two attempts, each trying the numbers in order; the voicemail, the second attempt 60-90
 * minutes later, the email and the closed item after a failed second attempt; Text Ahead's replies (CB-6).
 */
export class CallbackService implements CallbackRequester, CallbackControl {
  #textAhead: TextAheadSender | undefined;
  /** When this process last swept for Text Ahead asks past their hour (ms of the clock). */
  #lastSweep: number | undefined;
  /** High-volume mode as this process last read it (each sweep, at most a minute old; at once after a change here). */
  #highVolume = false;
  /** The zones of the offices and the agency: every zone a callback can be timed for (CB-1). */
  readonly #knownZones: readonly string[];
  /** Per tier, the known zones and those found among its pending callbacks by the last sweep. */
  #zones = new Map<CallbackTier, string[]>();
  /** The earliest window close among pending callbacks, as this process knows it (ms; infinity: none). */
  #nextWindowEnd = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: CallbackDeps) {
    this.#textAhead = deps.textAhead;
    this.#knownZones = [...new Set([...OFFICES.map((o) => o.timeZone), deps.timeZone])];
  }

  /** Text Ahead is built after this service (it imports it): the composition root hands it in here. */
  useTextAhead(sender: TextAheadSender | undefined): void {
    this.#textAhead = sender;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  async highVolume(db: DbHandle = this.deps.db): Promise<boolean> {
    return repo.highVolume(db);
  }

  /** The calling window for a callback in `timeZone` from `from` (high-volume mode read as it stands). */
  async windowFrom(from: Date, timeZone: string, db: DbHandle = this.deps.db): Promise<CallingWindow> {
    return callingWindow(from, timeZone, await repo.highVolume(db));
  }

  /** The zone a callback about this item is timed for (CB-1): the case's office, the item's office, the agency's. */
  async timeZoneOf(item: Pick<ServiceItemRow, 'case_id' | 'office_code'>, db: DbHandle = this.deps.db) {
    const c = item.case_id ? await caseForRoutingForShare(db, item.case_id) : undefined;
    const office = c?.office_code ?? item.office_code;
    return (office && officeTimeZone(office)) || this.deps.timeZone;
  }

  /**
   * A callback request (CallbackRequester). The item must exist; an item already waiting for a callback keeps its
   * callback and its place in line (the numbers given are added after its own). An agent's request asks Text Ahead
   * first when it is wired: while the ask waits (an hour at most) the callback is not offered. Given a transaction
   * (`db`), the request is made in it.
   */
  async request(input: CallbackRequestInput, db?: DbHandle): Promise<CallbackPlace> {
    const phones = [...new Set(input.phones.map((p) => p.trim()))];
    if (!phones.length || phones.length > 5 || !phones.every((p) => E164.test(p))) throw new CallbackError('bad_phone');
    // CB-5: when an agent decides a callback is needed, or a voice assistant caller agreed to a text first (not inside
    // another module's transaction: the ask is sent in a transaction of its own). Never for a Section 1367 item: an
    // agent cannot take the protected customer's consent to texts about it (the number may be an abuser's), so it is
    // simply called by Tier 3.
    const work = async (trx: DbHandle) => {
      const item = await this.deps.items.byId(input.itemId, trx);
      if (!item) throw new CallbackError('item_not_found');
      if (item.status === 'resolved' || item.status === 'closed') throw new CallbackError('closed_item');
      const ask =
        Boolean(this.#textAhead) && (input.source === 'agent' || input.textAhead === true) && !db && !item.section_1367;
      const now = this.deps.clock.now();
      const existing = await repo.openCallbackOfItem(trx, item.id);
      if (existing) {
        const merged = [...new Set([...existing.phones, ...phones])].slice(0, 5);
        if (merged.length !== existing.phones.length) await repo.updateCallback(trx, existing.id, { phones: merged });
        return { row: { ...existing, phones: merged }, item, created: false };
      }
      const timeZone = await this.timeZoneOf(item, trx);
      const window = callingWindow(now, timeZone, await repo.highVolume(trx), 0);
      const row = await repo.insertCallback(trx, {
        id: this.deps.random.uuid(),
        item_id: item.id,
        tier: item.section_1367 ? 'tier3' : tierOfQueue(item.queue, input.source),
        phones,
        language: input.language,
        time_zone: timeZone,
        source: input.source,
        requested_by: input.requestedBy ?? null,
        requested_at: now,
        // waiting_text with no text_ahead_until: the ask is still to send (the sweep sends it, see #askIfNear).
        status: ask ? 'waiting_text' : 'pending',
        not_before: now,
        next_attempt_at: window.start,
        window_end_at: window.end,
        claimed_by: null,
        claimed_at: null,
        text_ahead_state: null,
        text_ahead_until: null,
        closed_at: null,
      });
      this.#noteWindowEnd(window.end);
      this.#noteZone(row.tier, timeZone);
      await this.deps.items.record(
        item.id,
        {
          kind: 'callback_requested',
          actorId: input.requestedBy ?? null,
          details: { source: input.source, timeZone, earliestAt: window.start.toISOString(), phones: phones.length },
        },
        {},
        trx,
      );
      return { row, item, created: true };
    };
    const { row, created } = db ? await work(db) : await inTransaction(this.deps.db, work);
    // CB-5 promises a call "within the next 30 minutes": the text goes out only when the customer's window is open
    // and the callback is near the head of its line; otherwise the sweep sends it when that is so.
    let final = row;
    if (created && row.status === 'waiting_text') {
      await this.#askIfNear(row, this.deps.clock.now()).catch(() => undefined);
      final = (await repo.findCallback(this.deps.db, row.id)) ?? row;
    }
    return {
      callbackId: final.id,
      position: await repo.positionOf(db ?? this.deps.db, final),
      earliestAt: final.next_attempt_at,
      timeZone: final.time_zone,
    };
  }

  async get(callbackId: string, db: DbHandle = this.deps.db): Promise<CallbackRow | undefined> {
    if (!UUID.test(callbackId)) return undefined;
    return repo.findCallback(db, callbackId);
  }

  async byId(callbackId: string): Promise<CallbackSummary | undefined> {
    const row = await this.get(callbackId);
    if (!row) return undefined;
    const item = await this.deps.items.byId(row.item_id);
    return item ? summaryOf(row, item.number) : undefined;
  }

  /** The number of a callback's item (the pages then read the item with the viewer-aware `forStaff`). */
  async itemNumberOf(itemId: string): Promise<number | undefined> {
    return (await this.deps.items.byId(itemId))?.number;
  }

  async ofItem(itemId: string): Promise<CallbackRow[]> {
    return repo.callbacksOfItem(this.deps.db, itemId);
  }

  async attempts(callbackId: string) {
    return repo.attemptsOf(this.deps.db, callbackId);
  }

  /**
   * Y (CB-6): at the front of its tier's line, offered as soon as its window is open, in the whole window (the 7:30
   * p.m. limit of a first attempt is for the voicemail's promise; the customer just said they are available).
   */
  async confirmed(callbackId: string, at: Date, db?: DbHandle): Promise<boolean> {
    return this.#whileWaitingText(db, callbackId, async (trx, c, highVolume) => {
      const w = callingWindow(at, c.time_zone, highVolume, 1);
      await repo.updateCallback(trx, c.id, {
        status: 'pending',
        rank: 0,
        text_ahead_state: 'confirmed',
        not_before: at,
        next_attempt_at: w.start,
        window_end_at: w.end,
      });
      this.#noteWindowEnd(w.end);
      await this.#timeline(trx, c, 'callback_text_confirmed');
    });
  }

  /**
   * N (CB-6): the ask counts as the first attempt; one more comes, generally before the end of the business day: at
   * the front of the line again half an hour on (the customer said they are not available now).
   */
  async declined(callbackId: string, at: Date, db?: DbHandle): Promise<boolean> {
    return this.#whileWaitingText(db, callbackId, async (trx, c, highVolume) => {
      await repo.insertAttempt(trx, attemptRow(c, 1, null, 'declined_by_text', null, at));
      const w = callingWindow(new Date(at.getTime() + 30 * 60_000), c.time_zone, highVolume);
      await repo.updateCallback(trx, c.id, {
        status: 'pending',
        rank: 0,
        attempts: 1,
        text_ahead_state: 'declined',
        not_before: w.start,
        next_attempt_at: w.start,
        window_end_at: w.end,
      });
      this.#noteWindowEnd(w.end);
      await this.#timeline(trx, c, 'callback_text_declined');
    });
  }

  /** Q (CB-6): the callback ends and its item closes: the customer needs no more help. */
  async quit(callbackId: string, at: Date, db: DbHandle = this.deps.db): Promise<boolean> {
    return inTransaction(db, async (trx) => {
      const c = await repo.lockCallback(trx, callbackId);
      if (!c || !repo.OPEN_STATUSES.includes(c.status)) return false;
      await repo.updateCallback(trx, c.id, { status: 'quit', text_ahead_state: 'quit', closed_at: at });
      const item = await this.deps.items.byId(c.item_id, trx);
      if (item && item.status !== 'resolved' && item.status !== 'closed')
        await this.deps.items.record(
          c.item_id,
          { kind: 'callback_quit', customerVisible: true, details: { callback: c.id } },
          { status: 'closed', resolution: QUIT_RESOLUTION },
          trx,
        );
      return true;
    });
  }

  /**
   * No reply within the hour (CB-6): that counts as the first attempt, and the callback is offered to agents in its
   * place in line: the call that follows is the second, and last, attempt (CB-3).
   */
  async noReply(callbackId: string, at: Date, db?: DbHandle): Promise<boolean> {
    return this.#whileWaitingText(db, callbackId, async (trx, c, highVolume) => {
      await repo.insertAttempt(trx, attemptRow(c, 1, null, 'no_text_reply', null, at));
      const w = callingWindow(at, c.time_zone, highVolume);
      await repo.updateCallback(trx, c.id, {
        status: 'pending',
        attempts: 1,
        text_ahead_state: 'no_reply',
        not_before: at,
        next_attempt_at: w.start,
        window_end_at: w.end,
      });
      this.#noteWindowEnd(w.end);
      await this.#timeline(trx, c, 'callback_text_no_reply');
    });
  }

  /**
   * Housekeeping before a pick (a pick never depends on it for correctness: the claim itself checks the window):
   * Text Ahead asks past their hour count as no reply (at most once a minute per process), and pending callbacks
   * whose window closed move to the next window opening, as soon as the earliest window this process knows of has
   * closed (and at least once a minute, for other processes' callbacks): one UPDATE per zone and kind of attempt (the
   * window from now is the same for all of them), one by one for those that may not be placed before a later moment
   * (a second attempt's hour). So the pending callbacks with next_attempt_at <= now are the ones due now, which is
   * what `callbacks_due_idx` finds quickly when few are.
   */
  async sweep(now: Date = this.deps.clock.now()): Promise<void> {
    const t = now.getTime();
    const last = this.#lastSweep;
    const minuteDue = last === undefined || t < last || t >= last + 60_000;
    if (!minuteDue && t < this.#nextWindowEnd) return;
    if (minuteDue) {
      this.#lastSweep = t;
      await this.#releaseStaleClaims(now);
      for (const { id } of await repo.textWaitsOver(this.deps.db, now)) await this.noReply(id, now);
      for (const c of await repo.asksToSend(this.deps.db, now)) await this.#askIfNear(c, now).catch(() => undefined);
      this.#highVolume = await repo.highVolume(this.deps.db);
      for (const tier of CALLBACK_TIERS) {
        const found = await repo.pendingZonesOfTier(this.deps.db, tier);
        this.#zones.set(tier, [...new Set([...this.#knownZones, ...found])]);
      }
    }
    this.#nextWindowEnd = Number.POSITIVE_INFINITY;
    const closed = await repo.closedWindowGroups(this.deps.db, now);
    if (closed.length)
      await inTransaction(this.deps.db, async (trx) => {
        const highVolume = await repo.highVolume(trx);
        for (const g of closed) {
          const w = callingWindow(now, g.time_zone, highVolume, g.first ? 0 : 1);
          await repo.rollClosedWindows(trx, { timeZone: g.time_zone, first: g.first, now, start: w.start, end: w.end });
        }
        for (const c of await repo.closedWindowsNotBefore(trx, now)) {
          const w = callingWindow(c.not_before, c.time_zone, highVolume, c.attempts);
          await repo.updateCallback(trx, c.id, { next_attempt_at: w.start, window_end_at: w.end });
        }
      });
    // Agents' callbacks whose ask is still to send and whose window closed wait for the next opening.
    for (const c of await repo.asksWindowClosed(this.deps.db, now)) {
      const w = callingWindow(now, c.time_zone, this.#highVolume, 0);
      await repo.updateCallback(this.deps.db, c.id, { next_attempt_at: w.start, window_end_at: w.end });
    }
    this.#noteWindowEnd(await repo.earliestWindowEnd(this.deps.db));
  }

  /**
   * Hands claims back to their line (in their place) that nobody worked for STALE_CLAIM_MS (no call placed, no
   * outcome recorded: `claimed_at` is moved by both), or whose calling window closed: a call is never placed outside it.
   * Claims follow their items (asked of service-items): one whose item was resolved or closed is cancelled; one whose
   * item moved to another tier (Section 1367: Tier 3) goes to that tier's line, in its place, unclaimed: its agent may
   * not work that tier (CC-6), and the agent's own actions on it are refused (#claimedByAgent).
   */
  async #releaseStaleClaims(now: Date): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const highVolume = await repo.highVolume(trx);
      const claimed = await repo.claimedCallbacks(trx);
      const items = await this.deps.items.statesOf(
        claimed.map((c) => c.item_id),
        trx,
      );
      for (const c of claimed) {
        const item = items.get(c.item_id);
        if (!item || item.status === 'resolved' || item.status === 'closed') {
          await repo.updateCallback(trx, c.id, { status: 'cancelled', closed_at: now, claimed_by: null });
          continue;
        }
        const tier = tierOfItem(item, c.tier);
        if (tier !== c.tier) {
          await repo.updateCallback(trx, c.id, { tier, status: 'pending', claimed_by: null, claimed_at: null });
          this.#noteZone(tier, c.time_zone);
          continue;
        }
        const stale = !c.claimed_at || now.getTime() - c.claimed_at.getTime() >= STALE_CLAIM_MS;
        if (stale || !isInsideWindow(now, c.time_zone, highVolume))
          await repo.updateCallback(trx, c.id, { status: 'pending', claimed_by: null, claimed_at: null });
      }
    });
  }

  /** A zone a tier's callbacks are timed for, offered from now on (others' are found by the sweep). */
  #noteZone(tier: CallbackTier, zone: string): void {
    const zones = this.#zones.get(tier) ?? [...this.#knownZones];
    if (!zones.includes(zone)) zones.push(zone);
    this.#zones.set(tier, zones);
  }

  /** Remembers the earliest close of a pending callback's window (the next sweep of closed windows is due then). */
  #noteWindowEnd(end: Date | undefined): void {
    if (end) this.#nextWindowEnd = Math.min(this.#nextWindowEnd, end.getTime());
  }

  /**
   * The next callback due in these tiers now (window open in its own zone), without taking it. A head whose item was
   * resolved, closed or moved to another tier is put right (#followsItem) and the next one looked at.
   */
  async nextDue(tiers: readonly CallbackTier[], now: Date = this.deps.clock.now()): Promise<CallbackRow | undefined> {
    await this.sweep(now);
    for (let i = 0; i < FOLLOW_TRIES; i++) {
      const c = await repo.peekNextDue(this.deps.db, { groups: this.#openGroups(tiers, now), now });
      if (!c || (await this.#followsItem(c, now))) return c;
    }
    return undefined;
  }

  /**
   * Whether a callback just chosen (pending, or claimed by this pick) still follows its item, asked of service-items
   * (CC-6): if the item was resolved or closed, the callback is cancelled; if it moved to another tier (Section 1367:
   * Tier 3), the callback moves to that tier's line, in its place there (rank and requested_at kept), unclaimed.
   * Either way it is not offered here (false), and the pick looks again.
   */
  async #followsItem(c: CallbackRow, now: Date): Promise<boolean> {
    const item = (await this.deps.items.statesOf([c.item_id])).get(c.item_id);
    if (!item || item.status === 'resolved' || item.status === 'closed') {
      await repo.updateCallbackIf(this.deps.db, c.id, c.status, {
        status: 'cancelled',
        closed_at: now,
        claimed_by: null,
      });
      return false;
    }
    const tier = tierOfItem(item, c.tier);
    if (tier === c.tier) return true;
    await repo.updateCallbackIf(this.deps.db, c.id, c.status, {
      tier,
      status: 'pending',
      claimed_by: null,
      claimed_at: null,
    });
    this.#noteZone(tier, c.time_zone);
    return false;
  }

  /**
   * The groups of these tiers' lines whose calling window is open now: each zone a tier's callbacks are timed for
   * (the offices' zones, the agency's, and any other found in the table by the sweep), first and last attempts.
   */
  #openGroups(tiers: readonly CallbackTier[], now: Date): repo.LineGroup[] {
    const groups: repo.LineGroup[] = [];
    for (const tier of tiers)
      for (const timeZone of this.#zones.get(tier) ?? this.#knownZones)
        for (const attempts of [0, 1] as const) {
          if (callingWindow(now, timeZone, this.#highVolume, attempts).start.getTime() <= now.getTime())
            groups.push({ tier, timeZone, attempts });
          // After 7:30 p.m. a first attempt is offered only when the customer said "Y" (whole window; CB-6).
          else if (attempts === 0 && callingWindow(now, timeZone, this.#highVolume, 1).start.getTime() <= now.getTime())
            groups.push({ tier, timeZone, attempts, confirmedOnly: true });
        }
    return groups;
  }

  /**
   * Takes the next callback due in the agent's tiers (two agents never get the same one; SKIP LOCKED). The claim is
   * one statement on callbacks alone, committed on its own (the callback row records who took it and when, as items'
   * claims do); then service-items is asked where its item stands (#followsItem): a callback whose item was resolved
   * or closed is cancelled, one whose item moved to another tier goes to that tier's line, and the next is claimed
   * (FOLLOW_TRIES at most: each such turn puts one callback right for good).
   */
  async claimNext(agent: StaffActor, tiers: readonly CallbackTier[]): Promise<CallbackRow | undefined> {
    const now = this.deps.clock.now();
    await this.sweep(now);
    for (let i = 0; i < FOLLOW_TRIES; i++) {
      const c = await repo.claimNextDue(this.deps.db, {
        groups: this.#openGroups(tiers, now),
        agentId: agent.accountId,
        now,
      });
      if (!c || (await this.#followsItem(c, now))) return c;
    }
    return undefined;
  }

  async waiting(tiers: readonly CallbackTier[]) {
    const rows = await repo.countsByTier(this.deps.db, tiers, this.deps.clock.now());
    return rows.map((r) => ({ tier: r.tier, waiting: Number(r.waiting), due: Number(r.due) }));
  }

  async mine(agentId: string): Promise<CallbackRow[]> {
    return repo.claimedBy(this.deps.db, agentId);
  }

  /**
   * Click-to-call: the provider calls the agent's phone and, when the agent answers, dials the customer's number
   * (TwiML `Dial`), bridging the two. Answers the provider's call id.
   */
  async placeCall(agent: StaffActor, callbackId: string, p: { agentPhone: string; phone: string }): Promise<string> {
    const c = await this.#endedWithItem(callbackId, agent, () => this.#claimedByAgent(this.deps.db, callbackId, agent));
    if (!c.phones.includes(p.phone)) throw new CallbackError('no_phone');
    if (!E164.test(p.agentPhone)) throw new CallbackError('bad_phone');
    if (!this.deps.voice) throw new CallbackError('no_phone');
    await this.#insideWindow(this.deps.db, c);
    // Worked: the claim is not stale (STALE_CLAIM_MS counts from here).
    await repo.updateCallback(this.deps.db, c.id, { claimed_at: this.deps.clock.now() });
    const { callId } = await this.deps.voice.call({
      id: this.deps.random.uuid(),
      to: p.agentPhone,
      customer: p.phone,
      callerId: this.deps.callerId ?? '',
    });
    await auditStaffAction(this.deps.db, this.deps.clock, agent, 'callbacks.call_placed', {
      type: 'callback',
      id: c.id,
    });
    return callId;
  }

  /**
   * The outcome of one number tried (CB-2, CB-3). Answered: the callback is done and the agent keeps the item.
   * Otherwise the next number of this attempt is tried; when every number was tried the attempt failed: after the
   * first, the customer was left the voicemail message and the second attempt is scheduled 60-90 minutes on (inside
   * a window, else at the next opening); after the second, the email goes out and the item closes.
   */
  async recordOutcome(
    agent: StaffActor,
    callbackId: string,
    p: { phone: string; outcome: CallOutcome; providerCallId?: string | null },
  ): Promise<{ result: 'answered' | 'next_number' | 'second_attempt' | 'unreached'; nextAttemptAt?: Date }> {
    return this.#endedWithItem(callbackId, agent, () => this.#recordOutcome(agent, callbackId, p));
  }

  /**
   * A callback whose item was resolved or closed meanwhile ends (cancelled) when its agent acts on it; one whose item
   * left the agent's tiers (CC-6) goes back to its item's line (#returnToItsLine). Both after the refused action's
   * transaction, which changed nothing.
   */
  async #endedWithItem<T>(callbackId: string, agent: StaffActor, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CallbackError && error.code === 'closed_item')
        await repo.cancelClaimed(this.deps.db, callbackId, this.deps.clock.now());
      if (error instanceof LeftAgentsTiers) await this.#returnToItsLine(callbackId, agent);
      throw error;
    }
  }

  /**
   * A claimed callback its agent may no longer work goes back, unclaimed, to the line of its item's tier now (Section
   * 1367: Tier 3), in its place there (rank and requested_at kept); cancelled if the item closed meanwhile.
   */
  async #returnToItsLine(callbackId: string, agent: StaffActor): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const c = await repo.lockCallback(trx, callbackId);
      if (!c || c.status !== 'claimed' || c.claimed_by !== agent.accountId) return;
      const item = (await this.deps.items.statesOf([c.item_id], trx)).get(c.item_id);
      if (!item || item.status === 'resolved' || item.status === 'closed') {
        await repo.cancelClaimed(trx, c.id, this.deps.clock.now());
        return;
      }
      const tier = tierOfItem(item, c.tier);
      await repo.updateCallback(trx, c.id, { tier, status: 'pending', claimed_by: null, claimed_at: null });
      this.#noteZone(tier, c.time_zone);
    });
  }

  async #recordOutcome(
    agent: StaffActor,
    callbackId: string,
    p: { phone: string; outcome: CallOutcome; providerCallId?: string | null },
  ): Promise<{ result: 'answered' | 'next_number' | 'second_attempt' | 'unreached'; nextAttemptAt?: Date }> {
    return inTransaction(this.deps.db, async (trx) => {
      const c = await this.#claimedByAgent(trx, callbackId, agent);
      if (!c.phones.includes(p.phone)) throw new CallbackError('no_phone');
      await this.#insideWindow(trx, c);
      const now = this.deps.clock.now();
      const attempt = c.attempts + 1;
      await repo.insertAttempt(trx, attemptRow(c, attempt, p.phone, p.outcome, agent.accountId, now, p.providerCallId));
      await auditStaffAction(
        trx,
        this.deps.clock,
        agent,
        'callbacks.outcome',
        { type: 'callback', id: c.id },
        {
          outcome: p.outcome,
          attempt,
        },
      );
      if (p.outcome === 'answered') {
        await repo.updateCallback(trx, c.id, { status: 'answered', attempts: attempt, closed_at: now });
        await this.deps.items.record(
          c.item_id,
          { kind: 'callback_answered', actorId: agent.accountId, details: { attempt } },
          { status: 'in_progress', ownerId: agent.accountId },
          trx,
        );
        return { result: 'answered' as const };
      }
      const tried = new Set(
        (await repo.attemptsOf(trx, c.id)).filter((a) => a.attempt === attempt && a.phone).map((a) => a.phone),
      );
      if (c.phones.some((phone) => !tried.has(phone))) {
        await repo.updateCallback(trx, c.id, { claimed_at: now }); // worked: not stale
        return { result: 'next_number' as const };
      }
      await this.deps.items.record(
        c.item_id,
        { kind: 'callback_attempt_failed', actorId: agent.accountId, details: { attempt } },
        {},
        trx,
      );
      if (attempt >= 2) {
        await this.#unreached(trx, c, now);
        return { result: 'unreached' as const };
      }
      const w = await this.#scheduleNextAttempt(trx, c, attempt, now);
      return { result: 'second_attempt' as const, nextAttemptAt: w.start };
    });
  }

  /**
   * Tier 2's call attempt recorded from the help desk's item page (ACC-7), in the one CB-3 chain that an outcome
   * recorded on the callbacks console follows: on the item's open callback, so that attempts live in one place
   * (`callback_attempts`) and are counted once, whichever page recorded them. Answered ends the callback (the item in
   * progress, the agent's); a first miss schedules the second attempt 60-90 minutes on (the voicemail said so); the
   * second miss sends the email and closes the item (`#unreached`). Undefined when the item has no open callback.
   */
  async recordItemAttempt(
    p: { itemId: string; agentId: string; answered: boolean },
    db: DbHandle = this.deps.db,
  ): Promise<ItemAttemptResult | undefined> {
    return inTransaction(db, async (trx) => {
      const c = await repo.openCallbackOfItem(trx, p.itemId);
      if (!c) return undefined;
      const now = this.deps.clock.now();
      const attempt = c.attempts + 1;
      await repo.insertAttempt(
        trx,
        attemptRow(c, attempt, c.phones[0] ?? null, p.answered ? 'answered' : 'no_answer', p.agentId, now),
      );
      if (p.answered) {
        await repo.updateCallback(trx, c.id, {
          status: 'answered',
          attempts: attempt,
          closed_at: now,
          claimed_by: null,
        });
        await this.deps.items.record(
          c.item_id,
          { kind: 'callback_answered', actorId: p.agentId, details: { attempt } },
          { status: 'in_progress', ownerId: p.agentId },
          trx,
        );
        return { result: 'answered' as const, attempt };
      }
      await this.deps.items.record(
        c.item_id,
        { kind: 'callback_attempt_failed', actorId: p.agentId, details: { attempt } },
        {},
        trx,
      );
      if (attempt >= 2) {
        await this.#unreached(trx, c, now);
        return { result: 'unreached' as const, attempt };
      }
      const w = await this.#scheduleNextAttempt(trx, c, attempt, now);
      return { result: 'second_attempt' as const, attempt, nextAttemptAt: w.start };
    });
  }

  /**
   * CB-3: the second attempt 60-90 minutes on, inside a calling window (else at the next window opening), at the
   * front of the line (rank 0), so that it is placed within the 60-90 minutes the message promised when the window
   * allows (SECOND_ATTEMPT_WITHIN_MS); a window closing first moves it to the next opening.
   */
  async #scheduleNextAttempt(trx: DbHandle, c: CallbackRow, attempt: number, now: Date) {
    const earliest = new Date(now.getTime() + SECOND_ATTEMPT_AFTER_MS);
    const w = callingWindow(earliest, c.time_zone, await repo.highVolume(trx));
    await repo.updateCallback(trx, c.id, {
      status: 'pending',
      attempts: attempt,
      rank: 0,
      claimed_by: null,
      claimed_at: null,
      not_before: earliest,
      next_attempt_at: w.start,
      window_end_at: w.end,
    });
    this.#noteWindowEnd(w.end);
    return w;
  }

  /**
   * An agent hands a claimed callback back to its line, in its place (the line of its item's tier now, when the item
   * left the agent's tiers: handed back all the same).
   */
  async release(agent: StaffActor, callbackId: string): Promise<void> {
    try {
      await this.#endedWithItem(callbackId, agent, () =>
        inTransaction(this.deps.db, async (trx) => {
          const c = await this.#claimedByAgent(trx, callbackId, agent);
          await repo.updateCallback(trx, c.id, { status: 'pending', claimed_by: null, claimed_at: null });
        }),
      );
    } catch (error) {
      if (!(error instanceof LeftAgentsTiers)) throw error;
    }
  }

  // ---- High-volume mode (administrators; audited) ----------------------------------------------------------------

  async settings() {
    return repo.settings(this.deps.db);
  }

  /**
   * Turns high-volume mode on or off (weekend calling windows, CB-1) and moves the windows of pending callbacks to
   * follow it: each zone's callbacks that may be placed now get that zone's window from now.
   */
  async setHighVolume(actor: StaffActor, on: boolean): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const now = this.deps.clock.now();
      const before = await repo.setHighVolume(trx, { on, by: actor.accountId, at: now });
      await auditStaffAction(trx, this.deps.clock, actor, 'callbacks.high_volume_changed', undefined, {
        from: before,
        to: on,
      });
      for (const zone of await repo.pendingZones(trx)) {
        for (const first of [true, false]) {
          const w = callingWindow(now, zone, on, first ? 0 : 1);
          await repo.setWindowOfZone(trx, { timeZone: zone, now, first, start: w.start, end: w.end });
        }
      }
      for (const c of await repo.pendingNotBefore(trx, now)) {
        const w = callingWindow(c.not_before, c.time_zone, on, c.attempts);
        await repo.updateCallback(trx, c.id, { next_attempt_at: w.start, window_end_at: w.end });
      }
      this.#nextWindowEnd = Number.NEGATIVE_INFINITY; // swept again at the next pick
      this.#highVolume = on;
    });
  }

  /** CB-4 on the dashboards: callbacks finished in a period, and how many reached nobody, with and without Text Ahead. */
  async reach(p: { from: Date; to: Date }) {
    return repo.reachByTextAhead(this.deps.db, p);
  }

  // ---- inside -----------------------------------------------------------------------------------------------------

  async #whileWaitingText(
    db: DbHandle | undefined,
    callbackId: string,
    work: (trx: DbHandle, c: CallbackRow, highVolume: boolean) => Promise<void>,
  ): Promise<boolean> {
    return inTransaction(db ?? this.deps.db, async (trx) => {
      const c = await repo.lockCallback(trx, callbackId);
      // A reply after the hour, or a second reply, changes nothing (the callback moved on): answers false.
      if (!c || c.status !== 'waiting_text' || !c.text_ahead_until) return false;
      // Nor does one about an item resolved or closed meanwhile: its callback ends there.
      const item = (await this.deps.items.statesOf([c.item_id], trx)).get(c.item_id);
      if (!item || item.status === 'resolved' || item.status === 'closed') {
        await repo.updateCallback(trx, c.id, { status: 'cancelled', closed_at: this.deps.clock.now() });
        return false;
      }
      await work(trx, c, await repo.highVolume(trx));
      return true;
    });
  }

  /**
   * Sends the Text Ahead ask of an agent's callback (CB-5) when the customer's calling window is open now and the
   * callback is near the head of its line (TEXT_AHEAD_NEAR_HEAD due ahead at most), so that "within the next 30
   * minutes" is true. The text and the callback's `text_ahead_until` (the ask's own hour, the one expiry clock)
   * commit together; without a usable consent the callback waits in line at once.
   */
  async #askIfNear(row: CallbackRow, now: Date): Promise<void> {
    const sender = this.#textAhead;
    await inTransaction(this.deps.db, async (trx) => {
      const c = await repo.lockCallback(trx, row.id);
      if (!c || c.status !== 'waiting_text' || c.text_ahead_until) return;
      const item = (await this.deps.items.statesOf([c.item_id], trx)).get(c.item_id);
      if (!item || item.status === 'resolved' || item.status === 'closed') {
        await repo.updateCallback(trx, c.id, { status: 'cancelled', closed_at: now });
        return;
      }
      if (!sender || item.section_1367) {
        await repo.updateCallback(trx, c.id, { status: 'pending', tier: tierOfItem(item, c.tier) });
        return;
      }
      if (c.next_attempt_at > now || c.window_end_at <= now) return;
      if ((await repo.dueAhead(trx, c, now)) > TEXT_AHEAD_NEAR_HEAD) return;
      const number = (await this.deps.items.byId(c.item_id, trx))?.number ?? 0;
      const until = await sender.askBeforeCall(summaryOf(c, number), trx);
      await repo.updateCallback(
        trx,
        c.id,
        until ? { text_ahead: true, text_ahead_state: 'asked', text_ahead_until: until } : { status: 'pending' },
      );
    });
  }

  async #claimedByAgent(db: DbHandle, callbackId: string, agent: StaffActor): Promise<CallbackRow> {
    if (!UUID.test(callbackId)) throw new CallbackError('not_found');
    const c = await repo.lockCallback(db, callbackId);
    if (!c) throw new CallbackError('not_found');
    if (c.status !== 'claimed') throw new CallbackError('not_open');
    if (c.claimed_by !== agent.accountId) throw new CallbackError('not_yours');
    // A callback outlives no item: resolved or closed by other means, it ends here (the sweep ends the others).
    const item = (await this.deps.items.statesOf([c.item_id], db)).get(c.item_id);
    if (!item || item.status === 'resolved' || item.status === 'closed') throw new CallbackError('closed_item');
    // Nor the agent's tiers (CC-6): an item that became Section 1367 (Tier 3's) or moved to a tier they do not work is
    // no longer theirs to call, whatever the sweep has done yet (#endedWithItem hands it to its item's line).
    if (!mayWorkCallbackOf(agent, item, c.tier)) throw new LeftAgentsTiers();
    return c;
  }

  /** Calls are placed (and their outcomes recorded) only inside the customer's calling window (CB-1). */
  async #insideWindow(db: DbHandle, c: CallbackRow): Promise<void> {
    if (!isInsideWindow(this.deps.clock.now(), c.time_zone, await repo.highVolume(db)))
      throw new CallbackError('outside_window');
  }

  async #timeline(trx: DbHandle, c: CallbackRow, kind: string): Promise<void> {
    await this.deps.items.record(c.item_id, { kind, details: { callback: c.id } }, {}, trx);
  }

  /** CB-3: after the failed second attempt, the email in the customer's language and the item closed. */
  async #unreached(trx: DbHandle, c: CallbackRow, now: Date): Promise<void> {
    await repo.updateCallback(trx, c.id, {
      status: 'unreached',
      attempts: 2,
      closed_at: now,
      claimed_by: null,
    });
    const item = await this.deps.items.byId(c.item_id, trx);
    if (!item) return;
    const base = this.deps.publicUrl.replace(/\/$/, '');
    // A help desk escalation's customer starts over with a new technical help request (ACC-7); others are told how to
    // call back and which self-service tools there are.
    const message: {
      template: 'help_request_no_answer' | 'callback_unreached';
      language: 'en' | 'es';
      params: Record<string, string>;
    } =
      c.source === 'help_desk'
        ? {
            template: 'help_request_no_answer' as const,
            language: c.language,
            params: { number: String(item.number), link: `${base}/help/technical` },
          }
        : {
            template: 'callback_unreached' as const,
            language: c.language,
            params: {
              number: String(item.number),
              phone: this.deps.agencyPhone,
              status: `${base}/case-status`,
              help: `${base}/help/articles`,
              request: `${base}/e-request`,
            },
          };
    if (item.contact_email?.trim())
      await this.deps.notifications.queueEmail(trx, { to: item.contact_email, ...message });
    else {
      // Callbacks from the phone have no email: the text version, to the first number that did not reply STOP.
      for (const phone of c.phones) {
        if (this.deps.isOptedOut && (await this.deps.isOptedOut(trx, phone))) continue;
        await this.deps.notifications.queueSms(trx, { to: phone, ...message });
        break;
      }
    }
    if (item.status !== 'resolved' && item.status !== 'closed')
      await this.deps.items.record(
        item.id,
        { kind: 'callback_unreached', customerVisible: true, details: { callback: c.id } },
        { status: 'closed', resolution: UNREACHED_RESOLUTION },
        trx,
      );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tier a callback's item belongs to now (CC-6): Section 1367 items are Tier 3's whatever their queue; an item in
 * a tier queue is that tier's; otherwise (the help desk's escalation) the callback's own tier.
 */
function tierOfItem(item: Pick<ServiceItemRow, 'queue' | 'section_1367'>, own: CallbackTier): CallbackTier {
  if (item.section_1367) return 'tier3';
  return (CALLBACK_TIERS as readonly string[]).includes(item.queue) ? (item.queue as CallbackTier) : own;
}

/** Whether an agent may work a callback about this item now: its tier is one of theirs; Section 1367 under CC-6. */
function mayWorkCallbackOf(
  agent: Pick<StaffActor, 'roles'>,
  item: Pick<ServiceItemRow, 'queue' | 'section_1367'>,
  own: CallbackTier,
): boolean {
  if (item.section_1367 && !mayWorkProtected(agent)) return false;
  return tiersOf(agent.roles).includes(tierOfItem(item, own));
}

/** The tier whose line a callback waits in: the item's tier queue; the help desk's escalations go to Tier 2 (ACC-7). */
function tierOfQueue(queue: string, source: CallbackSource): CallbackTier {
  if (source === 'help_desk') return 'tier2';
  return (CALLBACK_TIERS as readonly string[]).includes(queue) ? (queue as CallbackTier) : 'tier1';
}

function summaryOf(row: CallbackRow, itemNumber: number): CallbackSummary {
  return {
    callbackId: row.id,
    itemId: row.item_id,
    itemNumber,
    status: row.status,
    language: row.language,
    phones: row.phones,
    attempts: row.attempts,
  };
}

function attemptRow(
  c: CallbackRow,
  attempt: number,
  phone: string | null,
  outcome: AttemptOutcome,
  agentId: string | null,
  at: Date,
  providerCallId?: string | null,
) {
  return {
    callback_id: c.id,
    attempt,
    phone,
    outcome,
    agent_id: agentId,
    occurred_at: at,
    provider_call_id: providerCallId ?? null,
  };
}
