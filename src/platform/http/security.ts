import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths.js';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { csrfToken } from './uploads.js';

export const COOKIE_DEFAULTS = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: true };

const ROOT = PROJECT_ROOT;

/**
 * The security baseline every surface gets: strict CSP without 'unsafe-inline', signed cookies that are
 * Secure/HttpOnly/SameSite, CSRF tokens for forms (checked in preHandler, once the body is parsed; a multipart
 * form's token is its leading field, read before any file: uploads.ts), a global
 * per-IP rate limit, and form parsing with a small body limit (set on the Fastify instance).
 */
/**
 * NUL characters are removed from every string a request brings (form fields, JSON, query): they mean nothing in
 * the texts people type, and PostgreSQL refuses them in text and jsonb (which would answer 500).
 */
export function withoutNul<T>(value: T): T {
  return hasNul(value) ? stripNul(value) : value; // most requests have none: nothing is copied
}

/** Whether a string of the value (a key, an element, a nested value) holds a NUL; reads only what stripNul would copy. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const ctor = (value as { constructor?: unknown }).constructor;
    if (ctor !== undefined && ctor !== Object) return false;
    for (const k in value as Record<string, unknown>) {
      if (Object.prototype.hasOwnProperty.call(value, k) && (k.includes('\u0000') || hasNul((value as Record<string, unknown>)[k]))) return true;
    }
  }
  return false;
}

function stripNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replace(/\u0000/g, '') : value) as T;
  if (Array.isArray(value)) return value.map(stripNul) as T;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    // Plain data only (parsed query strings have no prototype or constructor); class instances are left alone.
    const ctor = (value as { constructor?: unknown }).constructor;
    if (ctor !== undefined && ctor !== Object) return value;
    // Same kind of object as given (parsed forms have no prototype); keys set as data, so "__proto__" stays a key.
    const out: Record<string, unknown> = ctor === undefined ? Object.create(null) : {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      Object.defineProperty(out, stripNul(k), { value: stripNul(v), enumerable: true, writable: true, configurable: true });
    }
    return out as T;
  }
  return value;
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

export async function installSecurity(app: FastifyInstance, options: { cookieSecret: string; globalRateLimitPerMinute: number }): Promise<void> {
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body !== undefined) request.body = withoutNul(request.body);
    if (request.query && typeof request.query === 'object') request.query = withoutNul(request.query);
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
    cookieKey: '_csrf',
    cookieOpts: { ...COOKIE_DEFAULTS, signed: true },
    sessionPlugin: '@fastify/cookie',
    // A multipart form's token is its leading `_csrf` field, read before any file (uploads.ts).
    getToken: (request) => csrfToken(request),
  });
  await app.register(fastifyFormbody, { bodyLimit: 64 * 1024 });
  await app.register(fastifyRateLimit, {
    global: true,
    max: options.globalRateLimitPerMinute,
    timeWindow: 60_000,
    // Health checks and assets are not counted.
    allowList: (request) => request.url.startsWith('/assets/') || request.url === '/healthz' || request.url === '/readyz',
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
