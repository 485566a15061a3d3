import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/views/components.js';
import type { SessionStore } from '../accounts/index.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import { linkInvalidPage } from '../../platform/views/frame.js';
import { actorOf } from '../../platform/audit.js';
import { dateTimeFormatter } from '../../platform/format.js';
import type { StaffService } from './service.js';
import { invitationPage, staffAdminPage, staffHomePage, staffMemberPage } from './views.js';

type Form = Record<string, unknown>;
const str = (body: unknown, name: string): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};
/** A form field that may repeat (checkboxes): one string, several, or none. */
const list = (body: unknown, name: string): string[] => {
  const value = (body as Form | undefined)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 20) : [];
};

export interface StaffRoutesDeps {
  staff: StaffService;
  sessions: SessionStore;
  timeZone: string;
}

/** The page context of a staff page (the guard has set request.staff). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Staff workspace home, staff administration (invite, roles, access) and accepting an invitation. */
export function registerStaffRoutes(app: FastifyInstance, deps: StaffRoutesDeps): void {
  const { staff, sessions } = deps;
  const admin = { policy: 'staff', roles: ['administrator'] } as const;

  app.get('/staff', { config: { policy: 'staff' } }, async (request, reply) => {
    const me = await staff.find(request.staff!.accountId);
    return reply.html(staffHomePage(staffContext(request), { signedIn: signedInOf(reply), name: me?.displayName ?? '' }));
  });

  const adminPage = async (request: FastifyRequest, reply: FastifyReply, extra: { invite?: { email?: string; displayName?: string; roles?: string[] }; errors?: FieldError[]; notice?: string } = {}) => {
    const [members, invitations] = await Promise.all([staff.list(), staff.pendingInvitations()]);
    return reply.html(
      staffAdminPage(staffContext(request), { signedIn: signedInOf(reply), members, invitations, when: dateTimeFormatter(request.lang, deps.timeZone), ...extra }),
      extra.errors?.length ? 400 : 200,
    );
  };

  app.get('/staff/admin/staff', { config: admin }, async (request, reply) => {
    const invited = str(request.query, 'invited');
    return adminPage(request, reply, { notice: invited === '1' ? request.t('staff:admin.invited') : undefined });
  });

  app.post('/staff/admin/staff/invite', { config: admin }, async (request, reply) => {
    const input = { email: str(request.body, 'email').slice(0, 300), displayName: str(request.body, 'display_name').slice(0, 200), roles: list(request.body, 'roles') };
    const result = await staff.invite(actorOf(request), { ...input, language: request.lang });
    if (!result.ok) {
      const fields = { email: 'email', displayName: 'display_name', roles: 'roles' } as const;
      const errors = result.problems.map((p) => ({ field: fields[p.field], message: request.t(`staff:admin.errors.${p.code}`) }));
      return adminPage(request, reply, { invite: input, errors });
    }
    return reply.redirect('/staff/admin/staff?invited=1', 303);
  });

  const memberPage = async (request: FastifyRequest, reply: FastifyReply, id: string, extra: { errors?: FieldError[]; notice?: string } = {}) => {
    const member = UUID.test(id) ? await staff.find(id) : undefined;
    if (!member) return reply.callNotFound();
    return reply.html(
      staffMemberPage(staffContext(request), { signedIn: signedInOf(reply), member, self: member.accountId === request.staff!.accountId, when: dateTimeFormatter(request.lang, deps.timeZone), ...extra }),
      extra.errors?.length ? 400 : 200,
    );
  };

  app.get('/staff/admin/staff/:id', { config: admin }, async (request, reply) => {
    const done = str(request.query, 'done');
    return memberPage(request, reply, (request.params as { id: string }).id, { notice: done === 'roles' || done === 'access' ? request.t(`staff:admin.saved_${done}`) : undefined });
  });

  app.post('/staff/admin/staff/:id/roles', { config: admin }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) return reply.callNotFound();
    const result = await staff.setRoles(actorOf(request), id, list(request.body, 'roles'));
    if (!result.ok) {
      if (result.problem === 'not_found') return reply.callNotFound();
      return memberPage(request, reply, id, { errors: [{ field: 'roles', message: request.t(`staff:admin.errors.${result.problem}`) }] });
    }
    return reply.redirect(`/staff/admin/staff/${id}?done=roles`, 303);
  });

  app.post('/staff/admin/staff/:id/access', { config: admin }, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    if (!UUID.test(id)) return reply.callNotFound();
    const reason = str(request.body, 'reason').trim().slice(0, 500);
    const enabled = str(request.body, 'enabled') === 'true';
    if (!enabled && !reason) return memberPage(request, reply, id, { errors: [{ field: 'reason', message: request.t('staff:admin.errors.reason_required') }] });
    const result = await staff.setAccess(actorOf(request), id, enabled, reason);
    if (!result.ok) {
      if (result.problem === 'not_found') return reply.callNotFound();
      return memberPage(request, reply, id, { errors: [{ field: 'reason', message: request.t(`staff:admin.errors.${result.problem}`) }] });
    }
    return reply.redirect(`/staff/admin/staff/${id}?done=access`, 303);
  });

  // The invitation link opens a page with a button; only the POST spends the token (mail scanners open links).
  app.get('/staff/invitation', { config: { policy: 'public' } }, async (request, reply) => {
    const token = str(request.query, 'token').slice(0, 200);
    if (!token || !(await staff.invitationUsable(token))) return reply.html(linkInvalidPage(request.page()), 410);
    reply.header('referrer-policy', 'no-referrer');
    return reply.html(invitationPage(request.page(), { csrf: reply.generateCsrf(), token }));
  });

  app.post('/staff/invitation', { config: { policy: 'public' } }, async (request, reply) => {
    const accountId = await staff.acceptInvitation(str(request.body, 'token').slice(0, 200), request.ip);
    if (!accountId) return reply.html(linkInvalidPage(request.page()), 410);
    // From here the staff member goes through the same steps as everyone: password, two-step verification, backup codes.
    await sessions.start(request, reply, accountId, 'setup');
    return reply.redirect('/account/sign-up/password', 303);
  });
}
