-- One-time tokens of forms that create something (issue 13 point 13). Each such form carries a random token; the
-- post that creates the thing records the token here, in the same transaction, with a reference to what it made
-- (a service item number). A second post of the same token (a double click, a resent form) finds the row and shows
-- the first result instead of creating again; two posts at once cannot both commit (the primary key). Rows older than
-- a week are deleted as new ones are recorded.
CREATE TABLE form_submissions (
  token       text PRIMARY KEY,
  form        text NOT NULL,
  result      text NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX form_submissions_created_at_idx ON form_submissions (created_at);
