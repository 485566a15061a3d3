-- Online appointment requests (issue 17 point 3; APPT-1 to APPT-4, CC-8). A request is a service item (the reference
-- number is the item's number) routed to Tier 2 as urgent; this table keeps what the form asked (APPT-2) and what
-- became of it: answered without an appointment, booked at a field office slot (the booking is the appointments
-- module's), or cancelled by the person. Reminders are jobs; `reminded_at` makes a reminder go once.
CREATE TABLE appointment_requests (
  id                uuid PRIMARY KEY,
  service_item_id   uuid NOT NULL UNIQUE REFERENCES service_items (id),
  item_number       bigint NOT NULL UNIQUE,
  reason            text NOT NULL CHECK (reason IN ('adit_stamp', 'emergency_advance_parole', 'immigration_judge_grant')),
  first_name        text NOT NULL,
  middle_name       text,
  last_name         text NOT NULL,
  date_of_birth     date NOT NULL,
  zip               text NOT NULL CHECK (zip ~ '^[0-9]{5}([0-9]{4})?$'),
  country_of_birth  text NOT NULL,
  email             text NOT NULL,
  phone             text NOT NULL,
  a_number          text CHECK (a_number ~ '^A[0-9]{9}$'),
  receipt_number    text CHECK (receipt_number ~ '^[A-Z]{3}[0-9]{10}$'),
  weekdays          smallint[] NOT NULL DEFAULT '{}',           -- ISO 1..5 preferred; empty: no preference
  time_of_day       text NOT NULL CHECK (time_of_day IN ('morning', 'afternoon', 'any')),
  language          text NOT NULL CHECK (language IN ('en', 'es')),
  text_reminder     boolean NOT NULL DEFAULT false,
  status            text NOT NULL CHECK (status IN ('requested', 'answered', 'booked', 'cancelled')),
  booking_id        uuid REFERENCES appointment_bookings (id),
  decided_at        timestamptz,
  booked_at         timestamptz,
  appointment_at    timestamptz,                               -- the booked slot's start (CC-8: within two weeks?)
  cancelled_at      timestamptz,
  reminded_at       timestamptz,
  created_at        timestamptz NOT NULL,
  CHECK (a_number IS NOT NULL OR receipt_number IS NOT NULL),
  CHECK ((status IN ('booked', 'cancelled')) = (booking_id IS NOT NULL)),
  CHECK ((booking_id IS NULL) = (appointment_at IS NULL))
);
CREATE INDEX appointment_requests_booked_idx ON appointment_requests (booked_at) WHERE booked_at IS NOT NULL;

-- "View your appointment" (APPT-4): the failed tries of each reference number, whatever the address they came from.
-- After a few within a period the reference is locked until the period ends, answered exactly as a wrong match; a
-- reference nobody has is counted the same way, so a lock tells nothing about which references exist.
CREATE TABLE appointment_view_tries (
  reference   bigint PRIMARY KEY,
  failures    integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  since       timestamptz NOT NULL                            -- when the period of these failures started
);
CREATE INDEX appointment_view_tries_since_idx ON appointment_view_tries (since);
