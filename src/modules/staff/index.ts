export { StaffService } from './service.js';
export { staffGuard } from './guard.js';
export { registerStaffRoutes } from './routes.js';
export { type StaffRole } from './roles.js';
export { listAssignableAgents, listWorkingAgents, displayNameOf } from './repository.js';
