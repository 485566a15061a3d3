-- Callbacks (issue 16 point 2; CB-1 to CB-4, ACC-7). A callback belongs to a service item; it waits in its tier's
-- national first-in-first-out line (requested_at, then id), and is offered to agents only inside its calling window,
-- counted in the customer's own time zone (the case's filing location or owning office; the agency's without a case):
-- next_attempt_at is the first moment it may be placed, window_end_at the close of that window (both worked out by
-- the service, which moves a callback whose window closed to the next window opening). rank 0 puts a callback the
-- customer confirmed by Text Ahead (CB-6 "Y") before the others of its tier.
CREATE TABLE callbacks (
  id                uuid PRIMARY KEY,
  item_id           uuid NOT NULL REFERENCES service_items (id),
  tier              text NOT NULL CHECK (tier IN ('tier1', 'tier2', 'tier3')),
  phones            text[] NOT NULL CHECK (cardinality(phones) BETWEEN 1 AND 5),
  language          text NOT NULL CHECK (language IN ('en', 'es')),
  time_zone         text NOT NULL,
  source            text NOT NULL CHECK (source IN ('voice_assistant', 'agent', 'help_desk', 'chat')),
  requested_by      uuid REFERENCES accounts (id),
  requested_at      timestamptz NOT NULL,
  -- waiting_text: a Text Ahead ask waits for its reply (one hour at most) and the callback is not offered.
  status            text NOT NULL CHECK (status IN ('waiting_text', 'pending', 'claimed', 'answered', 'unreached', 'quit', 'cancelled')),
  rank              smallint NOT NULL DEFAULT 1,
  attempts          smallint NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 2),
  not_before        timestamptz NOT NULL,
  next_attempt_at   timestamptz NOT NULL,
  window_end_at     timestamptz NOT NULL,
  claimed_by        uuid REFERENCES accounts (id),
  claimed_at        timestamptz,
  text_ahead        boolean NOT NULL DEFAULT false,
  text_ahead_state  text CHECK (text_ahead_state IN ('asked', 'confirmed', 'declined', 'quit', 'no_reply')),
  text_ahead_until  timestamptz,
  closed_at         timestamptz,
  CHECK (window_end_at > next_attempt_at)
);
-- The line: pending callbacks of a tier in line order (a callback's place, CallbackPlace.position).
CREATE INDEX callbacks_line_idx ON callbacks (tier, rank, requested_at, id) WHERE status = 'pending';
-- The next due: the line cut into groups that share a calling window (tier, zone, first or last attempt); the
-- service asks only the groups whose window is open now, each group's head in one index descent, and takes the
-- first head in line order (see docs/architecture.md "Callbacks").
CREATE INDEX callbacks_group_idx ON callbacks (tier, time_zone, attempts, rank, requested_at, id) WHERE status = 'pending';
-- Windows that closed before the callback was placed (moved to the next opening).
CREATE INDEX callbacks_window_end_idx ON callbacks (window_end_at) WHERE status = 'pending';
-- Text Ahead asks waiting for their hour to pass.
CREATE INDEX callbacks_text_wait_idx ON callbacks (text_ahead_until) WHERE status = 'waiting_text';
CREATE INDEX callbacks_item_idx ON callbacks (item_id);
CREATE INDEX callbacks_closed_idx ON callbacks (closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE callback_attempts (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  callback_id   uuid NOT NULL REFERENCES callbacks (id),
  attempt       smallint NOT NULL,
  phone         text,
  outcome       text NOT NULL CHECK (outcome IN ('answered', 'voicemail', 'no_answer', 'busy', 'wrong_number', 'failed', 'declined_by_text', 'no_text_reply')),
  agent_id      uuid REFERENCES accounts (id),
  occurred_at   timestamptz NOT NULL,
  provider_call_id text
);
CREATE INDEX callback_attempts_callback_idx ON callback_attempts (callback_id, id);

-- Callback settings kept as data (one row): high-volume mode opens weekend calling windows (CB-1).
CREATE TABLE callback_settings (
  id                 smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  high_volume        boolean NOT NULL DEFAULT false,
  changed_by         uuid REFERENCES accounts (id),
  changed_at         timestamptz
);
INSERT INTO callback_settings (id, high_volume) VALUES (1, false);

-- The Honolulu field office (Pacific/Honolulu, no daylight saving time) and its queue, like the other field offices
-- of 0023 (src/modules/cases/offices.ts lists the offices with their time zones).
INSERT INTO service_queues (code, kind, office_code, name_en, name_es, holds_1367) VALUES
  ('office:FO-HNL', 'office', 'FO-HNL', 'Honolulu Field Office', 'Oficina Local de Honolulu', false);
