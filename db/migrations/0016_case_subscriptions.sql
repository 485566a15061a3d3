-- Case status notifications without an account (CASE-8, issue 4 item 7): a receipt number followed by an email
-- address or a phone number, confirmed by the address's owner, ended by the unsubscribe link or STOP.
CREATE TABLE case_subscriptions (
  id                  uuid PRIMARY KEY,
  receipt_number      text NOT NULL CHECK (receipt_number ~ '^[A-Z]{3}[0-9]{10}$'),
  channel             text NOT NULL CHECK (channel IN ('email', 'sms')),
  address             text NOT NULL,
  language            text NOT NULL CHECK (language IN ('en', 'es')),
  created_at          timestamptz NOT NULL,
  confirm_token_hash  text UNIQUE,
  confirm_expires_at  timestamptz,
  confirmed_at        timestamptz,
  -- In clear: it can only end this subscription, and every message carries it.
  unsubscribe_token   text NOT NULL UNIQUE,
  cancelled_at        timestamptz
);
CREATE UNIQUE INDEX case_subscriptions_active_idx ON case_subscriptions (receipt_number, channel, address) WHERE cancelled_at IS NULL;

-- Phone numbers that replied STOP: no text goes to them until they reply START (carrier rules).
CREATE TABLE sms_opt_outs (
  phone         text PRIMARY KEY,
  opted_out_at  timestamptz NOT NULL
);
