/** API clients: OAuth client credentials for the agency-compatible case status API. */
export { ApiClientService, InvalidClient, API_SCOPES, type ApiScope, type AuthenticatedClient, type IssuedToken } from './service.js';
export { registerOAuthRoutes, apiClientGuard } from './routes.api.js';
export { deleteExpiredTokens } from './repository.js';
