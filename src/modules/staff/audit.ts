import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import type { DbHandle } from '../../platform/db/database.js';
import type { StaffRole } from '../../platform/db/tables.js';

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
