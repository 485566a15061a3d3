-- Online accounts (ACC-1..ACC-4): applicants and representatives, email verification, passwords, two-step
-- verification, backup codes, server-side sessions and security events.
CREATE TABLE accounts (
  id                    uuid PRIMARY KEY,
  kind                  text NOT NULL CHECK (kind IN ('applicant', 'representative')),
  email                 text NOT NULL CHECK (email = lower(email)),
  email_verified_at     timestamptz,
  password_hash         text,
  online_account_number text NOT NULL CHECK (online_account_number ~ '^[0-9]{12}$'),
  language              text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es')),
  created_at            timestamptz NOT NULL,
  activated_at          timestamptz,
  CONSTRAINT accounts_email_key UNIQUE (email),
  CONSTRAINT accounts_online_account_number_key UNIQUE (online_account_number)
);

-- Single-use tokens sent by link (email verification, password reset): only their hash is stored.
CREATE TABLE account_tokens (
  token_hash  text PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  purpose     text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX account_tokens_account_idx ON account_tokens (account_id, purpose);

-- Authenticator app (TOTP). last_step blocks replaying a code within its window.
CREATE TABLE account_totp (
  account_id    uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  secret        text NOT NULL,
  confirmed_at  timestamptz,
  last_step     bigint
);

-- Backup codes (ACC-4): hashes of single-use codes; a new set replaces the old one.
CREATE TABLE account_backup_codes (
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  code_hash   text NOT NULL,
  used_at     timestamptz,
  PRIMARY KEY (account_id, code_hash)
);

-- Server-side sessions, shared by every web process. The cookie holds a random id; only its hash is stored.
CREATE TABLE account_sessions (
  id_hash       text PRIMARY KEY,
  account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- 'password': first factor done, second factor pending; 'setup': signing up; 'full': signed in.
  stage         text NOT NULL CHECK (stage IN ('setup', 'password', 'full')),
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  user_agent    text,
  ip            text
);
CREATE INDEX account_sessions_account_idx ON account_sessions (account_id);

-- What happened to an account's security, for the person, the Technical Help Desk and throttling.
CREATE TABLE account_security_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kind        text NOT NULL,
  occurred_at timestamptz NOT NULL,
  ip          text,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX account_security_events_account_idx ON account_security_events (account_id, occurred_at DESC);
CREATE INDEX account_security_events_kind_idx ON account_security_events (account_id, kind, occurred_at DESC);
