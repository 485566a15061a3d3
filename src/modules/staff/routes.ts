import type { FastifyReply, FastifyRequest } from 'fastify';
import { fields, params, text, texts, type App } from '../../platform/http/inputs.js';
import type { FieldError } from '../../platform/views/components.js';
import type { SessionStore } from '../accounts/index.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import { linkInvalidPage } from '../../platform/views/frame.js';
import { actorOf } from '../../platform/audit.js';
import { dateTimeFormatter } from '../../platform/format.js';
import type { StaffService } from './service.js';
import { invitationPage, staffAdminPage, staffHomePage, staffMemberPage } from './views.js';

/** The role checkboxes: one string, several (the first 20), or none; each as sent. */
const roles = () => texts(Infinity).transform((values) => values.slice(0, 20));

/** What each form and address of these pages sends (ADR 15: declared inputs). */
const inputs = {
  adminQuery: fields({ invited: text(10) }),
  invite: fields({ email: text(300), display_name: text(200), roles: roles() }),
  member: params({ id: text(200) }),
  memberQuery: fields({ done: text(10) }),
  roles: fields({ roles: roles() }),
  // The reason is trimmed before it is cut to 500 characters (below).
  access: fields({ reason: text(Infinity), enabled: text(10) }),
  invitation: fields({ token: text(200) }),
  resend: fields({ email: text(300) }),
};

export interface StaffRoutesDeps {
  staff: StaffService;
  sessions: SessionStore;
  timeZone: string;
}

/** A staff member's account id in a path (anything else is "not found"). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const admin = { policy: 'staff', roles: ['administrator'] } as const;

/** Staff workspace home, staff administration (invite, roles, access) and accepting an invitation. */
export function registerStaffRoutes(app: App, deps: StaffRoutesDeps): void {
  registerHomeRoutes(app, deps);
  registerStaffListRoutes(app, deps);
  registerMemberRoutes(app, deps);
  registerInvitationRoutes(app, deps);
}

/** The staff workspace home. */
function registerHomeRoutes(app: App, deps: StaffRoutesDeps): void {
  const { staff } = deps;

  app.get('/staff', { config: { policy: 'staff' } }, async (request, reply) => {
    const me = await staff.find(request.staff!.accountId);
    return reply.html(
      staffHomePage(staffContext(request), { signedIn: signedInOf(reply), name: me?.displayName ?? '' }),
    );
  });
}

/** Staff administration: the list of staff members and pending invitations, and inviting someone. */
function registerStaffListRoutes(app: App, deps: StaffRoutesDeps): void {
  const { staff } = deps;

  const adminPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: {
      invite?: { email?: string; displayName?: string; roles?: string[] };
      errors?: FieldError[];
      notice?: string;
    } = {},
  ) => {
    const [members, invitations] = await Promise.all([staff.list(), staff.pendingInvitations()]);
    return reply.html(
      staffAdminPage(staffContext(request), {
        signedIn: signedInOf(reply),
        members,
        invitations,
        when: dateTimeFormatter(request.lang, deps.timeZone),
        ...extra,
      }),
      extra.errors?.length ? 400 : 200,
    );
  };

  app.get(
    '/staff/admin/staff',
    { config: admin, schema: { querystring: inputs.adminQuery } },
    async (request, reply) => {
      const { invited } = request.query;
      return adminPage(request, reply, { notice: invited === '1' ? request.t('staff:admin.invited') : undefined });
    },
  );

  // "Resend invitation" (issue 15 item 6): a new link for a pending invitation, with the same name and roles.
  app.post('/staff/admin/staff/resend', { config: admin, schema: { body: inputs.resend } }, async (request, reply) => {
    const result = await staff.resendInvitation(actorOf(request), request.body.email, request.lang);
    if (!result.ok) return reply.callNotFound();
    return reply.redirect('/staff/admin/staff?invited=1', 303);
  });

  app.post('/staff/admin/staff/invite', { config: admin, schema: { body: inputs.invite } }, async (request, reply) => {
    const input = { email: request.body.email, displayName: request.body.display_name, roles: request.body.roles };
    const result = await staff.invite(actorOf(request), { ...input, language: request.lang });
    if (!result.ok) {
      const fields = { email: 'email', displayName: 'display_name', roles: 'roles' } as const;
      const errors = result.problems.map((p) => ({
        field: fields[p.field],
        message: request.t(`staff:admin.errors.${p.code}`),
      }));
      return adminPage(request, reply, { invite: input, errors });
    }
    return reply.redirect('/staff/admin/staff?invited=1', 303);
  });
}

/** Staff administration: one staff member, their roles and their access. */
function registerMemberRoutes(app: App, deps: StaffRoutesDeps): void {
  const { staff } = deps;

  const memberPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { errors?: FieldError[]; notice?: string } = {},
  ) => {
    const member = UUID.test(id) ? await staff.find(id) : undefined;
    if (!member) return reply.callNotFound();
    return reply.html(
      staffMemberPage(staffContext(request), {
        signedIn: signedInOf(reply),
        member,
        self: member.accountId === request.staff!.accountId,
        when: dateTimeFormatter(request.lang, deps.timeZone),
        ...extra,
      }),
      extra.errors?.length ? 400 : 200,
    );
  };

  app.get(
    '/staff/admin/staff/:id',
    { config: admin, schema: { params: inputs.member, querystring: inputs.memberQuery } },
    async (request, reply) => {
      const { done } = request.query;
      return memberPage(request, reply, request.params.id, {
        notice: done === 'roles' || done === 'access' ? request.t(`staff:admin.saved_${done}`) : undefined,
      });
    },
  );

  app.post(
    '/staff/admin/staff/:id/roles',
    { config: admin, schema: { params: inputs.member, body: inputs.roles } },
    async (request, reply) => {
      const { id } = request.params;
      if (!UUID.test(id)) return reply.callNotFound();
      const result = await staff.setRoles(actorOf(request), id, request.body.roles);
      if (!result.ok) {
        if (result.problem === 'not_found') return reply.callNotFound();
        return memberPage(request, reply, id, {
          errors: [{ field: 'roles', message: request.t(`staff:admin.errors.${result.problem}`) }],
        });
      }
      return reply.redirect(`/staff/admin/staff/${id}?done=roles`, 303);
    },
  );

  app.post(
    '/staff/admin/staff/:id/access',
    { config: admin, schema: { params: inputs.member, body: inputs.access } },
    async (request, reply) => {
      const { id } = request.params;
      if (!UUID.test(id)) return reply.callNotFound();
      const reason = request.body.reason.trim().slice(0, 500);
      const enabled = request.body.enabled === 'true';
      if (!enabled && !reason)
        return memberPage(request, reply, id, {
          errors: [{ field: 'reason', message: request.t('staff:admin.errors.reason_required') }],
        });
      const result = await staff.setAccess(actorOf(request), id, enabled, reason);
      if (!result.ok) {
        if (result.problem === 'not_found') return reply.callNotFound();
        return memberPage(request, reply, id, {
          errors: [{ field: 'reason', message: request.t(`staff:admin.errors.${result.problem}`) }],
        });
      }
      return reply.redirect(`/staff/admin/staff/${id}?done=access`, 303);
    },
  );
}

/** Accepting an invitation. */
function registerInvitationRoutes(app: App, deps: StaffRoutesDeps): void {
  const { staff, sessions } = deps;

  // The invitation link opens a page with a button; only the POST spends the token (mail scanners open links).
  app.get(
    '/staff/invitation',
    { config: { policy: 'public' }, schema: { querystring: inputs.invitation } },
    async (request, reply) => {
      const { token } = request.query;
      if (!token || !(await staff.invitationUsable(token)))
        return reply.html(linkInvalidPage(request.page(), 'invitation'), 410);
      reply.header('referrer-policy', 'no-referrer');
      return reply.html(invitationPage(request.page(), { csrf: reply.generateCsrf(), token }));
    },
  );

  app.post(
    '/staff/invitation',
    { config: { policy: 'public' }, schema: { body: inputs.invitation } },
    async (request, reply) => {
      const accountId = await staff.acceptInvitation(request.body.token, request.ip);
      if (!accountId) return reply.html(linkInvalidPage(request.page(), 'invitation'), 410);
      // From here the staff member goes through the same steps as everyone: password, two-step verification, backup codes.
      await sessions.start(request, reply, accountId, 'setup');
      return reply.redirect('/account/sign-up/password', 303);
    },
  );
}
