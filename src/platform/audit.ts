import type { DbHandle } from './db/database.js';
import type { AuditLogTable } from './db/tables.js';
import type { Clock } from './clock.js';

/** The append-only audit log (db/migrations/0001_platform.sql refuses updates and deletes). */
export interface AuditEntry {
  actorType: AuditLogTable['actor_type'];
  actorId?: string | null;
  action: string;
  subjectType?: string;
  subjectId?: string;
  /** Why the actor did it (required for staff reads of a person's case data in later surfaces). */
  reason?: string;
  details?: Record<string, unknown>;
  requestId?: string;
  ip?: string;
}

export async function recordAudit(db: DbHandle, clock: Clock, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      occurred_at: clock.now(),
      actor_type: entry.actorType,
      actor_id: entry.actorId ?? null,
      action: entry.action,
      subject_type: entry.subjectType ?? null,
      subject_id: entry.subjectId ?? null,
      reason: entry.reason ?? null,
      details: JSON.stringify(entry.details ?? {}),
      request_id: entry.requestId ?? null,
      ip: entry.ip ?? null,
    })
    .execute();
}
