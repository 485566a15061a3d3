-- Biometrics appointments (issue 17 point 2; BIO-1 to BIO-4, CC-11). A case event asking for biometrics becomes a
-- request (one per event: replaying it changes nothing), scheduled at the Application Support Center nearest the
-- applicant in the first free slot at least `lead_days` away (administrators change it); its booking is the
-- appointments module's (appointment_bookings), followed here through reschedules. Every reschedule asked for (the
-- person online, an agent, a Tier 2 expedite) is kept with its state, including those a rule refused (BIO-4).
CREATE TABLE biometrics_settings (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),  -- one row
  lead_days   integer NOT NULL DEFAULT 14 CHECK (lead_days BETWEEN 0 AND 120),
  updated_at  timestamptz,
  updated_by  uuid
);
INSERT INTO biometrics_settings (id) VALUES (true);

CREATE TABLE biometrics_requests (
  id           uuid PRIMARY KEY,
  case_id      integer NOT NULL REFERENCES cases (id),
  event_id     text NOT NULL UNIQUE,                      -- the case event that asked (biometrics_required, ...)
  requested_at timestamptz NOT NULL,                      -- the event's occurredAt
  status       text NOT NULL CHECK (status IN ('waiting', 'scheduled', 'reused', 'no_zip', 'no_slot', 'joined')),
  booking_id   uuid REFERENCES appointment_bookings (id), -- the current booking (moved by each reschedule)
  zip          text,                                      -- the ZIP code the site was chosen by, and where it came from
  zip_source   text CHECK (zip_source IN ('case', 'address_change')),
  created_at   timestamptz NOT NULL,
  status_at    timestamptz NOT NULL,
  CHECK ((status = 'scheduled') = (booking_id IS NOT NULL))
);
CREATE INDEX biometrics_requests_case_idx ON biometrics_requests (case_id, created_at);
-- Those left without an appointment (no ZIP code, no free slot), asked again each day after new slots are made.
CREATE INDEX biometrics_requests_unscheduled_idx ON biometrics_requests (status_at) WHERE status IN ('no_zip', 'no_slot');

CREATE TABLE biometrics_reschedules (
  id             uuid PRIMARY KEY,
  request_id     uuid NOT NULL REFERENCES biometrics_requests (id),
  case_id        integer NOT NULL REFERENCES cases (id),
  channel        text NOT NULL CHECK (channel IN ('online', 'agent', 'expedite')),
  account_id     uuid,                                    -- online: the account that asked
  staff_id       uuid,                                    -- agent, expedite: the staff member
  item_number    bigint,                                  -- agent, expedite: the service item worked
  reason         text NOT NULL,                           -- a BIO-3 good cause (online, agent) or 'expedite'
  reason_text    text,                                    -- "other" (and every agent's note)
  state          text NOT NULL CHECK (state IN ('done', 'refused')),
  refusal        text,                                    -- the rule that refused
  from_booking   uuid REFERENCES appointment_bookings (id),
  to_booking     uuid REFERENCES appointment_bookings (id),
  created_at     timestamptz NOT NULL,
  CHECK ((state = 'refused') = (refusal IS NOT NULL)),
  CHECK ((state = 'done') = (to_booking IS NOT NULL))
);
CREATE INDEX biometrics_reschedules_case_idx ON biometrics_reschedules (case_id, created_at);
