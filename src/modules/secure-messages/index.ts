export { SecureMessageService, type ThreadSummary, type ThreadMessage } from './service.js';
export { registerSecureMessageRoutes } from './routes.js';
