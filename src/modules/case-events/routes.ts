import { z } from 'zod';
import { BadRequest } from '../../platform/http/http-errors.js';
import type { App } from '../../platform/http/inputs.js';
import { MAX_BATCH, type CaseEventService } from './service.js';

/** The pending report's query: a page of at most 1,000 events by id, after the last id of the previous page. */
const pendingQuery = z.object({
  after: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
});

const isList = (value: unknown): value is unknown[] => Array.isArray(value);

/**
 * What the routes read (ADR 15). Neither schema refuses anything: the batch route answers a body that holds no list
 * of events, and the pending report a bad query, in their own words (compact JSON clients already know).
 */
const inputs = {
  /** The events of a JSON array, of `{"events": [...]}` or of NDJSON lines; undefined when the body holds none. */
  batch: z.unknown().transform((body): unknown[] | undefined => {
    if (isList(body)) return body;
    const events = body && typeof body === 'object' && 'events' in body ? body.events : undefined;
    return isList(events) ? events : undefined;
  }),
  /** The pending report's query as checked: its problems are answered by the route. */
  pending: z.unknown().transform((query) => pendingQuery.safeParse(query)),
};

/** Up to 10,000 events of at most 10,000 characters of payload each, plus their envelopes. */
const BODY_LIMIT = 32 * 1024 * 1024;

/**
 * `POST /api/v1/case-events` for the agency's case management systems (API clients with scope
 * `case_events:write`): a JSON array of events (or `{"events": [...]}`), or NDJSON (one event per line).
 */
export function registerCaseEventRoutes(app: App, deps: { caseEvents: CaseEventService }): void {
  void app.register(async (scope: App) => {
    // NDJSON: one JSON value per line; a line that is not JSON is answered with its line number.
    scope.addContentTypeParser(
      'application/x-ndjson',
      { parseAs: 'string', bodyLimit: BODY_LIMIT },
      (_request, body, done) => {
        const events: unknown[] = [];
        const lines = String(body).split('\n');
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i]!.trim();
          if (!line) continue;
          try {
            events.push(JSON.parse(line));
          } catch {
            done(new BadRequest(`Line ${i + 1} is not JSON.`, `Line ${i + 1} is not JSON.`), undefined);
            return;
          }
        }
        done(null, events);
      },
    );

    scope.post(
      '/api/v1/case-events',
      {
        bodyLimit: BODY_LIMIT,
        config: { policy: 'api-client', scope: 'case_events:write', api: 'agency', json: true, rateLimit: false },
        schema: { body: inputs.batch },
      },
      async (request, reply) => {
        const events = request.body;
        if (!events) {
          return reply.code(400).send({
            code: 400,
            message: 'Send a JSON array of events, {"events": [...]}, or NDJSON (application/x-ndjson).',
          });
        }
        if (events.length === 0) return reply.code(400).send({ code: 400, message: 'The batch is empty.' });
        if (events.length > MAX_BATCH)
          return reply.code(413).send({ code: 413, message: `At most ${MAX_BATCH} events per batch.` });
        const result = await deps.caseEvents.ingest(events, request.apiClient!.id);
        if (!result.ok) {
          return reply.code(422).send({
            code: 422,
            message: 'Nothing was applied: correct these events and send the batch again.',
            errors: result.problems.slice(0, 1000),
          });
        }
        const { ok: _ok, ...summary } = result;
        return reply.send(summary);
      },
    );

    // What still waits for a receipt number's form, and what waited too long (ADR 13): the calling client's events.
    scope.get(
      '/api/v1/case-events/pending',
      {
        config: { policy: 'api-client', scope: 'case_events:write', api: 'agency', rateLimit: false },
        schema: { querystring: inputs.pending },
      },
      async (request, reply) => {
        const query = request.query;
        if (!query.success) {
          const problems = query.error.issues.map(
            (i) =>
              `${i.path.join('.')}: ${i.path[0] === 'limit' ? 'a whole number from 1 to 1000' : '1 to 100 characters (the next of the previous page)'}`,
          );
          return reply.code(400).send({ code: 400, message: `Not a valid query: ${problems.join('; ')}.` });
        }
        const report = await deps.caseEvents.pendingReport({
          clientId: request.apiClient!.id,
          limit: query.data.limit,
          ...(query.data.after ? { after: query.data.after } : {}),
        });
        return reply.header('cache-control', 'no-store').send(report);
      },
    );
  });
}
