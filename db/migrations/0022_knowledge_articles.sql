-- Knowledge articles (CC-4, CC-14; issue 5 item 7): bilingual answers Tier 1 reads beside the item they work on, the
-- public help pages and (later) the virtual assistant use. An article is a slug, an audience and a pointer to its
-- current version; every save is a new row of knowledge_article_versions, never an update, so each answer an agent
-- gave can be traced to the exact text it came from (a quality-review flag points at a version id).

-- Accent folding for text search. PGlite 0.5 has the `english` and `spanish` configurations but no `unaccent`
-- extension, and the Spanish stemmer keeps accents in some stems ('categoría' -> 'categor', 'categoria' ->
-- 'categori'), so indexed text and queries are folded with this one function on PostgreSQL and PGlite alike.
CREATE FUNCTION knowledge_fold(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT translate($1, 'ÁÀÂÄÃÅáàâäãåÉÈÊËéèêëÍÌÎÏíìîïÓÒÔÖÕóòôöõÚÙÛÜúùûüÑñÇç', 'AAAAAAaaaaaaEEEEeeeeIIIIiiiiOOOOOoooooUUUUuuuuNnCc') $$;

-- array_to_string is only STABLE (it serves every array type); for text[] it is immutable, which generated
-- columns need.
CREATE FUNCTION knowledge_tags_text(text[]) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT array_to_string($1, ' ') $$;

CREATE TABLE knowledge_articles (
  id              uuid PRIMARY KEY,
  slug            text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
  -- 'public': the help pages and everyone; 'agents': staff only (verification steps, Section 1367 handling ...).
  audience        text NOT NULL CHECK (audience IN ('public', 'agents')),
  current_version integer NOT NULL CHECK (current_version >= 1),
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  archived_at     timestamptz,
  CONSTRAINT knowledge_articles_slug_key UNIQUE (slug)
);

CREATE TABLE knowledge_article_versions (
  id          uuid PRIMARY KEY,
  article_id  uuid NOT NULL REFERENCES knowledge_articles (id),
  version     integer NOT NULL CHECK (version >= 1),
  -- The audience this version was published for (the article's audience follows its current version).
  audience    text NOT NULL CHECK (audience IN ('public', 'agents')),
  title_en    text NOT NULL CHECK (length(title_en) BETWEEN 1 AND 200),
  body_en     text NOT NULL CHECK (length(body_en) BETWEEN 1 AND 20000),
  title_es    text NOT NULL CHECK (length(title_es) BETWEEN 1 AND 200),
  body_es     text NOT NULL CHECK (length(body_es) BETWEEN 1 AND 20000),
  tags        text[] NOT NULL DEFAULT '{}',
  -- The staff member who wrote it; none for the demo articles the seed adds.
  author_id   uuid REFERENCES accounts (id),
  change_note text NOT NULL CHECK (length(change_note) BETWEEN 1 AND 500),
  created_at  timestamptz NOT NULL,
  search_en   tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, knowledge_fold(title_en)), 'A') ||
    setweight(to_tsvector('english'::regconfig, knowledge_fold(knowledge_tags_text(tags))), 'A') ||
    setweight(to_tsvector('english'::regconfig, knowledge_fold(body_en)), 'B')
  ) STORED,
  search_es   tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('spanish'::regconfig, knowledge_fold(title_es)), 'A') ||
    setweight(to_tsvector('spanish'::regconfig, knowledge_fold(knowledge_tags_text(tags))), 'A') ||
    setweight(to_tsvector('spanish'::regconfig, knowledge_fold(body_es)), 'B')
  ) STORED,
  CONSTRAINT knowledge_article_versions_number_key UNIQUE (article_id, version)
);
CREATE INDEX knowledge_article_versions_search_en_idx ON knowledge_article_versions USING gin (search_en);
CREATE INDEX knowledge_article_versions_search_es_idx ON knowledge_article_versions USING gin (search_es);

-- The current version must exist (checked at commit: the article row and its first version are written together).
ALTER TABLE knowledge_articles ADD CONSTRAINT knowledge_articles_current_version_fkey
  FOREIGN KEY (id, current_version) REFERENCES knowledge_article_versions (article_id, version) DEFERRABLE INITIALLY DEFERRED;

-- Versions are history: never changed, never removed.
CREATE FUNCTION knowledge_versions_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'knowledge_article_versions is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER knowledge_versions_append_only BEFORE UPDATE OR DELETE ON knowledge_article_versions
  FOR EACH ROW EXECUTE FUNCTION knowledge_versions_are_append_only();
