import type { Generated } from 'kysely';

/** The tables of the `notices` module and their row types, declared here, once; added to `Tables` below. */

// Notices and print-and-mail (db/migrations/0018_notices_and_mail.sql, 0019_notice_kinds.sql, 0021_agency_documents.sql)
export type NoticeKind =
  | 'account_acceptance_notice'
  | 'receipt_notice'
  | 'biometrics_notice'
  | 'rfe_notice'
  | 'interview_notice'
  | 'approval_notice'
  | 'denial_notice';

export type DocumentKind = NoticeKind | 'agency_document';

export type DocumentContentType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/tiff';

export interface CaseDocumentsTable {
  id: string;
  case_id: number;
  kind: DocumentKind;
  language: 'en' | 'es';
  storage_key: string;
  byte_size: number;
  created_at: Date;
  content_type: Generated<DocumentContentType>;
  /** Agency documents: the officer's title and the cleaned file name. */
  title: string | null;
  file_name: string | null;
  shared_with_holder: Generated<boolean>;
  created_by: string | null;
  /** The `notice_issued` event a notice was rendered for. */
  event_id: string | null;
}

export interface MailBatchesTable {
  id: string;
  closed_at: Date;
  item_count: number;
}

export interface MailItemsTable {
  id: string;
  document_id: string;
  case_id: number;
  created_at: Date;
  expected_by: Date;
  batch_id: string | null;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    case_documents: CaseDocumentsTable;
    mail_batches: MailBatchesTable;
    mail_items: MailItemsTable;
  }
}
