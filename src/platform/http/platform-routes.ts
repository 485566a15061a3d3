import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import { fromRoot } from '../paths.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';

const OPENAPI_PATH = fromRoot('openapi/casedesk.openapi.json');

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
function hasBearer(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

export interface PlatformRoutesDeps {
  database: Database;
  metrics: Registry;
  /** `GET /metrics` asks for this bearer token; without one it is open, unless `production` (then refused). */
  metricsToken?: string;
  production: boolean;
}

/** Liveness, readiness, metrics and the API description. */
export function registerPlatformRoutes(app: FastifyInstance, deps: PlatformRoutesDeps): void {
  const openapi = readFileSync(OPENAPI_PATH, 'utf8');
  const spec = JSON.parse(openapi) as {
    info: { title: string; description?: string };
    paths: Record<string, Record<string, { summary?: string }>>;
  };

  app.get('/healthz', { config: { policy: 'platform', rateLimit: false } }, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get('/readyz', { config: { policy: 'platform', rateLimit: false } }, async (request, reply) => {
    try {
      await sql`SELECT 1`.execute(deps.database.db);
      return reply.header('cache-control', 'no-store').send({ status: 'ready', database: 'ok' });
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply
        .code(503)
        .header('cache-control', 'no-store')
        .send({ status: 'unavailable', database: 'unreachable' });
    }
  });

  // Metrics name routes and show traffic: behind a bearer token (CASEDESK_METRICS_TOKEN); in production without
  // one they are not served at all. Not rate limited: only a scraper with the token gets past the check.
  app.get('/metrics', { config: { policy: 'platform', rateLimit: false } }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (deps.metricsToken) {
      if (!hasBearer(request.headers.authorization, deps.metricsToken)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .type('text/plain; charset=utf-8')
          .send('A bearer token is required.');
      }
    } else if (deps.production) {
      return reply
        .code(403)
        .type('text/plain; charset=utf-8')
        .send('Metrics are served only with CASEDESK_METRICS_TOKEN set.');
    }
    return reply.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  });

  app.get('/api/openapi.json', { config: { policy: 'public' } }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(openapi),
  );

  app.get('/api/docs', { config: { policy: 'public' } }, async (request, reply) =>
    reply.html(
      layout(request.page(), {
        title: spec.info.title,
        main: html`<h1>${spec.info.title}</h1>
<p class="usa-intro">${spec.info.description ?? ''}</p>
<p><a class="usa-link" href="/api/openapi.json">OpenAPI 3.1 (JSON)</a></p>
<ul class="usa-list">
${Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(
    ([method, op]) => html`<li><code>${method.toUpperCase()} ${path}</code>: ${op.summary ?? ''}</li>`,
  ),
)}
</ul>`,
      }),
    ),
  );
}
