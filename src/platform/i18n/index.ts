import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fromRoot } from '../paths.js';
import i18next, { type TFunction } from 'i18next';

/** English and Spanish: the agency's two service languages (ACC-10). */
export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export const LOCALES_DIR = fromRoot('locales');

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'es';
}

/** Reads locales/<lang>/<namespace>.json: one catalog per module, the same keys in both languages. */
export function loadCatalogs(dir = LOCALES_DIR): Record<Language, Record<string, Record<string, unknown>>> {
  const catalogs = { en: {}, es: {} } as Record<Language, Record<string, Record<string, unknown>>>;
  for (const lang of LANGUAGES) {
    for (const file of readdirSync(path.join(dir, lang)).filter((f) => f.endsWith('.json'))) {
      catalogs[lang][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(path.join(dir, lang, file), 'utf8'));
    }
  }
  return catalogs;
}

export type Translate = TFunction;

export interface I18n {
  t(lang: Language): Translate;
}

export function createI18n(): I18n {
  const catalogs = loadCatalogs();
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    resources: catalogs,
    lng: 'en',
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    ns: Object.keys(catalogs.en),
    defaultNS: 'common',
    // Views escape every interpolated value themselves (src/platform/views/html.ts).
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  // Texts without interpolation are looked up once per language: a page asks for dozens of them. Texts whose only
  // feature is {{name}} placeholders are split once and filled in directly (i18next's own interpolation is the
  // costly part of rendering thousands of messages); anything else goes to i18next.
  const fixed = new Map(
    LANGUAGES.map((lang) => {
      const t = instance.getFixedT(lang);
      const cache = new Map<string, string>();
      const templates = new Map<string, Template | null>();
      const memo = (key: string | string[], options?: unknown): string => {
        if (typeof key === 'string' && isPlainValues(options)) {
          let template = templates.get(key);
          if (template === undefined) templates.set(key, (template = compileTemplate(rawText(instance, lang, key))));
          const text = template ? fill(template, options) : undefined;
          if (text !== undefined) return text;
        }
        if (options !== undefined || typeof key !== 'string')
          return (t as (k: unknown, o?: unknown) => string)(key, options);
        let text = cache.get(key);
        if (text === undefined) {
          text = t(key);
          cache.set(key, text);
        }
        return text;
      };
      return [lang, memo as unknown as Translate];
    }),
  );
  return { t: (lang) => fixed.get(lang)! };
}

/** A text split at its {{name}} placeholders: literal, name, literal, name, ..., literal. */
type Template = string[];

/** The catalog's own text for a key ("namespace:path.to.key", or a key of the common namespace), if it is a string. */
function rawText(instance: ReturnType<typeof i18next.createInstance>, lang: Language, key: string): string | undefined {
  const colon = key.indexOf(':');
  const value: unknown =
    colon < 0
      ? instance.getResource(lang, 'common', key)
      : instance.getResource(lang, key.slice(0, colon), key.slice(colon + 1));
  return typeof value === 'string' ? value : undefined;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Null when the text uses more of i18next than plain placeholders (nesting, formats, unescaped values, plurals). */
export function compileTemplate(text: string | undefined): Template | null {
  if (text === undefined || text.includes('$t(')) return null;
  const parts = text.split(PLACEHOLDER);
  // Every "{{" must have been a plain placeholder: the literals keep none.
  for (let i = 0; i < parts.length; i += 2) if (parts[i]!.includes('{{') || parts[i]!.includes('}}')) return null;
  return parts;
}

/** Options that change what i18next looks up or how: with any of them, i18next does the work. */
const I18NEXT_OPTIONS = new Set([
  'count',
  'context',
  'lng',
  'lngs',
  'ns',
  'defaultValue',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'keyPrefix',
  'ordinal',
  'replace',
  'skipInterpolation',
  'fallbackLng',
  'nsSeparator',
  'keySeparator',
]);

function isPlainValues(options: unknown): options is Record<string, unknown> {
  if (options === null || typeof options !== 'object' || Object.getPrototypeOf(options) !== Object.prototype)
    return false;
  for (const name of Object.keys(options))
    if (I18NEXT_OPTIONS.has(name) || name.startsWith('defaultValue')) return false;
  return true;
}

/** The text with its placeholders filled in, or undefined when a value is missing or not a string (i18next decides then). */
function fill(template: Template, values: Record<string, unknown>): string | undefined {
  let out = template[0]!;
  for (let i = 1; i < template.length; i += 2) {
    const value = values[template[i]!];
    if (typeof value !== 'string') return undefined;
    out += value + template[i + 1]!;
  }
  return out;
}

/** Flattens a catalog into dotted keys, for the test that English and Spanish have the same keys. */
export function flattenKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    flattenKeys(v, prefix ? `${prefix}.${k}` : k),
  );
}
