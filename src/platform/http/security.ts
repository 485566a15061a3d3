import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { RateLimitStore } from './rate-limit-store.js';
import { HttpError, UnsupportedMediaType } from './http-errors.js';
import { csrfToken } from './uploads.js';

export const COOKIE_DEFAULTS = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: true };

/**
 * The CSRF cookie's name. A Secure cookie gets the `__Host-` prefix: browsers then keep it only if it is Secure, has
 * Path=/ and no Domain, so no sibling host or plain-http page can set or overwrite it. Casedesk's cookies are always
 * Secure (browsers keep Secure cookies from http://localhost too, which is how the embedded default is used); a
 * cookie served without Secure could not carry the prefix (browsers refuse it), hence the condition.
 */
export function csrfCookieName(secure: boolean): string {
  return secure ? '__Host-casedesk_csrf' : 'casedesk_csrf';
}
export const CSRF_COOKIE = csrfCookieName(COOKIE_DEFAULTS.secure);

const ROOT = PROJECT_ROOT;

/**
 * The security baseline every surface gets: strict CSP without 'unsafe-inline', signed cookies that are
 * Secure/HttpOnly/SameSite, CSRF tokens for forms (checked in preValidation, once the body is parsed; a multipart
 * form's token is its leading field, read before any file: uploads.ts), a global
 * per-IP rate limit, and form parsing with a small body limit (set on the Fastify instance).
 */
/**
 * NUL characters are removed from every string a request brings (form fields, JSON, query): they mean nothing in
 * the texts people type, and PostgreSQL refuses them in text and jsonb (which would answer 500). Plain data only
 * (arrays, plain objects, objects without a prototype); walked with an explicit stack, never by recursion, so no
 * depth of nesting can overflow the call stack.
 */
export function withoutNul<T>(value: T): T {
  return inspect(value, Infinity).nul ? stripNul(value) : value; // most requests have none: nothing is copied
}

/** JSON bodies nest at most this deep (an event batch needs 5); deeper ones are refused with 400. */
export const MAX_BODY_DEPTH = 64;

/** Arrays and plain objects: what parsed forms, JSON and query strings are made of; class instances are left alone. */
function isPlain(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (!value || typeof value !== 'object' || Buffer.isBuffer(value)) return false;
  const ctor = (value as { constructor?: unknown }).constructor;
  return ctor === undefined || ctor === Object;
}

const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed: (text: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (text) => (text as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (text) => !LONE_SURROGATE.test(text);

interface Inspection {
  nul: boolean;
  /** A string (or key) holds a lone UTF-16 surrogate: not text, and PostgreSQL refuses it in jsonb. */
  loneSurrogate: boolean;
  /** Nested deeper than the limit given (the walk stops there). */
  tooDeep: boolean;
}

/** One walk over the value's strings and keys, with an explicit stack (no recursion). */
function inspect(value: unknown, maxDepth: number): Inspection {
  const found: Inspection = { nul: false, loneSurrogate: false, tooDeep: false };
  const text = (s: string) => {
    if (!found.nul && s.includes('\u0000')) found.nul = true;
    if (!found.loneSurrogate && !wellFormed(s)) found.loneSurrogate = true;
  };
  if (typeof value === 'string') text(value);
  if (!isPlain(value)) return found;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (depth > maxDepth) {
      found.tooDeep = true;
      return found;
    }
    const children = Array.isArray(item) ? item : Object.values(item as Record<string, unknown>);
    if (!Array.isArray(item)) for (const k of Object.keys(item as Record<string, unknown>)) text(k);
    for (const child of children) {
      if (typeof child === 'string') text(child);
      else if (isPlain(child)) stack.push([child, depth + 1]);
    }
  }
  return found;
}

/** A copy without NULs: same shapes (parsed forms have no prototype), keys set as data so "__proto__" stays a key. */
function stripNul<T>(value: T): T {
  const strip = (s: string) => (s.includes('\u0000') ? s.replace(/\u0000/g, '') : s);
  const pending: (Record<string, unknown> | unknown[])[] = [];
  const shallow = (v: unknown): unknown => {
    if (typeof v === 'string') return strip(v);
    if (!isPlain(v)) return v;
    let copy: Record<string, unknown> | unknown[];
    if (Array.isArray(v)) copy = v.slice();
    else {
      const ctor = (v as { constructor?: unknown }).constructor;
      copy = ctor === undefined ? (Object.create(null) as Record<string, unknown>) : {};
      for (const [k, child] of Object.entries(v))
        Object.defineProperty(copy, strip(k), { value: child, enumerable: true, writable: true, configurable: true });
    }
    pending.push(copy);
    return copy;
  };
  const root = shallow(value);
  while (pending.length > 0) {
    const copy = pending.pop()!;
    if (Array.isArray(copy)) for (let i = 0; i < copy.length; i++) copy[i] = shallow(copy[i]);
    else
      for (const [k, child] of Object.entries(copy))
        Object.defineProperty(copy, k, { value: shallow(child), enumerable: true, writable: true, configurable: true });
  }
  return root as T;
}

/**
 * What the body and query of a request bring, checked before any guard or handler (preValidation): too deep (400),
 * text that is not Unicode (a lone UTF-16 surrogate, 422: PostgreSQL would refuse it and its error quotes the
 * payload), NULs removed.
 */
function cleanInput(request: FastifyRequest): void {
  for (const part of ['body', 'query'] as const) {
    const value = request[part];
    if (value === undefined || value === null) continue;
    const found = inspect(value, MAX_BODY_DEPTH);
    if (found.tooDeep)
      throw inputError(400, `The body is nested too deeply (at most ${MAX_BODY_DEPTH} levels of arrays and objects).`);
    if (found.loneSurrogate)
      throw inputError(
        422,
        'A text value is not valid Unicode: it holds a lone UTF-16 surrogate (\\ud800-\\udfff without its pair).',
      );
    if (found.nul) request[part] = stripNul(value);
  }
}

function inputError(statusCode: 400 | 422, publicMessage: string): HttpError {
  return new HttpError(
    statusCode,
    publicMessage,
    publicMessage,
    statusCode === 400 ? 'CASEDESK_BODY_TOO_DEEP' : 'CASEDESK_NOT_UNICODE',
  );
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes JSON bodies (application/json); every other route answers 415 to them, before reading them. */
    json?: boolean;
  }
}

/**
 * JSON only where a route takes it (`config: { json: true }`): Fastify's own parser (prototype poisoning refused)
 * there, 415 everywhere else (forms, the OAuth token endpoint and the provider hooks take forms).
 */
function acceptJsonOnlyWhereTaken(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (request.routeOptions.config?.json !== true) {
      done(new UnsupportedMediaType('This address does not take JSON.'), undefined);
      return;
    }
    // Fastify's default parser answers through `done`; its type also admits a promise-returning parser, hence `void`.
    void parseJson(request, body as string, done);
  });
}

/** Helmet's configuration: a strict CSP without 'unsafe-inline' (nothing in it varies per request, e.g. no nonce). */
export function helmetMiddleware() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * The headers helmet sets, by running its middleware once on a stand-in response. Set on Node's response for every
 * request (as helmet does), they cost a few percent of a case status lookup: each one is checked on its own, and
 * Node then merges Fastify's headers into them one by one instead of writing them in one go. The stand-in also
 * proves nothing depends on the request: helmet must answer at once, without an error, having set only headers.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmetMiddleware()({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return headers;
}

export async function installSecurity(
  app: FastifyInstance,
  options: { cookieSecret: string; globalRateLimitPerMinute: number; rateLimits: RateLimitStore },
): Promise<void> {
  acceptJsonOnlyWhereTaken(app);
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      cleanInput(request);
    } catch (error) {
      done(error as Error);
      return;
    }
    done();
  });
  // Helmet's headers are worked out once (they are the same for every response) and given to each reply with
  // Fastify's own headers, which Node writes in one go (see securityHeaders).
  const headers = Object.entries(securityHeaders());
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.header(name, value);
    done();
  });
  await app.register(fastifyCookie, { secret: options.cookieSecret, parseOptions: COOKIE_DEFAULTS });
  await app.register(fastifyCsrf, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { ...COOKIE_DEFAULTS, signed: true },
    sessionPlugin: '@fastify/cookie',
    // A multipart form's token is its leading `_csrf` field, read before any file (uploads.ts).
    getToken: (request) => csrfToken(request),
  });
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  // One store for every limiter (this global one, per-route `config.rateLimit`, `app.createRateLimit`): they all
  // count in it, in Redis when several web processes share the limits (rate-limit-store.ts).
  app.addHook('onReady', () => options.rateLimits.connect());
  app.addHook('onClose', () => options.rateLimits.close());
  await app.register(fastifyRateLimit, {
    ...options.rateLimits.pluginOptions,
    global: true,
    max: options.globalRateLimitPerMinute,
    timeWindow: 60_000,
    // Health checks and assets are not counted.
    allowList: (request) =>
      request.url.startsWith('/assets/') || request.url === '/healthz' || request.url === '/readyz',
  });
  await app.register(fastifyStatic, {
    root: path.join(ROOT, 'node_modules/@uswds/uswds/dist'),
    prefix: '/assets/uswds/',
    decorateReply: false,
    maxAge: '7d',
    schemaHide: true,
  });
  // The SimpleWebAuthn browser bundle, for passkeys (public/passkeys.js uses it): served, not copied, so it
  // always matches the installed @simplewebauthn/server.
  await app.register(fastifyStatic, {
    root: path.join(ROOT, 'node_modules/@simplewebauthn/browser/dist/bundle'),
    prefix: '/assets/webauthn/',
    decorateReply: false,
    maxAge: '7d',
    schemaHide: true,
    allowedPath: (pathName) => pathName === '/index.umd.min.js',
  });
  await app.register(fastifyStatic, {
    root: path.join(ROOT, 'public'),
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '1h',
    schemaHide: true,
  });
}
