/** API clients: OAuth client credentials for the agency-compatible case status API. */
export { ApiClientService, InvalidClient, type IssuedToken } from './service.js';
export { registerOAuthRoutes, apiClientGuard } from './routes.api.js';
export { deleteExpiredTokens } from './repository.js';
