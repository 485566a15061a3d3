import { z } from 'zod';
import type { KnowledgeAudience } from './tables.js';

/** Pure rules of knowledge articles: what an article may hold, slugs, tags, paragraphs and search words. */

export const AUDIENCES = ['public', 'agents'] as const satisfies readonly KnowledgeAudience[];
export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
export const CHANGE_NOTE_MAX = 500;
export const SLUG_MAX = 80;
export const TAG_MAX = 40;
export const TAGS_MAX = 10;
export const QUERY_MAX = 200;

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Paths under /staff/knowledge/ that are pages, not articles. */
const RESERVED_SLUGS = new Set(['new']);

/** Characters, as PostgreSQL's length() counts them (code points, not UTF-16 units). */
export const charCount = (s: string): number => [...s].length;

/** Control characters other than tab and newline are dropped; line ends become \n; text is NFC. */
function clean(s: string): string {
  return (
    s
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
  );
}

/** One line: whitespace (newlines included) collapsed. */
export const cleanLine = (s: string): string => clean(s).replace(/\s+/g, ' ').trim();

/** Paragraph text: trailing spaces removed, at most one blank line between paragraphs, no leading/trailing blank lines. */
export const cleanBody = (s: string): string =>
  clean(s)
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

export function isSlug(value: string): boolean {
  return value.length <= SLUG_MAX && SLUG.test(value) && !RESERVED_SLUGS.has(value);
}

/** "How to check your case status" -> "how-to-check-your-case-status" (accents dropped, cut at 80 on a word end). */
export function slugify(title: string): string {
  const words = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = '';
  for (const w of words) {
    const next = slug ? `${slug}-${w}` : w;
    if (next.length > SLUG_MAX) break;
    slug = next;
  }
  return slug || words[0]?.slice(0, SLUG_MAX) || '';
}

/** "RFE, Case status" -> ['rfe', 'case-status']; undefined when a tag is not letters, digits and hyphens. */
export function parseTags(input: string): string[] | undefined {
  const tags = input
    .split(',')
    .map((t) => cleanLine(t).toLowerCase().replace(/\s+/g, '-'))
    .filter(Boolean);
  const unique = [...new Set(tags)];
  if (unique.length > TAGS_MAX || unique.some((t) => t.length > TAG_MAX || !SLUG.test(t))) return undefined;
  return unique;
}

/** Paragraphs are separated by blank lines; the lines of a paragraph keep their breaks. */
export function paragraphs(body: string): string[][] {
  return body
    .split(/\n[ \t]*\n/)
    .map((p) =>
      p
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    )
    .filter((p) => p.length > 0);
}

/** The first paragraph, cut to about `max` characters on a word end: the summary in lists and suggestions. */
export function summaryOf(body: string, max = 220): string {
  const first = (paragraphs(body)[0] ?? []).join(' ');
  if (charCount(first) <= max) return first;
  const cut = [...first].slice(0, max).join('');
  return `${cut.replace(/\s+\S*$/, '')}…`;
}

/**
 * The words of a service item (subject and description) as an "any of these words" web search: letters and digits
 * only (so no search operators get through), the first 40 distinct words. Empty when there is nothing to look for.
 */
export function anyWordsQuery(text: string): string {
  const words =
    clean(text)
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const distinct = [...new Set(words.filter((w) => w.length > 1 && w !== 'or'))].slice(0, 40);
  return distinct.join(' or ');
}

// ---- Article input ---------------------------------------------------------------------------------------------------

export interface ArticleFormValues {
  slug?: string;
  audience?: string;
  title_en?: string;
  body_en?: string;
  title_es?: string;
  body_es?: string;
  tags?: string;
  change_note?: string;
}

export interface ArticleInput {
  audience: KnowledgeAudience;
  titleEn: string;
  bodyEn: string;
  titleEs: string;
  bodyEs: string;
  tags: string[];
  changeNote: string;
}

export type FieldProblem = { field: keyof ArticleFormValues; code: string };

/** The order of the fields on the form, which the error summary follows. */
export const FORM_ORDER: readonly (keyof ArticleFormValues)[] = [
  'slug',
  'audience',
  'title_en',
  'body_en',
  'title_es',
  'body_es',
  'tags',
  'change_note',
];

const line = (field: string, max: number) =>
  z
    .string()
    .transform(cleanLine)
    .pipe(
      z
        .string()
        .min(1, `${field}_required`)
        .refine((s) => charCount(s) <= max, `${field}_too_long`),
    );
const body = (field: string) =>
  z
    .string()
    .transform(cleanBody)
    .pipe(
      z
        .string()
        .min(1, `${field}_required`)
        .refine((s) => charCount(s) <= BODY_MAX, `${field}_too_long`),
    );

const articleSchema = z.object({
  audience: z.enum(AUDIENCES, { message: 'audience_required' }),
  title_en: line('title_en', TITLE_MAX),
  body_en: body('body_en'),
  title_es: line('title_es', TITLE_MAX),
  body_es: body('body_es'),
  tags: z
    .string()
    .max(1000, 'tags_invalid')
    .transform((s, ctx) => {
      const tags = parseTags(s);
      if (!tags) {
        ctx.addIssue({ code: 'custom', message: 'tags_invalid' });
        return z.NEVER;
      }
      return tags;
    }),
  change_note: line('change_note', CHANGE_NOTE_MAX),
});

/** Validates an article form (both languages required); problems come in form order. */
export function readArticleInput(
  values: ArticleFormValues,
): { ok: true; input: ArticleInput } | { ok: false; problems: FieldProblem[] } {
  const parsed = articleSchema.safeParse({
    audience: values.audience,
    title_en: values.title_en ?? '',
    body_en: values.body_en ?? '',
    title_es: values.title_es ?? '',
    body_es: values.body_es ?? '',
    tags: values.tags ?? '',
    change_note: values.change_note ?? '',
  });
  if (!parsed.success) {
    const seen = new Set<string>();
    const problems: FieldProblem[] = [];
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof ArticleFormValues;
      if (seen.has(field)) continue;
      seen.add(field);
      problems.push({ field, code: issue.message });
    }
    return { ok: false, problems: sortProblems(problems) };
  }
  const d = parsed.data;
  return {
    ok: true,
    input: {
      audience: d.audience,
      titleEn: d.title_en,
      bodyEn: d.body_en,
      titleEs: d.title_es,
      bodyEs: d.body_es,
      tags: d.tags,
      changeNote: d.change_note,
    },
  };
}

export function sortProblems(problems: FieldProblem[]): FieldProblem[] {
  return [...problems].sort((a, b) => FORM_ORDER.indexOf(a.field) - FORM_ORDER.indexOf(b.field));
}
