import type { StaffRole } from '../../platform/db/tables.js';

/** The tables of the `staff` module and their row types, declared here, once; added to `Tables` below. */

export interface StaffRolesTable {
  account_id: string;
  role: StaffRole;
  granted_at: Date;
  granted_by: string | null;
}

export interface StaffInvitationsTable {
  token_hash: string;
  email: string;
  display_name: string;
  roles: StaffRole[];
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

export interface StaffMembersTable {
  account_id: string;
  display_name: string;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    staff_roles: StaffRolesTable;
    staff_invitations: StaffInvitationsTable;
    staff_members: StaffMembersTable;
  }
}
