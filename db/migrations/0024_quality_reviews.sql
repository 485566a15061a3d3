-- Quality review (CC-14; issue 5 item 7, second part): quality assurance samples resolved interactions, scores each
-- on a five-criterion rubric, and flags wrong answers. A wrong answer that came from a knowledge article opens a task
-- to fix the article, pointing at the exact version flagged (knowledge_article_versions are append-only, so the
-- history stays). Dashboards read these tables: keep the names and meanings.

-- The rubric: exactly the five criteria, each an integer 0-4.
CREATE FUNCTION quality_scores_valid(s jsonb) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT jsonb_typeof(s) = 'object'
       AND s ?& ARRAY['greeting', 'verification', 'accuracy', 'resolution', 'courtesy']
       AND (SELECT count(*) FROM jsonb_object_keys(s)) = 5
       AND (SELECT bool_and(value IN ('0'::jsonb, '1'::jsonb, '2'::jsonb, '3'::jsonb, '4'::jsonb)) FROM jsonb_each(s))
  $$;

CREATE TABLE quality_reviews (
  id                  uuid PRIMARY KEY,
  item_id             uuid NOT NULL REFERENCES service_items (id),
  reviewer_id         uuid NOT NULL REFERENCES accounts (id),
  -- The item's owner (the agent) at review time; none when nobody owned it.
  agent_id            uuid REFERENCES accounts (id),
  created_at          timestamptz NOT NULL,
  -- {"greeting":0-4,"verification":0-4,"accuracy":0-4,"resolution":0-4,"courtesy":0-4}
  scores              jsonb NOT NULL CHECK (quality_scores_valid(scores)),
  -- Percentage (0-100) of the rubric's maximum (5 criteria x 4 points).
  total               numeric(5,2) NOT NULL CHECK (total BETWEEN 0 AND 100),
  wrong_answer        boolean NOT NULL DEFAULT false,
  -- The article version the wrong answer came from, when one did.
  article_version_id  uuid REFERENCES knowledge_article_versions (id),
  comment             text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
  CONSTRAINT quality_reviews_item_reviewer_key UNIQUE (item_id, reviewer_id),
  CONSTRAINT quality_reviews_article_needs_wrong_answer CHECK (article_version_id IS NULL OR wrong_answer)
);
CREATE INDEX quality_reviews_created_idx ON quality_reviews (created_at);
CREATE INDEX quality_reviews_agent_idx ON quality_reviews (agent_id, created_at);

-- A task to fix the article a wrong answer came from. It closes as 'done' when the article gets a version after
-- the one that was current when the task opened (that version is recorded), or 'dismissed' with a note.
CREATE TABLE article_fix_tasks (
  id                  uuid PRIMARY KEY,
  review_id           uuid NOT NULL REFERENCES quality_reviews (id),
  article_id          uuid NOT NULL REFERENCES knowledge_articles (id),
  flagged_version_id  uuid NOT NULL REFERENCES knowledge_article_versions (id),
  created_at          timestamptz NOT NULL,
  status              text NOT NULL CHECK (status IN ('open', 'done', 'dismissed')),
  closed_at           timestamptz,
  closed_by           uuid REFERENCES accounts (id),
  fixed_version_id    uuid REFERENCES knowledge_article_versions (id),
  note                text CHECK (length(note) <= 500),
  -- The article's current version number when the task opened: the first later version is the fix. (A version
  -- number, not a time, so two saves in the same millisecond cannot be confused.)
  opened_at_version   integer NOT NULL CHECK (opened_at_version >= 1),
  CONSTRAINT article_fix_tasks_review_key UNIQUE (review_id),
  CHECK ((status = 'open') = (closed_at IS NULL)),
  CHECK (status <> 'done' OR fixed_version_id IS NOT NULL),
  CHECK (status <> 'dismissed' OR (note IS NOT NULL AND closed_by IS NOT NULL))
);
CREATE INDEX article_fix_tasks_open_idx ON article_fix_tasks (article_id, created_at) WHERE status = 'open';
CREATE INDEX article_fix_tasks_closed_idx ON article_fix_tasks (closed_at DESC) WHERE status <> 'open';

-- Sampling reads resolved and closed items by when they were resolved.
CREATE INDEX service_items_resolved_idx ON service_items (resolved_at) WHERE status IN ('resolved', 'closed');
