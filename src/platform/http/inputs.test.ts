import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/index.js';
import { installErrorHandling } from './errors.js';
import { fields, params, text, texts, ticked, zodCompiler, type App, type ZodInputs } from './inputs.js';
import { installLanguage } from './language.js';
import { installRoutePolicies } from './policies.js';

/**
 * Declared inputs (ADR 15): one parse point, after the route's guard and rate limit; bad input answered the same way
 * on every page (the error page with its summary) and every API route (the agency JSON shape).
 */
async function appWith(register: (app: App) => void): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: 'error' },
    schemaController: {
      compilersFactory: { buildValidator: () => zodCompiler },
    } as unknown as FastifyServerOptions['schemaController'],
  });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  installLanguage(app, createI18n(), { secure: false });
  installErrorHandling(app);
  installRoutePolicies(app, {
    csrf: (_request, _reply, done) => done(),
    guards: {
      // Stands in for the account guard: signed in when the request says so.
      account: (request, reply, done) => {
        if (request.headers['x-signed-in'] === 'yes') return done();
        void reply.redirect('/account/sign-in', 303);
      },
    },
  });
  register(app.withTypeProvider<ZodInputs>());
  await app.ready();
  return app;
}

describe('declared route inputs', () => {
  let app: FastifyInstance;
  let waits: (number | undefined)[] = [];
  beforeAll(async () => {
    app = await appWith((routes) => {
      routes.post(
        '/form',
        {
          config: { policy: 'public', csrfExempt: true },
          schema: { body: fields({ name: text(5), topics: texts(3), agree: ticked() }) },
        },
        (request, reply) => reply.send(JSON.stringify(request.body)),
      );
      routes.get(
        '/items/:number',
        {
          config: { policy: 'public' },
          schema: {
            params: params({ number: z.coerce.number().int().positive() }),
            querystring: fields({ page: z.coerce.number().int().min(1).default(1) }),
          },
        },
        (request, reply) => reply.send(JSON.stringify({ number: request.params.number, page: request.query.page })),
      );
      routes.get(
        '/api/v1/items/:number',
        {
          config: { policy: 'public', api: 'agency' },
          schema: { params: params({ number: z.coerce.number().int().positive() }) },
        },
        (request, reply) => reply.send(JSON.stringify(request.params)),
      );
      routes.get(
        '/account/things/:number',
        { config: { policy: 'account' }, schema: { params: params({ number: z.coerce.number().int().positive() }) } },
        (request, reply) => reply.send(JSON.stringify(request.params)),
      );
      routes.post(
        '/limited',
        {
          config: { policy: 'public', csrfExempt: true, limit: () => Promise.resolve(waits.shift()) },
          schema: { body: fields({ page: z.coerce.number().int().min(1) }) },
        },
        (_request, reply) => reply.send('ok'),
      );
    });
  });
  afterAll(() => app.close());

  it('reads form fields as browsers send them: cut to length, missing or repeated as empty, checkboxes ticked', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/form',
      payload: 'name=Ana%20Maria&topics=abcd&topics=x&agree=on&extra=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(JSON.parse(response.body)).toEqual({ name: 'Ana M', topics: ['abc', 'x'], agree: true });
    const empty = await app.inject({
      method: 'POST',
      url: '/form',
      payload: 'name=a&name=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(JSON.parse(empty.body)).toEqual({ name: '', topics: [], agree: false });
    const none = await app.inject({ method: 'POST', url: '/form' });
    expect(JSON.parse(none.body)).toEqual({ name: '', topics: [], agree: false });
  });

  it('hands the handler parsed, typed values', async () => {
    const response = await app.inject('/items/42?page=3');
    expect(JSON.parse(response.body)).toEqual({ number: 42, page: 3 });
    expect(JSON.parse((await app.inject('/items/42')).body)).toEqual({ number: 42, page: 1 });
  });

  it('answers bad input on a page with the error page and a summary of the fields, in the visitor language', async () => {
    const response = await app.inject('/items/abc?page=0');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.body).toContain('id="error-summary"');
    expect(response.body).toContain('“number”');
    // Params are read before the query: the query's problems show once the params are right.
    const query = await app.inject('/items/5?page=0');
    expect(query.statusCode).toBe(400);
    expect(query.body).toContain('“page”');
    const spanish = await app.inject('/items/abc?lang=es');
    expect(spanish.statusCode).toBe(400);
    expect(spanish.body).toContain('No pudimos leer su solicitud');
  });

  it('answers bad input on an API route in the agency JSON shape', async () => {
    const response = await app.inject('/api/v1/items/abc');
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body) as { code: number; message: string };
    expect(body.code).toBe(400);
    expect(body.message).toContain('params.number');
  });

  it('asks the guard before the input: a signed-out visitor is sent to sign in whatever they sent', async () => {
    const signedOut = await app.inject('/account/things/abc');
    expect(signedOut.statusCode).toBe(303);
    const signedIn = await app.inject({ url: '/account/things/abc', headers: { 'x-signed-in': 'yes' } });
    expect(signedIn.statusCode).toBe(400);
  });

  it('applies the rate limit a route declares before reading its input, with Retry-After', async () => {
    const postPageZero = () =>
      app.inject({
        method: 'POST',
        url: '/limited',
        payload: 'page=zero',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    waits = [17];
    const limited = await postPageZero();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('17');
    waits = [undefined];
    const bad = await postPageZero();
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a JSON schema when the app starts', async () => {
    await expect(
      appWith((routes) =>
        routes.get(
          '/json',
          { config: { policy: 'public' }, schema: { querystring: { type: 'object' } as never } },
          (_request, reply) => reply.send('x'),
        ),
      ),
    ).rejects.toThrow(/JSON schema/);
  });
});
