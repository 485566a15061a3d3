import { z } from 'zod';
import { longDate } from '../../platform/format.js';
import { categoriesOf, findForm, findOffice, FORMS, OFFICES } from '../cases/index.js';
import type { ProcessingTimeFigure, Publication, PublishedProcessingTimes } from './published.js';
import { publishedRange, type PublishedRange, type RangeBound } from './ranges.js';

/**
 * The bodies of the agency-compatible processing-times API (issue 18 point 4): the field names, nesting and order
 * of the agency's service (egov.uscis.gov/processing-times/api), so its clients work by changing only the host.
 * The Zod schemas below describe each body exactly (strict objects): the tests parse every answer with them and
 * check the OpenAPI description lists the same fields.
 */

const bound = z.strictObject({
  value: z.number().nonnegative(),
  unit: z.enum(['Months', 'Weeks']),
  unit_en: z.enum(['Months', 'Weeks']),
  unit_es: z.enum(['Meses', 'Semanas']),
});
/** Two bounds, the upper one (the 80th percentile) first, as the agency lists them. */
const range = z.tuple([bound, bound]);
const note = z.string().nullable();

export const formsBody = z.strictObject({
  data: z.strictObject({
    forms: z.strictObject({
      forms: z.array(
        z.strictObject({
          form_name: z.string(),
          form_description_en: z.string(),
          form_description_es: z.string(),
        }),
      ),
    }),
  }),
  message: z.string(),
});

export const formOfficesBody = z.strictObject({
  data: z.strictObject({
    form_offices: z.strictObject({
      form_name: z.string(),
      offices: z.array(
        z.strictObject({
          office_code: z.string(),
          office_description: z.string(),
          office_description_es: z.string(),
        }),
      ),
    }),
  }),
  message: z.string(),
});

const subtype = z.strictObject({
  form_type: z.string(),
  publication_date: z.string().regex(/^[A-Z][a-z]+ \d{1,2}, \d{4}$/),
  range,
  service_request_date: z.string().regex(/^[A-Z][a-z]+ \d{2}, \d{4}$/),
  service_request_date_en: z.string().regex(/^[A-Z][a-z]+ \d{2}, \d{4}$/),
  service_request_date_es: z.string().regex(/^\d{2} de [a-z]+ de \d{4}$/),
  subtype_info_en: z.string(),
  subtype_info_es: z.string(),
  subtype_note_en: note,
  subtype_note_es: note,
});

export const processingTimeBody = z.strictObject({
  data: z.strictObject({
    processing_time: z.strictObject({
      form_name: z.string(),
      form_info_en: z.string(),
      form_info_es: z.string(),
      office_code: z.string(),
      form_note_en: note,
      form_note_es: note,
      pilot_content_en: z.string(),
      pilot_content_es: z.string(),
      /** Null when the form is published per subtype (category). */
      range: range.nullable(),
      subtypes: z.array(subtype),
    }),
  }),
  message: z.string(),
});

/** The answer to a form or office with no published figure (HTTP 404). */
export const notFoundBody = z.strictObject({ data: z.null(), message: z.string() });

export type FormsBody = z.infer<typeof formsBody>;
export type FormOfficesBody = z.infer<typeof formOfficesBody>;
export type ProcessingTimeBody = z.infer<typeof processingTimeBody>;
export type NotFoundBody = z.infer<typeof notFoundBody>;
type ApiRange = z.infer<typeof range>;

export const API_MESSAGES = {
  ok: 'Query was successful',
  unknownForm: (form: string) => `No processing time is published for form ${form}`,
  unknownOffice: (form: string, office: string) =>
    `No processing time is published for form ${form} at office ${office}`,
};

/** What the API's `pilot_content_en`/`_es` say: how the figures are made and what they mean (PT-1, PT-2). */
export const PILOT_CONTENT = {
  en:
    'The processing time is the time it took us to complete 80% of the cases of this form (and category) at this ' +
    'office that we completed in the six months before the publication date. The range runs from the time within ' +
    'which half of those cases were completed to the time within which 80% were. If we received your case before ' +
    'the receipt date for a case inquiry, it is outside normal processing time and you can ask about it.',
  es:
    'El tiempo de procesamiento es el tiempo que nos llevó completar el 80% de los casos de este formulario (y ' +
    'categoría) en esta oficina que completamos en los seis meses anteriores a la fecha de publicación. El rango va ' +
    'del tiempo en que se completó la mitad de esos casos al tiempo en que se completó el 80%. Si recibimos su caso ' +
    'antes de la fecha de recibo para consultar sobre un caso, está fuera del tiempo normal de procesamiento y puede ' +
    'preguntar por él.',
};

const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const MONTHS_ES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];

/** A 'YYYY-MM-DD' date as the agency's `service_request_date_en` writes it: "May 09, 2021" (day on two digits). */
export function serviceRequestDateEn(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${MONTHS_EN[Number(m) - 1]} ${d}, ${y}`;
}

/** `service_request_date_es`: "09 de mayo de 2021". */
export function serviceRequestDateEs(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d} de ${MONTHS_ES[Number(m) - 1]} de ${y}`;
}

function apiBound(b: RangeBound): ApiRange[number] {
  return {
    value: b.value,
    unit: b.unit,
    unit_en: b.unitEn as ApiRange[number]['unit_en'],
    unit_es: b.unitEs as ApiRange[number]['unit_es'],
  };
}

/** A range as the API lists it: the upper bound first. */
export function apiRange(r: PublishedRange): ApiRange {
  return [apiBound(r.upper), apiBound(r.lower)];
}

/** The forms with at least one published figure, in the catalog's order. */
export function publishedForms(publication: Publication): string[] {
  const codes = new Set(publication.figures.map((f) => f.formCode));
  return FORMS.filter((f) => codes.has(f.code)).map((f) => f.code);
}

/** The offices with at least one published figure of the form, in the catalog's order. */
export function publishedOffices(publication: Publication, formCode: string): string[] {
  const codes = new Set(publication.figures.filter((f) => f.formCode === formCode).map((f) => f.officeCode));
  return OFFICES.filter((o) => codes.has(o.code)).map((o) => o.code);
}

export function buildFormsBody(publication: Publication | null): FormsBody {
  const forms = publication ? publishedForms(publication) : [];
  return {
    data: {
      forms: {
        forms: forms.map((code) => {
          const form = findForm(code)!;
          return { form_name: code, form_description_en: form.nameEn, form_description_es: form.nameEs };
        }),
      },
    },
    message: API_MESSAGES.ok,
  };
}

/** The offices of a form; undefined when nothing of the form is published. */
export function buildFormOfficesBody(publication: Publication | null, formCode: string): FormOfficesBody | undefined {
  const offices = publication ? publishedOffices(publication, formCode) : [];
  if (offices.length === 0) return undefined;
  return {
    data: {
      form_offices: {
        form_name: formCode,
        offices: offices.map((code) => {
          const office = findOffice(code)!;
          return { office_code: code, office_description: office.nameEn, office_description_es: office.nameEs };
        }),
      },
    },
    message: API_MESSAGES.ok,
  };
}

/**
 * The processing time of a form at an office; undefined when none is published there. A form published per
 * category has `range: null` and one subtype per published category (catalog order); a form published per form
 * has its range and one subtype named by the form that repeats it with the inquiry date.
 */
export async function buildProcessingTimeBody(
  times: PublishedProcessingTimes,
  publication: Publication | null,
  formCode: string,
  officeCode: string,
  timeZone: string,
): Promise<ProcessingTimeBody | undefined> {
  const form = findForm(formCode);
  if (!publication || !form) return undefined;
  const figures = publication.figures.filter((f) => f.formCode === formCode && f.officeCode === officeCode);
  if (figures.length === 0) return undefined;
  const publicationDate = longDate(publication.publishedAt, 'en', timeZone);
  const categories = categoriesOf(formCode);
  const rows: { figure: ProcessingTimeFigure; formType: string; infoEn: string; infoEs: string }[] =
    categories.length === 0
      ? figures
          .filter((f) => f.categoryCode === null)
          .map((figure) => ({ figure, formType: formCode, infoEn: form.nameEn, infoEs: form.nameEs }))
      : categories.flatMap((c) => {
          const figure = figures.find((f) => f.categoryCode === c.code);
          return figure ? [{ figure, formType: c.formType, infoEn: c.infoEn, infoEs: c.infoEs }] : [];
        });
  if (rows.length === 0) return undefined;
  const subtypes = [];
  for (const row of rows) {
    const inquiry = await times.inquiryDate(formCode, row.figure.categoryCode, officeCode);
    // A published figure always has an inquiry date (the override's, or counted back from the figure).
    if (!inquiry) continue;
    subtypes.push({
      form_type: row.formType,
      publication_date: publicationDate,
      range: apiRange(publishedRange(row.figure)),
      service_request_date: serviceRequestDateEn(inquiry.date),
      service_request_date_en: serviceRequestDateEn(inquiry.date),
      service_request_date_es: serviceRequestDateEs(inquiry.date),
      subtype_info_en: row.infoEn,
      subtype_info_es: row.infoEs,
      subtype_note_en: null,
      subtype_note_es: null,
    });
  }
  return {
    data: {
      processing_time: {
        form_name: formCode,
        form_info_en: form.nameEn,
        form_info_es: form.nameEs,
        office_code: officeCode,
        form_note_en: null,
        form_note_es: null,
        pilot_content_en: PILOT_CONTENT.en,
        pilot_content_es: PILOT_CONTENT.es,
        range: categories.length === 0 ? apiRange(publishedRange(rows[0]!.figure)) : null,
        subtypes,
      },
    },
    message: API_MESSAGES.ok,
  };
}
