-- Notices as documents of a case (CASE-9: notices as PDF), and the print-and-mail batches that letters go out in
-- (issue 4 item 5: a new account acceptance notice with a new Online Access Code is mailed within 30 days).

-- I-134 / I-134A beneficiaries get their Online Access Code by email, at the address the supporter gave (CASE-5).
ALTER TABLE case_applicants ADD COLUMN email text CHECK (email = lower(email));

CREATE TABLE case_documents (
  id           uuid PRIMARY KEY,
  case_id      integer NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('account_acceptance_notice')),
  language     text NOT NULL CHECK (language IN ('en', 'es')),
  storage_key  text NOT NULL,
  byte_size    integer NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX case_documents_case_idx ON case_documents (case_id, created_at DESC);

CREATE TABLE mail_batches (
  id          uuid PRIMARY KEY,
  closed_at   timestamptz NOT NULL,
  item_count  integer NOT NULL
);

-- A letter waiting for the next batch (batch_id null), then in a batch handed to the print shop.
CREATE TABLE mail_items (
  id           uuid PRIMARY KEY,
  document_id  uuid NOT NULL REFERENCES case_documents (id),
  case_id      integer NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL,
  expected_by  timestamptz NOT NULL,
  batch_id     uuid REFERENCES mail_batches (id)
);
CREATE INDEX mail_items_open_idx ON mail_items (created_at) WHERE batch_id IS NULL;
