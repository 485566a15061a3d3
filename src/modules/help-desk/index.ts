export { HelpDeskService, recoveryReadyJob, HELP_TOPICS, TARGET_DAYS, RECOVERY_WAIT_MS, RECOVERY_LINK_TTL_MS, CALLBACK_ATTEMPTS, CALLBACK_NUMBER } from './service.js';
export { registerHelpDeskRoutes } from './routes.js';
