export { SecureMessageService } from './service.js';
export { registerSecureMessageRoutes } from './routes.js';
