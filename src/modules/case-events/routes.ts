import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_BATCH, type CaseEventService } from './service.js';

/** The pending report's query: a page of at most 1,000 events by id, after the last id of the previous page. */
const pendingQuery = z.object({
  after: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
});

/** Up to 10,000 events of at most 10,000 characters of payload each, plus their envelopes. */
const BODY_LIMIT = 32 * 1024 * 1024;

/**
 * `POST /api/v1/case-events` for the agency's case management systems (API clients with scope
 * `case_events:write`): a JSON array of events (or `{"events": [...]}`), or NDJSON (one event per line).
 */
export function registerCaseEventRoutes(app: FastifyInstance, deps: { caseEvents: CaseEventService }): void {
  void app.register(async (scope) => {
    // NDJSON: one JSON value per line; a line that is not JSON is answered with its line number.
    scope.addContentTypeParser('application/x-ndjson', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => {
      const events: unknown[] = [];
      const lines = String(body).split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!.trim();
        if (!line) continue;
        try {
          events.push(JSON.parse(line));
        } catch {
          done(Object.assign(new Error(`Line ${i + 1} is not JSON.`), { statusCode: 400, publicMessage: `Line ${i + 1} is not JSON.` }), undefined);
          return;
        }
      }
      done(null, events);
    });

    scope.post(
      '/api/v1/case-events',
      { bodyLimit: BODY_LIMIT, config: { policy: 'api-client', scope: 'case_events:write', api: 'agency', json: true, rateLimit: false } },
      async (request, reply) => {
        const body = request.body as unknown;
        const events = Array.isArray(body) ? body : Array.isArray((body as { events?: unknown })?.events) ? (body as { events: unknown[] }).events : undefined;
        if (!events) {
          return reply.code(400).send({ code: 400, message: 'Send a JSON array of events, {"events": [...]}, or NDJSON (application/x-ndjson).' });
        }
        if (events.length === 0) return reply.code(400).send({ code: 400, message: 'The batch is empty.' });
        if (events.length > MAX_BATCH) return reply.code(413).send({ code: 413, message: `At most ${MAX_BATCH} events per batch.` });
        const result = await deps.caseEvents.ingest(events, request.apiClient!.id);
        if (!result.ok) {
          return reply.code(422).send({ code: 422, message: 'Nothing was applied: correct these events and send the batch again.', errors: result.problems.slice(0, 1000) });
        }
        const { ok: _ok, ...summary } = result;
        return reply.send(summary);
      },
    );

    // What still waits for a receipt number's form, and what waited too long (ADR 13): the calling client's events.
    scope.get(
      '/api/v1/case-events/pending',
      { config: { policy: 'api-client', scope: 'case_events:write', api: 'agency', rateLimit: false } },
      async (request, reply) => {
        const query = pendingQuery.safeParse(request.query);
        if (!query.success) {
          const problems = query.error.issues.map((i) => `${i.path.join('.')}: ${i.path[0] === 'limit' ? 'a whole number from 1 to 1000' : '1 to 100 characters (the next of the previous page)'}`);
          return reply.code(400).send({ code: 400, message: `Not a valid query: ${problems.join('; ')}.` });
        }
        const report = await deps.caseEvents.pendingReport({ clientId: request.apiClient!.id, limit: query.data.limit, ...(query.data.after ? { after: query.data.after } : {}) });
        return reply.header('cache-control', 'no-store').send(report);
      },
    );
  });
}
