-- Surveys (ACC-9): the exit survey at sign-out and the in-session survey after account creation. Responses are
-- kept apart from accounts (no account id), with the form and page they are about.
CREATE TABLE survey_responses (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  survey      text NOT NULL CHECK (survey IN ('exit', 'account_created')),
  rating      smallint CHECK (rating BETWEEN 1 AND 5),
  comment     text CHECK (char_length(comment) <= 2000),
  about_form  text,
  about_page  text,
  language    text NOT NULL CHECK (language IN ('en', 'es')),
  created_at  timestamptz NOT NULL,
  CHECK (rating IS NOT NULL OR comment IS NOT NULL)
);
CREATE INDEX survey_responses_created_idx ON survey_responses (survey, created_at);
