-- More notices as documents of a case (issue 4 item 2): receipt, biometrics appointment, request for evidence,
-- interview, approval and denial notices, issued from the officer workspace.
ALTER TABLE case_documents DROP CONSTRAINT case_documents_kind_check;
ALTER TABLE case_documents ADD CONSTRAINT case_documents_kind_check CHECK (kind IN (
  'account_acceptance_notice', 'receipt_notice', 'biometrics_notice', 'rfe_notice', 'interview_notice', 'approval_notice', 'denial_notice'));
