-- Case events from the agency's case management systems (issue 4 item 1). Every event is kept as received, under
-- the sender's stable id (a repeated id changes nothing). A case's status and history are derived from its
-- events in order of occurrence, so events arriving out of order give the same result as in order.

-- What an API client may do: the case status API (read) and/or sending case events (write).
ALTER TABLE api_clients ADD COLUMN scopes text[] NOT NULL DEFAULT '{case_status:read}';

-- Cases created by events (rather than demo or migrated data) take their form, office and received date from their
-- events too, recomputed whenever an event arrives, so the order of arrival does not matter.
ALTER TABLE cases ADD COLUMN from_events boolean NOT NULL DEFAULT false;

CREATE TABLE case_events (
  event_id        text PRIMARY KEY CHECK (event_id ~ '^[A-Za-z0-9._:-]{1,100}$'),
  receipt_number  text NOT NULL CHECK (receipt_number ~ '^[A-Z]{3}[0-9]{10}$'),
  type            text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  client_id       text REFERENCES api_clients (id),
  received_at     timestamptz NOT NULL
);
CREATE INDEX case_events_receipt_idx ON case_events (receipt_number, occurred_at);

-- The history rows an event produced (one at most per event), with the values of the status text's placeholders.
-- Rows of demo or migrated data have no event.
ALTER TABLE case_status_history
  ADD COLUMN event_id text,
  ADD COLUMN params jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE UNIQUE INDEX case_status_history_event_idx ON case_status_history (event_id);
