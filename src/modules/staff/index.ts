export { StaffService, INVITATION_TTL_MS } from './service.js';
export { staffGuard } from './guard.js';
export { registerStaffRoutes, staffContext, signedInOf, dateTimeFormatter } from './routes.js';
export { auditStaffAction, actorOf, type StaffActor } from './audit.js';
export { STAFF_ROLES, isStaffRole, type StaffRole } from './roles.js';
export { staffPage, STAFF_TOOLS, type StaffPageContext } from './views.js';
