/**
 * Form categories (subtypes, PT-1): the agency publishes some forms' processing times per category rather than per
 * form, e.g. I-485 "Employment-based adjustment applications". This catalog is data: each category's code (what
 * `cases.form_category` and a case event's `formCategory` hold), the name the agency's processing-times API gives it
 * (`form_type`), and its texts in English and Spanish. Forms absent here are published per form.
 *
 * A case of a categorised form whose category is unknown counts under the form's `fallback` category.
 */
export interface FormCategoryInfo {
  formCode: string;
  /** Stable code, lower case, e.g. `employment`. */
  code: string;
  /** The agency API's `form_type`, e.g. "I-485 Employment". */
  formType: string;
  /** What the category covers (the API's `subtype_info_en` / `subtype_info_es`). */
  infoEn: string;
  infoEs: string;
  /** Counts cases of the form that have no (or an unknown) category. One per form. */
  fallback?: true;
}

export const FORM_CATEGORIES: readonly FormCategoryInfo[] = [
  {
    formCode: 'I-130',
    code: 'usc-immediate',
    formType: 'I-130 U.S. citizen immediate relative',
    infoEn: 'U.S. citizen filing for a spouse, parent, or child under 21',
    infoEs: 'Ciudadano estadounidense que presenta para su cónyuge, padre o madre, o hijo menor de 21 años',
    // Most I-130s: a case that does not say its category counts here.
    fallback: true,
  },
  {
    formCode: 'I-130',
    code: 'usc-other',
    formType: 'I-130 U.S. citizen other relative',
    infoEn: 'U.S. citizen filing for a married son or daughter, an unmarried son or daughter over 21, or a sibling',
    infoEs: 'Ciudadano estadounidense que presenta para un hijo casado, un hijo soltero mayor de 21 años o un hermano',
  },
  {
    formCode: 'I-130',
    code: 'lpr',
    formType: 'I-130 Permanent resident',
    infoEn: 'Permanent resident filing for a spouse, a child under 21, or an unmarried son or daughter over 21',
    infoEs: 'Residente permanente que presenta para su cónyuge, un hijo menor de 21 años o un hijo soltero mayor de 21',
  },
  {
    formCode: 'I-131',
    code: 'advance-parole',
    formType: 'I-131 Advance parole document',
    infoEn: 'Advance parole document',
    infoEs: 'Documento de permiso adelantado',
    fallback: true,
  },
  {
    formCode: 'I-131',
    code: 'reentry-permit',
    formType: 'I-131 Reentry permit',
    infoEn: 'Permit to reenter the United States',
    infoEs: 'Permiso de reingreso a los Estados Unidos',
  },
  {
    formCode: 'I-131',
    code: 'refugee-travel',
    formType: 'I-131 Refugee travel document',
    infoEn: 'Refugee travel document',
    infoEs: 'Documento de viaje para refugiados',
  },
  {
    formCode: 'I-485',
    code: 'employment',
    formType: 'I-485 Employment',
    infoEn: 'Employment-based adjustment applications',
    infoEs: 'Solicitudes de ajuste basadas en empleo',
  },
  {
    formCode: 'I-485',
    code: 'family',
    formType: 'I-485 Family',
    infoEn: 'Family-based adjustment applications',
    infoEs: 'Solicitudes de ajuste basadas en familia',
  },
  {
    formCode: 'I-485',
    code: 'asylee-refugee',
    formType: 'I-485 Asylee or refugee',
    infoEn: 'Adjustment based on a grant of asylum or on admission as a refugee',
    infoEs: 'Ajuste basado en la concesión de asilo o en la admisión como refugiado',
  },
  {
    formCode: 'I-485',
    code: 'other',
    formType: 'I-485 Other',
    infoEn: 'All other adjustment of status applications',
    infoEs: 'Todas las demás solicitudes de ajuste de estatus',
    fallback: true,
  },
  {
    formCode: 'I-765',
    code: 'c09',
    formType: 'I-765 Based on a pending I-485',
    infoEn: 'Based on a pending application to adjust status [(c)(9)]',
    infoEs: 'Basada en una solicitud de ajuste de estatus pendiente [(c)(9)]',
  },
  {
    formCode: 'I-765',
    code: 'c08',
    formType: 'I-765 Based on a pending asylum application',
    infoEn: 'Based on a pending asylum application [(c)(8)]',
    infoEs: 'Basada en una solicitud de asilo pendiente [(c)(8)]',
  },
  {
    formCode: 'I-765',
    code: 'other',
    formType: 'I-765 All other',
    infoEn: 'All other applications for employment authorization',
    infoEs: 'Todas las demás solicitudes de autorización de empleo',
    fallback: true,
  },
];

/** The forms myProgress covers (PT-3), in the agency's order. */
export const MY_PROGRESS_FORMS: readonly string[] = ['N-400', 'I-90', 'I-130', 'I-765', 'I-131', 'I-485', 'I-821'];

/** The categories of a form, in catalog order; empty when the form is published per form. */
export function categoriesOf(formCode: string): readonly FormCategoryInfo[] {
  return FORM_CATEGORIES.filter((c) => c.formCode === formCode);
}

export function findFormCategory(formCode: string, code: string): FormCategoryInfo | undefined {
  return FORM_CATEGORIES.find((c) => c.formCode === formCode && c.code === code);
}

/**
 * The category a case counts under: its own when the catalog knows it, else the form's fallback; null for a form
 * published per form.
 */
export function effectiveCategory(formCode: string, category: string | null | undefined): string | null {
  const all = categoriesOf(formCode);
  if (all.length === 0) return null;
  if (category && all.some((c) => c.code === category)) return category;
  return all.find((c) => c.fallback)?.code ?? all[0]!.code;
}
