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

-- For the receipt numbers a batch makes into cases, in one round trip: the shared lock of new receipt numbers (a
-- batch storing events to wait holds it exclusively; src/modules/case-events/repository.ts), then, seeing every
-- event stored to wait before the lock was granted (a volatile function's statements each take a new snapshot), the
-- move of their waiting events (received after `since`) into the event log. Every pending row of these receipt
-- numbers is deleted; each is answered with whether it went into the log.
CREATE FUNCTION case_events_take_pending(receipts text[], since timestamptz)
RETURNS TABLE (event_id text, receipt_number text, type text, occurred_at timestamptz, payload jsonb, applied boolean)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtextextended('casedesk.case_events.new_receipts', 0));
  RETURN QUERY
    WITH moved AS (
      DELETE FROM case_events_pending p WHERE p.receipt_number = any(receipts)
      RETURNING p.event_id, p.receipt_number, p.type, p.occurred_at, p.payload, p.status_key, p.status_params, p.client_id, p.received_at
    ), logged AS (
      INSERT INTO case_events (event_id, receipt_number, type, occurred_at, payload, status_key, status_params, client_id, received_at)
      SELECT m.event_id, m.receipt_number, m.type, m.occurred_at, m.payload, m.status_key, m.status_params, m.client_id, m.received_at
      FROM moved m WHERE m.received_at > since
      ON CONFLICT (event_id) DO NOTHING
      RETURNING case_events.event_id
    )
    SELECT m.event_id, m.receipt_number, m.type, m.occurred_at, m.payload, (l.event_id IS NOT NULL)
    FROM moved m LEFT JOIN logged l ON l.event_id = m.event_id;
END
$$;
