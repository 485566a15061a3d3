-- Service items (CC-3): every inquiry gets a number and a timeline. This first version carries what the Technical
-- Help Desk needs (ACC-6, ACC-7); the Contact Center issue adds routing rules, SLA clocks and more channels.
CREATE SEQUENCE service_item_number_seq START WITH 30000001;

CREATE TABLE service_items (
  id             uuid PRIMARY KEY,
  number         bigint NOT NULL UNIQUE DEFAULT nextval('service_item_number_seq'),
  channel        text NOT NULL CHECK (channel IN ('technical_help_form', 'phone', 'chat', 'e_request', 'secure_message', 'appointment_request', 'voice_assistant')),
  type           text NOT NULL,
  queue          text NOT NULL,
  status         text NOT NULL CHECK (status IN ('open', 'in_progress', 'waiting_on_customer', 'escalated', 'resolved', 'closed')),
  account_id     uuid REFERENCES accounts (id) ON DELETE SET NULL,
  contact_name   text NOT NULL,
  contact_email  text NOT NULL,
  contact_phone  text,
  language       text NOT NULL CHECK (language IN ('en', 'es')),
  urgent         boolean NOT NULL DEFAULT false,
  subject        text NOT NULL,
  description    text NOT NULL,
  owner_id       uuid REFERENCES accounts (id),
  created_at     timestamptz NOT NULL,
  due_at         timestamptz NOT NULL,
  resolved_at    timestamptz,
  resolution     text
);
CREATE INDEX service_items_queue_idx ON service_items (queue, status, created_at);
CREATE INDEX service_items_account_idx ON service_items (account_id);

-- The timeline: everything that happened to an item, by whom. Customer-visible entries are marked.
CREATE TABLE service_item_events (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id          uuid NOT NULL REFERENCES service_items (id) ON DELETE CASCADE,
  kind             text NOT NULL,
  actor_id         uuid REFERENCES accounts (id),
  occurred_at      timestamptz NOT NULL,
  body             text,
  customer_visible boolean NOT NULL DEFAULT false,
  details          jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX service_item_events_item_idx ON service_item_events (item_id, occurred_at);

-- Verified account recovery (issue 3 item 4): for a person who lost every factor and every backup code. The help
-- desk verifies the person's identity, a waiting period starts with notices to the account's email and phones (any
-- of which cancels it), then a single-use link lets the person set a new password and new two-step verification.
CREATE TABLE account_recoveries (
  id               uuid PRIMARY KEY,
  account_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  started_by       uuid NOT NULL REFERENCES accounts (id),
  identity_checks  text NOT NULL,
  deliver_to       text NOT NULL,
  service_item_id  uuid REFERENCES service_items (id),
  created_at       timestamptz NOT NULL,
  ready_at         timestamptz NOT NULL,
  cancel_token_hash text NOT NULL UNIQUE,
  cancelled_at     timestamptz,
  cancelled_by     text,
  -- The recovery link sent when the waiting period is over (hash only), valid 24 hours, single use.
  link_token_hash  text UNIQUE,
  link_sent_at     timestamptz,
  link_expires_at  timestamptz,
  completed_at     timestamptz
);
CREATE INDEX account_recoveries_account_idx ON account_recoveries (account_id);
-- One recovery at a time per account.
CREATE UNIQUE INDEX account_recoveries_open_idx ON account_recoveries (account_id) WHERE cancelled_at IS NULL AND completed_at IS NULL;
