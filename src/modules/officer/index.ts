export { OfficerService, type OfficerCase } from './service.js';
export { registerOfficerRoutes } from './routes.js';
