import type { DbHandle } from './db/database.js';
import type { FastifyRequest } from 'fastify';
import type { AuditLogTable, StaffRole } from './db/tables.js';
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

/** Who did a staff action, from the request (the staff guard sets request.staff). */
export interface StaffActor {
  accountId: string;
  /** The staff member's roles: what they may see follows from them (e.g. Section 1367 items, CC-6). */
  roles: readonly StaffRole[];
  ip?: string;
  requestId?: string;
}

export function actorOf(request: FastifyRequest): StaffActor {
  if (!request.staff) throw new Error('not a staff request');
  return { accountId: request.staff.accountId, roles: request.staff.roles, ip: request.ip, requestId: request.id };
}

/** Every staff action is written to the append-only audit log (issue 3 item 9), in the caller's transaction. */
export async function auditStaffAction(
  db: DbHandle,
  clock: Clock,
  actor: StaffActor | null,
  action: string,
  subject?: { type: string; id: string },
  details?: Record<string, unknown>,
  reason?: string,
): Promise<void> {
  await recordAudit(db, clock, {
    actorType: actor ? 'staff' : 'operator',
    actorId: actor?.accountId ?? null,
    action,
    subjectType: subject?.type,
    subjectId: subject?.id,
    details,
    reason,
    ip: actor?.ip,
    requestId: actor?.requestId,
  });
}
