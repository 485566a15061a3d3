-- Verify your identity (ACC-8, issue 4 item 8): answering questions built from the agency's records of the
-- person's cases raises the account's assurance level; later features (such as a change of address) require it.
ALTER TABLE accounts ADD COLUMN identity_verified_at timestamptz;
