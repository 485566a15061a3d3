-- Text Ahead (issue 16 point 3; CB-5, CB-6). A customer agrees, per service item AND phone number, to get a text
-- before an agent calls back (on the agent console's item page, or in the voice assistant when accepting a
-- callback). Each text sent is an ask: it names the service item, waits one hour for Y, N or Q, and a reply is tied
-- to exactly one ask (the item number in the reply, else the latest open ask of the number). The callback an ask
-- belongs to lives in the callbacks module (migration 0040); its id is kept as text, without a foreign key, so
-- this table does not depend on that module's storage.
CREATE TABLE text_ahead_consents (
  id            uuid PRIMARY KEY,
  item_id       uuid NOT NULL REFERENCES service_items (id) ON DELETE CASCADE,
  phone         text NOT NULL,                      -- E.164
  language      text NOT NULL CHECK (language IN ('en', 'es')),
  channel       text NOT NULL CHECK (channel IN ('agent', 'voice_assistant')),
  given_by      uuid,                               -- the staff account that recorded it (agent channel)
  given_at      timestamptz NOT NULL,
  withdrawn_at  timestamptz,
  withdrawn_by  uuid
);
-- One standing consent per item and number.
CREATE UNIQUE INDEX text_ahead_consents_active_idx ON text_ahead_consents (item_id, phone) WHERE withdrawn_at IS NULL;

CREATE TABLE text_ahead_asks (
  id            uuid PRIMARY KEY,
  seq           bigint GENERATED ALWAYS AS IDENTITY, -- the order asks were sent in (several in one instant)
  callback_id   text NOT NULL,
  item_id       uuid NOT NULL REFERENCES service_items (id) ON DELETE CASCADE,
  item_number   bigint NOT NULL,
  phone         text NOT NULL,                      -- E.164
  language      text NOT NULL CHECK (language IN ('en', 'es')),
  message_id    uuid,                               -- the text (notification_messages)
  sent_at       timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,               -- sent_at + 1 hour (CB-6)
  answered_at   timestamptz,
  answer        text CHECK (answer IN ('Y', 'N', 'Q')),
  expired_at    timestamptz,                        -- no reply in time: counted as an attempt (CB-6)
  CHECK ((answer IS NULL) = (answered_at IS NULL)),
  CHECK (answered_at IS NULL OR expired_at IS NULL)
);
CREATE INDEX text_ahead_asks_open_idx ON text_ahead_asks (phone, seq) WHERE answered_at IS NULL AND expired_at IS NULL;
CREATE INDEX text_ahead_asks_phone_sent_idx ON text_ahead_asks (phone, sent_at);
CREATE INDEX text_ahead_asks_callback_idx ON text_ahead_asks (callback_id);
CREATE INDEX text_ahead_asks_item_idx ON text_ahead_asks (item_id);
