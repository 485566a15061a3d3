import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { z } from 'zod';
import { sendAgencyError } from '../../platform/http/errors.js';
import { fields, type App } from '../../platform/http/inputs.js';
import { InvalidClient, type ApiClientService, type AuthenticatedClient } from './service.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiClient?: AuthenticatedClient;
  }
}

/** OAuth errors in the agency gateway's format. */
function oauthError(reply: FastifyReply, status: number, errorCode: string, error: string): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(JSON.stringify({ ErrorCode: errorCode, Error: error }, null, 2));
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

/** A field as the gateway reads it: the text sent, whole (even empty), or undefined when not one text. */
const given = () =>
  z
    .unknown()
    .optional()
    .transform((value): string | undefined => (typeof value === 'string' ? value : undefined));

/**
 * What the token endpoint reads (ADR 15), from a form or a JSON object (anything else reads as no fields); the grant
 * type may also come in the query string. Nothing is refused here: every problem is answered in the gateway's words.
 */
const inputs = {
  body: fields({ grant_type: given(), scope: given(), client_id: given(), client_secret: given() }),
  query: fields({ grant_type: given() }),
};

/** POST /oauth/accesstoken: the client-credentials grant, answered as the agency's gateway does. */
export function registerOAuthRoutes(
  app: App,
  deps: { apiClients: ApiClientService; productName: string; tokenRateLimitPerMinute: number },
): void {
  app.post(
    '/oauth/accesstoken',
    // JSON is taken too (json: true): the gateway's clients send a form, but some send the same fields as JSON, and
    // they must keep working unchanged; too-deep JSON is refused with 400 before this handler (security.ts).
    {
      config: {
        policy: 'public',
        csrfExempt: true,
        api: 'agency',
        json: true,
        rateLimit: { max: deps.tokenRateLimitPerMinute, timeWindow: 60_000 },
      },
      schema: { body: inputs.body, querystring: inputs.query },
    },
    async (request, reply) => {
      const { body, query } = request;
      const grantType = body.grant_type ?? query.grant_type;
      if (!grantType) return oauthError(reply, 400, 'invalid_request', 'Required param : grant_type');
      if (grantType !== 'client_credentials')
        return oauthError(reply, 400, 'unsupported_grant_type', `Unsupported grant type : ${grantType.slice(0, 50)}`);
      const scope = body.scope ?? '';
      if (scope && !scope.split(' ').every((s) => s === 'case-status'))
        return oauthError(reply, 400, 'invalid_scope', 'Invalid scope');
      const basic = basicCredentials(request.headers.authorization);
      const clientId = body.client_id ?? basic?.id;
      const clientSecret = body.client_secret ?? basic?.secret;
      if (!clientId || !clientSecret) return oauthError(reply, 401, 'invalid_client', 'ClientId is Invalid');
      try {
        const token = await deps.apiClients.issueToken(clientId, clientSecret);
        const answer = {
          refresh_token_expires_in: '0',
          api_product_list: `[${deps.productName}]`,
          api_product_list_json: [deps.productName],
          organization_name: 'casedesk',
          token_type: 'Bearer',
          issued_at: String(token.issuedAt.getTime()),
          client_id: token.clientId,
          access_token: token.accessToken,
          application_name: token.clientName,
          scope,
          expires_in: String(token.expiresInSeconds),
          refresh_count: '0',
          status: 'approved',
        };
        return reply
          .code(200)
          .type('application/json; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('pragma', 'no-cache')
          .send(JSON.stringify(answer, null, 2));
      } catch (error) {
        if (error instanceof InvalidClient) return oauthError(reply, 401, 'invalid_client', 'ClientId is Invalid');
        throw error;
      }
    },
  );
}

export interface ApiClientGuardDeps {
  apiClients: ApiClientService;
  /** Per-client limiter (from @fastify/rate-limit's createRateLimit): seconds to wait when over the limit. */
  limit(request: FastifyRequest): Promise<number | undefined>;
}

/** The `api-client` route policy: a valid, unexpired bearer token, then the client's own rate limit. */
export function apiClientGuard(deps: ApiClientGuardDeps): preHandlerHookHandler {
  return async (request, reply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    const client = await deps.apiClients.authenticate(match?.[1]);
    if (!client) {
      reply.header('www-authenticate', 'Bearer realm="casedesk", error="invalid_token"');
      return sendAgencyError(reply, 401);
    }
    request.apiClient = client;
    // A route may need a scope the client was not given (a status reader cannot send case events).
    const scope = request.routeOptions.config.scope;
    if (scope && !client.scopes.includes(scope)) return sendAgencyError(reply, 403);
    const wait = await deps.limit(request);
    if (wait !== undefined) {
      reply.header('retry-after', String(wait));
      return sendAgencyError(reply, 429);
    }
  };
}
