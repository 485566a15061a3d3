-- The voice assistant (IVR, issue 16 point 1): the menu as versioned data, and every call with its path.

-- A version of the menu tree (voice-assistant/menu.ts validates it). The published menu is the highest version:
-- publishing adds a version; calls keep the version they started with.
CREATE TABLE voice_menu_versions (
  version       integer PRIMARY KEY CHECK (version > 0),
  tree          jsonb NOT NULL,
  published_at  timestamptz NOT NULL,
  -- The administrator who published it (null: the default tree seeded by the application).
  published_by  uuid,
  note          text NOT NULL DEFAULT ''
);

-- One row per call (CallSid of the provider). `state` is where the call is in the flow; `path` the node ids and
-- steps it went through; `inputs` what the caller pressed or said, receipt numbers masked (IOE******1234).
CREATE TABLE voice_calls (
  call_sid          text PRIMARY KEY,
  menu_version      integer NOT NULL REFERENCES voice_menu_versions (version),
  from_number       text NOT NULL DEFAULT '',
  language          text CHECK (language IN ('en', 'es')),
  state             jsonb NOT NULL DEFAULT '{}',
  path              jsonb NOT NULL DEFAULT '[]',
  inputs            jsonb NOT NULL DEFAULT '[]',
  -- self_served, queued, callback, abandoned, no_input
  outcome           text,
  live_queue        text,
  item_id           uuid,
  started_at        timestamptz NOT NULL,
  ended_at          timestamptz,
  provider_status   text,
  duration_seconds  integer
);
CREATE INDEX voice_calls_started ON voice_calls (started_at);

-- The provider's status callbacks, as received.
CREATE TABLE voice_call_statuses (
  id            bigserial PRIMARY KEY,
  call_sid      text NOT NULL,
  status        text NOT NULL,
  duration      integer,
  received_at   timestamptz NOT NULL
);
CREATE INDEX voice_call_statuses_call ON voice_call_statuses (call_sid);
