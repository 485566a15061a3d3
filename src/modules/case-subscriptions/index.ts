export { CaseSubscriptionService } from './service.js';
export { registerCaseSubscriptionRoutes } from './routes.js';
export { isOptedOut } from './repository.js';
