import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import type { Language } from '../../platform/i18n/index.js';
import { defineJob, type JobQueue } from '../../platform/jobs/index.js';
import type { Random } from '../../platform/random.js';
import type { Address } from '../../platform/us-address.js';
import { notificationRecipients } from '../accounts/index.js';
import { activeHoldersOf } from '../account-cases/index.js';
import { addressChangesOfCase } from '../address-change/index.js';
import {
  AppointmentService,
  siteAddressLines,
  siteName,
  slotTimeText,
  type BookingView,
  type SiteRow,
  type SlotRow,
} from '../appointments/index.js';
import { eventsOfCase, type BiometricsListener, type BiometricsRequest } from '../case-events/index.js';
import { applicantOfCase, caseProtectionById, caseSummaryByReceiptNumber, type CaseFeature } from '../cases/index.js';
import type { NotificationService } from '../notifications/index.js';
import * as repo from './repository.js';
import {
  expediteRefusal,
  rescheduleRefusal,
  standingRefusal,
  type GoodCause,
  type Refusal,
  type RescheduleFacts,
} from './rules.js';
import type { RequestRow, RescheduleRow } from './tables.js';

/**
 * Biometrics appointments (issue 17 point 2; BIO-1 to BIO-4, CC-11).
 *
 * Scheduling (BIO-1): case-events tells this module (the `BiometricsListener` port, wired in src/services.ts) of each
 * event asking for biometrics, inside the batch's transaction: a request row is stored (one per event id, so a replay
 * changes nothing) and its `biometrics-schedule` job enqueued with it. The job picks the ZIP code (the applicant's,
 * from the case's events, or the account's change of address when that is newer and the agency did not refuse it),
 * the nearest Application Support Centers (the appointments module's offline ZIP table), and books the first free
 * slot at least `lead_days` (administrators' setting, 14 by default) away at the nearest one that has one. Then the
 * booking is recorded on the case as case events (a `biometrics_scheduled` with the time and place and a
 * `notice_issued` biometrics notice, which the notices module renders to PDF in Documents) and the account holders get
 * an email or text in their language (a neutral one for a Section 1367 case).
 *
 * Reschedules (BIO-2 to BIO-4, CC-11): online by the person (the rules of rules.ts), by an agent for a verified
 * caller (no online count, any form, a reason and a note), and an expedite by Tier 2 or Tier 3 (the first free slot from now,
 * sooner than the lead time). The new seat is taken before the old one is freed (AppointmentService.reschedule), a
 * new notice replaces the old one, and every request is kept with its state (BIO-4).
 */

/** Schedules one request (safe to run twice: a request is scheduled once, under its case's lock). */
export const scheduleBiometricsJob = defineJob({
  name: 'biometrics-schedule',
  payload: z.object({ requestId: z.string().uuid() }),
});

/** Records a booking on its case as case events (safe to run twice: the events' ids come from the booking). */
export const recordBiometricsJob = defineJob({
  name: 'biometrics-record',
  payload: z.object({ requestId: z.string().uuid(), bookingId: z.string().uuid() }),
});

/** How many nearby sites are tried (scheduling) and offered (reschedule). */
const NEARBY_SITES = 3;
const DAY_MS = 86_400_000;

export interface BiometricsDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  jobs: JobQueue;
  notifications: NotificationService;
  appointments: AppointmentService;
  /** Where bookings become case events (CaseEventService). */
  caseEvents: { ingest(rawEvents: unknown[], clientId: string | null): Promise<{ ok: boolean }> };
  publicUrl: string;
  /** The Contact Center's number (CC-9: a biometrics reschedule is a live route). */
  agencyPhone: string;
  log?: { warn(obj: object, msg: string): void };
}

/** A case's biometrics as the account and the agent console show them. */
export interface BiometricsView {
  caseId: number;
  receiptNumber: string;
  formCode: string;
  section1367: boolean;
  /** The request holding the appointment, and the appointment (booking, slot, site) when booked. */
  request?: RequestRow;
  appointment?: { booking: BookingView; site: SiteRow };
  /** The latest request, when it holds no appointment (waiting, reused, no slot...). */
  latest?: RequestRow;
  reschedules: RescheduleRow[];
  onlineReschedules: number;
  /** What refuses before a reason is given, online (the page explains it instead of offering the form). */
  refusal?: Refusal;
  leadDays: number;
}

/** A choice of the reschedule form: a slot, or the first free slot of a site. */
export type SlotChoice = { slotId: number } | { firstAt: string };

export type RescheduleOutcome =
  | { ok: true; rescheduleId: string; booking: BookingView; site: SiteRow }
  | { ok: false; refusal: Refusal | 'full' | 'no_slot' | 'no_earlier' | 'site' };

export class BiometricsService implements BiometricsListener {
  constructor(private readonly deps: BiometricsDeps) {}

  // ---- Settings ---------------------------------------------------------------------------------------------------

  settings() {
    return repo.settings(this.deps.db);
  }

  /** Administrators change the lead time (audited). */
  async setLeadDays(actor: StaffActor, days: number): Promise<boolean> {
    if (!Number.isInteger(days) || days < 0 || days > 120) return false;
    await inTransaction(this.deps.db, async (trx) => {
      const before = await repo.setLeadDays(trx, days, actor.accountId, this.deps.clock.now());
      await auditStaffAction(trx, this.deps.clock, actor, 'biometrics.lead_days_changed', undefined, {
        before,
        after: days,
      });
    });
    return true;
  }

  // ---- Scheduling (BIO-1) -----------------------------------------------------------------------------------------

  /** The port case-events calls in its transaction: one request per event, and its job (reuse: nothing to do). */
  async requested(trx: DbHandle, requests: BiometricsRequest[]): Promise<void> {
    const now = this.deps.clock.now();
    const stored = await repo.insertRequests(
      trx,
      requests.map((r) => ({
        id: this.deps.random.uuid(),
        case_id: r.caseId,
        event_id: r.eventId,
        requested_at: r.occurredAt,
        status: r.reuse ? 'reused' : 'waiting',
        created_at: now,
        status_at: now,
      })),
    );
    const waiting = stored.filter((r) => r.status === 'waiting').map((r) => ({ requestId: r.id }));
    if (waiting.length) await this.deps.jobs.sendMany(trx, scheduleBiometricsJob, waiting);
  }

  /**
   * The ZIP code a request is scheduled by: the applicant's ZIP code from the case's events, unless the account made
   * a change of address after the latest event that gave it (and the agency did not refuse the change on this case):
   * then that change's physical address in the United States, or else its U.S. mailing address.
   */
  async zipOf(
    caseId: number,
    receiptNumber: string,
  ): Promise<{ zip: string; source: 'case' | 'address_change' } | undefined> {
    const db = this.deps.db;
    const events = await eventsOfCase(db, receiptNumber);
    let caseZipAt: Date | undefined;
    for (const e of events) {
      const a = e.payload.applicant as { zip?: unknown } | undefined;
      if (a && typeof a.zip === 'string' && (!caseZipAt || e.occurredAt > caseZipAt)) caseZipAt = e.occurredAt;
    }
    const applicant = await applicantOfCase(db, caseId);
    const change = (await addressChangesOfCase(db, caseId)).find((c) => c.status !== 'failed');
    if (change && (!caseZipAt || change.requested_at > caseZipAt)) {
      const usZip = (a: Address | null | undefined) => (a && a.kind === 'us' ? a.zip.slice(0, 5) : undefined);
      const zip = usZip(change.physical) ?? usZip(change.mailing);
      if (zip) return { zip, source: 'address_change' };
    }
    return applicant?.zip ? { zip: applicant.zip, source: 'case' } : undefined;
  }

  /**
   * The job: books the request's appointment at the nearest ASC with a free slot at least `lead_days` away, records
   * it on the case and tells the holders. A request of a case whose appointment is still to come joins it (one
   * appointment per case). Answers the request as it is after.
   */
  async schedule(requestId: string): Promise<RequestRow | undefined> {
    const { db, clock, appointments } = this.deps;
    const request = await repo.findRequest(db, requestId);
    if (!request) return undefined;
    if (request.status === 'scheduled' && request.booking_id) {
      await this.record(request.id, request.booking_id);
      return request;
    }
    if (request.status !== 'waiting') return request;
    const c = await this.#caseOf(request.case_id);
    if (!c) return request;
    const now = clock.now();
    const zip = await this.zipOf(c.id, c.receipt_number);
    const sites = zip ? ((await appointments.nearestSites(zip.zip, 'biometrics', NEARBY_SITES)) ?? []) : [];
    const lead = await repo.leadDays(db);
    const notBefore = new Date(now.getTime() + lead * DAY_MS);
    const booked = await inTransaction(db, async (trx) => {
      // The case's lock, then its appointment as it is under it: two requests of one case (or a request and a
      // reschedule) decide one after the other, and the second sees what the first booked.
      await repo.lockRequestsOfCase(trx, request.case_id);
      const r = await repo.findRequest(trx, requestId);
      if (!r || r.status !== 'waiting') return undefined;
      const { appointment: current } = await this.#scheduledOf(r.case_id, trx);
      if (current && current.booking.starts_at > now) {
        await repo.setRequestStatus(trx, r.id, { status: 'joined', at: now });
        return undefined;
      }
      if (!zip || !sites.length) {
        await repo.setRequestStatus(trx, r.id, {
          status: 'no_zip',
          at: now,
          zip: zip?.zip ?? null,
          zipSource: zip?.source ?? null,
        });
        return undefined;
      }
      for (const near of sites) {
        const got = await appointments.bookFirstFree(near.site.code, 'biometrics', notBefore, { caseId: c.id }, trx);
        if (!got) continue;
        await repo.setRequestStatus(trx, r.id, {
          status: 'scheduled',
          at: now,
          bookingId: got.booking.id,
          zip: zip.zip,
          zipSource: zip.source,
        });
        await this.#tell(trx, c, near.site, got.slot, 'scheduled');
        await this.deps.jobs.send(trx, recordBiometricsJob, { requestId: r.id, bookingId: got.booking.id });
        return got.booking.id;
      }
      await repo.setRequestStatus(trx, r.id, { status: 'no_slot', at: now, zip: zip.zip, zipSource: zip.source });
      return undefined;
    });
    if (booked) await this.#recordNow(requestId, booked);
    return repo.findRequest(db, requestId);
  }

  /**
   * Asks again for the requests left without an appointment (`no_zip`: the person may have given an address since;
   * `no_slot`: new slots may have been made), longest waiting first; run after each day's slots are made. Answers how
   * many got an appointment. A request still without one keeps its status, with a new `status_at`.
   */
  async retryUnscheduled(limit = 500): Promise<number> {
    let scheduled = 0;
    for (const id of await repo.unscheduledRequestIds(this.deps.db, limit)) {
      const before = await repo.findRequest(this.deps.db, id);
      if (!before || !(await repo.reopenRequest(this.deps.db, id, this.deps.clock.now()))) continue;
      try {
        if ((await this.schedule(id))?.status === 'scheduled') scheduled++;
      } catch (error) {
        // Not left `waiting` without a job: back to what it was, for the next day's run.
        await repo.setRequestStatus(this.deps.db, id, { status: before.status, at: this.deps.clock.now() });
        this.deps.log?.warn({ err: error, requestId: id }, 'biometrics request not scheduled on retry');
      }
    }
    return scheduled;
  }

  /** Records now what the record job would (it stays queued as the safety net: both are idempotent). */
  async #recordNow(requestId: string, bookingId: string): Promise<void> {
    try {
      await this.record(requestId, bookingId);
    } catch (error) {
      this.deps.log?.warn({ err: error, requestId }, 'biometrics booking not recorded yet: its job will retry');
    }
  }

  /**
   * Records a booking on its case: a `biometrics_scheduled` event (time and place) and a `notice_issued` biometrics
   * notice in the language of the case's first account holder (English without one). Their ids come from the booking,
   * so recording twice changes nothing.
   */
  async record(requestId: string, bookingId: string): Promise<void> {
    const { db, appointments } = this.deps;
    const request = await repo.findRequest(db, requestId);
    const booking = await appointments.booking(bookingId);
    if (!request || !booking) return;
    const site = await appointments.site(booking.site_code);
    const c = await this.#caseOf(request.case_id);
    if (!site || !c) return;
    const language = await this.#languageOf(c.id);
    const place = `${siteName(site, language)}, ${siteAddressLines(site).join(', ')}`;
    const at = booking.starts_at.toISOString();
    const result = await this.deps.caseEvents.ingest(
      [
        {
          id: `casedesk-biometrics:${bookingId}:scheduled`,
          receiptNumber: c.receipt_number,
          type: 'biometrics_scheduled',
          occurredAt: booking.created_at.toISOString(),
          payload: { appointmentAt: at, locationName: place, timeZone: site.time_zone },
        },
        {
          id: `casedesk-biometrics:${bookingId}:notice`,
          receiptNumber: c.receipt_number,
          type: 'notice_issued',
          occurredAt: booking.created_at.toISOString(),
          payload: {
            noticeType: 'biometrics_notice',
            language,
            appointmentAt: at,
            locationName: place,
            timeZone: site.time_zone,
          },
        },
      ],
      null,
    );
    if (!result.ok) throw new Error('the biometrics events were refused');
  }

  // ---- Reading ----------------------------------------------------------------------------------------------------

  /**
   * A case's biometrics: its appointment, its requests, its reschedules, and what refuses a reschedule online.
   * `features`: the case's features in the account asking (its card's); without them the online reschedule is not
   * offered (`paper_case`).
   */
  async view(receiptNumber: string, features?: ReadonlySet<CaseFeature>): Promise<BiometricsView | undefined> {
    const c = await caseSummaryByReceiptNumber(this.deps.db, receiptNumber);
    if (!c) return undefined;
    const requests = await repo.requestsOfCase(this.deps.db, c.id);
    const { request, appointment } = await this.#scheduledOf(c.id);
    const onlineReschedules = request ? await repo.onlineReschedulesDone(this.deps.db, request.id) : 0;
    const facts = this.#facts(c.form_code, appointment, onlineReschedules, features);
    return {
      caseId: c.id,
      receiptNumber: c.receipt_number,
      formCode: c.form_code,
      section1367: c.section_1367,
      ...(request ? { request } : {}),
      ...(appointment ? { appointment } : {}),
      ...(requests[0] && requests[0].id !== request?.id ? { latest: requests[0] } : {}),
      reschedules: await repo.reschedulesOfCase(this.deps.db, c.id),
      onlineReschedules,
      refusal: standingRefusal(facts, 'online'),
      leadDays: await repo.leadDays(this.deps.db),
    };
  }

  /** The sites a reschedule offers (the nearest to the request's ZIP code, the current one first) and their free slots. */
  async choices(view: BiometricsView, perSite = 6, expedite = false): Promise<{ site: SiteRow; slots: SlotRow[] }[]> {
    const { appointments, clock } = this.deps;
    const current = view.appointment?.site;
    const near = view.request?.zip
      ? ((await appointments.nearestSites(view.request.zip, 'biometrics', NEARBY_SITES)) ?? [])
      : [];
    const sites = [...(current ? [current] : []), ...near.map((n) => n.site).filter((s) => s.code !== current?.code)];
    const notBefore = expedite ? clock.now() : new Date(clock.now().getTime() + view.leadDays * DAY_MS);
    return Promise.all(
      sites.map(async (site) => ({
        site,
        slots: (await appointments.freeSlots(site.code, notBefore, perSite + 1))
          .filter((s) => s.id !== view.appointment?.booking.slot_id)
          .slice(0, perSite),
      })),
    );
  }

  // ---- Reschedules ------------------------------------------------------------------------------------------------

  /**
   * An online reschedule by the person (BIO-2, BIO-3): the rules, then the new seat before the old is freed.
   * `features`: the case's features in the person's account (its card's: a CASE-6 paper case is refused).
   */
  async rescheduleOnline(
    accountId: string,
    receiptNumber: string,
    ask: { reason: string; reasonText: string; choice: SlotChoice },
    features: ReadonlySet<CaseFeature>,
  ): Promise<RescheduleOutcome> {
    return this.#reschedule(receiptNumber, {
      channel: 'online',
      features,
      accountId,
      reason: ask.reason,
      reasonText: ask.reasonText,
      choice: ask.choice,
    });
  }

  /** An agent reschedules for a verified caller (CC-11): never a first appointment; a reason and a note. */
  async rescheduleByAgent(
    agent: StaffActor,
    itemNumber: number,
    receiptNumber: string,
    ask: { reason: string; reasonText: string; choice: SlotChoice },
  ): Promise<RescheduleOutcome> {
    return this.#reschedule(receiptNumber, { channel: 'agent', agent, itemNumber, ...ask });
  }

  /** Tier 2 or Tier 3 grants an expedited appointment (BIO-4): the first free slot from now at the chosen site, earlier than the current one. */
  async expedite(
    agent: StaffActor,
    itemNumber: number,
    receiptNumber: string,
    ask: { reasonText: string; siteCode: string },
  ): Promise<RescheduleOutcome> {
    return this.#reschedule(receiptNumber, {
      channel: 'expedite',
      agent,
      itemNumber,
      reason: 'expedite',
      reasonText: ask.reasonText,
      choice: { firstAt: ask.siteCode },
    });
  }

  async #reschedule(
    receiptNumber: string,
    p: {
      channel: 'online' | 'agent' | 'expedite';
      features?: ReadonlySet<CaseFeature>;
      accountId?: string;
      agent?: StaffActor;
      itemNumber?: number;
      reason: string;
      reasonText: string;
      choice: SlotChoice;
    },
  ): Promise<RescheduleOutcome> {
    const { db, clock, appointments } = this.deps;
    const view = await this.view(receiptNumber, p.features);
    if (!view) return { ok: false, refusal: 'no_appointment' };
    const now = clock.now();
    const facts = this.#facts(view.formCode, view.appointment, view.onlineReschedules, p.features);
    const refusal =
      p.channel === 'expedite'
        ? expediteRefusal(facts, { roles: p.agent?.roles ?? [], reasonText: p.reasonText })
        : rescheduleRefusal(facts, { channel: p.channel, reason: p.reason, reasonText: p.reasonText });
    const base = {
      case_id: view.caseId,
      channel: p.channel,
      account_id: p.accountId ?? null,
      staff_id: p.agent?.accountId ?? null,
      item_number: p.itemNumber ?? null,
      reason: p.reason.slice(0, 40) || 'none',
      reason_text: p.reasonText.trim().slice(0, 500) || null,
      created_at: now,
    };
    // A refusal by a rule is kept (BIO-4 lists what was asked), except a missing reason (a form error: nothing asked).
    const keepRefusal = async (rule: string) => {
      if (!view.request) return;
      await inTransaction(db, async (trx) => {
        await repo.insertReschedule(trx, {
          id: this.deps.random.uuid(),
          request_id: view.request!.id,
          ...base,
          state: 'refused',
          refusal: rule,
          from_booking: view.request!.booking_id,
          to_booking: null,
        });
        if (p.agent)
          await auditStaffAction(
            trx,
            clock,
            p.agent,
            `biometrics.${p.channel}_refused`,
            { type: 'case', id: view.receiptNumber },
            { rule, item: p.itemNumber },
          );
      });
    };
    if (refusal) {
      if (!['good_cause', 'other_text', 'reason_text', 'too_long'].includes(refusal)) await keepRefusal(refusal);
      return { ok: false, refusal };
    }
    const request = view.request!;
    const old = view.appointment!;
    // The slot: the one chosen (of a nearby site, at least the lead time away; any time from now for an expedite), or
    // the first free one of the chosen site.
    const choices = await this.choices(view, 50, p.channel === 'expedite');
    let slot: SlotRow | undefined;
    if ('slotId' in p.choice) {
      const chosen = await appointments.slot(p.choice.slotId);
      if (!chosen || !choices.some((c) => c.site.code === chosen.site_code)) return { ok: false, refusal: 'site' };
      const notBefore = p.channel === 'expedite' ? now : new Date(now.getTime() + view.leadDays * DAY_MS);
      if (chosen.starts_at < notBefore) return { ok: false, refusal: 'site' };
      slot = chosen;
    } else {
      const at = choices.find((c) => c.site.code === (p.choice as { firstAt: string }).firstAt);
      if (!at) return { ok: false, refusal: 'site' };
      slot = at.slots[0];
      if (!slot) return { ok: false, refusal: 'no_slot' };
    }
    if (p.channel === 'expedite' && slot.starts_at >= old.booking.starts_at) {
      await keepRefusal('no_earlier');
      return { ok: false, refusal: 'no_earlier' };
    }
    const site = choices.find((c) => c.site.code === slot.site_code)!.site;
    const c = await this.#caseOf(view.caseId);
    const outcome = await inTransaction(db, async (trx): Promise<RescheduleOutcome> => {
      // The case's lock serializes reschedules and scheduling of one case (two tabs, a double click, a new request):
      // under it, the request must still hold the appointment the person chose to move.
      await repo.lockRequestsOfCase(trx, view.caseId);
      const locked = await repo.scheduledRequestOfCase(trx, view.caseId);
      if (locked?.id !== request.id || locked.booking_id !== old.booking.id) return { ok: false, refusal: 'full' };
      const moved = await appointments.reschedule(old.booking.id, slot.id, trx);
      if (!moved.ok) return { ok: false, refusal: moved.problem === 'full' ? 'full' : 'no_slot' };
      await repo.moveRequest(trx, request.id, moved.booking.id, now);
      const id = this.deps.random.uuid();
      await repo.insertReschedule(trx, {
        id,
        request_id: request.id,
        ...base,
        state: 'done',
        refusal: null,
        from_booking: old.booking.id,
        to_booking: moved.booking.id,
      });
      if (p.agent)
        await auditStaffAction(
          trx,
          clock,
          p.agent,
          `biometrics.${p.channel === 'expedite' ? 'expedited' : 'rescheduled_by_agent'}`,
          { type: 'case', id: view.receiptNumber },
          { item: p.itemNumber, reason: p.reason, from: old.booking.id, to: moved.booking.id, slot: slot.id },
          p.reasonText.trim(),
        );
      await this.#tell(trx, c!, site, moved.slot, 'rescheduled');
      await this.deps.jobs.send(trx, recordBiometricsJob, { requestId: request.id, bookingId: moved.booking.id });
      return {
        ok: true,
        rescheduleId: id,
        booking: {
          ...moved.booking,
          site_code: moved.slot.site_code,
          starts_at: moved.slot.starts_at,
          ends_at: moved.slot.ends_at,
        },
        site,
      };
    });
    if (outcome.ok) await this.#recordNow(request.id, outcome.booking.id);
    return outcome;
  }

  // ---- Helpers ----------------------------------------------------------------------------------------------------

  #facts(
    formCode: string,
    appointment: BiometricsView['appointment'],
    onlineReschedules: number,
    features: ReadonlySet<CaseFeature> | undefined,
  ): RescheduleFacts {
    return {
      formCode,
      onlineReschedules,
      offeredOnline: features?.has('biometrics_reschedule') ?? false,
      now: this.deps.clock.now(),
      ...(appointment ? { appointmentAt: appointment.booking.starts_at } : {}),
    };
  }

  async #caseOf(caseId: number) {
    const p = await caseProtectionById(this.deps.db, caseId);
    return p && caseSummaryByReceiptNumber(this.deps.db, p.receipt_number);
  }

  /**
   * The case's scheduled request (repo.scheduledRequestOfCase: the one answer to "which") and the appointment it
   * holds, while booked. `db`: the transaction that holds the case's lock, when asked under it.
   */
  async #scheduledOf(
    caseId: number,
    db: DbHandle = this.deps.db,
  ): Promise<{ request?: RequestRow; appointment?: BiometricsView['appointment'] }> {
    const request = await repo.scheduledRequestOfCase(db, caseId);
    if (!request?.booking_id) return request ? { request } : {};
    const booking = await this.deps.appointments.booking(request.booking_id, db);
    if (booking?.status !== 'booked') return { request };
    const site = await this.deps.appointments.site(booking.site_code, db);
    return site ? { request, appointment: { booking, site } } : { request };
  }

  async #languageOf(caseId: number): Promise<Language> {
    const holders = await activeHoldersOf(this.deps.db, [caseId]);
    const recipients = await notificationRecipients(
      this.deps.db,
      holders.map((h) => h.account_id),
    );
    return recipients.get(holders[0]?.account_id ?? '')?.language ?? 'en';
  }

  /**
   * Tells the case's account holders, each in their language, by email and/or text as they chose: the time and place;
   * for a Section 1367 case only that there is an update (CC-6), nothing of the case.
   */
  async #tell(
    trx: DbHandle,
    c: { id: number; receipt_number: string; section_1367: boolean },
    site: SiteRow,
    slot: Pick<SlotRow, 'starts_at'>,
    what: 'scheduled' | 'rescheduled',
  ): Promise<void> {
    const holders = await activeHoldersOf(trx, [c.id]);
    const recipients = await notificationRecipients(
      trx,
      holders.map((h) => h.account_id),
    );
    const requests: Parameters<NotificationService['queueMany']>[1] = [];
    for (const h of holders) {
      const r = recipients.get(h.account_id);
      if (!r) continue;
      const lang = r.language;
      const template = c.section_1367
        ? 'case_update_available'
        : what === 'scheduled'
          ? 'biometrics_scheduled'
          : 'biometrics_rescheduled';
      const params: Record<string, string> = c.section_1367
        ? { link: `${this.deps.publicUrl}/account` }
        : {
            receipt: c.receipt_number,
            when: slotTimeText(slot, site, lang),
            place: `${siteName(site, lang)}, ${siteAddressLines(site).join(', ')}`,
            link: `${this.deps.publicUrl}/account/cases/${c.receipt_number}/biometrics`,
          };
      if (r.notifyByEmail) requests.push({ channel: 'email', to: r.email, template, language: lang, params });
      if (r.notifyByText)
        for (const phone of r.phones) requests.push({ channel: 'sms', to: phone, template, language: lang, params });
    }
    await this.deps.notifications.queueMany(trx, requests);
  }
}

export type { GoodCause };
