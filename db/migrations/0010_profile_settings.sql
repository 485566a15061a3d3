-- Profile and settings (issue 3 item 7, ACC-8), the representative profile (item 1) and the recovery email (ACC-5).

-- The person's legal name (given and family required once given, middle optional), a verified recovery email
-- (a second address that also receives password reset links), and how they want to be notified.
ALTER TABLE accounts
  ADD COLUMN given_name  text CHECK (char_length(given_name) BETWEEN 1 AND 100),
  ADD COLUMN middle_name text CHECK (char_length(middle_name) BETWEEN 1 AND 100),
  ADD COLUMN family_name text CHECK (char_length(family_name) BETWEEN 1 AND 100),
  -- Set only once the address is verified (by the link sent to it): both columns together, or neither.
  ADD COLUMN recovery_email text CHECK (recovery_email = lower(recovery_email)),
  ADD COLUMN recovery_email_verified_at timestamptz,
  ADD COLUMN notify_by_email boolean NOT NULL DEFAULT true,
  -- Texts go to the account's verified phone numbers (account_phones, 0009).
  ADD COLUMN notify_by_text boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT accounts_recovery_email_verified_check CHECK ((recovery_email IS NULL) = (recovery_email_verified_at IS NULL)),
  ADD CONSTRAINT accounts_notify_some_channel_check CHECK (notify_by_email OR notify_by_text);

-- Links that verify an address before it is used: a new primary email (change_email) and a recovery email
-- (add_recovery_email). `address` is the address the link was sent to, and the one it sets when used.
ALTER TABLE account_tokens ADD COLUMN address text CHECK (address = lower(address));
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
  CHECK (purpose IN ('verify_email', 'reset_password', 'change_email', 'add_recovery_email'));
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_address_required_check
  CHECK (purpose NOT IN ('change_email', 'add_recovery_email') OR address IS NOT NULL);

-- A representative's profile (issue 3 item 1; REP-3 matches paper G-28s against it): an attorney gives the bar
-- admission state and number; an accredited representative gives the recognized organization and the date the
-- accreditation expires. Both give the firm or organization, a business address in the United States and a
-- business phone (E.164).
CREATE TABLE representative_profiles (
  account_id               uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  role                     text NOT NULL CHECK (role IN ('attorney', 'accredited_representative')),
  bar_state                text CHECK (bar_state ~ '^[A-Z]{2}$'),
  bar_number               text CHECK (char_length(bar_number) BETWEEN 1 AND 30),
  recognized_organization  text CHECK (char_length(recognized_organization) BETWEEN 1 AND 200),
  accreditation_expires_on date,
  firm_name                text NOT NULL CHECK (char_length(firm_name) BETWEEN 1 AND 200),
  street1                  text NOT NULL CHECK (char_length(street1) BETWEEN 1 AND 200),
  street2                  text CHECK (char_length(street2) BETWEEN 1 AND 200),
  city                     text NOT NULL CHECK (char_length(city) BETWEEN 1 AND 100),
  state                    text NOT NULL CHECK (state ~ '^[A-Z]{2}$'),
  zip                      text NOT NULL CHECK (zip ~ '^[0-9]{5}(-[0-9]{4})?$'),
  phone_e164               text NOT NULL CHECK (phone_e164 ~ '^\+[1-9][0-9]{6,14}$'),
  created_at               timestamptz NOT NULL,
  updated_at               timestamptz NOT NULL,
  CONSTRAINT representative_profiles_role_fields_check CHECK (
    (role = 'attorney' AND bar_state IS NOT NULL AND bar_number IS NOT NULL
      AND recognized_organization IS NULL AND accreditation_expires_on IS NULL)
    OR (role = 'accredited_representative' AND recognized_organization IS NOT NULL AND accreditation_expires_on IS NOT NULL
      AND bar_state IS NULL AND bar_number IS NULL)
  )
);
