import type { StaffRole } from '../../platform/db/tables.js';

export type { StaffRole };

/**
 * Staff roles (issue 3 item 9). A staff member may hold several. What each may do is decided by the routes'
 * `roles` (see src/platform/http/policies.ts, policy 'staff'); administrators manage staff, not cases.
 */
export const STAFF_ROLES: readonly StaffRole[] = [
  'tier1',
  'tier2',
  'tier3',
  'help_desk',
  'officer',
  'quality_assurance',
  'administrator',
  'protected_cases',
];

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/**
 * A set of roles an administrator may grant. The `protected_cases` designation (CC-6: officers who adjudicate VAWA,
 * T and U cases see Section 1367 cases; see maySeeProtectedCases in cases) goes only with the officer role.
 */
export function rolesProblem(roles: readonly string[]): 'roles_required' | 'designation_needs_officer' | undefined {
  if (roles.length === 0 || !roles.every(isStaffRole)) return 'roles_required';
  if (roles.includes('protected_cases') && !roles.includes('officer')) return 'designation_needs_officer';
  return undefined;
}
