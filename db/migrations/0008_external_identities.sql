-- Sign-in through an external OpenID Connect provider configured like Login.gov (docs/adr/0008-external-sign-in.md).

-- A provider's account (issuer + subject) linked to a Casedesk account. The subject is the stable identifier;
-- the provider's email may change later without breaking the link. An account may have several identities.
CREATE TABLE account_external_identities (
  issuer        text NOT NULL,
  subject       text NOT NULL,
  account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL,
  last_used_at  timestamptz NOT NULL,
  PRIMARY KEY (issuer, subject)
);
CREATE INDEX account_external_identities_account_idx ON account_external_identities (account_id);

-- A sign-in sent to the provider and not yet back: the browser holds a random id in an HttpOnly cookie, this
-- table its SHA-256 with the state, nonce and PKCE verifier of that one request. Single use (used_at), 10 minutes.
-- account_id is filled in once the sign-in succeeded, so that a replayed callback can be told to the account.
CREATE TABLE external_sign_in_requests (
  id_hash        text PRIMARY KEY,
  issuer         text NOT NULL,
  state          text NOT NULL,
  nonce          text NOT NULL,
  code_verifier  text NOT NULL,
  acr_values     text NOT NULL,
  language       text NOT NULL CHECK (language IN ('en', 'es')),
  created_at     timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  used_at        timestamptz,
  account_id     uuid REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX external_sign_in_requests_expires_idx ON external_sign_in_requests (expires_at);
