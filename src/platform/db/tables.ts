import type { ColumnType, Generated } from 'kysely';

/**
 * The database as Kysely sees it: one interface per table, named after it (migrations in db/migrations). Each table
 * is declared once, by its owner: `Tables` below lists the platform's own tables, and each module adds its tables in
 * src/modules/<module>/tables.ts with `declare module '../../platform/db/tables.js' { interface Tables { ... } }`
 * (declaration merging), so `Kysely<Tables>` sees them all. The owners are checked by test/table-ownership.test.ts.
 */
export type Json = ColumnType<
  Record<string, unknown>,
  string | Record<string, unknown>,
  string | Record<string, unknown>
>;

export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: ColumnType<Date, Date, never>;
  actor_type: 'system' | 'public' | 'api_client' | 'account' | 'staff' | 'operator';
  actor_id: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  reason: string | null;
  details: Json;
  request_id: string | null;
  ip: string | null;
}

/** `protected_cases` is a designation rather than a job: officers who hold it see Section 1367 cases (0029). */
export type StaffRole =
  'tier1' | 'tier2' | 'tier3' | 'help_desk' | 'officer' | 'quality_assurance' | 'administrator' | 'protected_cases';

export interface Tables {
  form_submissions: FormSubmissionsTable;
  audit_log: AuditLogTable;
}

/** One-time form tokens already used, with what their post created (migration 0034, platform/submissions.ts). */
export interface FormSubmissionsTable {
  token: string;
  form: string;
  result: string;
  created_at: Date;
}
