import { sql, type Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { StaffRole } from '../../platform/db/tables.js';
import type { StaffInvitationsTable, StaffMembersTable } from './tables.js';
import { accountStanding, countActiveAccounts, setStaffDisabled, staffAccounts } from '../accounts/index.js';

/** All SQL of the staff module. */

export interface StaffMember {
  accountId: string;
  email: string;
  displayName: string;
  roles: StaffRole[];
  activatedAt: Date | null;
  disabledAt: Date | null;
  createdAt: Date;
}

/** Staff members and their roles (this module's tables); their accounts' email and dates come from the accounts module. */
const memberColumns = (db: DbHandle) =>
  db
    .selectFrom('staff_members as m')
    .select(['m.account_id', 'm.display_name'])
    .select(
      sql<
        StaffRole[]
      >`coalesce((select array_agg(r.role order by r.role) from staff_roles r where r.account_id = m.account_id), '{}')`.as(
        'roles',
      ),
    );

type MemberRow = Selectable<StaffMembersTable> & { roles: StaffRole[] | string };

/** The members whose account is a staff account, in the order given. */
async function withAccounts(db: DbHandle, rows: MemberRow[]): Promise<StaffMember[]> {
  const accounts = await staffAccounts(
    db,
    rows.map((r) => r.account_id),
  );
  return rows.flatMap((row) => {
    const account = accounts.get(row.account_id);
    if (!account) return [];
    return [
      {
        accountId: account.id,
        email: account.email,
        displayName: row.display_name,
        roles: parseRoles(row.roles),
        activatedAt: account.activated_at,
        disabledAt: account.disabled_at,
        createdAt: account.created_at,
      },
    ];
  });
}

/** text[] arrives as an array from pg and PGlite alike; older drivers give '{a,b}'. */
function parseRoles(value: StaffRole[] | string): StaffRole[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean) as StaffRole[];
}

export async function listStaff(db: DbHandle): Promise<StaffMember[]> {
  return withAccounts(db, await memberColumns(db).orderBy('m.display_name').execute());
}

export async function findStaff(db: DbHandle, accountId: string): Promise<StaffMember | undefined> {
  const row = await memberColumns(db).where('m.account_id', '=', accountId).executeTakeFirst();
  return row ? (await withAccounts(db, [row]))[0] : undefined;
}

export async function insertStaffMember(db: DbHandle, accountId: string, displayName: string): Promise<void> {
  await db.insertInto('staff_members').values({ account_id: accountId, display_name: displayName }).execute();
}

export async function replaceRoles(
  db: DbHandle,
  accountId: string,
  roles: StaffRole[],
  grantedBy: string | null,
  at: Date,
): Promise<void> {
  await db.deleteFrom('staff_roles').where('account_id', '=', accountId).execute();
  if (roles.length) {
    await db
      .insertInto('staff_roles')
      .values(roles.map((role) => ({ account_id: accountId, role, granted_at: at, granted_by: grantedBy })))
      .execute();
  }
}

/** Active administrators (activated, not disabled), to keep at least one. */
export async function countActiveAdministrators(db: DbHandle): Promise<number> {
  const administrators = await db
    .selectFrom('staff_roles')
    .select('account_id')
    .where('role', '=', 'administrator')
    .execute();
  return countActiveAccounts(
    db,
    administrators.map((r) => r.account_id),
  );
}

export async function insertInvitation(db: DbHandle, invitation: StaffInvitationsTable): Promise<void> {
  await db
    .insertInto('staff_invitations')
    .values({ ...invitation, roles: sql`${`{${invitation.roles.join(',')}}`}::text[]` as unknown as StaffRole[] })
    .execute();
}

/**
 * An invitation still open: not revoked and not expired, accepted or not (an accepted one resumes the setup until the
 * staff account is set up; the service checks that).
 */
export async function findOpenInvitation(db: DbHandle, tokenHash: string, now: Date) {
  const row = await db
    .selectFrom('staff_invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row ? { ...row, roles: parseRoles(row.roles) } : undefined;
}

/** Marks the invitation accepted; a second acceptance (a replayed link, a double click) finds nothing. */
export async function acceptInvitation(db: DbHandle, tokenHash: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('staff_invitations')
    .set({ accepted_at: now })
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Open invitations (not revoked, not expired; accepted ones too, which the service filters), newest first. */
export async function listOpenInvitations(db: DbHandle, now: Date) {
  const rows = await db
    .selectFrom('staff_invitations')
    .select(['token_hash', 'email', 'display_name', 'roles', 'invited_by', 'created_at', 'expires_at', 'accepted_at'])
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, roles: parseRoles(r.roles as StaffRole[] | string) }));
}

/** Revokes the open invitations of an address, accepted or not (a new invitation replaces them). */
export async function revokeInvitationsFor(db: DbHandle, email: string, now: Date): Promise<void> {
  await db
    .updateTable('staff_invitations')
    .set({ revoked_at: now })
    .where('email', '=', email)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function setDisabled(db: DbHandle, accountId: string, at: Date | null): Promise<void> {
  await setStaffDisabled(db, accountId, at);
}

/** The roles of a signed-in staff account (none for a disabled or non-staff account). */
export async function activeRolesOf(db: DbHandle, accountId: string): Promise<StaffRole[] | undefined> {
  const account = await accountStanding(db, accountId);
  if (!account || account.kind !== 'staff' || account.disabled_at) return undefined;
  const rows = await db.selectFrom('staff_roles').select('role').where('account_id', '=', accountId).execute();
  return rows.map((r) => r.role);
}

/** The agents a sample may be narrowed to: staff who work items (Contact Center tiers and the help desk). */
export async function listWorkingAgents(db: DbHandle): Promise<{ account_id: string; display_name: string }[]> {
  return db
    .selectFrom('staff_members as m')
    .select(['m.account_id', 'm.display_name'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('staff_roles as r')
          .select('r.role')
          .whereRef('r.account_id', '=', 'm.account_id')
          .where('r.role', 'in', ['tier1', 'tier2', 'tier3', 'help_desk']),
      ),
    )
    .orderBy('m.display_name')
    .orderBy('m.account_id')
    .limit(1000)
    .execute();
}

/** The agents an item can be handed to: staff who work items and can sign in now (set up, access not withdrawn). */
export async function listAssignableAgents(db: DbHandle): Promise<{ account_id: string; display_name: string }[]> {
  const rows = await listWorkingAgents(db);
  const accounts = await staffAccounts(
    db,
    rows.map((r) => r.account_id),
  );
  return rows.filter((r) => {
    const account = accounts.get(r.account_id);
    return account?.activated_at && !account.disabled_at;
  });
}

/** A staff member's display name (null for none, or not staff). */
export async function displayNameOf(db: DbHandle, accountId: string | null): Promise<string | null> {
  if (!accountId) return null;
  const row = await db
    .selectFrom('staff_members')
    .select('display_name')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row?.display_name ?? null;
}
