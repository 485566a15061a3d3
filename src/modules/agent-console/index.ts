export { AgentConsoleService, LIVE_CHANNELS, CONTACT_CHANNELS, CONTACT_TYPES, VERIFICATION_QUESTIONS, type Agent, type ItemView } from './service.js';
export { registerAgentConsoleRoutes } from './routes.js';
