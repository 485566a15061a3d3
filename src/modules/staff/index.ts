export { StaffService, INVITATION_TTL_MS } from './service.js';
export { staffGuard } from './guard.js';
export { registerStaffRoutes } from './routes.js';
export { STAFF_ROLES, isStaffRole, type StaffRole } from './roles.js';
export { listWorkingAgents, displayNameOf } from './repository.js';
