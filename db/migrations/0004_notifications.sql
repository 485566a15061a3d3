-- Outgoing email and text messages with their delivery status (queued, sending, sent, delivered, failed).
CREATE TABLE notification_messages (
  id                  uuid PRIMARY KEY,
  channel             text NOT NULL CHECK (channel IN ('email', 'sms')),
  recipient           text NOT NULL,
  template            text NOT NULL,
  language            text NOT NULL CHECK (language IN ('en', 'es')),
  subject             text,
  body                text NOT NULL,
  status              text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
  status_reason       text,
  attempts            integer NOT NULL DEFAULT 0,
  transport           text,
  provider_message_id text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  sent_at             timestamptz,
  delivered_at        timestamptz
);
CREATE INDEX notification_messages_created_idx ON notification_messages (created_at DESC);
CREATE UNIQUE INDEX notification_messages_provider_idx ON notification_messages (transport, provider_message_id)
  WHERE provider_message_id IS NOT NULL;

CREATE TABLE notification_status_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  message_id  uuid NOT NULL REFERENCES notification_messages (id) ON DELETE CASCADE,
  status      text NOT NULL,
  reason      text,
  occurred_at timestamptz NOT NULL
);
CREATE INDEX notification_status_events_message_idx ON notification_status_events (message_id, id);
