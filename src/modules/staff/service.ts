import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import {
  emailSchema,
  type AccountService,
  deleteSessionsOf,
  findAccountByEmail,
  insertAccount,
  recordSecurityEvent,
} from '../accounts/index.js';
import type { NotificationService } from '../notifications/index.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import { sha256 } from '../../platform/hashing.js';
import {
  acceptInvitation,
  countActiveAdministrators,
  findStaff,
  findOpenInvitation,
  insertInvitation,
  insertStaffMember,
  listOpenInvitations,
  listStaff,
  replaceRoles,
  revokeInvitationsFor,
  setDisabled,
  type StaffMember,
} from './repository.js';
import { isStaffRole, rolesProblem, type StaffRole } from './roles.js';

/**
 * Staff accounts (issue 3 item 9): administrators invite staff by email with their roles; the invited person
 * accepts by link, then chooses a password and sets up two-step verification through the same steps as everyone
 * (an authenticator app or a passkey: staff may not use text or email codes). Every action is audited.
 */

export const INVITATION_TTL_MS = 72 * 3600_000;

export const invitationSchema = z.object({
  email: emailSchema,
  displayName: z.string().trim().min(1, 'name_required').max(100, 'name_too_long'),
  roles: z.array(z.string()).superRefine((roles, ctx) => {
    const problem = rolesProblem(roles);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

/** A staff account whose setup (password, two-step verification) was not finished: an invitation may resume it. */
/** A staff account whose setup was never finished, and whose access was not withdrawn meanwhile. */
function unfinishedStaff(account: { kind: string; activated_at: Date | null; disabled_at: Date | null }): boolean {
  return account.kind === 'staff' && !account.activated_at && !account.disabled_at;
}

export type InviteResult =
  { ok: true; link: string } | { ok: false; problems: { field: 'email' | 'displayName' | 'roles'; code: string }[] };

export type StaffChangeResult =
  | { ok: true }
  | {
      ok: false;
      problem: 'not_found' | 'last_administrator' | 'self' | 'roles_required' | 'designation_needs_officer';
    };

export interface StaffDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  accounts: AccountService;
  notifications: NotificationService;
  publicUrl: string;
  /** Role names for the invitation email, in the invited person's language. */
  roleLabel(role: StaffRole, lang: Language): string;
}

export class StaffService {
  constructor(private readonly deps: StaffDeps) {}

  /**
   * Invites a person (a new invitation replaces the address's pending ones). `actor` is null for the CLI's first
   * administrator. Answers the link too, which only the CLI prints (the web page never shows it).
   */
  async invite(
    actor: StaffActor | null,
    input: { email: string; displayName: string; roles: string[]; language?: Language },
  ): Promise<InviteResult> {
    const parsed = invitationSchema.safeParse(input);
    if (!parsed.success) {
      return {
        ok: false,
        problems: parsed.error.issues.map((i) => ({
          field: i.path[0] === 'email' ? 'email' : i.path[0] === 'roles' ? 'roles' : 'displayName',
          code: i.path[0] === 'email' ? 'email_invalid' : i.message,
        })),
      };
    }
    const { email, displayName } = parsed.data;
    const roles = [...new Set(parsed.data.roles)] as StaffRole[];
    const { db, clock, random, notifications } = this.deps;
    const now = clock.now();
    const language = input.language ?? 'en';
    return inTransaction(db, async (trx) => {
      const existing = await findAccountByEmail(trx, email);
      // Staff accounts are separate from any public account of the same person (use the agency address). A staff
      // account whose setup was not finished may be invited again (the new invitation resumes it).
      if (existing && !unfinishedStaff(existing))
        return {
          ok: false,
          problems: [{ field: 'email', code: existing.kind === 'staff' ? 'already_staff' : 'email_in_use' }],
        } as const;
      await revokeInvitationsFor(trx, email, now);
      const token = random.token(32);
      await insertInvitation(trx, {
        token_hash: sha256(token),
        email,
        display_name: displayName,
        roles,
        invited_by: actor?.accountId ?? null,
        created_at: now,
        expires_at: new Date(now.getTime() + INVITATION_TTL_MS),
        accepted_at: null,
        revoked_at: null,
      });
      const link = `${this.deps.publicUrl}/staff/invitation?token=${encodeURIComponent(token)}`;
      const inviter = actor
        ? ((await findStaff(trx, actor.accountId))?.displayName ?? '')
        : this.deps.roleLabel('administrator', language);
      await notifications.queueEmail(trx, {
        to: email,
        template: 'staff_invitation',
        language,
        params: { link, inviter, roles: roles.map((r) => this.deps.roleLabel(r, language)).join(', ') },
      });
      await auditStaffAction(
        trx,
        clock,
        actor,
        'staff.invited',
        { type: 'staff_invitation', id: email },
        { roles, displayName },
      );
      return { ok: true, link } as const;
    });
  }

  /**
   * An invitation works until it is completed (its staff account is set up) or expires: a setup left at the
   * password or two-step verification resumes from the same link.
   */
  async #openInvitation(db: DbHandle, token: string, now: Date) {
    const invitation = await findOpenInvitation(db, sha256(token), now);
    if (!invitation) return undefined;
    const account = await findAccountByEmail(db, invitation.email);
    if (account && !unfinishedStaff(account)) return undefined;
    return { invitation, account };
  }

  async invitationUsable(token: string): Promise<boolean> {
    return Boolean(await this.#openInvitation(this.deps.db, token, this.deps.clock.now()));
  }

  /**
   * Accepts an invitation: creates the staff account with a verified email and its roles, not yet activated, or
   * resumes the unfinished one (with this invitation's roles the first time the invitation is used). The caller then starts a sign-up session (password,
   * two-step verification, backup codes).
   */
  async acceptInvitation(token: string, ip?: string): Promise<string | undefined> {
    const { db, clock, random } = this.deps;
    const now = clock.now();
    const hash = sha256(token);
    return inTransaction(db, async (trx) => {
      const open = await this.#openInvitation(trx, token, now);
      if (!open) return undefined;
      const { invitation, account } = open;
      const firstUse = !invitation.accepted_at;
      if (firstUse) await acceptInvitation(trx, hash, now);
      if (account) {
        // A new invitation of an unfinished account gives it that invitation's roles; resuming the same one keeps the
        // roles the account has now (an administrator may have changed them since).
        if (firstUse) await replaceRoles(trx, account.id, invitation.roles, invitation.invited_by, now);
        await recordSecurityEvent(trx, { accountId: account.id, kind: 'staff_invitation_accepted', at: now, ip });
        return account.id;
      }
      const accountId = random.uuid();
      await insertAccount(trx, {
        id: accountId,
        kind: 'staff',
        email: invitation.email,
        email_verified_at: now,
        password_hash: null,
        online_account_number: await this.deps.accounts.newOnlineAccountNumber(trx),
        language: 'en',
        created_at: now,
        activated_at: null,
      });
      await insertStaffMember(trx, accountId, invitation.display_name);
      await replaceRoles(trx, accountId, invitation.roles, invitation.invited_by, now);
      await recordSecurityEvent(trx, { accountId, kind: 'staff_invitation_accepted', at: now, ip });
      await auditStaffAction(
        trx,
        clock,
        null,
        'staff.invitation_accepted',
        { type: 'account', id: accountId },
        { roles: invitation.roles },
      );
      return accountId;
    });
  }

  async list(): Promise<StaffMember[]> {
    return listStaff(this.deps.db);
  }

  async find(accountId: string): Promise<StaffMember | undefined> {
    return findStaff(this.deps.db, accountId);
  }

  /** Invitations not yet completed: open, and their staff account not set up yet. */
  async pendingInvitations() {
    const { db, clock } = this.deps;
    const open = await listOpenInvitations(db, clock.now());
    const pending = [];
    for (const invitation of open) {
      const account = await findAccountByEmail(db, invitation.email);
      if (!account || unfinishedStaff(account)) pending.push(invitation);
    }
    return pending;
  }

  /**
   * "Resend invitation": a new invitation (a new link, valid 72 hours) with the same name and roles, replacing the
   * address's open ones. `not_found` when the address has no pending invitation.
   */
  async resendInvitation(
    actor: StaffActor,
    email: string,
    language?: Language,
  ): Promise<InviteResult | { ok: false; problem: 'not_found' }> {
    const invitation = (await this.pendingInvitations()).find((i) => i.email === email.trim().toLowerCase());
    if (!invitation) return { ok: false, problem: 'not_found' };
    return this.invite(actor, {
      email: invitation.email,
      displayName: invitation.display_name,
      roles: invitation.roles,
      language,
    });
  }

  /** Changes a staff member's roles. There is always at least one active administrator. */
  async setRoles(actor: StaffActor, accountId: string, rolesInput: string[]): Promise<StaffChangeResult> {
    const roles = [...new Set(rolesInput)].filter(isStaffRole);
    if (roles.length !== new Set(rolesInput).size) return { ok: false, problem: 'roles_required' };
    const problem = rolesProblem(roles);
    if (problem) return { ok: false, problem };
    const { db, clock } = this.deps;
    return inTransaction(db, async (trx) => {
      const member = await findStaff(trx, accountId);
      if (!member) return { ok: false, problem: 'not_found' } as const;
      const losesAdmin = member.roles.includes('administrator') && !roles.includes('administrator');
      if (losesAdmin && member.activatedAt && !member.disabledAt && (await countActiveAdministrators(trx)) <= 1)
        return { ok: false, problem: 'last_administrator' } as const;
      await replaceRoles(trx, accountId, roles, actor.accountId, clock.now());
      await recordSecurityEvent(trx, {
        accountId,
        kind: 'staff_roles_changed',
        at: clock.now(),
        details: { from: member.roles, to: roles },
      });
      await auditStaffAction(
        trx,
        clock,
        actor,
        'staff.roles_changed',
        { type: 'account', id: accountId },
        { from: member.roles, to: roles },
      );
      return { ok: true } as const;
    });
  }

  /** Withdraws (or restores) a staff member's access. Withdrawing ends their sessions at once. */
  async setAccess(actor: StaffActor, accountId: string, enabled: boolean, reason: string): Promise<StaffChangeResult> {
    if (accountId === actor.accountId) return { ok: false, problem: 'self' };
    const { db, clock } = this.deps;
    return inTransaction(db, async (trx) => {
      const member = await findStaff(trx, accountId);
      if (!member) return { ok: false, problem: 'not_found' } as const;
      if (
        !enabled &&
        member.roles.includes('administrator') &&
        member.activatedAt &&
        !member.disabledAt &&
        (await countActiveAdministrators(trx)) <= 1
      ) {
        return { ok: false, problem: 'last_administrator' } as const;
      }
      await setDisabled(trx, accountId, enabled ? null : clock.now());
      if (!enabled) {
        await deleteSessionsOf(trx, accountId);
        // An invitation still open for the account cannot be used to come back in.
        await revokeInvitationsFor(trx, member.email, clock.now());
      }
      await recordSecurityEvent(trx, {
        accountId,
        kind: enabled ? 'staff_access_restored' : 'staff_access_withdrawn',
        at: clock.now(),
      });
      await auditStaffAction(
        trx,
        clock,
        actor,
        enabled ? 'staff.access_restored' : 'staff.access_withdrawn',
        { type: 'account', id: accountId },
        undefined,
        reason || undefined,
      );
      return { ok: true } as const;
    });
  }
}
