import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { agencyDate } from '../../platform/format.js';
import { params, text, type App } from '../../platform/http/inputs.js';
import {
  API_MESSAGES,
  buildFormOfficesBody,
  buildFormsBody,
  buildProcessingTimeBody,
  type NotFoundBody,
} from './api-shapes.js';
import type { Publication, PublishedProcessingTimes } from './published.js';

/** How long browsers, proxies and this process keep an answer (the inquiry date moves once a day). */
export const API_CACHE_SECONDS = 300;

export interface ProcessingTimesApiDeps {
  processingTimes: PublishedProcessingTimes;
  clock: Clock;
  timeZone: string;
}

interface Cached {
  /** The JSON, encoded once (sent as is on every hit). */
  body: Buffer;
  etag: string;
  /** When it was built (ms): an administrator's inquiry date override shows within API_CACHE_SECONDS. */
  at: number;
}

/**
 * The answers built for one publication and one agency date, by path. A new publication or a new day starts a new
 * generation (the old one is dropped whole); within a generation an answer is rebuilt after API_CACHE_SECONDS.
 * Only answers about published forms and offices are kept, so the map holds at most one entry per published
 * form/office pair.
 */
export class ProcessingTimesApiCache {
  #generation = '';
  #entries = new Map<string, Cached>();
  /** How many answers were built (not served from the map): for tests and the benchmark. */
  builds = 0;

  async get(generation: string, key: string, now: number, build: () => Promise<unknown>): Promise<Cached | undefined> {
    if (generation !== this.#generation) {
      this.#generation = generation;
      this.#entries = new Map();
    }
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < API_CACHE_SECONDS * 1000 && now >= hit.at) return hit;
    const value = await build();
    this.builds++;
    if (value === undefined) return undefined;
    const body = Buffer.from(JSON.stringify(value));
    const entry = { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"`, at: now };
    // A generation may have changed while building: keep the entry only in the generation it was built for.
    if (generation === this.#generation) this.#entries.set(key, entry);
    return entry;
  }
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

/** Public data: cached by anyone, readable from any origin. A signed-in request keeps the platform's no-store. */
function publicHeaders(reply: FastifyReply): FastifyReply {
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', `public, max-age=${API_CACHE_SECONDS}`);
  return reply.header('access-control-allow-origin', '*');
}

function send(request: FastifyRequest, reply: FastifyReply, entry: Cached): FastifyReply {
  publicHeaders(reply).header('etag', entry.etag);
  if (matches(request.headers['if-none-match'], entry.etag)) return reply.code(304).send();
  return reply.code(200).type('application/json; charset=utf-8').send(entry.body);
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  const body: NotFoundBody = { data: null, message };
  return publicHeaders(reply).code(404).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/**
 * The agency-compatible processing-times API (issue 18 point 4): public, no token, the global per-visitor rate
 * limit of every public route. GET /processing-times/api/forms, /formoffices/{form}, /processingtime/{form}/{office}.
 * Form and office codes are matched without regard to case ("i-485" is I-485).
 */
export function registerProcessingTimesApiRoutes(
  app: App,
  deps: ProcessingTimesApiDeps,
  cache = new ProcessingTimesApiCache(),
): void {
  const config = { policy: 'public', api: 'agency' } as const;
  const context = async (): Promise<{ publication: Publication | null; generation: string; now: number }> => {
    const publication = await deps.processingTimes.current();
    const at = deps.clock.now();
    return {
      publication,
      generation: `${publication?.id ?? 0}|${agencyDate(at, deps.timeZone)}`,
      now: at.getTime(),
    };
  };

  app.get('/processing-times/api/forms', { config }, async (request, reply) => {
    const { publication, generation, now } = await context();
    const entry = await cache.get(generation, 'forms', now, () => Promise.resolve(buildFormsBody(publication)));
    return send(request, reply, entry!);
  });

  app.get(
    '/processing-times/api/formoffices/:form',
    { config, schema: { params: params({ form: text(40) }) } },
    async (request, reply) => {
      const form = request.params.form.toUpperCase();
      const { publication, generation, now } = await context();
      const entry = await cache.get(generation, `offices ${form}`, now, () =>
        Promise.resolve(buildFormOfficesBody(publication, form)),
      );
      return entry ? send(request, reply, entry) : notFound(reply, API_MESSAGES.unknownForm(form));
    },
  );

  app.get(
    '/processing-times/api/processingtime/:form/:office',
    { config, schema: { params: params({ form: text(40), office: text(40) }) } },
    async (request, reply) => {
      const form = request.params.form.toUpperCase();
      const office = request.params.office.toUpperCase();
      const { publication, generation, now } = await context();
      const entry = await cache.get(generation, `time ${form} ${office}`, now, () =>
        buildProcessingTimeBody(deps.processingTimes, publication, form, office, deps.timeZone),
      );
      if (entry) return send(request, reply, entry);
      const knownForm = publication?.figures.some((f) => f.formCode === form);
      return notFound(reply, knownForm ? API_MESSAGES.unknownOffice(form, office) : API_MESSAGES.unknownForm(form));
    },
  );
}
