import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifySchemaCompiler,
  FastifyTypeProvider,
  RawServerDefault,
} from 'fastify';
import { z } from 'zod';
import { InvalidInput } from './http-errors.js';

/**
 * Declared inputs (ADR 15). A route declares what it reads, with Zod, in Fastify's own place for it:
 *
 *     app.post('/account/cases/add/access-code', {
 *       config: { policy: 'account', limit: deps.limit },
 *       schema: { body: form({ code: text(40), dob_month: text(4) }) },
 *     }, async (request, reply) => { request.body.code ... });
 *
 * - One parse point: Fastify's validation step runs the schema (`zodCompiler`), after the route's guard and CSRF
 *   check (policies.ts runs them first, in preValidation), and hands the handler the parsed value, typed by the
 *   `ZodInputs` type provider: request input is never cast (test/code-shape.test.ts).
 * - Bad input is answered the same way everywhere: `InvalidInput` (400), which the one error handler turns into the
 *   error page with its error summary, or into the agency API's JSON shape on API routes.
 * - Form fields are read the way browsers send them: a field is text, cut to its longest allowed length, and a
 *   missing or repeated field reads as empty text (`text`), so a page shows its own field errors for what people
 *   type, and the schema only refuses what no form of ours sends. Checks that need words for people (a receipt
 *   number's format, a date that does not exist) stay with the page or the service, which answer them in the form.
 */

/** Types a route's `request.body`, `query` and `params` from its Zod schemas. */
export interface ZodInputs extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/** The app as modules register routes on it: with typed inputs. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodInputs>;

function isZod(schema: unknown): schema is z.ZodType {
  return schema instanceof z.ZodType;
}

/**
 * Fastify's validator compiler for every route: Zod schemas only. A JSON schema (from a route or a plugin) fails at
 * start, so Fastify's ajv-based compilers are never loaded (a tenth of an embedded start).
 */
export const zodCompiler: FastifySchemaCompiler<unknown> = ({ schema, method, url, httpPart }) => {
  if (!isZod(schema))
    throw new Error(
      `${method} ${url} has a JSON schema (${httpPart ?? 'body'}): Casedesk routes declare their inputs with Zod`,
    );
  const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body');
  return (data: unknown) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    return {
      error: new InvalidInput(
        result.error.issues.map((issue) => ({
          where: [part, ...issue.path.map(String)].join('.'),
          message: issue.message,
        })),
      ),
    };
  };
};

/**
 * A text field of a form or a query: the string sent, cut to `max` characters; anything else (missing, repeated,
 * a file) reads as empty text. This is how every form of the service has always read its fields.
 *
 * Note for new field kinds: in Zod 4 an object key whose schema is `z.unknown()` (or a transform of it) is still
 * required; add `.optional()` before the transform, as here, or a form without the field is refused with 400.
 */
export function text(max = 200) {
  return z
    .unknown()
    .optional()
    .transform((value): string => (typeof value === 'string' ? value.slice(0, max) : ''));
}

/** Every value sent under one name (a group of checkboxes), each cut to `max` characters; none is an empty list. */
export function texts(max = 200) {
  return z
    .unknown()
    .optional()
    .transform((value): string[] =>
      (Array.isArray(value) ? value : value === undefined ? [] : [value])
        .filter((v): v is string => typeof v === 'string')
        .map((v) => v.slice(0, max)),
    );
}

/** A checkbox: ticked when sent with any value. */
export function ticked() {
  return z
    .unknown()
    .optional()
    .transform((value): boolean => value !== undefined && value !== '');
}

/**
 * A form body or a query string: the fields the route reads (others are dropped). A request without a body (or
 * with one that is not a form, which the security layer already refused) reads as all fields empty.
 */
export function fields<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess(
    (value) => (value && typeof value === 'object' && !Array.isArray(value) ? value : {}),
    z.object(shape),
  );
}

/** A route's path parameters (always present: the router matched them). */
export function params<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object(shape);
}

/**
 * One field of a request's parsed body or query as it came, for the platform's hooks that read the same field of
 * every request before any route's schema runs (the `?lang=` switch, a form's CSRF token). Undefined when the input
 * is not an object (no body, a body that is not a form).
 */
export function inputField(input: unknown, name: string): unknown {
  if (input === null || typeof input !== 'object') return undefined;
  const value: unknown = Reflect.get(input, name);
  return value;
}
