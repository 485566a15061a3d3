export { OfficerService } from './service.js';
export { registerOfficerRoutes } from './routes.js';
