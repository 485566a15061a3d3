-- Evidence and Request for Evidence responses (issue 4 item 6; CASE-10): files a person sends about a case, each
-- with its delivery state, which people otherwise cannot see (uploaded, being checked, accepted, rejected and why).
CREATE TABLE case_submissions (
  id           uuid PRIMARY KEY,
  case_id      integer NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  account_id   uuid NOT NULL REFERENCES accounts (id),
  kind         text NOT NULL CHECK (kind IN ('evidence', 'rfe_response')),
  -- For an RFE response: the request it answers (its time), so one response closes that request's form.
  rfe_sent_at  timestamptz,
  created_at   timestamptz NOT NULL
);
CREATE INDEX case_submissions_case_idx ON case_submissions (case_id, created_at DESC);

CREATE TABLE case_files (
  id             uuid PRIMARY KEY,
  submission_id  uuid NOT NULL REFERENCES case_submissions (id) ON DELETE CASCADE,
  file_name      text NOT NULL,
  content_type   text,
  byte_size      integer NOT NULL,
  storage_key    text,
  state          text NOT NULL CHECK (state IN ('uploaded', 'checking', 'accepted', 'rejected')),
  reason         text,
  created_at     timestamptz NOT NULL,
  checked_at     timestamptz
);
CREATE INDEX case_files_submission_idx ON case_files (submission_id);
