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
  // Texts without interpolation are looked up once per language: a page asks for dozens of them.
  const fixed = new Map(
    LANGUAGES.map((lang) => {
      const t = instance.getFixedT(lang);
      const cache = new Map<string, string>();
      const memo = (key: string | string[], options?: unknown): string => {
        if (options !== undefined || typeof key !== 'string') return (t as (k: unknown, o?: unknown) => string)(key, options);
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

/** Flattens a catalog into dotted keys, for the test that English and Spanish have the same keys. */
export function flattenKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flattenKeys(v, prefix ? `${prefix}.${k}` : k));
}
