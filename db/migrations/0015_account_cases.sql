-- Cases in the online account (issue 4 items 3-5; CASE-3, CASE-4, CASE-6, CASE-7).

-- How the case was filed (CASE-3: online-filed cases have every feature), and the Section 1367 protection
-- (VAWA, T, U: CC-6) that limits who may see the case.
ALTER TABLE cases
  ADD COLUMN filing_channel text NOT NULL DEFAULT 'paper' CHECK (filing_channel IN ('online', 'paper')),
  ADD COLUMN section_1367 boolean NOT NULL DEFAULT false;

-- The applicant as the agency's records know them: what a person must match to add a paper case (CASE-4, CASE-6).
CREATE TABLE case_applicants (
  case_id        integer PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  date_of_birth  text CHECK (date_of_birth ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  family_name    text,
  a_number       text CHECK (a_number ~ '^A[0-9]{8,9}$'),
  zip            text CHECK (zip ~ '^[0-9]{5}$')
);

-- Online Access Codes (CASE-4, CASE-5): mailed on an account acceptance notice, valid 90 days, single use. Only a
-- hash of the normalized code is kept.
CREATE TABLE online_access_codes (
  code_hash   text PRIMARY KEY,
  case_id     integer NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  issued_at   timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  used_by     uuid REFERENCES accounts (id),
  event_id    text
);
CREATE INDEX online_access_codes_case_idx ON online_access_codes (case_id);

-- Which accounts hold which cases, and how the case came into the account.
CREATE TABLE account_cases (
  account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  case_id       integer NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  relationship  text NOT NULL CHECK (relationship IN ('applicant', 'representative')),
  added_via     text NOT NULL CHECK (added_via IN ('online_filing', 'online_access_code', 'receipt_number')),
  added_at      timestamptz NOT NULL,
  PRIMARY KEY (account_id, case_id)
);
CREATE INDEX account_cases_case_idx ON account_cases (case_id);
