export { CaseSubscriptionService, CONFIRM_TTL_MS, type SubscribeResult } from './service.js';
export { registerCaseSubscriptionRoutes } from './routes.js';
export { isOptedOut } from './repository.js';
