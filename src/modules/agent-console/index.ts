export { AgentConsoleService } from './service.js';
export { registerAgentConsoleRoutes } from './routes.js';
