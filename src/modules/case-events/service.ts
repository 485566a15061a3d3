import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import {
  casesByIds,
  describeCase,
  effectiveCategory,
  findCases,
  insertEventCases,
  officeForPrefix,
  recomputeStatus,
  setFilingChannel,
  setSection1367,
  setStatuses,
  statusDescriptionText,
  updateFacts,
  upsertApplicants,
  type CaseStatusView,
  type StoredCase,
} from '../cases/index.js';
import type { JobQueue } from '../../platform/jobs/index.js';
import { applicantIdsByOnlineAccountNumber, notificationRecipients } from '../accounts/index.js';
import {
  ACCESS_CODE_TTL_MS,
  accessCodeHash,
  activeHoldersOf,
  insertNoticeAccessCodes,
  linkOnlineFilings,
  normalizeOnlineAccessCode,
  reviewReceiptNumberLinks,
} from '../account-cases/index.js';
import type { NotificationService } from '../notifications/index.js';
import { isCaseNoticeKind, renderNoticeJob } from '../notices/index.js';
import { protectItemsOfCase } from '../service-items/index.js';
import { applyAgencyAnswers } from '../address-change/index.js';
import * as repo from './repository.js';
import {
  biometricsRequestOf,
  biometricsReused,
  formCategoryProblem,
  openRequestForEvidence,
  parseEvent,
  upcomingAppointments,
  type CaseAppointment,
  statusOfEvent,
  statusParamsOfEvent,
  type CaseEvent,
  type EventProblem,
} from './types.js';

/**
 * Ingests batches of case events (issue 4 item 1). A batch is all or nothing: every event is checked first, and
 * a batch with any problem changes nothing and says what is wrong with each event. Then, in one transaction:
 * the events not seen before are stored (a repeated id changes nothing), cases unknown so far are created from
 * their events, each status-bearing event adds its dated history row, and every touched case's current status,
 * form, office and received date are recomputed from its events: the result does not depend on arrival order.
 * Events of a receipt number not known yet, none of which gives the form, wait (case_events_pending) until a batch
 * gives it, and are then applied with that batch, for at most `pendingDays` (ADR 13).
 */

export const MAX_BATCH = 10_000;

/** The events that schedule an appointment or show it kept. */
const APPOINTMENT_EVENTS = ['biometrics_scheduled', 'fingerprints_taken', 'interview_scheduled', 'interview_completed'];
/** The events that say whether a case's biometrics are reused. */
const BIOMETRICS_EVENTS = ['biometrics_required', 'biometrics_scheduled', 'fingerprints_taken'];

/** A case event that asks for biometrics (BIO-1), as the biometrics module is told of it. */
export interface BiometricsRequest {
  caseId: number;
  receiptNumber: string;
  eventId: string;
  occurredAt: Date;
  reuse: boolean;
}

/**
 * The port biometrics scheduling listens on (wired in src/services.ts; case-events never imports biometrics): told of
 * the events of a batch that ask for biometrics, inside the batch's transaction, so a request is never lost (it is
 * kept, and its scheduling job enqueued, with the events) and never told twice (only events stored now are told).
 */
export interface BiometricsListener {
  requested(trx: DbHandle, requests: BiometricsRequest[]): Promise<void>;
}

export type IngestResult =
  | {
      ok: true;
      received: number;
      /** Events of the batch stored now and applied. */
      accepted: number;
      /** Events whose id was stored already (applied or waiting) or repeated in the batch. */
      duplicates: number;
      /** Events of the batch stored now to wait for an event giving their receipt number's form (ADR 13). */
      pending: number;
      /** Events that waited for a receipt number this batch made a case, applied now. */
      pendingApplied: number;
      /** Events that waited for such a receipt number longer than the limit (or under an id applied since): not applied. */
      pendingDropped: number;
      casesCreated: number;
      statusChanged: number;
      notifications: number;
    }
  | { ok: false; problems: EventProblem[] };

/** How long events of a receipt number not known yet wait for an event giving its form, by default (ADR 13). */
export const DEFAULT_PENDING_DAYS = 30;

/** The pending report: events of receipt numbers not known yet, waiting or dropped (GET /api/v1/case-events/pending). */
export interface PendingReport {
  waitDays: number;
  waiting: number;
  dropped: number;
  events: {
    id: string;
    receiptNumber: string;
    type: string;
    occurredAt: string;
    receivedAt: string;
    /** waiting: applied when an event gives the form before `until`; dropped: it waited until `until`, in vain. */
    state: 'waiting' | 'dropped';
    until: string;
    clientId?: string | null;
  }[];
  /** The `after` of the next page, when there is one. */
  next?: string;
}

/**
 * What a case's events say about it, in order of occurrence (then id): form, office, received date, and the category
 * the latest event giving one gives (as sent: the case stores `effectiveCategory` of it).
 */
export function factsFromEvents(
  events: { id: string; type: string; occurredAt: Date; payload: Record<string, unknown> }[],
  receiptPrefix: string,
): { formCode?: string; formCategory?: string; officeCode: string; receivedAt: Date } {
  const ordered = [...events].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const formCode = ordered.map((e) => str(e.payload.formCode)).find(Boolean);
  const transfers = ordered.filter((e) => e.type === 'transferred');
  const officeCode =
    str(transfers.at(-1)?.payload.officeCode) ??
    ordered.map((e) => str(e.payload.officeCode)).find(Boolean) ??
    officeForPrefix(receiptPrefix).code;
  const formCategory = ordered
    .map((e) => str(e.payload.formCategory))
    .filter(Boolean)
    .at(-1);
  const received = ordered.find((e) => e.type === 'case_received') ?? ordered[0]!;
  return { formCode, ...(formCategory ? { formCategory } : {}), officeCode, receivedAt: received.occurredAt };
}

export interface CaseEventDeps {
  db: DbHandle;
  clock: Clock;
  notifications: NotificationService;
  /** Notices named by `notice_issued` events are rendered by a job enqueued in the event's transaction. */
  jobs: JobQueue;
  timeZone: string;
  publicUrl: string;
  /** Days an event of a receipt number not known yet waits for an event giving the form (default 30). */
  pendingDays?: number;
  /** The followers of a case without an account (case-subscriptions): their messages for changed cases. */
  followers?: {
    requestsFor(
      db: DbHandle,
      receipts: string[],
      describe: (followed: string[]) => Promise<Map<string, CaseStatusView | null>>,
    ): Promise<Parameters<NotificationService['queueMany']>[1]>;
  };
}

/** A unique violation on cases' receipt numbers: a concurrent batch created the same case first. */
function isNewCaseRace(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === 'cases_receipt_number_key';
}

/** The latest status-bearing event of a case in a batch; `tied` when another one has the same occurrence time. */
interface LatestStatus {
  statusKey: string;
  occurredAt: Date;
  params: Record<string, string>;
  tied: boolean;
}

function latestStatuses(events: CaseEvent[]): Map<string, LatestStatus> {
  const latest = new Map<string, LatestStatus>();
  for (const e of events) {
    const statusKey = statusOfEvent(e);
    if (!statusKey) continue;
    const best = latest.get(e.receiptNumber);
    if (!best || e.occurredAt > best.occurredAt)
      latest.set(e.receiptNumber, { statusKey, occurredAt: e.occurredAt, params: statusParamsOfEvent(e), tied: false });
    else if (e.occurredAt.getTime() === best.occurredAt.getTime()) best.tied = true;
  }
  return latest;
}

/** Events grouped by receipt number, in their order (one pass: batches hold thousands of events). */
function byReceiptNumber<E extends { receiptNumber: string }>(events: E[]): Map<string, E[]> {
  const groups = new Map<string, E[]>();
  for (const e of events) {
    const list = groups.get(e.receiptNumber);
    if (list) list.push(e);
    else groups.set(e.receiptNumber, [e]);
  }
  return groups;
}

const DAY_MS = 86_400_000;

/** A case has a form: an event of a receipt number not known yet can create it only if one of its batch gives it. */
const givesForm = (e: CaseEvent) => typeof e.payload.formCode === 'string';

export class CaseEventService {
  #biometrics: BiometricsListener | undefined;

  constructor(private readonly deps: CaseEventDeps) {}

  /** Biometrics scheduling (issue 17 point 2) listens to the events that ask for biometrics. */
  useBiometrics(listener: BiometricsListener): void {
    this.#biometrics = listener;
  }

  get pendingDays(): number {
    return this.deps.pendingDays ?? DEFAULT_PENDING_DAYS;
  }

  /** Events received at or before this moment waited too long: they are dropped, never applied. */
  #expiredAt(now: Date): Date {
    return new Date(now.getTime() - this.pendingDays * DAY_MS);
  }

  /**
   * What waits for a receipt number's form, and what waited too long (of one API client, or of all when
   * `clientId` is undefined), by event id, `limit` at a time after `after`.
   */
  async pendingReport(options: { clientId?: string; after?: string; limit?: number } = {}): Promise<PendingReport> {
    const now = this.deps.clock.now();
    const limit = Math.min(Math.max(options.limit ?? 1000, 1), 1000);
    const expired = this.#expiredAt(now);
    const { rows, waiting, dropped } = await repo.pendingEvents(this.deps.db, {
      ...(options.clientId !== undefined ? { clientId: options.clientId } : {}),
      ...(options.after !== undefined ? { after: options.after } : {}),
      limit,
      expired,
    });
    return {
      waitDays: this.pendingDays,
      waiting,
      dropped,
      events: rows.map((r) => ({
        id: r.event_id,
        receiptNumber: r.receipt_number,
        type: r.type,
        occurredAt: r.occurred_at.toISOString(),
        receivedAt: r.received_at.toISOString(),
        state: r.received_at > expired ? 'waiting' : 'dropped',
        until: new Date(r.received_at.getTime() + this.pendingDays * DAY_MS).toISOString(),
        ...(options.clientId === undefined ? { clientId: r.client_id } : {}),
      })),
      ...(rows.length === limit ? { next: rows.at(-1)!.event_id } : {}),
    };
  }

  /**
   * CASE-8: a change of a case's current status is told to its account holders, by email and/or text as each
   * chose, in their language, in the same transaction as the change (so nothing is lost or sent twice). An event
   * that only adds older history changes no status and sends nothing.
   */
  async #notifyStatusChanges(trx: DbHandle, caseIds: number[], receiptOf: Map<number, string>): Promise<number> {
    if (!caseIds.length) return 0;
    // The account holders of the cases (active links) and how each wants to hear (email, text to verified phones).
    const links = await activeHoldersOf(trx, caseIds);
    const recipients = await notificationRecipients(trx, [...new Set(links.map((l) => l.account_id))]);
    const holders = links.flatMap((l) => {
      const recipient = recipients.get(l.account_id);
      return recipient ? [{ case_id: l.case_id, ...recipient }] : [];
    });
    // The current status's title and text of a changed case, read and worked out only for cases someone hears about
    // (most changed cases have no holder and no follower, and describing a case is the costly part of this step).
    const rows = new Map<number, Awaited<ReturnType<typeof casesByIds>>[number]>();
    const load = async (ids: number[]) => {
      for (const c of await casesByIds(
        trx,
        [...new Set(ids)].filter((id) => !rows.has(id)),
      ))
        rows.set(c.id, c);
    };
    const described = new Map<number, CaseStatusView>();
    const viewOf = (id: number): CaseStatusView => {
      let view = described.get(id);
      if (!view) described.set(id, (view = describeCase({ ...rows.get(id)!, history: [] }, this.deps.timeZone)));
      return view;
    };
    await load(holders.map((h) => h.case_id));
    const requests: Parameters<NotificationService['queueMany']>[1] = [];
    for (const h of holders) {
      const row = rows.get(h.case_id);
      if (!row) continue;
      const lang = h.language;
      // A Section 1367 case's message says only that there is an update (CC-6): no receipt number, form or status,
      // since someone the person must be protected from may read the mailbox or the phone.
      const template = row.section_1367 ? 'case_update_available' : 'case_status_changed';
      const params = row.section_1367
        ? { link: `${this.deps.publicUrl}/account` }
        : (() => {
            const view = viewOf(h.case_id);
            return {
              receipt: row.receipt_number,
              status: view.current.title[lang],
              description: statusDescriptionText(view.current.description[lang], this.deps.publicUrl),
              link: `${this.deps.publicUrl}/account/cases/${row.receipt_number}`,
            };
          })();
      if (h.notifyByEmail) requests.push({ channel: 'email', to: h.email, template, language: lang, params });
      if (h.notifyByText)
        for (const phone of h.phones) requests.push({ channel: 'sms', to: phone, template, language: lang, params });
    }
    if (this.deps.followers) {
      const idOf = new Map(caseIds.map((id) => [receiptOf.get(id)!, id]));
      requests.push(
        ...(await this.deps.followers.requestsFor(trx, [...idOf.keys()], async (followed) => {
          await load(followed.map((r) => idOf.get(r)!));
          // Section 1367 cases are unknown to Case Status Online: their followers (from before the protection) hear nothing.
          return new Map(
            followed.map((r) => {
              const id = idOf.get(r)!;
              return [r, rows.get(id)?.section_1367 === false ? viewOf(id) : null];
            }),
          );
        })),
      );
    }
    return this.deps.notifications.queueMany(trx, requests);
  }

  /**
   * What events record beyond the status: Online Access Codes, the Section 1367 protection, the applicant's
   * identity details, how the case was filed, and the account an online filing belongs to. Each comes from the
   * latest event (by occurrence) that says it, so arrival order does not matter.
   */
  async #applyRecords(
    trx: DbHandle,
    byReceipt: Map<string, { id: string; type: string; occurredAt: Date; payload: Record<string, unknown> }[]>,
    accepted: CaseEvent[],
    acceptedByReceipt: Map<string, CaseEvent[]>,
    caseId: Map<string, number>,
    now: Date,
  ): Promise<void> {
    await insertNoticeAccessCodes(
      trx,
      accepted
        .filter((e) => e.type === 'account_acceptance_notice')
        .map((e) => ({
          codeHash: accessCodeHash(normalizeOnlineAccessCode(e.payload.onlineAccessCode as string)!),
          caseId: caseId.get(e.receiptNumber)!,
          issuedAt: e.occurredAt,
          expiresAt: new Date(e.occurredAt.getTime() + ACCESS_CODE_TTL_MS),
          eventId: e.id,
        })),
    );
    const latest = (
      list: { id: string; occurredAt: Date; payload: Record<string, unknown> }[],
      has: (p: Record<string, unknown>) => boolean,
    ) =>
      list
        .filter((e) => has(e.payload))
        .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : -1))[0];
    const applicants: Parameters<typeof upsertApplicants>[1] = [];
    const channels = { online: [] as number[], paper: [] as number[] };
    const filings: { caseId: number; onlineAccountNumber: string; at: Date }[] = [];
    for (const [receipt, newHere] of acceptedByReceipt) {
      const list = byReceipt.get(receipt) ?? []; // read for every receipt whose new events say more than a status
      const id = caseId.get(receipt)!;
      if (newHere.some((e) => e.type === 'protection_updated')) {
        const p = latest(
          list.filter((e) => e.type === 'protection_updated'),
          () => true,
        );
        await setSection1367(trx, id, p!.payload.section1367 === true, now);
        if (p!.payload.section1367 === true) await protectItemsOfCase(trx, id, receipt);
        await reviewReceiptNumberLinks(trx, id, p!.payload.section1367 === true, now);
      }
      if (newHere.some((e) => e.payload.applicant)) {
        const a = latest(list, (p) => typeof p.applicant === 'object' && p.applicant !== null);
        applicants.push({ caseId: id, ...(a!.payload.applicant as Record<string, string>) });
      }
      const received = newHere.filter((e) => e.type === 'case_received');
      if (received.length) {
        const r = latest(
          list.filter((e) => e.type === 'case_received'),
          () => true,
        )!;
        // Without a channel the case stays as it is (new cases start as paper: the column's default).
        if (r.payload.channel === 'online' || r.payload.channel === 'paper') channels[r.payload.channel].push(id);
        for (const e of received) {
          if (e.payload.channel === 'online' && typeof e.payload.onlineAccountNumber === 'string')
            filings.push({ caseId: id, onlineAccountNumber: e.payload.onlineAccountNumber, at: e.occurredAt });
        }
      }
    }
    if (filings.length) {
      // Only applicant accounts; unknown numbers are skipped.
      const accountIdOf = await applicantIdsByOnlineAccountNumber(
        trx,
        filings.map((f) => f.onlineAccountNumber),
      );
      await linkOnlineFilings(
        trx,
        filings.flatMap((f) => {
          const accountId = accountIdOf.get(f.onlineAccountNumber);
          return accountId ? [{ caseId: f.caseId, accountId, at: f.at }] : [];
        }),
      );
    }
    await upsertApplicants(trx, applicants);
    // The agency's answers to changes of address (issue 17 point 4): each change's status on its case.
    await applyAgencyAnswers(
      trx,
      accepted
        .filter((e) => e.type === 'address_change_recorded')
        .map((e) => ({
          changeId: e.payload.changeId as string,
          caseId: caseId.get(e.receiptNumber)!,
          receiptNumber: e.receiptNumber,
          accepted: e.payload.accepted === true,
          ...(typeof e.payload.reason === 'string' ? { reason: e.payload.reason } : {}),
          at: e.occurredAt,
        })),
      this.deps,
    );
    await setFilingChannel(trx, channels.online, 'online', now);
    await setFilingChannel(trx, channels.paper, 'paper', now);
  }

  /**
   * Sets each known case's current status to its latest history row (by occurrence, then event id) when new history
   * rows came in, and answers the cases whose status changed. The usual case, a new event later than everything the
   * case had, is decided from the batch alone (a case's status_at is never earlier than any of its history rows); an
   * event older than the current status, or two new ones at the same moment, have the database compare the whole
   * history (ties are broken by event id in the database's collation, which JavaScript does not share). New cases
   * were created with their latest status, except when two of their events tie.
   */
  async #updateStatuses(
    trx: DbHandle,
    latest: Map<string, LatestStatus>,
    caseId: Map<string, number>,
    known: Map<string, StoredCase>,
    now: Date,
  ): Promise<number[]> {
    const direct: Parameters<typeof setStatuses>[1] = [];
    const compared: number[] = [];
    for (const [receipt, row] of latest) {
      const id = caseId.get(receipt)!;
      const current = known.get(receipt);
      if (row.tied || (current && row.occurredAt <= current.status_at)) compared.push(id);
      else if (current)
        direct.push({ caseId: id, statusKey: row.statusKey, occurredAt: row.occurredAt, params: row.params });
    }
    const updated = await setStatuses(trx, direct, now);
    // Cases a concurrent batch moved on in the meantime are compared in full too.
    const done = new Set(updated);
    compared.push(...direct.filter((d) => !done.has(d.caseId)).map((d) => d.caseId));
    return [...updated, ...(await recomputeStatus(trx, compared, now))];
  }

  /** The case's Request for Evidence still waiting for an answer, with its deadline (CASE-10). */
  async openRfe(receiptNumber: string) {
    return openRequestForEvidence(await repo.rfeEventsOf(this.deps.db, receiptNumber));
  }

  /** The case's biometrics and interview appointments still to come, soonest first, with their place. */
  async upcomingAppointments(receiptNumber: string): Promise<CaseAppointment[]> {
    const events = await repo.eventsOfCase(this.deps.db, receiptNumber, APPOINTMENT_EVENTS);
    return upcomingAppointments(events, this.deps.clock.now());
  }

  /** Whether the case's biometrics are reused (a `biometrics_required` event with `reuse: true`, not followed by a scheduling). */
  async biometricsReused(receiptNumber: string): Promise<boolean> {
    return biometricsReused(await repo.eventsOfCase(this.deps.db, receiptNumber, BIOMETRICS_EVENTS));
  }

  /**
   * A `formCategory` must be one of the case's form (an event giving both was checked by parseEvent): the form is
   * the stored case's, else the one an event of the batch gives; events of a receipt number whose form is not known
   * yet were checked against the whole catalog only (their case stores the form's fallback if the code is not its).
   */
  async #categoryProblems(events: CaseEvent[], indexOf: Map<CaseEvent, number>): Promise<EventProblem[]> {
    const asking = events.filter(
      (e) => typeof e.payload.formCategory === 'string' && typeof e.payload.formCode !== 'string',
    );
    if (!asking.length) return [];
    const formOf = new Map(
      (await findCases(this.deps.db, [...new Set(asking.map((e) => e.receiptNumber))])).map((c) => [
        c.receipt_number,
        c.form_code,
      ]),
    );
    const batchForm = (receipt: string) =>
      events
        .filter((e) => e.receiptNumber === receipt && typeof e.payload.formCode === 'string')
        .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())[0]?.payload.formCode as string | undefined;
    return asking.flatMap((e) => {
      const form = formOf.get(e.receiptNumber) ?? batchForm(e.receiptNumber);
      const message = form ? formCategoryProblem(form, e.payload.formCategory as string) : undefined;
      return message ? [{ index: indexOf.get(e)!, id: e.id, field: 'payload.formCategory', message }] : [];
    });
  }

  async ingest(rawEvents: unknown[], clientId: string | null): Promise<IngestResult> {
    if (rawEvents.length > MAX_BATCH)
      return {
        ok: false,
        problems: [{ index: MAX_BATCH, field: '(batch)', message: `at most ${MAX_BATCH} events per batch` }],
      };
    const problems: EventProblem[] = [];
    const events: CaseEvent[] = [];
    const indexOf = new Map<CaseEvent, number>();
    const seen = new Set<string>();
    let repeatedInBatch = 0;
    rawEvents.forEach((raw, index) => {
      const parsed = parseEvent(raw, index);
      if (!parsed.ok) problems.push(...parsed.problems);
      else if (seen.has(parsed.event.id))
        repeatedInBatch++; // the same id twice: the first one counts
      else {
        seen.add(parsed.event.id);
        events.push(parsed.event);
        indexOf.set(parsed.event, index);
      }
    });
    if (!problems.length) problems.push(...(await this.#categoryProblems(events, indexOf)));
    if (problems.length) return { ok: false, problems };
    const now = this.deps.clock.now();

    // Two batches in flight may both find a receipt number unknown and both create its case: the one that commits
    // second fails on the unique receipt number, and is applied again from the start (the case is known by then).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#apply(events, rawEvents.length, repeatedInBatch, clientId, now);
      } catch (error) {
        if (attempt >= 3 || this.deps.db.isTransaction || !isNewCaseRace(error)) throw error;
      }
    }
  }

  async #apply(
    batch: CaseEvent[],
    received: number,
    repeatedInBatch: number,
    clientId: string | null,
    now: Date,
  ): Promise<IngestResult> {
    return inTransaction(this.deps.db, async (trx) => {
      const batchByReceipt = byReceiptNumber(batch);
      const receipts = [...batchByReceipt.keys()];
      const known = new Map((await findCases(trx, receipts)).map((c) => [c.receipt_number, c]));

      // Receipt numbers not known yet (ADR 13, "Events of a case not known yet"): a batch giving the form creates the
      // case with every event that waited for it; the events of the others wait. Under the lock of new receipt numbers,
      // so that a batch in flight creating the same case cannot miss them (see repository.ts).
      let waitingReceipts = new Set<string>();
      let taken: repo.TakenPendingEvent[] = [];
      let storedToWait = new Set<string>();
      const unknown = receipts.filter((r) => !known.has(r));
      if (unknown.length) {
        const withoutForm = unknown.filter((r) => !batchByReceipt.get(r)!.some(givesForm));
        if (withoutForm.length) {
          await repo.lockNewReceiptsToWait(trx);
          for (const c of await findCases(trx, withoutForm)) known.set(c.receipt_number, c);
        }
        waitingReceipts = new Set(withoutForm.filter((r) => !known.has(r)));
        const expired = this.#expiredAt(now);
        const creating = unknown.filter((r) => !known.has(r) && !waitingReceipts.has(r));
        if (creating.length) taken = await repo.takePending(trx, creating, expired); // takes the lock in shared mode first
        if (waitingReceipts.size) {
          storedToWait = await repo.storePending(
            trx,
            batch.filter((e) => waitingReceipts.has(e.receiptNumber)),
            clientId,
            now,
            expired,
          );
          // Dropped events stay listed for as long again as they waited, then go.
          await repo.purgePending(trx, new Date(expired.getTime() - this.pendingDays * DAY_MS));
        }
      }
      const events = waitingReceipts.size ? batch.filter((e) => !waitingReceipts.has(e.receiptNumber)) : batch;
      const pendingApplied: CaseEvent[] = taken
        .filter((p) => p.applied)
        .map((p) => ({
          id: p.event_id,
          receiptNumber: p.receipt_number,
          type: p.type as CaseEvent['type'],
          occurredAt: p.occurred_at,
          payload: p.payload,
        }));

      const fresh = await repo.insertNewEvents(trx, events, clientId, now);
      const acceptedHere = events.filter((e) => fresh.has(e.id));
      // Events that waited for their case are applied with the batch's own, as if they had come in it.
      const accepted = pendingApplied.length ? [...acceptedHere, ...pendingApplied] : acceptedHere;
      const acceptedByReceipt = byReceiptNumber(accepted);
      const touched = [...acceptedByReceipt.keys()];
      // The whole event list of a case is read only when a new event can change more than its status: a new case,
      // an event naming the form, office or applicant, a received, transfer or protection event, or (for a case
      // made by events) one older than its received date. A plain status event needs only the history (below).
      const needsEvents = (receipt: string) => {
        const current = known.get(receipt);
        return (
          !current ||
          acceptedByReceipt
            .get(receipt)!
            .some(
              (e) =>
                ['case_received', 'transferred', 'protection_updated'].includes(e.type) ||
                'formCode' in e.payload ||
                'formCategory' in e.payload ||
                'officeCode' in e.payload ||
                'applicant' in e.payload ||
                (current.from_events && e.occurredAt < current.received_at),
            )
        );
      };
      const full = touched.filter(needsEvents);
      const stored = full.length ? await repo.eventsOf(trx, full) : [];
      const byReceipt = new Map<
        string,
        { id: string; type: string; occurredAt: Date; payload: Record<string, unknown> }[]
      >();
      for (const e of stored) {
        const list = byReceipt.get(e.receipt_number) ?? [];
        list.push({ id: e.event_id, type: e.type, occurredAt: e.occurred_at, payload: e.payload });
        byReceipt.set(e.receipt_number, list);
      }

      // New cases: their facts come from their events, their status from the latest of them (or, when two tie, from
      // the database right after: see #updateStatuses).
      const latest = latestStatuses(accepted);
      const toCreate = touched
        .filter((r) => !known.has(r))
        .map((receiptNumber) => {
          const facts = factsFromEvents(byReceipt.get(receiptNumber)!, receiptNumber.slice(0, 3));
          const status = latest.get(receiptNumber);
          return {
            receiptNumber,
            formCode: facts.formCode!,
            formCategory: effectiveCategory(facts.formCode!, facts.formCategory),
            officeCode: facts.officeCode,
            receivedAt: facts.receivedAt,
            ...(status && !status.tied
              ? { statusKey: status.statusKey, statusAt: status.occurredAt, statusParams: status.params }
              : { statusKey: 'case-was-received', statusAt: facts.receivedAt, statusParams: {} }),
          };
        });
      const created = await insertEventCases(trx, toCreate, now);
      const caseId = new Map<string, number>([
        ...[...known.values()].map((c) => [c.receipt_number, c.id] as [string, number]),
        ...created.map((c) => [c.receipt_number, c.id] as [string, number]),
      ]);

      // Known cases: cases from events follow all their events; demo or migrated cases only a transfer, a received
      // event or a category. The category stored is the one the case counts under (effectiveCategory).
      const factChanges: Parameters<typeof updateFacts>[1] = [];
      for (const receipt of full) {
        const current = known.get(receipt);
        if (!current) continue;
        const list = byReceipt.get(receipt)!;
        const facts = factsFromEvents(list, receipt.slice(0, 3));
        const next = current.from_events
          ? {
              formCode: facts.formCode ?? current.form_code,
              officeCode: facts.officeCode,
              receivedAt: facts.receivedAt,
            }
          : {
              formCode: current.form_code,
              officeCode: list.some((e) => e.type === 'transferred') ? facts.officeCode : current.office_code,
              receivedAt: list.some((e) => e.type === 'case_received') ? facts.receivedAt : current.received_at,
            };
        const formCategory = effectiveCategory(next.formCode, facts.formCategory ?? current.form_category);
        if (
          next.formCode !== current.form_code ||
          formCategory !== current.form_category ||
          next.officeCode !== current.office_code ||
          next.receivedAt.getTime() !== current.received_at.getTime()
        ) {
          factChanges.push({ id: current.id, ...next, formCategory });
        }
      }
      await updateFacts(trx, factChanges, now);

      await this.#applyRecords(trx, byReceipt, accepted, acceptedByReceipt, caseId, now);
      if (this.#biometrics) {
        const requests = accepted.flatMap((e) => {
          const asked = biometricsRequestOf(e);
          return asked
            ? [
                {
                  caseId: caseId.get(e.receiptNumber)!,
                  receiptNumber: e.receiptNumber,
                  eventId: e.id,
                  occurredAt: e.occurredAt,
                  ...asked,
                },
              ]
            : [];
        });
        if (requests.length) await this.#biometrics.requested(trx, requests);
      }
      await this.deps.jobs.sendMany(
        trx,
        renderNoticeJob,
        accepted
          .filter((e) => e.type === 'notice_issued' && isCaseNoticeKind(e.payload.noticeType))
          .map((e) => ({ eventId: e.id })),
      );
      // A new case counts as a change of status (from none): its holder hears that it was received.
      const changed = [
        ...new Set([...(await this.#updateStatuses(trx, latest, caseId, known, now)), ...created.map((c) => c.id)]),
      ];
      const notifications = await this.#notifyStatusChanges(
        trx,
        changed,
        new Map([...caseId].map(([receipt, id]) => [id, receipt])),
      );
      return {
        ok: true,
        received,
        accepted: acceptedHere.length,
        duplicates: batch.length - acceptedHere.length - storedToWait.size + repeatedInBatch,
        pending: storedToWait.size,
        pendingApplied: pendingApplied.length,
        pendingDropped: taken.length - pendingApplied.length,
        casesCreated: created.length,
        statusChanged: changed.length,
        notifications,
      } as const;
    });
  }
}
