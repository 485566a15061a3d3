-- A one-question satisfaction survey when a service item is resolved (issue 15 point 10, ACC-9, CC-14). The email
-- that tells the customer their item is closed carries a single-use link (its SHA-256 kept here, never the token),
-- valid for 30 days. The answer is a survey response of its own kind, which names the item so that quality
-- assurance can read it with the interaction.
ALTER TABLE survey_responses DROP CONSTRAINT survey_responses_survey_check;
ALTER TABLE survey_responses ADD CONSTRAINT survey_responses_survey_check
  CHECK (survey IN ('exit', 'account_created', 'service_item'));
ALTER TABLE survey_responses ADD COLUMN service_item_number bigint;

CREATE TABLE service_item_survey_invitations (
  token_hash           text PRIMARY KEY,
  service_item_number  bigint NOT NULL,
  language             text NOT NULL CHECK (language IN ('en', 'es')),
  created_at           timestamptz NOT NULL,
  expires_at           timestamptz NOT NULL,
  answered_at          timestamptz
);
CREATE INDEX service_item_survey_invitations_item_idx ON service_item_survey_invitations (service_item_number);
