-- Case events waiting for their case (issue 13 point 17; ADR 13, "Events of a case not known yet").
--
-- An event for a receipt number that is not a case yet, in a batch where no event of that receipt number gives the
-- form, cannot create the case. It waits here instead of being refused, with the status it will give (worked out
-- when it is stored, as for case_events), and is moved into case_events, and applied, in the transaction of the
-- batch that creates the case. An event waits CASEDESK_CASE_EVENTS_PENDING_DAYS from received_at; after that it is
-- dropped: never applied, listed as dropped by the pending report (GET /api/v1/case-events/pending) until the case
-- is created or as long again has passed, then deleted.
CREATE TABLE case_events_pending (
  event_id        text PRIMARY KEY CHECK (char_length(event_id) BETWEEN 1 AND 100),
  receipt_number  text NOT NULL CHECK (char_length(receipt_number) = 13),
  type            text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  status_key      text,
  status_params   jsonb NOT NULL DEFAULT '{}'::jsonb,
  client_id       text,
  received_at     timestamptz NOT NULL
);
CREATE INDEX case_events_pending_receipt_idx ON case_events_pending (receipt_number);
CREATE INDEX case_events_pending_received_idx ON case_events_pending (received_at);
CREATE INDEX case_events_pending_client_idx ON case_events_pending (client_id, event_id);
