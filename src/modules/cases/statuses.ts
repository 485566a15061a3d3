import { readFileSync } from 'node:fs';
import { fromRoot } from '../../platform/paths.js';

/**
 * The official case status catalog: 111 titles with description templates in English (published by the agency,
 * src/modules/cases/data/case-statuses.en.json) and Spanish (ours, case-statuses.es.json). Keys are slugs of the
 * English titles, e.g. `case-was-received`.
 */
export const PLACEHOLDERS = [
  'date',
  'form_long_name',
  'receipt_number',
  'notice_deadline',
  'location_name',
  'tracking_number',
  'form_long_name_2',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface CaseStatus {
  key: string;
  titleEn: string;
  titleEs: string;
  templateEn: string;
  templateEs: string;
  placeholders: Placeholder[];
}

interface EnEntry {
  title: string;
  template_en: string;
  placeholders: string[];
}
interface EsEntry {
  title: string;
  title_es: string;
  template_es: string;
}

export function statusKey(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(fromRoot('src/modules/cases/data', file), 'utf8')) as T;
}

function buildCatalog(): Map<string, CaseStatus> {
  const en = readJson<EnEntry[]>('case-statuses.en.json');
  const es = new Map(readJson<EsEntry[]>('case-statuses.es.json').map((e) => [e.title, e]));
  const catalog = new Map<string, CaseStatus>();
  for (const entry of en) {
    const spanish = es.get(entry.title);
    if (!spanish) throw new Error(`No Spanish text for case status "${entry.title}"`);
    const key = statusKey(entry.title);
    catalog.set(key, {
      key,
      titleEn: entry.title,
      titleEs: spanish.title_es,
      templateEn: entry.template_en,
      templateEs: spanish.template_es,
      placeholders: entry.placeholders as Placeholder[],
    });
  }
  return catalog;
}

const CATALOG = buildCatalog();

export function allStatuses(): CaseStatus[] {
  return [...CATALOG.values()];
}

export function findStatus(key: string): CaseStatus | undefined {
  return CATALOG.get(key);
}

/** Fills a template; a placeholder without a value is left visible as "[placeholder]" rather than silently dropped. */
export function fillTemplate(template: string, values: Partial<Record<Placeholder, string>>): string {
  return template.replace(/\{([a-z_0-9]+)\}/g, (_, name: string) => values[name as Placeholder] ?? `[${name}]`);
}
