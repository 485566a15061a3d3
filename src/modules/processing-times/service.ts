import type { DbHandle } from '../../platform/db/database.js';
import type { Clock } from '../../platform/clock.js';
import { addDays, agencyDate } from '../../platform/format.js';
import { effectiveCategory } from '../cases/index.js';
import type { InquiryDate, Publication, PublishedProcessingTimes } from './published.js';
import * as repo from './repository.js';

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
