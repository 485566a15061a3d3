/** The account home (ACC-8): the dashboard above the cases, messages and account modules it asks. */
export { AccountHomeService } from './service.js';
export { registerAccountHomeRoutes } from './routes.js';
