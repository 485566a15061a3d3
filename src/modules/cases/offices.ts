/** Offices that own cases: service centers (legacy paper receipt prefixes), the National Benefits Center and field offices. */
export interface OfficeInfo {
  code: string;
  kind: 'service_center' | 'benefits_center' | 'field_office' | 'lockbox';
  nameEn: string;
  nameEs: string;
  /** Receipt prefixes this office issues. */
  prefixes: string[];
  /** IANA time zone of the office: callbacks about its cases are timed for it (CB-1), not for the phone's area code. */
  timeZone: string;
}

export const OFFICES: readonly OfficeInfo[] = [
  {
    code: 'VSC',
    kind: 'service_center',
    nameEn: 'Vermont Service Center',
    nameEs: 'Centro de Servicio de Vermont',
    prefixes: ['EAC', 'ESC', 'VSC'],
    timeZone: 'America/New_York',
  },
  {
    code: 'NSC',
    kind: 'service_center',
    nameEn: 'Nebraska Service Center',
    nameEs: 'Centro de Servicio de Nebraska',
    prefixes: ['LIN', 'NSC'],
    timeZone: 'America/Chicago',
  },
  {
    code: 'TSC',
    kind: 'service_center',
    nameEn: 'Texas Service Center',
    nameEs: 'Centro de Servicio de Texas',
    prefixes: ['SRC', 'TSC'],
    timeZone: 'America/Chicago',
  },
  {
    code: 'CSC',
    kind: 'service_center',
    nameEn: 'California Service Center',
    nameEs: 'Centro de Servicio de California',
    prefixes: ['WAC', 'CSC'],
    timeZone: 'America/Los_Angeles',
  },
  {
    code: 'PSC',
    kind: 'service_center',
    nameEn: 'Potomac Service Center',
    nameEs: 'Centro de Servicio de Potomac',
    prefixes: ['YSC'],
    timeZone: 'America/New_York',
  },
  {
    code: 'NBC',
    kind: 'benefits_center',
    nameEn: 'National Benefits Center',
    nameEs: 'Centro Nacional de Beneficios',
    prefixes: ['MSC', 'NBC'],
    timeZone: 'America/Chicago',
  },
  {
    code: 'ELIS',
    kind: 'service_center',
    nameEn: 'Electronic Immigration System',
    nameEs: 'Sistema Electrónico de Inmigración',
    prefixes: ['IOE'],
    timeZone: 'America/New_York',
  },
  {
    code: 'FO-NYC',
    kind: 'field_office',
    nameEn: 'New York City Field Office',
    nameEs: 'Oficina Local de Nueva York',
    prefixes: [],
    timeZone: 'America/New_York',
  },
  {
    code: 'FO-LOS',
    kind: 'field_office',
    nameEn: 'Los Angeles Field Office',
    nameEs: 'Oficina Local de Los Ángeles',
    prefixes: [],
    timeZone: 'America/Los_Angeles',
  },
  {
    code: 'FO-MIA',
    kind: 'field_office',
    nameEn: 'Miami Field Office',
    nameEs: 'Oficina Local de Miami',
    prefixes: [],
    timeZone: 'America/New_York',
  },
  {
    code: 'FO-HOU',
    kind: 'field_office',
    nameEn: 'Houston Field Office',
    nameEs: 'Oficina Local de Houston',
    prefixes: [],
    timeZone: 'America/Chicago',
  },
  {
    code: 'FO-CHI',
    kind: 'field_office',
    nameEn: 'Chicago Field Office',
    nameEs: 'Oficina Local de Chicago',
    prefixes: [],
    timeZone: 'America/Chicago',
  },
  {
    code: 'FO-HNL',
    kind: 'field_office',
    nameEn: 'Honolulu Field Office',
    nameEs: 'Oficina Local de Honolulu',
    prefixes: [],
    timeZone: 'Pacific/Honolulu',
  },
];

const BY_CODE = new Map(OFFICES.map((o) => [o.code, o]));

export function findOffice(code: string): OfficeInfo | undefined {
  return BY_CODE.get(code);
}

export function officeName(code: string, lang: 'en' | 'es'): string {
  const office = BY_CODE.get(code);
  return office ? (lang === 'es' ? office.nameEs : office.nameEn) : code;
}

/** The office whose receipt numbers start with this prefix (IOE cases are electronic). */
export function officeForPrefix(prefix: string): OfficeInfo {
  return OFFICES.find((o) => o.prefixes.includes(prefix)) ?? BY_CODE.get('ELIS')!;
}

/** The IANA time zone of an office (undefined for a code that is no office). */
export function officeTimeZone(code: string): string | undefined {
  return BY_CODE.get(code)?.timeZone;
}
