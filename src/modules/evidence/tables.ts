/** The tables of the `evidence` module and their row types, declared here, once; added to `Tables` below. */

// Evidence and RFE responses (db/migrations/0020_evidence.sql)
export interface CaseSubmissionsTable {
  id: string;
  case_id: number;
  account_id: string;
  kind: 'evidence' | 'rfe_response';
  rfe_sent_at: Date | null;
  created_at: Date;
}

export type FileState = 'uploaded' | 'checking' | 'accepted' | 'rejected';

export interface CaseFilesTable {
  id: string;
  submission_id: string;
  file_name: string;
  content_type: string | null;
  byte_size: number;
  storage_key: string | null;
  state: FileState;
  reason: string | null;
  created_at: Date;
  checked_at: Date | null;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    case_submissions: CaseSubmissionsTable;
    case_files: CaseFilesTable;
  }
}
