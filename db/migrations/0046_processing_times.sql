-- Processing times (issue 18; PT-1, PT-2, CC-10). A run computes, from the event log, per form, category and office,
-- the median and the 80th percentile of the completion times of the cases completed in the six months before it.
-- Nothing is public until an administrator approves a run: the latest published run is what the public page, the
-- agency-compatible API, e-Request and the agent console read.
CREATE TABLE processing_time_runs (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  computed_at    timestamptz NOT NULL,
  -- The cases completed in [window_start, window_end) count.
  window_start   timestamptz NOT NULL,
  window_end     timestamptz NOT NULL,
  state          text NOT NULL DEFAULT 'pending_review'
                 CHECK (state IN ('pending_review', 'published', 'rejected', 'superseded')),
  requested_by   uuid REFERENCES accounts (id),          -- null: the scheduled job
  reviewed_by    uuid REFERENCES accounts (id),
  reviewed_at    timestamptz,
  review_note    text,
  published_at   timestamptz,
  cases_read     integer NOT NULL DEFAULT 0,
  CHECK ((state = 'published') = (published_at IS NOT NULL) OR state = 'superseded')
);
CREATE INDEX processing_time_runs_published_idx ON processing_time_runs (published_at DESC) WHERE state = 'published';

-- One figure per form, category ('' for a form published per form) and office of a run.
CREATE TABLE processing_time_figures (
  run_id           integer NOT NULL REFERENCES processing_time_runs (id) ON DELETE CASCADE,
  form_code        text NOT NULL,
  category_code    text NOT NULL DEFAULT '',
  office_code      text NOT NULL,
  completed_count  integer NOT NULL CHECK (completed_count >= 0),
  median_days      double precision NOT NULL,
  p80_days         double precision NOT NULL,
  -- Why the figure stands out against the last publication (e.g. 'jump', 'few_cases'); null: it does not.
  flag             text,
  PRIMARY KEY (run_id, form_code, category_code, office_code)
);

-- PT-2: an administrator's own receipt date for a case inquiry, with the reason (audited); it wins over the date
-- counted back from the published time. category '' covers every category of the form.
CREATE TABLE inquiry_date_overrides (
  form_code      text NOT NULL,
  category_code  text NOT NULL DEFAULT '',
  office_code    text NOT NULL,
  inquiry_date   date NOT NULL,
  reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  updated_at     timestamptz NOT NULL,
  updated_by     uuid REFERENCES accounts (id),
  PRIMARY KEY (form_code, category_code, office_code)
);
-- The hand-edited dates kept before processing times existed become overrides, so nothing changes until an
-- administrator removes them.
INSERT INTO inquiry_date_overrides (form_code, category_code, office_code, inquiry_date, reason, updated_at, updated_by)
SELECT form_code, '', office_code, inquiry_date, 'Set before processing times were computed', updated_at, updated_by
FROM inquiry_dates;
