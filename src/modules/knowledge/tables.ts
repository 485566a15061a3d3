import type { ColumnType, Selectable } from 'kysely';

/** The tables of the `knowledge` module and their row types, declared here, once; added to `Tables` below. */

// Knowledge articles (db/migrations/0022_knowledge_articles.sql)
export type KnowledgeAudience = 'public' | 'agents';

export interface KnowledgeArticlesTable {
  id: string;
  slug: string;
  audience: KnowledgeAudience;
  current_version: number;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
}

export interface KnowledgeArticleVersionsTable {
  id: string;
  article_id: string;
  version: number;
  audience: KnowledgeAudience;
  title_en: string;
  body_en: string;
  title_es: string;
  body_es: string;
  tags: ColumnType<string[], string[] | undefined, never>;
  author_id: string | null;
  change_note: string;
  created_at: Date;
  /**
   * Generated full-text vectors (english and spanish configurations over accent-folded text); read only. A generated
   * column has no NOT NULL, so the database calls them nullable.
   */
  search_en: ColumnType<string | null, never, never>;
  search_es: ColumnType<string | null, never, never>;
}

export type ArticleRow = Selectable<KnowledgeArticlesTable>;

declare module '../../platform/db/tables.js' {
  interface Tables {
    knowledge_articles: KnowledgeArticlesTable;
    knowledge_article_versions: KnowledgeArticleVersionsTable;
  }
}
