-- Staff accounts (issue 3 item 9): agency and contractor staff sign in like everyone else (password + two-step
-- verification) but hold roles; they are invited by an administrator (the first one by the CLI).
ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_kind_check CHECK (kind IN ('applicant', 'representative', 'staff'));
-- A staff member whose access was withdrawn keeps their history (audit) but can no longer use staff pages.
ALTER TABLE accounts ADD COLUMN disabled_at timestamptz;

CREATE TABLE staff_roles (
  account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  role        text NOT NULL CHECK (role IN ('tier1', 'tier2', 'tier3', 'help_desk', 'officer', 'quality_assurance', 'administrator')),
  granted_at  timestamptz NOT NULL,
  granted_by  uuid REFERENCES accounts (id),
  PRIMARY KEY (account_id, role)
);

-- Invitations: only the hash of the link's token is kept. The account is created when the invitation is accepted.
CREATE TABLE staff_invitations (
  token_hash   text PRIMARY KEY,
  email        text NOT NULL CHECK (email = lower(email)),
  display_name text NOT NULL,
  roles        text[] NOT NULL,
  invited_by   uuid REFERENCES accounts (id),
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  accepted_at  timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX staff_invitations_email_idx ON staff_invitations (email);

-- A name for staff, shown to colleagues and in audit views (applicants' names arrive with their profile).
CREATE TABLE staff_members (
  account_id   uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  display_name text NOT NULL
);
