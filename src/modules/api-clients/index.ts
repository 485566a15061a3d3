/** API clients: OAuth client credentials for the agency-compatible case status API. */
export { ApiClientService, API_SCOPES } from './service.js';
export { registerOAuthRoutes, apiClientGuard } from './routes.api.js';
