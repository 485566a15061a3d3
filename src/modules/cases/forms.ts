/** The agency's forms with their names in English and Spanish. `long name` is how status texts name a form. */
export interface FormInfo {
  code: string;
  nameEn: string;
  nameEs: string;
  /** CASE-2: can be filed online. */
  onlineFiling: boolean;
}

export const FORMS: readonly FormInfo[] = [
  {
    code: 'AR-11',
    nameEn: "Alien's Change of Address Card",
    nameEs: 'Tarjeta de Cambio de Dirección del Extranjero',
    onlineFiling: true,
  },
  {
    code: 'G-28',
    nameEn: 'Notice of Entry of Appearance as Attorney or Accredited Representative',
    nameEs: 'Aviso de Comparecencia como Abogado o Representante Acreditado',
    onlineFiling: true,
  },
  {
    code: 'I-90',
    nameEn: 'Application to Replace Permanent Resident Card',
    nameEs: 'Solicitud para Reemplazar la Tarjeta de Residente Permanente',
    onlineFiling: true,
  },
  {
    code: 'I-129',
    nameEn: 'Petition for a Nonimmigrant Worker',
    nameEs: 'Petición de Trabajador No Inmigrante',
    onlineFiling: false,
  },
  {
    code: 'I-130',
    nameEn: 'Petition for Alien Relative',
    nameEs: 'Petición de Familiar Extranjero',
    onlineFiling: true,
  },
  {
    code: 'I-131',
    nameEn: 'Application for Travel Document',
    nameEs: 'Solicitud de Documento de Viaje',
    onlineFiling: true,
  },
  {
    code: 'I-134A',
    nameEn: 'Online Request to be a Supporter and Declaration of Financial Support',
    nameEs: 'Solicitud en Línea para ser Patrocinador y Declaración de Apoyo Financiero',
    onlineFiling: true,
  },
  {
    code: 'I-140',
    nameEn: 'Immigrant Petition for Alien Workers',
    nameEs: 'Petición de Inmigrante para Trabajador Extranjero',
    onlineFiling: false,
  },
  {
    code: 'I-485',
    nameEn: 'Application to Register Permanent Residence or Adjust Status',
    nameEs: 'Solicitud de Registro de Residencia Permanente o Ajuste de Estatus',
    onlineFiling: false,
  },
  {
    code: 'I-539',
    nameEn: 'Application to Extend/Change Nonimmigrant Status',
    nameEs: 'Solicitud para Extender/Cambiar el Estatus de No Inmigrante',
    onlineFiling: true,
  },
  // Intercountry adoption (BIO-2: their biometrics appointments are not rescheduled online).
  {
    code: 'I-600',
    nameEn: 'Petition to Classify Orphan as an Immediate Relative',
    nameEs: 'Petición para Clasificar a un Huérfano como Familiar Inmediato',
    onlineFiling: false,
  },
  {
    code: 'I-600A',
    nameEn: 'Application for Advance Processing of an Orphan Petition',
    nameEs: 'Solicitud de Trámite por Adelantado de una Petición de Huérfano',
    onlineFiling: false,
  },
  {
    code: 'I-751',
    nameEn: 'Petition to Remove Conditions on Residence',
    nameEs: 'Petición para Cancelar las Condiciones de Residencia',
    onlineFiling: false,
  },
  {
    code: 'I-765',
    nameEn: 'Application for Employment Authorization',
    nameEs: 'Solicitud de Autorización de Empleo',
    onlineFiling: true,
  },
  {
    code: 'I-800',
    nameEn: 'Petition to Classify Convention Adoptee as an Immediate Relative',
    nameEs: 'Petición para Clasificar a un Adoptado de un País del Convenio como Familiar Inmediato',
    onlineFiling: false,
  },
  {
    code: 'I-800A',
    nameEn: 'Application for Determination of Suitability to Adopt a Child from a Convention Country',
    nameEs: 'Solicitud para Determinar la Idoneidad para Adoptar a un Niño de un País del Convenio',
    onlineFiling: false,
  },
  {
    code: 'I-821',
    nameEn: 'Application for Temporary Protected Status',
    nameEs: 'Solicitud de Estatus de Protección Temporal',
    onlineFiling: true,
  },
  {
    code: 'I-821D',
    nameEn: 'Consideration of Deferred Action for Childhood Arrivals',
    nameEs: 'Consideración de Acción Diferida para los Llegados en la Infancia',
    onlineFiling: false,
  },
  { code: 'I-912', nameEn: 'Request for Fee Waiver', nameEs: 'Solicitud de Exención de Tarifas', onlineFiling: false },
  {
    code: 'N-336',
    nameEn: 'Request for a Hearing on a Decision in Naturalization Proceedings',
    nameEs: 'Solicitud de Audiencia sobre una Decisión en Procedimientos de Naturalización',
    onlineFiling: true,
  },
  {
    code: 'N-400',
    nameEn: 'Application for Naturalization',
    nameEs: 'Solicitud de Naturalización',
    onlineFiling: true,
  },
  {
    code: 'N-565',
    nameEn: 'Application for Replacement Naturalization/Citizenship Document',
    nameEs: 'Solicitud de Reemplazo de Documento de Naturalización/Ciudadanía',
    onlineFiling: true,
  },
  {
    code: 'N-600',
    nameEn: 'Application for Certificate of Citizenship',
    nameEs: 'Solicitud de Certificado de Ciudadanía',
    onlineFiling: true,
  },
  {
    code: 'N-648',
    nameEn: 'Medical Certification for Disability Exceptions',
    nameEs: 'Certificación Médica para Excepciones por Discapacidad',
    onlineFiling: false,
  },
];

const BY_CODE = new Map(FORMS.map((f) => [f.code, f]));

export function findForm(code: string): FormInfo | undefined {
  return BY_CODE.get(code);
}

/** "Form I-765, Application for Employment Authorization" / "Formulario I-765, Solicitud de Autorización de Empleo". */
export function formLongName(code: string, lang: 'en' | 'es'): string {
  const form = BY_CODE.get(code);
  if (!form) return lang === 'es' ? `Formulario ${code}` : `Form ${code}`;
  return lang === 'es' ? `Formulario ${form.code}, ${form.nameEs}` : `Form ${form.code}, ${form.nameEn}`;
}
