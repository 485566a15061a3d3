-- Contact Center core (issue 5; CC-1..CC-16): queues and routing rules as data, service items linked to cases with
-- priorities, SLA clocks that pause (each pause kept), follow-up service requests to owning offices, and claims.

-- Queues: the tiers, the Technical Help Desk, and one queue per owning office (CC-7). Only Tier 3 queues may hold
-- Section 1367 items (CC-6).
CREATE TABLE service_queues (
  code          text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+(:[A-Z0-9-]+)?$'),
  kind          text NOT NULL CHECK (kind IN ('tier1', 'tier2', 'tier3', 'help_desk', 'office')),
  office_code   text,
  name_en       text NOT NULL,
  name_es       text NOT NULL,
  holds_1367    boolean NOT NULL DEFAULT false,
  CHECK ((kind = 'office') = (office_code IS NOT NULL))
);
INSERT INTO service_queues (code, kind, office_code, name_en, name_es, holds_1367) VALUES
  ('tier1', 'tier1', NULL, 'Tier 1', 'Nivel 1', false),
  ('tier2', 'tier2', NULL, 'Tier 2', 'Nivel 2', false),
  ('tier3', 'tier3', NULL, 'Tier 3 (Section 1367 and complex inquiries)', 'Nivel 3 (Sección 1367 y consultas complejas)', true),
  ('help_desk', 'help_desk', NULL, 'Technical Help Desk', 'Mesa de Ayuda Técnica', false),
  ('office:VSC', 'office', 'VSC', 'Vermont Service Center', 'Centro de Servicio de Vermont', false),
  ('office:NSC', 'office', 'NSC', 'Nebraska Service Center', 'Centro de Servicio de Nebraska', false),
  ('office:TSC', 'office', 'TSC', 'Texas Service Center', 'Centro de Servicio de Texas', false),
  ('office:CSC', 'office', 'CSC', 'California Service Center', 'Centro de Servicio de California', false),
  ('office:PSC', 'office', 'PSC', 'Potomac Service Center', 'Centro de Servicio de Potomac', false),
  ('office:NBC', 'office', 'NBC', 'National Benefits Center', 'Centro Nacional de Beneficios', false),
  ('office:ELIS', 'office', 'ELIS', 'Electronic Immigration System', 'Sistema Electrónico de Inmigración', false),
  ('office:FO-NYC', 'office', 'FO-NYC', 'New York City Field Office', 'Oficina Local de Nueva York', false),
  ('office:FO-LOS', 'office', 'FO-LOS', 'Los Angeles Field Office', 'Oficina Local de Los Ángeles', false),
  ('office:FO-MIA', 'office', 'FO-MIA', 'Miami Field Office', 'Oficina Local de Miami', false),
  ('office:FO-HOU', 'office', 'FO-HOU', 'Houston Field Office', 'Oficina Local de Houston', false),
  ('office:FO-CHI', 'office', 'FO-CHI', 'Chicago Field Office', 'Oficina Local de Chicago', false);

-- Routing rules, first match by position (CC-6, CC-7, CC-8, CC-12). A null criterion matches anything. The target is
-- a queue kind; 'office' means the queue of the office that owns the linked case.
CREATE TABLE routing_rules (
  position      integer PRIMARY KEY,
  section_1367  boolean,
  channel       text,
  type          text,
  urgent        boolean,
  target        text NOT NULL CHECK (target IN ('tier1', 'tier2', 'tier3', 'help_desk', 'office')),
  sla_policy    text CHECK (sla_policy IN ('urgent', 'non_urgent', 'office_service_request')),
  note          text NOT NULL
);
INSERT INTO routing_rules (position, section_1367, channel, type, urgent, target, sla_policy, note) VALUES
  (10, true, NULL, NULL, NULL, 'tier3', NULL, 'CC-6: Section 1367 (VAWA, T, U) items go to Tier 3 only'),
  (20, NULL, 'technical_help_form', NULL, NULL, 'help_desk', NULL, 'ACC-7: technical problems go to the Technical Help Desk'),
  (30, NULL, NULL, 'technical_problem', NULL, 'help_desk', NULL, 'ACC-7: technical problems go to the Technical Help Desk'),
  (40, NULL, NULL, 'expedite_request', NULL, 'office', 'office_service_request', 'CC-8: the owning office decides expedite requests'),
  (50, NULL, NULL, 'interview_reschedule', NULL, 'office', 'office_service_request', 'CC-12: interview reschedules go to the field office'),
  (60, NULL, NULL, 'oath_reschedule', NULL, 'office', 'office_service_request', 'CC-12: oath reschedules go to the field office'),
  (70, NULL, NULL, 'appointment_request', true, 'tier2', 'urgent', 'CC-8: urgent appointment needs go to Tier 2'),
  (80, NULL, 'appointment_request', NULL, true, 'tier2', 'urgent', 'CC-8: urgent appointment needs go to Tier 2'),
  (90, NULL, NULL, NULL, true, 'tier1', 'urgent', 'CC-5: urgent inquiries, 24-72 hours'),
  (100, NULL, NULL, NULL, NULL, 'tier1', 'non_urgent', 'CC-5: everything else, 30 business days');

ALTER TABLE service_items
  ADD COLUMN case_id integer REFERENCES cases (id),
  ADD COLUMN receipt_number text,
  ADD COLUMN section_1367 boolean NOT NULL DEFAULT false,
  -- 1 urgent, 2 other: agents take the next item by priority, then the oldest (CC-5).
  ADD COLUMN priority smallint NOT NULL DEFAULT 2 CHECK (priority IN (1, 2)),
  ADD COLUMN office_code text,
  -- The SLA clock (service-items/sla.ts); null for the help desk's own targets (ACC-6).
  ADD COLUMN sla_policy text CHECK (sla_policy IN ('urgent', 'non_urgent', 'office_service_request')),
  ADD COLUMN sla_started_at timestamptz,
  ADD COLUMN sla_paused_at timestamptz,
  ADD COLUMN breached_at timestamptz,
  ADD COLUMN escalated_at timestamptz,
  ADD COLUMN first_response_at timestamptz,
  ADD COLUMN claimed_at timestamptz,
  -- Follow-up service requests to the owning office (CC-7): the primary request's secondary, then tertiary.
  ADD COLUMN follow_up_level text NOT NULL DEFAULT 'primary' CHECK (follow_up_level IN ('primary', 'secondary', 'tertiary')),
  ADD COLUMN parent_item_id uuid REFERENCES service_items (id),
  -- What the customer told us (e-Request fields), by field name.
  ADD COLUMN details jsonb NOT NULL DEFAULT '{}'::jsonb;

-- The next item to claim: open or escalated, nobody's, by queue, priority and age.
CREATE INDEX service_items_claim_idx ON service_items (queue, priority, created_at) WHERE status IN ('open', 'escalated') AND owner_id IS NULL;
-- Clocks to watch for breaches and follow-ups.
CREATE INDEX service_items_due_idx ON service_items (due_at) WHERE status NOT IN ('resolved', 'closed') AND breached_at IS NULL;
CREATE INDEX service_items_case_idx ON service_items (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX service_items_owner_idx ON service_items (owner_id, status) WHERE owner_id IS NOT NULL;
CREATE INDEX service_items_email_idx ON service_items (lower(contact_email));

-- Each pause of an item's SLA clock, with who paused it and why (waiting on the customer), and when it resumed.
CREATE TABLE service_item_sla_pauses (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id      uuid NOT NULL REFERENCES service_items (id) ON DELETE CASCADE,
  paused_at    timestamptz NOT NULL,
  paused_by    uuid REFERENCES accounts (id),
  reason       text NOT NULL,
  resumed_at   timestamptz,
  resumed_by   uuid REFERENCES accounts (id)
);
CREATE INDEX service_item_sla_pauses_item_idx ON service_item_sla_pauses (item_id, paused_at);
CREATE UNIQUE INDEX service_item_sla_pauses_open_idx ON service_item_sla_pauses (item_id) WHERE resumed_at IS NULL;

-- CC-10 / PT-2: the receipt date for a case inquiry per form and office, until processing times exist: a case
-- received before it is outside normal processing time. Administrators edit it.
CREATE TABLE inquiry_dates (
  form_code     text NOT NULL,
  office_code   text NOT NULL,
  inquiry_date  date NOT NULL,
  updated_at    timestamptz NOT NULL,
  updated_by    uuid REFERENCES accounts (id),
  PRIMARY KEY (form_code, office_code)
);

-- CC-2: before any case detail is shared by phone or chat, the caller answers verification questions; each attempt
-- is kept with the questions asked, which were answered correctly, and the outcome.
CREATE TABLE caller_verifications (
  id           uuid PRIMARY KEY,
  seq          bigint GENERATED ALWAYS AS IDENTITY,
  item_id      uuid NOT NULL REFERENCES service_items (id) ON DELETE CASCADE,
  agent_id     uuid NOT NULL REFERENCES accounts (id),
  case_id      integer REFERENCES cases (id),
  caller_role  text NOT NULL CHECK (caller_role IN ('applicant', 'representative', 'interpreter_with_applicant')),
  questions    jsonb NOT NULL,
  outcome      text NOT NULL CHECK (outcome IN ('verified', 'failed')),
  created_at   timestamptz NOT NULL
);
CREATE INDEX caller_verifications_item_idx ON caller_verifications (item_id, seq DESC);
