-- Clients of the agency-compatible case status API (OAuth client credentials) and their access tokens.
CREATE TABLE api_clients (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  secret_hash    text NOT NULL,
  created_at     timestamptz NOT NULL,
  disabled_at    timestamptz
);

CREATE TABLE api_access_tokens (
  token_hash     text PRIMARY KEY,
  client_id      text NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
  issued_at      timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL
);
CREATE INDEX api_access_tokens_expiry_idx ON api_access_tokens (expires_at);
