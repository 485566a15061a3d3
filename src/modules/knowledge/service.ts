import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { KnowledgeAudience } from './tables.js';
import type { Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import * as repo from './repository.js';
import {
  anyWordsQuery,
  cleanLine,
  isSlug,
  QUERY_MAX,
  readArticleInput,
  slugify,
  sortProblems,
  summaryOf,
  type ArticleFormValues,
  type ArticleInput,
  type FieldProblem,
} from './text.js';

/**
 * Knowledge articles (CC-4, CC-14; issue 5 item 7): bilingual answers, public or for agents only. Every save is a
 * new version (old ones kept and viewable); the article points at its current one. Search is PostgreSQL full text
 * in English and Spanish, accents ignored (db/migrations/0022_knowledge_articles.sql). Every change is audited.
 */

/** Who reads: the public sees public articles only; agents (every staff role) see both. */
export type Reader = 'public' | 'agents';
const AUDIENCES_OF: Record<Reader, readonly KnowledgeAudience[]> = { public: ['public'], agents: ['public', 'agents'] };

export interface ArticleSummary {
  slug: string;
  audience: KnowledgeAudience;
  version: number;
  title: string;
  summary: string;
  updatedAt: Date;
  archived: boolean;
  tags: string[];
}

/** One article in one language, as the public help page and the assistant show it. */
export interface ArticleInLanguage {
  slug: string;
  audience: KnowledgeAudience;
  version: number;
  /** The id of the version shown: what a quality-review flag will point at. */
  versionId: string;
  title: string;
  body: string;
  tags: string[];
  updatedAt: Date;
}

export type SaveResult = { ok: true; slug: string; version: number } | { ok: false; problems: FieldProblem[] };
export type SearchResult = { ok: true; results: ArticleSummary[] } | { ok: false; problem: 'query_too_long' };

const summarize =
  (lang: Language) =>
  (row: repo.ListedArticle): ArticleSummary => ({
    slug: row.slug,
    audience: row.audience,
    version: row.current_version,
    title: lang === 'es' ? row.title_es : row.title_en,
    summary: summaryOf(lang === 'es' ? row.body_es : row.body_en),
    updatedAt: row.updated_at,
    archived: row.archived_at !== null,
    tags: row.tags,
  });

const LIST_LIMIT = 500;
const SEARCH_LIMIT = 50;

export interface KnowledgeDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
}

export class KnowledgeService {
  constructor(private readonly deps: KnowledgeDeps) {}

  // ---- Writing (quality assurance and administrators) ------------------------------------------------------------

  /** Creates an article and its version 1. The slug (the article's address, never changed) comes from the English title when left empty. */
  async create(actor: StaffActor | null, values: ArticleFormValues): Promise<SaveResult> {
    const given = cleanLine(values.slug ?? '').toLowerCase();
    const read = readArticleInput(values);
    const slug = given || (read.ok ? slugify(read.input.titleEn) : '');
    const problems: FieldProblem[] = read.ok ? [] : [...read.problems];
    if ((given || read.ok) && !isSlug(slug)) problems.push({ field: 'slug', code: 'slug_invalid' });
    else if (slug && (await repo.findArticleBySlug(this.deps.db, slug)))
      problems.push({ field: 'slug', code: 'slug_taken' });
    if (!read.ok || problems.length) return { ok: false, problems: sortProblems(problems) };
    const input = read.input;
    try {
      await inTransaction(this.deps.db, async (trx) => {
        const id = this.deps.random.uuid();
        const now = this.deps.clock.now();
        await repo.insertArticle(trx, {
          id,
          slug,
          audience: input.audience,
          current_version: 1,
          created_at: now,
          updated_at: now,
          archived_at: null,
        });
        await this.insertVersion(trx, id, 1, input, actor, now);
        await auditStaffAction(
          trx,
          this.deps.clock,
          actor,
          'knowledge.article_created',
          { type: 'knowledge_article', id },
          { slug, version: 1, audience: input.audience },
        );
      });
    } catch (error) {
      // Two editors choosing the same new slug at once: the second is told, as if it had been taken before.
      if ((error as { constraint?: string }).constraint === 'knowledge_articles_slug_key')
        return { ok: false, problems: [{ field: 'slug', code: 'slug_taken' }] };
      throw error;
    }
    return { ok: true, slug, version: 1 };
  }

  /**
   * Saves a new version. `baseVersion` is the version the editor started from: if someone saved another since,
   * nothing is saved and the editor is told (no silent overwrite of a colleague's fix).
   */
  async revise(
    actor: StaffActor | null,
    slug: string,
    values: ArticleFormValues,
    baseVersion: number,
  ): Promise<SaveResult | { ok: false; problem: 'not_found' }> {
    const article = isSlug(slug) ? await repo.findArticleBySlug(this.deps.db, slug) : undefined;
    if (!article) return { ok: false, problem: 'not_found' };
    const read = readArticleInput(values);
    if (!read.ok) return read;
    const input = read.input;
    return inTransaction(this.deps.db, async (trx) => {
      const now = this.deps.clock.now();
      if (
        baseVersion !== article.current_version ||
        !(await repo.advanceVersion(trx, article.id, baseVersion, input.audience, now))
      ) {
        return { ok: false, problems: [{ field: 'change_note', code: 'stale' }] } as const;
      }
      const version = baseVersion + 1;
      await this.insertVersion(trx, article.id, version, input, actor, now);
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'knowledge.article_revised',
        { type: 'knowledge_article', id: article.id },
        { slug, version, audience: input.audience, audience_before: article.audience },
      );
      return { ok: true, slug, version } as const;
    });
  }

  private async insertVersion(
    db: DbHandle,
    articleId: string,
    version: number,
    input: ArticleInput,
    actor: StaffActor | null,
    at: Date,
  ): Promise<void> {
    await repo.insertVersion(db, {
      id: this.deps.random.uuid(),
      article_id: articleId,
      version,
      audience: input.audience,
      title_en: input.titleEn,
      body_en: input.bodyEn,
      title_es: input.titleEs,
      body_es: input.bodyEs,
      tags: input.tags,
      author_id: actor?.accountId ?? null,
      change_note: input.changeNote,
      created_at: at,
    });
  }

  /** Archives (or restores) an article: gone from the help pages, search and suggestions; its history stays. */
  async setArchived(
    actor: StaffActor | null,
    slug: string,
    archived: boolean,
  ): Promise<{ ok: true; changed: boolean } | { ok: false; problem: 'not_found' }> {
    const article = isSlug(slug) ? await repo.findArticleBySlug(this.deps.db, slug) : undefined;
    if (!article) return { ok: false, problem: 'not_found' };
    return inTransaction(this.deps.db, async (trx) => {
      const changed = await repo.setArchived(trx, article.id, archived ? this.deps.clock.now() : null);
      if (changed)
        await auditStaffAction(
          trx,
          this.deps.clock,
          actor,
          archived ? 'knowledge.article_archived' : 'knowledge.article_restored',
          { type: 'knowledge_article', id: article.id },
          { slug },
        );
      return { ok: true, changed } as const;
    });
  }

  // ---- Reading ---------------------------------------------------------------------------------------------------

  /** The current version of an article the reader may see, in one language; archived articles are not found. */
  async get(slug: string, lang: Language, reader: Reader): Promise<ArticleInLanguage | undefined> {
    const row = isSlug(slug) ? await repo.findWithVersion(this.deps.db, slug) : undefined;
    if (!row || row.archived_at || !AUDIENCES_OF[reader].includes(row.audience)) return undefined;
    return {
      slug: row.slug,
      audience: row.audience,
      version: row.version,
      versionId: row.version_id,
      title: lang === 'es' ? row.title_es : row.title_en,
      body: lang === 'es' ? row.body_es : row.body_en,
      tags: row.tags,
      updatedAt: row.updated_at,
    };
  }

  /** For staff: an article with both languages of its current version (or of version `version`), archived or not. */
  async staffView(slug: string, version?: number): Promise<repo.ArticleWithVersion | undefined> {
    if (!isSlug(slug)) return undefined;
    return repo.findWithVersion(this.deps.db, slug, version);
  }

  /** Every version of an article, newest first. */
  async history(slug: string): Promise<repo.VersionSummary[] | undefined> {
    const article = isSlug(slug) ? await repo.findArticleBySlug(this.deps.db, slug) : undefined;
    return article ? repo.listVersions(this.deps.db, article.id) : undefined;
  }

  /** The articles a reader may see, by title in the language. Staff may also list the archived ones. */
  async list(lang: Language, reader: Reader, options: { archived?: boolean } = {}): Promise<ArticleSummary[]> {
    const rows = await repo.listArticles(this.deps.db, {
      audiences: AUDIENCES_OF[reader],
      lang,
      archived: reader === 'agents' && options.archived,
      limit: LIST_LIMIT,
    });
    return rows.map(summarize(lang));
  }

  /**
   * Full-text search of what the reader may see. The public searches the page's language; agents search both
   * languages at once (a caller's words may be in either), results titled in the page's language.
   */
  async search(query: string, lang: Language, reader: Reader): Promise<SearchResult> {
    const q = cleanLine(query);
    if ([...q].length > QUERY_MAX) return { ok: false, problem: 'query_too_long' };
    const rows = await repo.searchArticles(this.deps.db, {
      query: q,
      languages: reader === 'public' ? [lang] : ['en', 'es'],
      audiences: AUDIENCES_OF[reader],
      limit: SEARCH_LIMIT,
    });
    return { ok: true, results: rows.map(summarize(lang)) };
  }

  /**
   * Articles for the agent working a service item (CC-4): public and agent-only ones, ranked against the item's
   * subject and description (any of their words), in the item's language.
   */
  async suggestFor(text: string, language: Language, limit = 3): Promise<ArticleSummary[]> {
    return suggestFor(this.deps.db, text, language, limit);
  }
}

/** The same as KnowledgeService.suggestFor, for callers that hold only a database handle (a transaction, say). */
export async function suggestFor(db: DbHandle, text: string, language: Language, limit = 3): Promise<ArticleSummary[]> {
  const query = anyWordsQuery(text);
  if (!query) return [];
  const rows = await repo.searchArticles(db, {
    query,
    languages: [language],
    audiences: AUDIENCES_OF.agents,
    limit: Math.max(1, Math.min(limit, 20)),
  });
  return rows.map(summarize(language));
}
