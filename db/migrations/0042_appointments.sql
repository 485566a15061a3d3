-- Appointment places and capacity as data (issue 17 point 1; APPT-*, BIO-*, CC-8, CC-11). Sites are Application
-- Support Centers (biometrics) and field offices, each in its own IANA time zone, offering some services. Weekly
-- slot templates say when a site sees people and how many at once; closures (one site or every site) come on top of
-- the federal holidays of the business calendar (service-items/sla.ts, computed, not stored). Slots are materialised
-- per day from the templates for the next N days; a booking takes one seat of a slot. Capacity is never oversold:
-- a booking is one conditional UPDATE (`booked < capacity`) with its booking row in the same statement, and the
-- CHECK below makes the database itself refuse a slot booked beyond its capacity.
CREATE TABLE appointment_sites (
  code           text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,19}$'),
  kind           text NOT NULL CHECK (kind IN ('asc', 'field_office')),
  name_en        text NOT NULL,
  name_es        text NOT NULL,
  address_line1  text NOT NULL,
  address_line2  text,
  city           text NOT NULL,
  state          text NOT NULL,
  zip            text NOT NULL CHECK (zip ~ '^[0-9]{5}$'),
  latitude       double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude      double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  time_zone      text NOT NULL,
  services       text[] NOT NULL,                       -- biometrics, interview, adit_stamp, ...
  active         boolean NOT NULL DEFAULT true,
  updated_at     timestamptz NOT NULL
);

CREATE TABLE appointment_slot_templates (
  id                uuid PRIMARY KEY,
  site_code         text NOT NULL REFERENCES appointment_sites (code) ON DELETE CASCADE,
  weekday           smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),   -- ISO: 1 Monday ... 7 Sunday
  start_time        text NOT NULL CHECK (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'), -- site's local time
  duration_minutes  integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
  capacity          integer NOT NULL CHECK (capacity BETWEEN 1 AND 500),
  UNIQUE (site_code, weekday, start_time)
);

CREATE TABLE appointment_closures (
  id         uuid PRIMARY KEY,
  site_code  text REFERENCES appointment_sites (code) ON DELETE CASCADE, -- NULL: every site
  date       date NOT NULL,
  reason_en  text NOT NULL,
  reason_es  text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX appointment_closures_site_date_idx ON appointment_closures (coalesce(site_code, ''), date);

CREATE TABLE appointment_slots (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site_code   text NOT NULL REFERENCES appointment_sites (code) ON DELETE CASCADE,
  local_date  date NOT NULL,                            -- the site's calendar date
  local_time  text NOT NULL,                            -- the site's clock, 'HH:mm'
  starts_at   timestamptz NOT NULL,
  ends_at     timestamptz NOT NULL,
  capacity    integer NOT NULL CHECK (capacity >= 0),
  booked      integer NOT NULL DEFAULT 0,
  CHECK (booked >= 0 AND booked <= capacity),
  UNIQUE (site_code, starts_at)
);
CREATE INDEX appointment_slots_free_idx ON appointment_slots (site_code, starts_at) WHERE booked < capacity;
CREATE INDEX appointment_slots_date_idx ON appointment_slots (local_date);

CREATE TABLE appointment_bookings (
  id               uuid PRIMARY KEY,
  slot_id          bigint NOT NULL REFERENCES appointment_slots (id),
  purpose          text NOT NULL CHECK (purpose IN ('biometrics', 'field_office')),
  service          text NOT NULL,
  case_id          integer REFERENCES cases (id),
  service_item_id  uuid REFERENCES service_items (id),
  status           text NOT NULL CHECK (status IN ('booked', 'cancelled', 'rescheduled')),
  rescheduled_to   uuid REFERENCES appointment_bookings (id),
  created_at       timestamptz NOT NULL,
  status_at        timestamptz NOT NULL,
  CHECK (case_id IS NOT NULL OR service_item_id IS NOT NULL),
  CHECK ((status = 'rescheduled') = (rescheduled_to IS NOT NULL))
);
CREATE INDEX appointment_bookings_slot_idx ON appointment_bookings (slot_id) WHERE status = 'booked';
CREATE INDEX appointment_bookings_case_idx ON appointment_bookings (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX appointment_bookings_item_idx ON appointment_bookings (service_item_id) WHERE service_item_id IS NOT NULL;
