-- Documents of a case beyond the notices the officer workspace renders (issue 4 item 2):
-- * notices issued by the agency's case management systems as `notice_issued` events are rendered to PDF by a job;
--   `event_id` ties such a document to its event, so a retried job or a repeated event never makes a second one;
-- * agency documents attached by officers (PDF, JPEG, PNG or TIFF), with a title, shown to the case's account
--   holder or kept internal.
ALTER TABLE case_documents DROP CONSTRAINT case_documents_kind_check;
ALTER TABLE case_documents ADD CONSTRAINT case_documents_kind_check CHECK (kind IN (
  'account_acceptance_notice', 'receipt_notice', 'biometrics_notice', 'rfe_notice', 'interview_notice', 'approval_notice', 'denial_notice',
  'agency_document'));
ALTER TABLE case_documents ADD COLUMN content_type text NOT NULL DEFAULT 'application/pdf'
  CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/tiff'));
ALTER TABLE case_documents ADD COLUMN title text CHECK (char_length(title) BETWEEN 1 AND 200);
ALTER TABLE case_documents ADD COLUMN file_name text CHECK (char_length(file_name) <= 120);
ALTER TABLE case_documents ADD COLUMN shared_with_holder boolean NOT NULL DEFAULT true;
ALTER TABLE case_documents ADD COLUMN created_by uuid REFERENCES accounts (id);
ALTER TABLE case_documents ADD COLUMN event_id text;
CREATE UNIQUE INDEX case_documents_event_idx ON case_documents (event_id);
ALTER TABLE case_documents ADD CONSTRAINT case_documents_agency_title_check CHECK (kind <> 'agency_document' OR (title IS NOT NULL AND file_name IS NOT NULL));
