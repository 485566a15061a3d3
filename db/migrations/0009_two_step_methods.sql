-- Two-step verification methods beyond the authenticator app (ACC-3): phone numbers with text-message codes,
-- email codes, passkeys (WebAuthn), the one-time codes they send, and re-authentication before sensitive changes.

-- The time of the session's last full authentication (password and second factor): set at sign-in and at
-- re-authentication; changes to email, phone, password or verification methods need it within 15 minutes.
ALTER TABLE account_sessions ADD COLUMN authenticated_at timestamptz;
-- Re-authentication is two steps: when the password was given again (the second factor must follow soon).
ALTER TABLE account_sessions ADD COLUMN reauth_password_at timestamptz;

-- Phone numbers in E.164 form. A verified number (verified_at set) receives text-message codes, and may be used
-- for text notifications (profile and settings read this table).
CREATE TABLE account_phones (
  id           uuid PRIMARY KEY,
  account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  e164         text NOT NULL CHECK (e164 ~ '^\+[1-9][0-9]{6,14}$'),
  label        text CHECK (char_length(label) <= 60),
  verified_at  timestamptz,
  created_at   timestamptz NOT NULL,
  CONSTRAINT account_phones_account_e164_key UNIQUE (account_id, e164)
);
CREATE INDEX account_phones_account_idx ON account_phones (account_id);

-- Email codes chosen as a verification method (codes go to the account's own, already verified, email).
CREATE TABLE account_email_otp (
  account_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  enabled_at  timestamptz NOT NULL
);

-- The account's one live one-time code (text message or email): a new code replaces the old one. Only a hash
-- is stored. purpose 'authenticate' proves a method the account already has; 'verify_phone' and 'verify_email'
-- confirm a method being added (phone_id names the number being verified).
CREATE TABLE account_one_time_codes (
  account_id   uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  purpose      text NOT NULL CHECK (purpose IN ('authenticate', 'verify_phone', 'verify_email')),
  channel      text NOT NULL CHECK (channel IN ('sms', 'email')),
  phone_id     uuid REFERENCES account_phones (id) ON DELETE CASCADE,
  code_hash    text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz,
  CHECK ((channel = 'sms') = (phone_id IS NOT NULL))
);

-- Passkeys (WebAuthn credentials). credential_id and public_key are base64url text (portable across drivers).
CREATE TABLE account_passkeys (
  id             uuid PRIMARY KEY,
  account_id     uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  credential_id  text NOT NULL,
  public_key     text NOT NULL,
  counter        bigint NOT NULL DEFAULT 0,
  transports     text[] NOT NULL DEFAULT '{}',
  name           text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
  created_at     timestamptz NOT NULL,
  last_used_at   timestamptz,
  CONSTRAINT account_passkeys_credential_id_key UNIQUE (credential_id)
);
CREATE INDEX account_passkeys_account_idx ON account_passkeys (account_id);

-- WebAuthn challenges, one per session and ceremony, single use, 5 minutes. They go with their session.
CREATE TABLE account_webauthn_challenges (
  session_id_hash  text NOT NULL REFERENCES account_sessions (id_hash) ON DELETE CASCADE,
  ceremony         text NOT NULL CHECK (ceremony IN ('register', 'authenticate')),
  challenge        text NOT NULL,
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (session_id_hash, ceremony)
);
