-- Issue 13 items 14 and 15: throttles that neither tell who has an account or a case nor lock the real person out.

-- Sign-in failures per normalised email, whether or not an account uses it (a hash of the email, not a reference
-- to accounts), so the throttle answers the same for every email. Rows older than a day are removed.
CREATE TABLE sign_in_email_failures (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email_hash  text NOT NULL,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX sign_in_email_failures_email_idx ON sign_in_email_failures (email_hash, occurred_at);
CREATE INDEX sign_in_email_failures_time_idx ON sign_in_email_failures (occurred_at);

-- The emailed link that lets the holder of a throttled email sign in (password, then the second step as always).
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
  CHECK (purpose IN ('verify_email', 'reset_password', 'change_email', 'add_recovery_email', 'unlock_sign_in'));

-- e-Request: failed case matches are counted per receipt number and requester (the client address, and a hash of the
-- email given), and slow that requester down instead of refusing the receipt number to everyone. Rows counted per
-- receipt number alone cannot be attributed to a requester: they are dropped (they only counted for a day).
DELETE FROM e_request_case_failures;
DROP INDEX e_request_case_failures_idx;
ALTER TABLE e_request_case_failures
  ADD COLUMN requester_ip text NOT NULL,
  ADD COLUMN requester_email_hash text NOT NULL;
CREATE INDEX e_request_case_failures_ip_idx ON e_request_case_failures (receipt_number, requester_ip, failed_at);
CREATE INDEX e_request_case_failures_email_idx ON e_request_case_failures (receipt_number, requester_email_hash, failed_at);
CREATE INDEX e_request_case_failures_time_idx ON e_request_case_failures (failed_at);
