import { z } from 'zod';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { Clock } from '../../platform/clock.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import { addDays, agencyDate } from '../../platform/format.js';
import { defineJob } from '../../platform/jobs/index.js';
import { caseTimelines, effectiveCategory, findForm, findFormCategory, findOffice } from '../cases/index.js';
import { computeFigures, windowEndingAt, type ComputedFigure } from './compute.js';
import type { InquiryDate, ProcessingTimeFigure, Publication, PublishedProcessingTimes } from './published.js';
import * as repo from './repository.js';

/**
 * Recomputes processing times on a schedule. The job runs daily and computes a new run when none was computed yet in
 * the current calendar month (agency time), so a run is ready for review on the 1st of each month, as the agency
 * updates its page monthly. Not daily runs: each run waits for an administrator's review, and daily figures over a
 * six-month window barely move. Administrators compute one on demand from /staff/processing-times.
 */
export const recomputeProcessingTimesJob = defineJob({
  name: 'processing-times-recompute',
  payload: z.object({}),
  repeatEverySeconds: 24 * 3600,
  retryLimit: 3,
  // A million cases read in well under a minute; leave room on a busy database.
  expireInSeconds: 30 * 60,
});

/** The longest review note and override reason (the database allows 500 for a reason). */
export const MAX_NOTE = 500;

export interface RunSummary {
  runId: number;
  casesRead: number;
  figures: number;
}

/** One line of a run's review: the new figure beside the one published now (either may be missing). */
export interface ReviewLine {
  formCode: string;
  /** '' for a form published per form. */
  categoryCode: string;
  officeCode: string;
  computed?: ComputedFigure;
  published?: ProcessingTimeFigure;
  /** Change of the 80th percentile in days (new - published), when both exist. */
  p80Change?: number;
}

/** One form/category/office of the overrides page: the date counted from the publication, and the override. */
export interface InquiryDateLine {
  formCode: string;
  categoryCode: string;
  officeCode: string;
  /** Today minus the published 80th percentile; null when nothing is published for it. */
  computedDate: string | null;
  override?: { date: string; reason: string; updatedAt: Date };
}

/** `forbidden`: the actor is not an administrator (the routes refuse them before; this is the service's own check). */
export type ReviewResult = 'ok' | 'not_found' | 'not_pending' | 'forbidden';

const isAdministrator = (actor: StaffActor) => actor.roles.includes('administrator');

export interface OverrideProblem {
  field: string;
  key: string;
}

export interface ProcessingTimesDeps {
  db: DbHandle;
  clock: Clock;
  /** The agency's time zone: "today" of the inquiry date rule is its calendar date. */
  timeZone: string;
}

/** How long a process keeps the publication it read before asking the database again (publications are rare). */
const PUBLICATION_TTL_MS = 30_000;

/**
 * Processing times (issue 18, PT-1, PT-2): what is published and the receipt date for a case inquiry. The rest of
 * Casedesk reads them through `PublishedProcessingTimes`.
 */
export class ProcessingTimesService implements PublishedProcessingTimes {
  #cached: { at: number; publication: Publication | null } | undefined;

  constructor(private readonly deps: ProcessingTimesDeps) {}

  async current(): Promise<Publication | null> {
    const now = this.deps.clock.now().getTime();
    if (this.#cached && now - this.#cached.at < PUBLICATION_TTL_MS && now >= this.#cached.at) {
      return this.#cached.publication;
    }
    const publication = (await repo.latestPublication(this.deps.db)) ?? null;
    this.#cached = { at: now, publication };
    return publication;
  }

  /** Forgets the cached publication (after this process publishes; other processes see it within the TTL). */
  protected forgetPublication(): void {
    this.#cached = undefined;
  }

  // ---- Computing, approving, rejecting runs (PT-1) -----------------------------------------------------------------

  /**
   * Computes the figures of the six months before now from the case timelines and writes them as a run awaiting an
   * administrator's review (nothing public changes). `requestedBy`: the administrator who asked; null for the job.
   */
  async recompute(input: { requestedBy?: string | null } = {}): Promise<RunSummary> {
    const now = this.deps.clock.now();
    const window = windowEndingAt(now);
    const published = await repo.latestPublication(this.deps.db);
    const { figures, casesRead } = await computeFigures(
      caseTimelines(this.deps.db, { batchSize: 20_000 }),
      window,
      published?.figures ?? null,
    );
    const runId = await inTransaction(this.deps.db, (trx) =>
      repo.insertRun(
        trx,
        {
          computedAt: now,
          windowStart: window.start,
          windowEnd: window.end,
          requestedBy: input.requestedBy ?? null,
          casesRead,
        },
        figures,
      ),
    );
    return { runId, casesRead, figures: figures.length };
  }

  /** An administrator's "compute now": a run awaiting review, audited. */
  async requestRecompute(actor: StaffActor): Promise<RunSummary> {
    const summary = await this.recompute({ requestedBy: actor.accountId });
    await auditStaffAction(
      this.deps.db,
      this.deps.clock,
      actor,
      'processing_times.run_computed',
      { type: 'processing_time_run', id: String(summary.runId) },
      { cases_read: summary.casesRead, figures: summary.figures },
    );
    return summary;
  }

  /** The scheduled job's work: a run when none was computed yet this calendar month (agency time). */
  async recomputeIfDue(): Promise<RunSummary | undefined> {
    const last = await repo.lastComputedAt(this.deps.db);
    const month = (d: Date) => agencyDate(d, this.deps.timeZone).slice(0, 7);
    if (last && month(last) === month(this.deps.clock.now())) return undefined;
    return this.recompute({ requestedBy: null });
  }

  async runs(): Promise<repo.RunRow[]> {
    return repo.listRuns(this.deps.db);
  }

  async run(runId: number): Promise<repo.RunRow | undefined> {
    return repo.findRun(this.deps.db, runId);
  }

  /**
   * A run's figures beside the publication of today: flagged lines first (jumps, then new, then few cases), then the
   * rest by form, category and office; figures published now that the run no longer has come last.
   */
  async review(runId: number): Promise<ReviewLine[] | undefined> {
    const run = await repo.findRun(this.deps.db, runId);
    if (!run) return undefined;
    const computed = await repo.storedFigures(this.deps.db, runId);
    const publication = await repo.latestPublication(this.deps.db);
    // The publication this run is compared with: the current one, unless this run is it (then nothing to compare).
    const before = publication && publication.id !== runId ? publication.figures : [];
    const key = (f: { formCode: string; categoryCode: string | null; officeCode: string }) =>
      `${f.formCode}|${f.categoryCode ?? ''}|${f.officeCode}`;
    const old = new Map(before.map((f) => [key(f), f]));
    const lines: ReviewLine[] = computed.map((c) => {
      const published = old.get(key(c));
      old.delete(key(c));
      return {
        formCode: c.formCode,
        categoryCode: c.categoryCode,
        officeCode: c.officeCode,
        computed: c,
        published,
        ...(published ? { p80Change: Math.round((c.p80Days - published.p80Days) * 10) / 10 } : {}),
      };
    });
    const rank = (l: ReviewLine) => {
      const flag = l.computed?.flags[0];
      return flag === 'jump' ? 0 : flag === 'new' ? 1 : flag === 'few_cases' ? 2 : 3;
    };
    lines.sort((a, b) => rank(a) - rank(b));
    for (const published of old.values())
      lines.push({
        formCode: published.formCode,
        categoryCode: published.categoryCode ?? '',
        officeCode: published.officeCode,
        published,
      });
    return lines;
  }

  /**
   * Publishes a run awaiting review: it becomes what the public page, the API, e-Request and the agent console read
   * (published_at = now); the run published before becomes superseded. Audited. Only a pending run: a second
   * approval (double submit) waits on the run's lock, then finds it published and is refused.
   */
  async approve(runId: number, actor: StaffActor, note?: string | null): Promise<ReviewResult> {
    if (!isAdministrator(actor)) return 'forbidden';
    const text = note?.trim().slice(0, MAX_NOTE) || null;
    const result = await inTransaction(this.deps.db, async (trx): Promise<ReviewResult> => {
      const run = await repo.lockRun(trx, runId);
      if (!run) return 'not_found';
      if (run.state !== 'pending_review') return 'not_pending';
      const at = this.deps.clock.now();
      const previous = await repo.publishRun(trx, runId, { at, by: actor.accountId, note: text });
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'processing_times.run_approved',
        { type: 'processing_time_run', id: String(runId) },
        { note: text, superseded: previous ?? null },
      );
      return 'ok';
    });
    if (result === 'ok') this.forgetPublication();
    return result;
  }

  /**
   * The demo's first publication (the embedded default's first start and `casedesk seed`): when nothing was ever
   * published, computes a run and publishes it at once, so the public page, the API and myProgress show the demo
   * cases' times. No one reviewed it: the seeding stands in for the administrator, and the audit row says so.
   */
  async publishDemo(): Promise<RunSummary | undefined> {
    if (await repo.latestPublication(this.deps.db)) return undefined;
    const summary = await this.recompute({ requestedBy: null });
    const note = 'Demo data: published when the demo cases were seeded';
    await inTransaction(this.deps.db, async (trx) => {
      await repo.lockRun(trx, summary.runId);
      const previous = await repo.publishRun(trx, summary.runId, { at: this.deps.clock.now(), by: null, note });
      await auditStaffAction(
        trx,
        this.deps.clock,
        null,
        'processing_times.run_approved',
        { type: 'processing_time_run', id: String(summary.runId) },
        { note, superseded: previous ?? null },
      );
    });
    this.forgetPublication();
    return summary;
  }

  /** Rejects a run awaiting review, with the reason (required); audited. Nothing public changes. */
  async reject(runId: number, actor: StaffActor, note: string): Promise<ReviewResult | 'note_required'> {
    if (!isAdministrator(actor)) return 'forbidden';
    const text = note.trim().slice(0, MAX_NOTE);
    if (!text) return 'note_required';
    return inTransaction(this.deps.db, async (trx): Promise<ReviewResult> => {
      const run = await repo.lockRun(trx, runId);
      if (!run) return 'not_found';
      if (run.state !== 'pending_review') return 'not_pending';
      await repo.rejectRun(trx, runId, { at: this.deps.clock.now(), by: actor.accountId, note: text });
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'processing_times.run_rejected',
        { type: 'processing_time_run', id: String(runId) },
        { note: text },
      );
      return 'ok';
    });
  }

  // ---- Inquiry dates and their overrides (PT-2, CC-10) ----------------------------------------------------------------

  /**
   * Every form/category/office that has a published figure or an override: its date counted from the publication
   * and its override, by form, category and office.
   */
  async inquiryDateLines(): Promise<InquiryDateLine[]> {
    const publication = await this.current();
    const today = agencyDate(this.deps.clock.now(), this.deps.timeZone);
    const lines = new Map<string, InquiryDateLine>();
    const key = (form: string, category: string, office: string) => `${form}|${category}|${office}`;
    for (const f of publication?.figures ?? []) {
      lines.set(key(f.formCode, f.categoryCode ?? '', f.officeCode), {
        formCode: f.formCode,
        categoryCode: f.categoryCode ?? '',
        officeCode: f.officeCode,
        computedDate: addDays(today, -Math.ceil(f.p80Days)),
      });
    }
    for (const o of await repo.listOverrides(this.deps.db)) {
      const k = key(o.form_code, o.category_code, o.office_code);
      const line = lines.get(k) ?? {
        formCode: o.form_code,
        categoryCode: o.category_code,
        officeCode: o.office_code,
        computedDate: null,
      };
      line.override = { date: o.inquiry_date, reason: o.reason, updatedAt: o.updated_at };
      lines.set(k, line);
    }
    const order = (l: InquiryDateLine) => `${l.formCode}|${l.categoryCode}|${l.officeCode}`;
    return [...lines.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  }

  /**
   * Adds or changes an administrator's inquiry date for a form, category ('' = every category of the form) and
   * office, with a required reason; audited with the date before. It wins over the date counted from the publication.
   */
  async saveOverride(
    actor: StaffActor,
    input: {
      formCode: string;
      categoryCode: string;
      officeCode: string;
      month: string;
      day: string;
      year: string;
      reason: string;
    },
  ): Promise<{ ok: true } | { ok: false; problems: OverrideProblem[] }> {
    const problems: OverrideProblem[] = [];
    const E = (field: string, code: string) =>
      problems.push({ field, key: `processing_times:overrides.errors.${code}` });
    if (!findForm(input.formCode)) E('form_code', 'form_required');
    else if (input.categoryCode && !findFormCategory(input.formCode, input.categoryCode))
      E('category_code', 'category');
    if (!findOffice(input.officeCode)) E('office_code', 'office_required');
    const date = parseDateParts(input.month, input.day, input.year);
    if (date.kind === 'empty') E('inquiry_month', 'date_required');
    else if (date.kind === 'invalid') E('inquiry_month', 'date_invalid');
    else if (date.iso > agencyDate(this.deps.clock.now(), this.deps.timeZone)) E('inquiry_month', 'date_future');
    const reason = input.reason.trim();
    if (!reason) E('reason', 'reason_required');
    else if ([...reason].length > MAX_NOTE) E('reason', 'reason_long');
    if (problems.length || date.kind !== 'ok') return { ok: false, problems };
    await inTransaction(this.deps.db, async (trx) => {
      const previous = await repo.saveOverride(trx, {
        formCode: input.formCode,
        categoryCode: input.categoryCode,
        officeCode: input.officeCode,
        date: date.iso,
        reason,
        at: this.deps.clock.now(),
        by: actor.accountId,
      });
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'processing_times.inquiry_override_saved',
        { type: 'inquiry_date_override', id: overrideId(input.formCode, input.categoryCode, input.officeCode) },
        {
          form: input.formCode,
          category: input.categoryCode || null,
          office: input.officeCode,
          date: date.iso,
          previous: previous ?? null,
        },
        reason,
      );
    });
    return { ok: true };
  }

  /** Removes an override (the date counted from the publication applies again); audited. False when there was none. */
  async removeOverride(
    actor: StaffActor,
    formCode: string,
    categoryCode: string,
    officeCode: string,
  ): Promise<boolean> {
    if (!findForm(formCode) || !findOffice(officeCode)) return false;
    return inTransaction(this.deps.db, async (trx) => {
      const previous = await repo.deleteOverride(trx, formCode, categoryCode, officeCode);
      if (previous === undefined) return false;
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'processing_times.inquiry_override_removed',
        { type: 'inquiry_date_override', id: overrideId(formCode, categoryCode, officeCode) },
        { form: formCode, category: categoryCode || null, office: officeCode, previous },
      );
      return true;
    });
  }

  async inquiryDate(formCode: string, categoryCode: string | null, officeCode: string): Promise<InquiryDate | null> {
    const category = effectiveCategory(formCode, categoryCode);
    const override = await repo.findOverride(this.deps.db, formCode, category, officeCode);
    if (override) return { date: override.inquiry_date, source: 'override' };
    const figure = (await this.current())?.figures.find(
      (f) => f.formCode === formCode && f.categoryCode === category && f.officeCode === officeCode,
    );
    if (!figure) return null;
    const today = agencyDate(this.deps.clock.now(), this.deps.timeZone);
    return { date: addDays(today, -Math.ceil(figure.p80Days)), source: 'published' };
  }
}

const overrideId = (form: string, category: string, office: string) =>
  category ? `${form}/${category}/${office}` : `${form}/${office}`;

/** Month, day and year boxes to 'YYYY-MM-DD'; empty when all three are empty. */
function parseDateParts(
  month: string,
  day: string,
  year: string,
): { kind: 'empty' } | { kind: 'invalid' } | { kind: 'ok'; iso: string } {
  const [m, d, y] = [month.trim(), day.trim(), year.trim()];
  if (!m && !d && !y) return { kind: 'empty' };
  if (!/^\d{1,2}$/.test(m) || !/^\d{1,2}$/.test(d) || !/^\d{4}$/.test(y)) return { kind: 'invalid' };
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso || Number(y) < 1900)
    return { kind: 'invalid' };
  return { kind: 'ok', iso };
}
