import type { StaffRole } from '../../platform/db/tables.js';

export type { StaffRole };

/**
 * Staff roles (issue 3 item 9). A staff member may hold several. What each may do is decided by the routes'
 * `roles` (see src/platform/http/policies.ts, policy 'staff'); administrators manage staff, not cases.
 */
export const STAFF_ROLES: readonly StaffRole[] = ['tier1', 'tier2', 'tier3', 'help_desk', 'officer', 'quality_assurance', 'administrator'];

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}
