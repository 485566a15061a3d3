import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { addDays, agencyDate } from '../../platform/format.js';
import { fields, type App } from '../../platform/http/inputs.js';
import type { FieldError } from '../../platform/views/components.js';
import { categoriesOf } from '../cases/index.js';
import { publishedForms } from './api-shapes.js';
import type { PublishedProcessingTimes } from './published.js';
import { processingTimesPage, type CheckOutcome, type Choice, type ProcessingTimesPageProps } from './public-views.js';

export interface ProcessingTimesPublicDeps {
  processingTimes: PublishedProcessingTimes;
  clock: Clock;
  timeZone: string;
}

/** A query field: undefined when not sent (the question is still to come), else the text sent (cut), '' when odd. */
const maybe = (max: number) =>
  z
    .unknown()
    .optional()
    .transform((value): string | undefined =>
      value === undefined ? undefined : typeof value === 'string' ? value.trim().slice(0, max) : '',
    );

const inputs = {
  page: fields({
    form: maybe(40),
    category: maybe(40),
    office: maybe(40),
    received_month: maybe(4),
    received_day: maybe(4),
    received_year: maybe(6),
  }),
};

type DateParts = { kind: 'empty' } | { kind: 'invalid' } | { kind: 'ok'; iso: string };

/** Month, day and year boxes as a 'YYYY-MM-DD' date. */
export function receiptDate(month = '', day = '', year = ''): DateParts {
  if (!month && !day && !year) return { kind: 'empty' };
  if (!/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day) || !/^\d{4}$/.test(year)) return { kind: 'invalid' };
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso || Number(year) < 1900)
    return { kind: 'invalid' };
  return { kind: 'ok', iso };
}

const dayNumber = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

/**
 * CC-10 for a receipt date: a case received before the inquiry date may be asked about now. Otherwise, while the
 * published time holds, the inquiry date moves one day a day, so the case may be asked about from the day after the
 * receipt date plus the published upper bound; an administrator's override does not move, so no day is promised.
 */
export function inquiryOutcome(
  receivedIso: string,
  inquiry: { date: string; source: 'published' | 'override' },
  today: string,
): CheckOutcome {
  if (receivedIso < inquiry.date) return { kind: 'yes' };
  if (inquiry.source === 'override') return { kind: 'no', inquiryDate: inquiry.date };
  return {
    kind: 'no',
    inquiryDate: inquiry.date,
    askOn: addDays(receivedIso, dayNumber(today) - dayNumber(inquiry.date) + 1),
  };
}

/**
 * GET /processing-times (issue 18 point 3): one GET form that asks the form, then its category and the office, and
 * shows the published range, the inquiry date and the "can I ask about my case" check. Nothing needs JavaScript.
 * A value that no longer fits the form chosen (after the form changed) is dropped and its question asked again; an
 * empty answer to a question that was asked is an error.
 */
export function registerProcessingTimesPublicRoutes(app: App, deps: ProcessingTimesPublicDeps): void {
  app.get(
    '/processing-times',
    { config: { policy: 'public' }, schema: { querystring: inputs.page } },
    async (request, reply) => {
      const q = request.query;
      const t = request.t;
      const publication = await deps.processingTimes.current();
      const props: ProcessingTimesPageProps = { publication, choice: {}, timeZone: deps.timeZone };
      if (!publication) return reply.html(processingTimesPage(request.page(), props));
      const errors: FieldError[] = [];
      const choice: Choice = {};
      const error = (field: string, key: string) =>
        errors.push({ field, message: t(`processing_times_public:${key}`) });

      if (q.form !== undefined) {
        const form = q.form.toUpperCase();
        if (publishedForms(publication).includes(form)) choice.form = form;
        else error('form', 'errors.form');
      }
      const form = choice.form;
      const ofForm = form ? publication.figures.filter((f) => f.formCode === form) : [];
      const categories = form ? categoriesOf(form).filter((c) => ofForm.some((f) => f.categoryCode === c.code)) : [];
      if (form && categories.length > 0 && q.category !== undefined) {
        if (categories.some((c) => c.code === q.category)) choice.category = q.category;
        else if (q.category === '') error('category', 'errors.category');
      }
      if (form && q.office !== undefined) {
        const office = q.office.toUpperCase();
        if (ofForm.some((f) => f.officeCode === office)) choice.office = office;
        else if (office === '') error('office', 'errors.office');
      }
      props.choice = choice;

      const complete = form && choice.office && (categories.length === 0 || choice.category);
      if (complete) {
        const category = choice.category ?? null;
        const figure = ofForm.find((f) => f.categoryCode === category && f.officeCode === choice.office);
        if (!figure) props.notPublished = true;
        else {
          const inquiry = await deps.processingTimes.inquiryDate(form, category, choice.office!);
          props.result = { figure, inquiry };
          const sent = [q.received_month, q.received_day, q.received_year].some((v) => v !== undefined);
          if (sent && inquiry) {
            props.check = { month: q.received_month, day: q.received_day, year: q.received_year };
            const date = receiptDate(q.received_month, q.received_day, q.received_year);
            const today = agencyDate(deps.clock.now(), deps.timeZone);
            if (date.kind === 'empty') error('received_month', 'errors.date_required');
            else if (date.kind === 'invalid') error('received_month', 'errors.date_invalid');
            else if (date.iso > today) error('received_month', 'errors.date_future');
            else props.check.outcome = inquiryOutcome(date.iso, inquiry, today);
          }
        }
      }
      props.errors = errors;
      return reply.html(processingTimesPage(request.page(), props), errors.length > 0 ? 400 : 200);
    },
  );
}
