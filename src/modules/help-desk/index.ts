export { HelpDeskService, recoveryReadyJob } from './service.js';
export { registerHelpDeskRoutes } from './routes.js';
