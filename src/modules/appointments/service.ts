import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import { addDays, instantAtLocalTime, localDate } from '../../platform/format.js';
import { defineJob } from '../../platform/jobs/index.js';
import type { Random } from '../../platform/random.js';
import { distanceMiles, parseZip, zipInfo } from '../../platform/us-address.js';
import { BusinessCalendar } from '../service-items/index.js';
import * as repo from './repository.js';
import {
  type BookingPurpose,
  type BookingRow,
  type ClosureRow,
  type SiteRow,
  type SiteService,
  type SlotRow,
  type SlotTemplateRow,
} from './tables.js';
import {
  parseClosureForm,
  parseSiteForm,
  parseTemplateForm,
  type ClosureForm,
  type FieldProblem,
  type SiteForm,
  type TemplateForm,
} from './rules.js';

/**
 * Appointment places and capacity (issue 17 point 1) and the booking core the biometrics and appointment-request
 * features use: sites, weekly templates and closures as data; slots materialised for the next `slotDays` days (the
 * federal holidays of the business calendar and the closures skipped); the nearest sites to a ZIP code; booking that
 * is never oversold (`repository.bookSeat`), cancel, and reschedule (the new seat taken before the old one is freed,
 * in one transaction).
 */

/** Keeps the next `slotDays` days of slots materialised; also run after every change an administrator makes. */
export const generateSlotsJob = defineJob({
  name: 'appointments-generate-slots',
  payload: z.object({}),
  repeatEverySeconds: 6 * 3600,
  retryLimit: 3,
});

export const DEFAULT_SLOT_DAYS = 60;

export interface AppointmentDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  /** How many days ahead slots are materialised (CASEDESK_APPOINTMENT_SLOT_DAYS). */
  slotDays?: number;
}

/** Whom a booking is for: a case (biometrics) or a service item (an appointment request), or both. */
export interface BookingSubject {
  caseId?: number;
  serviceItemId?: string;
}

export type BookResult =
  | { ok: true; booking: BookingRow; slot: SlotRow }
  | { ok: false; problem: 'no_subject' | 'unknown_slot' | 'full' | 'passed' | 'not_offered' };

export type RescheduleResult =
  | { ok: true; booking: BookingRow; slot: SlotRow; previous: BookingRow }
  | {
      ok: false;
      problem: 'unknown_booking' | 'not_booked' | 'same_slot' | 'unknown_slot' | 'full' | 'passed' | 'not_offered';
    };

export interface NearSite {
  site: SiteRow;
  miles: number;
}

export type Saved = { ok: true } | { ok: false; problems: FieldProblem[] };

/** A booking's purpose by the service it is for: biometrics at an ASC, everything else at a field office. */
export function purposeOf(service: SiteService): BookingPurpose {
  return service === 'biometrics' ? 'biometrics' : 'field_office';
}

/** ISO weekday (1 Monday ... 7 Sunday) of a calendar date 'YYYY-MM-DD'. */
export function isoWeekday(isoDate: string): number {
  const d = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * The slots the templates give for the days [fromDate, fromDate + days) of one site, by the site's clock: each
 * template's local start time on each date of its weekday (DST changes the UTC instant, not the local time), except
 * federal holidays (observed days included) and the closures of the site or of every site.
 */
export function slotsFromTemplates(
  site: Pick<SiteRow, 'code' | 'time_zone'>,
  templates: readonly Pick<SlotTemplateRow, 'weekday' | 'start_time' | 'duration_minutes' | 'capacity'>[],
  closures: readonly Pick<ClosureRow, 'site_code' | 'date'>[],
  fromDate: string,
  days: number,
): repo.NewSlot[] {
  const calendar = BusinessCalendar.for(site.time_zone);
  const closed = new Set(closures.filter((c) => c.site_code === null || c.site_code === site.code).map((c) => c.date));
  const slots: repo.NewSlot[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(fromDate, i);
    if (closed.has(date) || calendar.isHoliday(date)) continue;
    const weekday = isoWeekday(date);
    for (const t of templates) {
      if (t.weekday !== weekday) continue;
      const startsAt = instantAtLocalTime(date, t.start_time, site.time_zone);
      slots.push({
        site_code: site.code,
        local_date: date,
        local_time: t.start_time,
        starts_at: startsAt,
        ends_at: new Date(startsAt.getTime() + t.duration_minutes * 60_000),
        capacity: t.capacity,
      });
    }
  }
  return slots;
}

export class AppointmentService {
  readonly slotDays: number;

  constructor(private readonly deps: AppointmentDeps) {
    this.slotDays = deps.slotDays ?? DEFAULT_SLOT_DAYS;
  }

  // ---- Reading ---------------------------------------------------------------------------------------------------

  sites(): Promise<SiteRow[]> {
    return repo.listSites(this.deps.db);
  }

  site(code: string, db: DbHandle = this.deps.db): Promise<SiteRow | undefined> {
    return repo.findSite(db, code);
  }

  templates(siteCode: string): Promise<SlotTemplateRow[]> {
    return repo.listTemplates(this.deps.db, siteCode);
  }

  /** Closures from today (the agency's calendar date, a day before to cover every zone) on. */
  closures(): Promise<ClosureRow[]> {
    return repo.listClosures(this.deps.db, addDays(localDate(this.deps.clock.now(), 'UTC'), -1));
  }

  /** The slots of a site between two of its calendar dates (inclusive). */
  slotsOfSite(siteCode: string, fromDate: string, toDate: string): Promise<SlotRow[]> {
    return repo.slotsOfSite(this.deps.db, siteCode, fromDate, toDate);
  }

  /** How many slots a site has in its next `days` days (from today by its clock), and how many have a seat free. */
  async upcoming(
    site: Pick<SiteRow, 'code' | 'time_zone'>,
    days = 14,
  ): Promise<{ slots: number; free: number; days: number }> {
    const today = localDate(this.deps.clock.now(), site.time_zone);
    const slots = await repo.slotsOfSite(this.deps.db, site.code, today, addDays(today, days - 1));
    return { slots: slots.length, free: slots.filter((s) => s.booked < s.capacity).length, days };
  }

  slot(id: number, db: DbHandle = this.deps.db): Promise<SlotRow | undefined> {
    return repo.findSlot(db, id);
  }

  booking(id: string, db: DbHandle = this.deps.db): Promise<repo.BookingView | undefined> {
    return repo.bookingView(db, id);
  }

  bookingsOf(subject: BookingSubject): Promise<repo.BookingView[]> {
    return repo.bookingsOf(this.deps.db, subject);
  }

  /**
   * The active sites offering a service, nearest first to the ZIP code (5 digits or ZIP+4; its coordinates from the
   * offline ZIP table), by great-circle distance. Undefined for a ZIP code the table does not know.
   */
  async nearestSites(zipInput: string, service: SiteService, limit = 3): Promise<NearSite[] | undefined> {
    const zip = parseZip(zipInput);
    const place = zip && zipInfo(zip.zip5);
    if (!place) return undefined;
    const sites = (await repo.listSites(this.deps.db)).filter((s) => s.active && s.services.includes(service));
    return sites
      .map((site) => ({ site, miles: distanceMiles(place, site) }))
      .sort((a, b) => a.miles - b.miles || a.site.code.localeCompare(b.site.code))
      .slice(0, limit);
  }

  /** The free slots of a site from `notBefore` on (at most `limit`), earliest first. */
  freeSlots(siteCode: string, notBefore: Date, limit = 20): Promise<SlotRow[]> {
    const from = notBefore > this.deps.clock.now() ? notBefore : this.deps.clock.now();
    return repo.freeSlots(this.deps.db, siteCode, from, limit);
  }

  /** The first free slot of a site offering the service, starting at or after `notBefore` (and after now). */
  async firstFreeSlot(siteCode: string, service: SiteService, notBefore: Date): Promise<SlotRow | undefined> {
    const site = await repo.findSite(this.deps.db, siteCode);
    if (!site?.active || !site.services.includes(service)) return undefined;
    return (await this.freeSlots(siteCode, notBefore, 1))[0];
  }

  // ---- Booking ---------------------------------------------------------------------------------------------------

  /**
   * Books one seat of a slot for a case or a service item. Never oversold: the seat and the booking row are one
   * statement (see `repository.bookSeat`); pass `db` to book inside the caller's transaction.
   */
  async book(
    slotId: number,
    service: SiteService,
    subject: BookingSubject,
    db: DbHandle = this.deps.db,
  ): Promise<BookResult> {
    if (subject.caseId === undefined && subject.serviceItemId === undefined)
      return { ok: false, problem: 'no_subject' };
    return repo.bookSeat(db, {
      bookingId: this.deps.random.uuid(),
      slotId,
      service,
      purpose: purposeOf(service),
      caseId: subject.caseId ?? null,
      serviceItemId: subject.serviceItemId ?? null,
      now: this.deps.clock.now(),
    });
  }

  /**
   * Books the first free slot of the site at or after `notBefore`; when another booker takes the last seat of that
   * slot first, the next free slot is tried (up to `attempts` slots). Undefined when no slot is free.
   */
  async bookFirstFree(
    siteCode: string,
    service: SiteService,
    notBefore: Date,
    subject: BookingSubject,
    db: DbHandle = this.deps.db,
    attempts = 20,
  ): Promise<{ booking: BookingRow; slot: SlotRow } | undefined> {
    const site = await repo.findSite(db, siteCode);
    if (!site?.active || !site.services.includes(service)) return undefined;
    const now = this.deps.clock.now();
    let from = notBefore > now ? notBefore : now;
    let tried = 0;
    while (tried < attempts) {
      const candidates = await repo.freeSlots(db, siteCode, from, 10);
      if (candidates.length === 0) return undefined;
      for (const slot of candidates) {
        tried++;
        const result = await this.book(slot.id, service, subject, db);
        if (result.ok) return { booking: result.booking, slot: result.slot };
        if (tried >= attempts) break;
      }
      from = new Date(candidates[candidates.length - 1]!.starts_at.getTime() + 1);
    }
    return undefined;
  }

  /** Cancels a booking and frees its seat. False when it is unknown or no longer booked. */
  async cancel(bookingId: string, db: DbHandle = this.deps.db): Promise<boolean> {
    const ended = await inTransaction(db, (trx) =>
      repo.endBooking(trx, bookingId, { status: 'cancelled', at: this.deps.clock.now() }),
    );
    return ended !== undefined;
  }

  /**
   * Moves a booking to another slot, atomically: in one transaction the booking is locked, a seat of the new slot
   * is taken (refused when full, so the person keeps the old appointment), the new booking written, and only then
   * the old booking marked `rescheduled` and its seat freed.
   */
  async reschedule(bookingId: string, newSlotId: number, db: DbHandle = this.deps.db): Promise<RescheduleResult> {
    const outcome = await inTransaction(db, async (trx): Promise<RescheduleResult> => {
      const old = await repo.findBooking(trx, bookingId, true);
      if (!old) return { ok: false, problem: 'unknown_booking' };
      if (old.status !== 'booked') return { ok: false, problem: 'not_booked' };
      if (old.slot_id === newSlotId) return { ok: false, problem: 'same_slot' };
      const taken = await this.book(
        newSlotId,
        old.service,
        { caseId: old.case_id ?? undefined, serviceItemId: old.service_item_id ?? undefined },
        trx,
      );
      if (!taken.ok) return { ok: false, problem: taken.problem === 'no_subject' ? 'unknown_booking' : taken.problem };
      const previous = await repo.endBooking(trx, old.id, {
        status: 'rescheduled',
        rescheduledTo: taken.booking.id,
        at: this.deps.clock.now(),
      });
      return { ok: true, booking: taken.booking, slot: taken.slot, previous: previous! };
    });
    return outcome;
  }

  // ---- Slots -----------------------------------------------------------------------------------------------------

  /**
   * Materialises the slots of the next `slotDays` days (from today by each site's clock) for every active site, or
   * one. Slots already there are kept (with their bookings). Answers how many were added.
   */
  async generateSlots(siteCode?: string, db: DbHandle = this.deps.db): Promise<number> {
    const now = this.deps.clock.now();
    const sites = siteCode
      ? [await repo.findSite(db, siteCode)].filter((s) => s !== undefined)
      : await repo.listSites(db);
    const closures = await repo.listClosures(db, addDays(localDate(now, 'UTC'), -1));
    const templates = await repo.listTemplates(db);
    let added = 0;
    for (const site of sites) {
      if (!site.active) continue;
      const slots = slotsFromTemplates(
        site,
        templates.filter((t) => t.site_code === site.code),
        closures,
        localDate(now, site.time_zone),
        this.slotDays,
      ).filter((s) => s.starts_at > now);
      added += await repo.insertSlots(db, slots);
    }
    return added;
  }

  // ---- Administration (audited) ----------------------------------------------------------------------------------

  async saveSite(actor: StaffActor, form: SiteForm, existingCode?: string): Promise<Saved & { code?: string }> {
    const parsed = parseSiteForm(form, existingCode);
    if (!parsed.ok) return parsed;
    const site = { ...parsed.site, updated_at: this.deps.clock.now() };
    return inTransaction(this.deps.db, async (trx): Promise<Saved & { code?: string }> => {
      let previous: SiteRow | undefined;
      if (existingCode) {
        previous = await repo.findSite(trx, existingCode);
        if (!previous) return { ok: false, problems: [{ field: 'code', key: 'appointments:errors.site_unknown' }] };
        await repo.updateSite(trx, site);
        // Closed for appointments, or moved to another time zone (its slots' instants change): the slots to come are
        // withdrawn (those with bookings keep them), and made again below when open.
        if ((previous.active && !site.active) || previous.time_zone !== site.time_zone)
          await repo.withdrawSlots(trx, { siteCode: site.code, after: this.deps.clock.now() });
      } else if (!(await repo.insertSite(trx, site))) {
        return { ok: false, problems: [{ field: 'code', key: 'appointments:errors.code_taken' }] };
      }
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        existingCode ? 'appointments.site_updated' : 'appointments.site_added',
        { type: 'appointment_site', id: site.code },
        {
          site: { ...site, updated_at: undefined },
          previous: previous ? { ...previous, updated_at: undefined } : null,
        },
      );
      await this.generateSlots(site.code, trx);
      return { ok: true, code: site.code };
    });
  }

  async addTemplate(actor: StaffActor, siteCode: string, form: TemplateForm): Promise<Saved | undefined> {
    const parsed = parseTemplateForm(form);
    if (!parsed.ok) return parsed;
    return inTransaction(this.deps.db, async (trx): Promise<Saved | undefined> => {
      if (!(await repo.findSite(trx, siteCode))) return undefined;
      const row = { id: this.deps.random.uuid(), site_code: siteCode, ...parsed.template };
      if (!(await repo.insertTemplate(trx, row)))
        return { ok: false, problems: [{ field: 'start_time', key: 'appointments:errors.template_exists' }] };
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'appointments.template_added',
        {
          type: 'appointment_site',
          id: siteCode,
        },
        { template: row },
      );
      await this.generateSlots(siteCode, trx);
      return { ok: true };
    });
  }

  /** Removes a template; its slots to come are withdrawn (those with bookings keep them and take no more). */
  async removeTemplate(actor: StaffActor, siteCode: string, templateId: string): Promise<boolean> {
    return inTransaction(this.deps.db, async (trx) => {
      const removed = await repo.deleteTemplate(trx, siteCode, templateId);
      if (!removed) return false;
      const withdrawn = await repo.withdrawSlots(trx, {
        siteCode,
        weekday: removed.weekday,
        time: removed.start_time,
        after: this.deps.clock.now(),
      });
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'appointments.template_removed',
        {
          type: 'appointment_site',
          id: siteCode,
        },
        { template: removed, withdrawn },
      );
      return true;
    });
  }

  /** Closes one site or every site on a date: its slots are withdrawn (those with bookings keep them). */
  async addClosure(actor: StaffActor, form: ClosureForm): Promise<Saved & { kept?: number }> {
    const sites = await repo.listSites(this.deps.db);
    const parsed = parseClosureForm(
      form,
      sites.map((s) => s.code),
      localDate(this.deps.clock.now(), 'UTC'),
    );
    if (!parsed.ok) return parsed;
    return inTransaction(this.deps.db, async (trx): Promise<Saved & { kept?: number }> => {
      const row = { id: this.deps.random.uuid(), ...parsed.closure, created_at: this.deps.clock.now() };
      if (!(await repo.insertClosure(trx, row)))
        return { ok: false, problems: [{ field: 'closure_month', key: 'appointments:errors.closure_exists' }] };
      const withdrawn = await repo.withdrawSlots(trx, {
        siteCode: row.site_code,
        date: row.date,
        after: this.deps.clock.now(),
      });
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'appointments.closure_added',
        {
          type: 'appointment_closure',
          id: row.id,
        },
        { closure: { ...row, created_at: undefined }, withdrawn },
      );
      return { ok: true, kept: withdrawn.kept };
    });
  }

  /** Removes a closure; the day's slots come back from the templates. */
  async removeClosure(actor: StaffActor, id: string): Promise<boolean> {
    return inTransaction(this.deps.db, async (trx) => {
      const removed = await repo.deleteClosure(trx, id);
      if (!removed) return false;
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'appointments.closure_removed',
        {
          type: 'appointment_closure',
          id,
        },
        { closure: { ...removed, created_at: undefined } },
      );
      await this.generateSlots(removed.site_code ?? undefined, trx);
      return true;
    });
  }
}
