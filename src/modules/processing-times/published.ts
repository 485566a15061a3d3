/**
 * What the processing times module promises the rest of Casedesk (issue 18): the figures administrators last
 * published and the receipt date for a case inquiry (PT-1, PT-2, CC-10). The public page, the agency-compatible API,
 * e-Request, the agent console and myProgress read them through this interface only.
 */

/** One published figure: the cases of a form (and category) at an office completed in the six months before it. */
export interface ProcessingTimeFigure {
  formCode: string;
  /** A category code of cases/form-categories.ts; null for a form published per form. */
  categoryCode: string | null;
  officeCode: string;
  /** The median completion time, in days (the lower end of the published range). */
  medianDays: number;
  /** The time within which 80% of the cases were completed, in days (the upper end; the inquiry rule uses it). */
  p80Days: number;
  /** How many completed cases the figure is computed from. */
  completedCount: number;
}

export interface Publication {
  id: number;
  /** When an administrator approved it (the "publication date"). */
  publishedAt: Date;
  figures: ProcessingTimeFigure[];
}

export interface InquiryDate {
  /** YYYY-MM-DD: a case received before this date is outside normal processing time (PT-2). */
  date: string;
  /** `published`: counted back from today by the published upper bound; `override`: set by an administrator. */
  source: 'published' | 'override';
}

export interface PublishedProcessingTimes {
  /** The figures approved last; null before the first approval. Cheap: callers may ask on every request. */
  current(): Promise<Publication | null>;
  /**
   * The receipt date for a case inquiry (PT-2, CC-10) of a form, category and office: an administrator's override
   * when there is one, else today (agency time) minus the published upper bound; null when neither exists.
   * `categoryCode` is the case's own (cases.form_category); the category it counts under is worked out here.
   */
  inquiryDate(formCode: string, categoryCode: string | null, officeCode: string): Promise<InquiryDate | null>;
}
