import { sql, type Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { ArticleRow, KnowledgeArticlesTable, KnowledgeArticleVersionsTable, KnowledgeAudience } from './tables.js';

/** All SQL of knowledge articles. */

export type SearchLanguage = 'en' | 'es';

/** An article with the text of one of its versions (the current one unless asked otherwise). */
export interface ArticleWithVersion extends ArticleRow {
  version_id: string;
  version: number;
  version_audience: KnowledgeAudience;
  title_en: string;
  body_en: string;
  title_es: string;
  body_es: string;
  tags: string[];
  author_id: string | null;
  author_name: string | null;
  change_note: string;
  version_created_at: Date;
}

/** text[] arrives as an array from pg and PGlite alike; older drivers give '{a,b}'. */
function parseTags(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean);
}

/** Tags are letters, digits and hyphens (checked before they get here), so the array literal needs no quoting. */
const tagsLiteral = (tags: string[]) => sql`${`{${tags.join(',')}}`}::text[]` as unknown as string[];

const CONFIG: Record<SearchLanguage, string> = { en: 'english', es: 'spanish' };
const vector = (lang: SearchLanguage) => sql.ref(`v.search_${lang}`);
/** websearch_to_tsquery over the accent-folded query, in the language's text search configuration. */
const tsquery = (lang: SearchLanguage, query: string) =>
  sql`websearch_to_tsquery(${sql.lit(CONFIG[lang])}::regconfig, knowledge_fold(${query}))`;

function joined(db: DbHandle) {
  return db
    .selectFrom('knowledge_articles as a')
    .innerJoin('knowledge_article_versions as v', 'v.article_id', 'a.id')
    .leftJoin('staff_members as m', 'm.account_id', 'v.author_id')
    .select([
      'a.id',
      'a.slug',
      'a.audience',
      'a.current_version',
      'a.created_at',
      'a.updated_at',
      'a.archived_at',
      'v.id as version_id',
      'v.version',
      'v.audience as version_audience',
      'v.title_en',
      'v.body_en',
      'v.title_es',
      'v.body_es',
      'v.tags',
      'v.author_id',
      'm.display_name as author_name',
      'v.change_note',
      'v.created_at as version_created_at',
    ]);
}

const toArticle = <T extends { tags: string[] | string }>(row: T): T & { tags: string[] } => ({
  ...row,
  tags: parseTags(row.tags),
});

export async function findArticleBySlug(db: DbHandle, slug: string): Promise<ArticleRow | undefined> {
  return db.selectFrom('knowledge_articles').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** The article with its current version, or with version `version` when given. */
export async function findWithVersion(
  db: DbHandle,
  slug: string,
  version?: number,
): Promise<ArticleWithVersion | undefined> {
  let query = joined(db).where('a.slug', '=', slug);
  query =
    version === undefined
      ? query.whereRef('v.version', '=', 'a.current_version')
      : query.where('v.version', '=', version);
  const row = await query.executeTakeFirst();
  return row ? toArticle(row) : undefined;
}

export interface VersionSummary {
  id: string;
  version: number;
  audience: KnowledgeAudience;
  title_en: string;
  title_es: string;
  author_name: string | null;
  change_note: string;
  created_at: Date;
}

/** Every version of an article, newest first. */
export async function listVersions(db: DbHandle, articleId: string): Promise<VersionSummary[]> {
  return db
    .selectFrom('knowledge_article_versions as v')
    .leftJoin('staff_members as m', 'm.account_id', 'v.author_id')
    .select([
      'v.id',
      'v.version',
      'v.audience',
      'v.title_en',
      'v.title_es',
      'm.display_name as author_name',
      'v.change_note',
      'v.created_at',
    ])
    .where('v.article_id', '=', articleId)
    .orderBy('v.version', 'desc')
    .execute();
}

export async function insertArticle(db: DbHandle, article: Insertable<KnowledgeArticlesTable>): Promise<void> {
  await db.insertInto('knowledge_articles').values(article).execute();
}

/** Inserts an article unless its slug exists (the demo seed runs again and again). True when inserted. */
export async function insertArticleIfNew(db: DbHandle, article: Insertable<KnowledgeArticlesTable>): Promise<boolean> {
  const row = await db
    .insertInto('knowledge_articles')
    .values(article)
    .onConflict((oc) => oc.column('slug').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertVersion(
  db: DbHandle,
  version: Omit<Insertable<KnowledgeArticleVersionsTable>, 'tags' | 'search_en' | 'search_es'> & { tags: string[] },
): Promise<void> {
  await db
    .insertInto('knowledge_article_versions')
    .values({ ...version, tags: tagsLiteral(version.tags) })
    .execute();
}

/** Moves the article to its next version, only if nobody saved another one since `from` (false then). */
export async function advanceVersion(
  db: DbHandle,
  id: string,
  from: number,
  audience: KnowledgeAudience,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('knowledge_articles')
    .set({ current_version: from + 1, audience, updated_at: at })
    .where('id', '=', id)
    .where('current_version', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setArchived(db: DbHandle, id: string, at: Date | null): Promise<boolean> {
  const result = await db
    .updateTable('knowledge_articles')
    .set({ archived_at: at })
    .where('id', '=', id)
    .where('archived_at', at ? 'is' : 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface ListedArticle {
  slug: string;
  audience: KnowledgeAudience;
  current_version: number;
  updated_at: Date;
  archived_at: Date | null;
  title_en: string;
  title_es: string;
  body_en: string;
  body_es: string;
  tags: string[];
  rank: number;
}

function listed(db: DbHandle, audiences: readonly KnowledgeAudience[], archived: boolean) {
  return db
    .selectFrom('knowledge_articles as a')
    .innerJoin('knowledge_article_versions as v', (j) =>
      j.onRef('v.article_id', '=', 'a.id').onRef('v.version', '=', 'a.current_version'),
    )
    .select([
      'a.slug',
      'a.audience',
      'a.current_version',
      'a.updated_at',
      'a.archived_at',
      'v.title_en',
      'v.title_es',
      'v.body_en',
      'v.body_es',
      'v.tags',
    ])
    .where('a.audience', 'in', [...audiences])
    .where('a.archived_at', archived ? 'is not' : 'is', null);
}

/** Articles for the audiences, by title in the language; archived ones only when asked (and then only those). */
export async function listArticles(
  db: DbHandle,
  p: { audiences: readonly KnowledgeAudience[]; lang: SearchLanguage; archived?: boolean; limit: number },
): Promise<ListedArticle[]> {
  const rows = await listed(db, p.audiences, p.archived ?? false)
    .select(sql<number>`0`.as('rank'))
    .orderBy(p.lang === 'es' ? 'v.title_es' : 'v.title_en')
    .orderBy('a.slug')
    .limit(p.limit)
    .execute();
  return rows.map((r) => ({ ...toArticle(r), rank: Number(r.rank) }));
}

/**
 * Full-text search of the current versions (archived articles left out), best first (ts_rank: title and tags weigh
 * more than the body). `languages`: the versions' languages to search; with two, an article matches in either and
 * ranks by the better of the two. `query` is a web search (quotes, "or", -word), accents ignored.
 */
export async function searchArticles(
  db: DbHandle,
  p: { query: string; languages: readonly SearchLanguage[]; audiences: readonly KnowledgeAudience[]; limit: number },
): Promise<ListedArticle[]> {
  if (!p.languages.length || !p.query.trim()) return [];
  const matches = p.languages.map((lang) => sql<boolean>`${vector(lang)} @@ ${tsquery(lang, p.query)}`);
  const ranks = p.languages.map((lang) => sql`ts_rank(${vector(lang)}, ${tsquery(lang, p.query)})`);
  const rank = ranks.length === 1 ? sql<number>`${ranks[0]}` : sql<number>`greatest(${sql.join(ranks)})`;
  const rows = await listed(db, p.audiences, false)
    .select(rank.as('rank'))
    .where(sql<boolean>`(${sql.join(matches, sql` or `)})`)
    .orderBy(sql`rank`, 'desc')
    .orderBy('a.slug')
    .limit(p.limit)
    .execute();
  return rows.map((r) => ({ ...toArticle(r), rank: Number(r.rank) }));
}

/**
 * The version a wrong answer is traced to: version `version` of the article, or its current one. The article row is
 * share-locked, so a save of a new version waits and the task's `opened_at_version` is the true current one.
 */
export async function articleVersionForFlag(
  db: DbHandle,
  slug: string,
  version: number | null,
): Promise<
  { article_id: string; current_version: number; version_id: string; version: number } | 'no_article' | 'no_version'
> {
  const article = await db
    .selectFrom('knowledge_articles')
    .select(['id', 'current_version'])
    .where('slug', '=', slug)
    .forShare()
    .executeTakeFirst();
  if (!article) return 'no_article';
  const v = await db
    .selectFrom('knowledge_article_versions')
    .select(['id', 'version'])
    .where('article_id', '=', article.id)
    .where('version', '=', version ?? article.current_version)
    .executeTakeFirst();
  return v
    ? { article_id: article.id, current_version: article.current_version, version_id: v.id, version: v.version }
    : 'no_version';
}
