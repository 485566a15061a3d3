import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import { fromRoot } from '../paths.js';
import { html } from '../views/html.js';
import { layout } from '../views/layout.js';

const OPENAPI_PATH = fromRoot('openapi/casedesk.openapi.json');

/** Liveness, readiness, metrics and the API description. */
export function registerPlatformRoutes(app: FastifyInstance, deps: { database: Database; metrics: Registry }): void {
  const openapi = readFileSync(OPENAPI_PATH, 'utf8');
  const spec = JSON.parse(openapi) as { info: { title: string; description?: string }; paths: Record<string, Record<string, { summary?: string }>> };

  app.get('/healthz', { config: { policy: 'platform', rateLimit: false } }, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get('/readyz', { config: { policy: 'platform', rateLimit: false } }, async (request, reply) => {
    try {
      await sql`SELECT 1`.execute(deps.database.db);
      return reply.header('cache-control', 'no-store').send({ status: 'ready', database: 'ok' });
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).header('cache-control', 'no-store').send({ status: 'unavailable', database: 'unreachable' });
    }
  });

  app.get('/metrics', { config: { policy: 'platform', rateLimit: false } }, async (_request, reply) =>
    reply.type(deps.metrics.contentType).send(await deps.metrics.metrics()),
  );

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
  Object.entries(methods).map(([method, op]) => html`<li><code>${method.toUpperCase()} ${path}</code>: ${op.summary ?? ''}</li>`),
)}
</ul>`,
      }),
    ),
  );
}
