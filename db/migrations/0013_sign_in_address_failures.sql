-- Sign-in throttling per network address (issue 3 item 5): failed sign-ins from an address, whatever the email
-- (known or not), so one address cannot try passwords across many accounts. Rows older than a day are removed.
CREATE TABLE sign_in_address_failures (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ip          text NOT NULL,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX sign_in_address_failures_ip_idx ON sign_in_address_failures (ip, occurred_at);
CREATE INDEX sign_in_address_failures_time_idx ON sign_in_address_failures (occurred_at);
