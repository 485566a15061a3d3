-- The staff view of surveys filters by date first; without a survey filter it needs this index.
CREATE INDEX survey_responses_created_at_idx ON survey_responses (created_at);
