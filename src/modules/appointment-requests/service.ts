import { createEvent, type DateArray } from 'ics';
import { z } from 'zod';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { localDate, longCalendarDate, longDate } from '../../platform/format.js';
import type { I18n, Language, Translate } from '../../platform/i18n/index.js';
import { defineJob, type JobQueue } from '../../platform/jobs/index.js';
import type { Random } from '../../platform/random.js';
import { submitOnce } from '../../platform/submissions.js';
import {
  AppointmentService,
  siteAddressLines,
  siteName,
  slotTimeText,
  type SiteRow,
  type SlotRow,
} from '../appointments/index.js';
import { findCaseForRequest } from '../cases/index.js';
import { renderCaseNotice } from '../notices/index.js';
import type { NotificationService } from '../notifications/index.js';
import type { ServiceItemRow, ServiceItemService } from '../service-items/index.js';
import * as repo from './repository.js';
import { parseAppointmentRequest, type FieldProblem, type ParsedRequest, type RawRequest } from './schema.js';
import type { AppointmentRequestRow, RequestReason } from './tables.js';

/**
 * The online appointment request (issue 17 point 3; APPT-1 to APPT-4, CC-8). A request is a service item routed to
 * Tier 2 as urgent (its number is the reference number), with what the form asked kept in `appointment_requests`.
 * An agent answers it without an appointment (by email) or books a field office slot (the appointments module's
 * booking core: never oversold); the person then reads the appointment, prints the confirmation letter (PDF), saves
 * the calendar file (.ics) and cancels it at "View your appointment" with the reference number and date of birth.
 * The emails link there rather than carrying the letter: notifications carry no attachments, and a mailbox is not
 * where an A-Number and a date of birth should travel. A reminder goes a day before by email (and by text when the
 * person asked for one; a number that answered STOP gets none, as everywhere).
 */

/** CC-8: field offices aim to give most appointments within two weeks of the request. */
export const TARGET_DAYS = 14;
/** The reminder goes this long before the appointment. */
export const REMINDER_BEFORE_MS = 24 * 3600_000;
/** How many field offices, and how many free slots of each, the agent is offered. */
const SITES_OFFERED = 3;
const SLOTS_OFFERED = 12;
/** "View your appointment": this many failed tries of one reference number within VIEW_LOCK_MS lock it (APPT-4). */
export const VIEW_MAX_FAILURES = 5;
export const VIEW_LOCK_MS = 3600_000;
/** The longest answer an agent sends. */
export const MAX_ANSWER = 5000;

export const reminderJob = defineJob({
  name: 'appointment-request-reminder',
  payload: z.object({ requestId: z.string().uuid(), bookingId: z.string().uuid() }),
  retryLimit: 5,
});

export interface AppointmentRequestDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  jobs: JobQueue;
  i18n: I18n;
  items: ServiceItemService;
  appointments: AppointmentService;
  notifications: NotificationService;
  timeZone: string;
  publicUrl: string;
}

export type SubmitResult =
  { ok: true; number: number } | { ok: true; repeated: string } | { ok: false; problems: FieldProblem[] };

/** The booked appointment as the person and the agent read it. */
export interface AppointmentView {
  site: SiteRow;
  startsAt: Date;
  endsAt: Date;
  /** "Monday, December 7, 2026, 9:00 AM EST", by the site's clock. */
  when: string;
  status: 'booked' | 'cancelled' | 'rescheduled';
}

export interface RequestView {
  request: AppointmentRequestRow;
  appointment?: AppointmentView;
  /** Whether the person may still cancel it (booked, not passed). */
  mayCancel: boolean;
}

/** A field office near the person and its free slots, each marked when it fits the person's preferences. */
export interface SiteOption {
  site: SiteRow;
  miles: number;
  slots: { slot: SlotRow; when: string; fits: boolean }[];
}

export type DecisionResult =
  | { ok: true }
  | {
      ok: false;
      problem:
        | 'not_requested'
        | 'closed'
        | 'empty'
        | 'too_long'
        | 'full'
        | 'unknown_slot'
        | 'passed'
        | 'not_offered'
        | 'no_subject';
    };

export type CancelResult = 'cancelled' | 'not_booked' | 'passed';

/** Whether a slot fits the preferred weekdays and time of day (APPT-2: considered, not guaranteed). */
export function fitsPreferences(
  slot: Pick<SlotRow, 'local_date' | 'local_time'>,
  prefs: Pick<AppointmentRequestRow, 'weekdays' | 'time_of_day'>,
): boolean {
  const day = new Date(`${slot.local_date}T00:00:00Z`).getUTCDay();
  const weekdayOk = prefs.weekdays.length === 0 || prefs.weekdays.includes(day === 0 ? 7 : day);
  const morning = slot.local_time < '12:00';
  const timeOk = prefs.time_of_day === 'any' || (prefs.time_of_day === 'morning') === morning;
  return weekdayOk && timeOk;
}

/** A date-time as the `ics` library takes it, in UTC. */
function utcArray(d: Date): DateArray {
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
}

export class AppointmentRequestService {
  constructor(private readonly deps: AppointmentRequestDeps) {}

  now(): Date {
    return this.deps.clock.now();
  }

  today(): string {
    return localDate(this.deps.clock.now(), this.deps.timeZone);
  }

  #t(lang: Language): Translate {
    return this.deps.i18n.t(lang);
  }

  // ---- The public request -----------------------------------------------------------------------------------------

  /**
   * Validates the form (APPT-2) and files it: a service item routed by the rules (appointment requests are urgent,
   * CC-8: Tier 2), the request's row, and the confirmation email, in one transaction. A second post of the same
   * one-time token answers the first request's number.
   */
  async submit(
    reason: RequestReason,
    raw: RawRequest,
    ctx: { pageLanguage: Language; submission?: string },
  ): Promise<SubmitResult> {
    const parsed = parseAppointmentRequest(raw, this.today(), ctx.pageLanguage);
    if (!parsed.ok) return parsed;
    const v = parsed.value;
    const once = await submitOnce(
      this.deps.db,
      { token: ctx.submission, form: `appointment-request/${reason}`, now: this.deps.clock.now() },
      (record) =>
        inTransaction(this.deps.db, async (trx): Promise<SubmitResult> => {
          const t = this.#t(v.language);
          const topic = t(`appointment_requests:reasons.${reason}`);
          const fullName = [v.firstName, v.middleName, v.lastName].filter(Boolean).join(' ');
          // The case of the receipt number, when there is one: its Section 1367 protection follows the item (CC-6:
          // routed to Tier 3 only, whatever the person wrote). Nothing about the case is told to the person. Anyone
          // may type anyone's receipt number: the agent sees the case only when the date of birth matched the
          // agency's records (`dob_matched`), and otherwise verifies the person first, as for a call (CC-2).
          const found = v.receiptNumber ? await findCaseForRequest(trx, v.receiptNumber) : undefined;
          const { item } = await this.deps.items.createRouted(
            {
              channel: 'appointment_request',
              type: 'appointment_request',
              urgent: true,
              contact: { name: fullName, email: v.email, phone: v.phone },
              language: v.language,
              subject: topic,
              description: this.#describe(t, reason, v),
              receiptNumber: v.receiptNumber,
              caseId: found?.id ?? null,
              details: {
                reason,
                first_name: v.firstName,
                ...(v.middleName ? { middle_name: v.middleName } : {}),
                last_name: v.lastName,
                date_of_birth: v.dateOfBirth,
                // Whether the date of birth matched the case's applicant on record (not just any case without one).
                dob_matched: Boolean(found?.date_of_birth && found.date_of_birth === v.dateOfBirth),
                zip: v.zip,
                country_of_birth: v.countryOfBirth,
                ...(v.aNumber ? { a_number: v.aNumber } : {}),
                ...(v.receiptNumber ? { receipt_number: v.receiptNumber } : {}),
                weekdays: v.weekdays,
                time_of_day: v.timeOfDay,
                text_reminder: v.textReminder,
              },
            },
            trx,
          );
          await repo.insertRequest(trx, {
            id: this.deps.random.uuid(),
            service_item_id: item.id,
            item_number: item.number,
            reason,
            first_name: v.firstName,
            middle_name: v.middleName,
            last_name: v.lastName,
            date_of_birth: v.dateOfBirth,
            zip: v.zip,
            country_of_birth: v.countryOfBirth,
            email: v.email,
            phone: v.phone,
            a_number: v.aNumber,
            receipt_number: v.receiptNumber,
            weekdays: v.weekdays,
            time_of_day: v.timeOfDay,
            language: v.language,
            text_reminder: v.textReminder,
            status: 'requested',
            created_at: this.deps.clock.now(),
          });
          await this.deps.notifications.queueEmail(trx, {
            to: v.email,
            template: 'appointment_request_received',
            language: v.language,
            params: { number: String(item.number), topic, link: this.#viewLink() },
          });
          await record(trx, String(item.number));
          return { ok: true, number: item.number };
        }),
    );
    return 'repeated' in once ? { ok: true, repeated: once.repeated } : once;
  }

  #viewLink(): string {
    return `${this.deps.publicUrl}/appointments/view`;
  }

  /** The item's description for agents: every answer with its label, in the person's language. */
  #describe(t: Translate, reason: RequestReason, r: ParsedRequest): string {
    const L = (key: string) => t(`appointment_requests:form.${key}.label`);
    const lines = [
      `${t('appointment_requests:summary.reason')}: ${t(`appointment_requests:reasons.${reason}`)}`,
      `${L('first_name')}: ${r.firstName}`,
      ...(r.middleName ? [`${L('middle_name')}: ${r.middleName}`] : []),
      `${L('last_name')}: ${r.lastName}`,
      `${t('appointment_requests:form.dob.legend')}: ${r.dateOfBirth}`,
      `${L('zip')}: ${r.zip}`,
      `${L('country_of_birth')}: ${r.countryOfBirth}`,
      ...(r.aNumber ? [`${L('a_number')}: ${r.aNumber}`] : []),
      ...(r.receiptNumber ? [`${L('receipt_number')}: ${r.receiptNumber}`] : []),
      `${t('appointment_requests:summary.preferences')}: ${this.preferencesText(t, { weekdays: r.weekdays, time_of_day: r.timeOfDay })}`,
    ];
    return lines.join('\n');
  }

  /** "Monday, Wednesday; morning" or "No preference". */
  preferencesText(t: Translate, p: Pick<AppointmentRequestRow, 'weekdays' | 'time_of_day'>): string {
    const days = p.weekdays.length
      ? p.weekdays.map((d) => t(`appointment_requests:weekdays.${String(d)}`)).join(', ')
      : t('appointment_requests:summary.any_day');
    return `${days}; ${t(`appointment_requests:times.${p.time_of_day}`)}`;
  }

  /** The request behind a confirmation page (the browser that sent it carries its number in a signed cookie). */
  async confirmation(number: string): Promise<AppointmentRequestRow | undefined> {
    return /^\d{1,12}$/.test(number) ? repo.findByItemNumber(this.deps.db, Number(number)) : undefined;
  }

  // ---- View your appointment (APPT-4) -----------------------------------------------------------------------------

  /**
   * The request a reference number and a date of birth name; undefined for a wrong number, a wrong date of birth,
   * or both alike (the same queries either way: nothing tells which one was wrong). Reference numbers follow one
   * another, so besides the per-address limit of the route a reference is locked after VIEW_MAX_FAILURES failed
   * tries within VIEW_LOCK_MS, from any address: until the period ends it is answered as a wrong match, even with
   * the right date of birth. Tries of a reference nobody has are counted and locked alike, so a lock tells nothing
   * about which references exist.
   */
  async lookup(reference: string, dateOfBirth: string): Promise<AppointmentRequestRow | undefined> {
    const number = reference.replace(/[\s#-]/g, '');
    if (!/^\d{1,12}$/.test(number)) return undefined;
    const ref = Number(number);
    return inTransaction(this.deps.db, async (trx) => {
      const now = this.deps.clock.now();
      const periodStart = new Date(now.getTime() - VIEW_LOCK_MS);
      const tries = await repo.lockViewTries(trx, ref, now, periodStart);
      const current = tries.since > periodStart;
      const failures = current ? tries.failures : 0;
      const row = await repo.findByItemNumber(trx, ref);
      const found = row && row.date_of_birth === dateOfBirth ? row : undefined;
      if (failures >= VIEW_MAX_FAILURES) return undefined;
      if (!found) await repo.setViewTries(trx, ref, { failures: failures + 1, since: current ? tries.since : now });
      return found;
    });
  }

  async byId(id: string): Promise<AppointmentRequestRow | undefined> {
    return /^[0-9a-f-]{36}$/.test(id) ? repo.findById(this.deps.db, id) : undefined;
  }

  async view(request: AppointmentRequestRow, lang: Language): Promise<RequestView> {
    const appointment = await this.#appointment(request, lang);
    const mayCancel = request.status === 'booked' && !!appointment && appointment.startsAt > this.deps.clock.now();
    return { request, ...(appointment ? { appointment } : {}), mayCancel };
  }

  async #appointment(request: AppointmentRequestRow, lang: Language): Promise<AppointmentView | undefined> {
    if (!request.booking_id) return undefined;
    const booking = await this.deps.appointments.booking(request.booking_id);
    const site = booking && (await this.deps.appointments.site(booking.site_code));
    if (!booking || !site) return undefined;
    return {
      site,
      startsAt: booking.starts_at,
      endsAt: booking.ends_at,
      when: slotTimeText(booking, site, lang),
      status: booking.status,
    };
  }

  /** The confirmation letter (PDF) of a booked appointment, in the language asked for; undefined when none is booked. */
  async letter(request: AppointmentRequestRow, lang: Language): Promise<Buffer | undefined> {
    const a = await this.#appointment(request, lang);
    if (!a || request.status !== 'booked') return undefined;
    const t = this.#t(lang);
    const name = [request.first_name, request.middle_name, request.last_name].filter(Boolean).join(' ');
    return renderCaseNotice({
      agency: t('common:site.agency'),
      title: t('appointment_requests:letter.title'),
      issuedOn: t('appointment_requests:letter.issued', {
        date: longDate(request.booked_at ?? this.deps.clock.now(), lang, this.deps.timeZone),
      }),
      facts: [
        [t('appointment_requests:letter.reference'), String(request.item_number)],
        [t('appointment_requests:letter.name'), name],
        [t('appointment_requests:letter.reason'), t(`appointment_requests:reasons.${request.reason}`)],
        [t('appointment_requests:letter.when'), a.when],
        [t('appointment_requests:letter.where'), siteName(a.site, lang)],
        [t('appointment_requests:letter.address'), siteAddressLines(a.site).join(', ')],
        ...(request.a_number
          ? [[t('appointment_requests:letter.a_number'), request.a_number] as [string, string]]
          : []),
        ...(request.receipt_number
          ? [[t('appointment_requests:letter.receipt_number'), request.receipt_number] as [string, string]]
          : []),
      ],
      paragraphs: [
        t('appointment_requests:letter.bring'),
        t('appointment_requests:letter.arrive'),
        t('appointment_requests:letter.cancel', { link: this.#viewLink() }),
      ],
      createdAt: request.booked_at ?? this.deps.clock.now(),
    });
  }

  /** The calendar file (.ics) of a booked appointment: times in UTC, the site's address as the location. */
  async calendar(request: AppointmentRequestRow, lang: Language): Promise<string | undefined> {
    const a = await this.#appointment(request, lang);
    if (!a || request.status !== 'booked') return undefined;
    const t = this.#t(lang);
    const made = createEvent({
      uid: `appointment-${request.id}@casedesk`,
      productId: 'casedesk/appointments',
      method: 'PUBLISH',
      start: utcArray(a.startsAt),
      startInputType: 'utc',
      startOutputType: 'utc',
      end: utcArray(a.endsAt),
      endInputType: 'utc',
      endOutputType: 'utc',
      title: t('appointment_requests:calendar.title', { site: siteName(a.site, lang) }),
      description: t('appointment_requests:calendar.description', {
        number: String(request.item_number),
        when: a.when,
        zone: a.site.time_zone,
        link: this.#viewLink(),
      }),
      location: [siteName(a.site, lang), ...siteAddressLines(a.site)].join(', '),
      status: 'CONFIRMED',
      busyStatus: 'BUSY',
      created: utcArray(request.booked_at ?? this.deps.clock.now()),
    });
    if (made.error || !made.value) throw made.error ?? new Error('calendar file not made');
    return made.value;
  }

  /**
   * The person cancels their appointment (APPT-4): the seat is freed (the appointments module's cancel, in the same
   * transaction), the request is `cancelled`, the item notes it, and a confirmation email goes out.
   */
  async cancel(requestId: string): Promise<CancelResult> {
    return inTransaction(this.deps.db, async (trx): Promise<CancelResult> => {
      const request = await repo.findById(trx, requestId, true);
      if (!request || request.status !== 'booked' || !request.booking_id) return 'not_booked';
      const booking = await this.deps.appointments.booking(request.booking_id, trx);
      if (!booking || booking.starts_at <= this.deps.clock.now()) return 'passed';
      if (!(await this.deps.appointments.cancel(request.booking_id, trx))) return 'not_booked';
      const now = this.deps.clock.now();
      await repo.updateRequest(trx, request.id, { status: 'cancelled', cancelled_at: now });
      const site = await this.deps.appointments.site(booking.site_code, trx);
      const t = this.#t(request.language);
      const when = site ? slotTimeText(booking, site, request.language) : booking.starts_at.toISOString();
      await this.deps.items.record(
        request.service_item_id,
        {
          kind: 'note',
          body: t('appointment_requests:item.cancelled', { when, site: site ? siteName(site, request.language) : '' }),
          details: { booking: request.booking_id, by: 'customer' },
        },
        {},
        trx,
      );
      await this.deps.notifications.queueEmail(trx, {
        to: request.email,
        template: 'appointment_cancelled',
        language: request.language,
        params: {
          number: String(request.item_number),
          when,
          site: site ? siteName(site, request.language) : '',
          link: `${this.deps.publicUrl}/appointments/request`,
        },
      });
      return 'cancelled';
    });
  }

  // ---- The agent decides (APPT-3) ---------------------------------------------------------------------------------

  /** The request of a service item (by its number), if the item is an appointment request. */
  async ofItem(item: Pick<ServiceItemRow, 'number' | 'channel'>): Promise<AppointmentRequestRow | undefined> {
    if (item.channel !== 'appointment_request') return undefined;
    return repo.findByItemNumber(this.deps.db, item.number);
  }

  /** The field offices nearest the person's ZIP code that offer the request's service, with their free slots. */
  async options(request: AppointmentRequestRow, lang: Language): Promise<SiteOption[]> {
    const near = (await this.deps.appointments.nearestSites(request.zip, request.reason, SITES_OFFERED)) ?? [];
    const now = this.deps.clock.now();
    return Promise.all(
      near.map(async ({ site, miles }) => ({
        site,
        miles,
        slots: (await this.deps.appointments.freeSlots(site.code, now, SLOTS_OFFERED)).map((slot) => ({
          slot,
          when: slotTimeText(slot, site, lang),
          fits: fitsPreferences(slot, request),
        })),
      })),
    );
  }

  /**
   * Resolved without an appointment: the agent's answer goes to the person by email, in their language, and the
   * item is resolved (`answered`), in one transaction; audited.
   */
  async answer(actor: StaffActor, request: AppointmentRequestRow, message: string): Promise<DecisionResult> {
    const text = message.trim();
    if (!text) return { ok: false, problem: 'empty' };
    if ([...text].length > MAX_ANSWER) return { ok: false, problem: 'too_long' };
    return inTransaction(this.deps.db, async (trx): Promise<DecisionResult> => {
      const locked = await repo.findById(trx, request.id, true);
      if (!locked || locked.status !== 'requested') return { ok: false, problem: 'not_requested' };
      const item = await this.deps.items.byId(locked.service_item_id, trx);
      if (!item || item.status === 'resolved' || item.status === 'closed') return { ok: false, problem: 'closed' };
      const now = this.deps.clock.now();
      await repo.updateRequest(trx, locked.id, { status: 'answered', decided_at: now });
      await this.deps.items.record(
        item.id,
        { kind: 'reply', actorId: actor.accountId, body: text, customerVisible: true },
        {},
        trx,
      );
      await this.deps.notifications.queueEmail(trx, {
        to: locked.email,
        template: 'service_item_reply',
        language: locked.language,
        params: { number: String(locked.item_number), message: text, link: this.#viewLink() },
      });
      await this.deps.items.record(
        item.id,
        { kind: 'resolved', actorId: actor.accountId, customerVisible: true, details: { code: 'answered' } },
        { status: 'resolved', resolution: 'answered', ownerId: item.owner_id ?? actor.accountId },
        trx,
      );
      await auditStaffAction(trx, this.deps.clock, actor, 'appointment_requests.answered', {
        type: 'service_item',
        id: String(locked.item_number),
      });
      return { ok: true };
    });
  }

  /**
   * Books a field office slot for the request (never oversold: the appointments module's booking), then, in the same
   * transaction: the request is `booked`, the item resolved (`appointment_made`), the confirmation email queued and
   * the reminder scheduled a day before; audited.
   */
  async book(actor: StaffActor, request: AppointmentRequestRow, slotId: number): Promise<DecisionResult> {
    return inTransaction(this.deps.db, async (trx): Promise<DecisionResult> => {
      const locked = await repo.findById(trx, request.id, true);
      if (!locked || locked.status !== 'requested') return { ok: false, problem: 'not_requested' };
      const item = await this.deps.items.byId(locked.service_item_id, trx);
      if (!item || item.status === 'resolved' || item.status === 'closed') return { ok: false, problem: 'closed' };
      const slot = await this.deps.appointments.slot(slotId, trx);
      const site = slot && (await this.deps.appointments.site(slot.site_code, trx));
      if (!slot || !site) return { ok: false, problem: 'unknown_slot' };
      if (!site.active || site.kind !== 'field_office' || !site.services.includes(locked.reason))
        return { ok: false, problem: 'not_offered' };
      const booked = await this.deps.appointments.book(slotId, locked.reason, { serviceItemId: item.id }, trx);
      if (!booked.ok) return { ok: false, problem: booked.problem };
      const now = this.deps.clock.now();
      await repo.updateRequest(trx, locked.id, {
        status: 'booked',
        booking_id: booked.booking.id,
        decided_at: now,
        booked_at: now,
        appointment_at: booked.slot.starts_at,
      });
      const lang = locked.language;
      const t = this.#t(lang);
      const when = slotTimeText(booked.slot, site, lang);
      await this.deps.items.record(
        item.id,
        {
          kind: 'resolved',
          actorId: actor.accountId,
          customerVisible: true,
          body: t('appointment_requests:item.booked', { when, site: siteName(site, lang) }),
          details: { code: 'appointment_made', booking: booked.booking.id, site: site.code },
        },
        { status: 'resolved', resolution: 'appointment_made', ownerId: item.owner_id ?? actor.accountId },
        trx,
      );
      await this.deps.notifications.queueEmail(trx, {
        to: locked.email,
        template: 'appointment_booked',
        language: lang,
        params: {
          number: String(locked.item_number),
          when,
          site: siteName(site, lang),
          address: siteAddressLines(site).join(', '),
          link: this.#viewLink(),
        },
      });
      await this.deps.jobs.send(
        trx,
        reminderJob,
        { requestId: locked.id, bookingId: booked.booking.id },
        { startAfter: new Date(booked.slot.starts_at.getTime() - REMINDER_BEFORE_MS) },
      );
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'appointment_requests.booked',
        { type: 'service_item', id: String(locked.item_number) },
        { site: site.code, slot: slotId, booking: booked.booking.id },
      );
      return { ok: true };
    });
  }

  /** Staff read a person's request (name, date of birth, A-Number): written to the audit log. */
  async auditRead(actor: StaffActor, request: AppointmentRequestRow): Promise<void> {
    await auditStaffAction(this.deps.db, this.deps.clock, actor, 'appointment_requests.viewed', {
      type: 'service_item',
      id: String(request.item_number),
    });
  }

  // ---- Reminders --------------------------------------------------------------------------------------------------

  /**
   * The reminder job (a day before): an email, and a text when the person asked for one. Nothing for a request no
   * longer booked with this booking (cancelled), an appointment already passed, or a reminder already sent (safe to
   * run twice). A job run early (a clock ahead) is put off to its time.
   */
  async remind(requestId: string, bookingId: string): Promise<'sent' | 'skipped' | 'early'> {
    return inTransaction(this.deps.db, async (trx) => {
      const request = await repo.findById(trx, requestId, true);
      if (!request || request.status !== 'booked' || request.booking_id !== bookingId || request.reminded_at)
        return 'skipped';
      const booking = await this.deps.appointments.booking(bookingId, trx);
      const site = booking && (await this.deps.appointments.site(booking.site_code, trx));
      const now = this.deps.clock.now();
      if (!booking || !site || booking.status !== 'booked' || booking.starts_at <= now) return 'skipped';
      const due = new Date(booking.starts_at.getTime() - REMINDER_BEFORE_MS);
      if (now.getTime() < due.getTime() - 60_000) {
        await this.deps.jobs.send(trx, reminderJob, { requestId, bookingId }, { startAfter: due });
        return 'early';
      }
      const lang = request.language;
      const params = {
        number: String(request.item_number),
        when: slotTimeText(booking, site, lang),
        site: siteName(site, lang),
        address: siteAddressLines(site).join(', '),
        link: this.#viewLink(),
      };
      await this.deps.notifications.queueEmail(trx, {
        to: request.email,
        template: 'appointment_reminder',
        language: lang,
        params,
      });
      if (request.text_reminder)
        await this.deps.notifications.queueSms(trx, {
          to: request.phone,
          template: 'appointment_reminder',
          language: lang,
          params,
        });
      await repo.updateRequest(trx, request.id, { reminded_at: now });
      return 'sent';
    });
  }

  // ---- Dashboards (CC-8) ------------------------------------------------------------------------------------------

  /** Of the field office appointments booked in [from, to), how many are within two weeks of their request. */
  async leadTimes(range: { from: Date; to: Date }): Promise<{ booked: number; within: number }> {
    return repo.bookingLeadTimes(this.deps.db, { ...range, withinDays: TARGET_DAYS });
  }

  /** A calendar date as the page writes it (the date of birth shown back). */
  dateText(iso: string, lang: Language): string {
    return longCalendarDate(iso, lang);
  }
}
