import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import fastifyMultipart, { type Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { inputField } from './inputs.js';

/**
 * File uploads (multipart forms) for the routes of one encapsulated scope (issue 13 point 8). Nothing of the body
 * is read before the route's policy guard and CSRF check, which run first (preValidation): a request without a session
 * is refused with its body unread. The CSRF token of a multipart form is its first field (`csrfField` comes first
 * in every form), or the `x-csrf-token` header: the check reads the text fields sent before the first file and
 * refuses before any file byte is read. Files then come one at a time as streams, for the route to send to the file
 * storage with its limits counted as the bytes pass (`UploadForm.files`); a form left unread (refused, or cut short)
 * is not read further and its connection is closed after the answer.
 */
export interface UploadedFileStream {
  fieldname: string;
  /** The name the browser gave (untrusted). */
  filename: string;
  /**
   * The bytes. A file longer than the scope's `maxFileBytes` fails with UploadError('too_large') when it reaches the
   * limit, and the rest of the body is not read.
   */
  stream: Readable & { truncated?: boolean };
}

export interface UploadForm {
  /** The text fields sent before the first file (the first value of each name). */
  fields: Record<string, string>;
  /**
   * The files, in order; each must be read (or given up) before asking for the next (an unread one is drained).
   * Text fields after a file are added to `fields`. Throws UploadError for a malformed form or one over the part
   * limits.
   */
  files(): AsyncGenerator<UploadedFileStream>;
}

/** A file read whole (within the scope's size limit): for small forms of signed-in staff, checked before storing. */
export interface UploadedPart {
  fieldname: string;
  filename: string;
  data: Buffer;
  truncated: boolean;
}

/**
 * The whole form, its files in memory (cut at the scope's `maxFileBytes`): only for a route whose guard and CSRF
 * check have passed, with a small file limit (the officer's single document).
 */
export async function readWholeForm(
  request: FastifyRequest,
): Promise<{ fields: Record<string, string>; files: UploadedPart[] }> {
  const form = await uploadForm(request);
  const files: UploadedPart[] = [];
  for await (const f of form.files()) {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of f.stream) chunks.push(chunk as Buffer);
    } catch (error) {
      const refused = refusal(error);
      if (refused.problem !== 'too_large') throw refused;
      files.push({ fieldname: f.fieldname, filename: f.filename, data: Buffer.alloc(0), truncated: true });
      return { fields: form.fields, files }; // the rest of the body is not read
    }
    files.push({
      fieldname: f.fieldname,
      filename: f.filename,
      data: Buffer.concat(chunks),
      truncated: Boolean(f.stream.truncated),
    });
  }
  return { fields: form.fields, files };
}

/** A multipart body that cannot be read as a form within the limits: the route answers 400 with `problem`. */
export class UploadError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly problem: 'too_many' | 'too_large' | 'malformed',
    options?: { cause?: unknown },
  ) {
    super(`upload refused: ${problem}`, options);
    this.name = 'UploadError';
  }
}

interface FormState {
  form: Promise<UploadForm>;
  /** Set once the body has been read to its end. */
  complete: boolean;
  /** The leading text fields, once read. */
  fields?: Record<string, string>;
}

const states = new WeakMap<FastifyRequest, FormState>();

export async function acceptUploads(
  scope: FastifyInstance,
  limits: { maxFileBytes: number; maxFiles: number; maxFields: number },
): Promise<void> {
  await scope.register(fastifyMultipart, {
    // Parts are read on demand by uploadForm(), never by a hook before the guards.
    throwFileSizeLimit: false,
    limits: {
      fileSize: limits.maxFileBytes,
      files: limits.maxFiles + 1,
      fields: limits.maxFields,
      parts: limits.maxFiles + limits.maxFields + 1,
      fieldSize: 4096,
    },
  });
  // A multipart body not read to its end (refused by a guard or the CSRF check, or a file over a limit): the rest
  // is neither read into memory nor waited for; the connection closes after the answer.
  scope.addHook('onSend', async (request, reply) => {
    if (request.isMultipart() && !states.get(request)?.complete) reply.header('connection', 'close');
  });
  scope.addHook('onResponse', async (request) => {
    const state = states.get(request);
    if (request.isMultipart() && state && !state.complete) request.raw.unpipe();
  });
}

/** Whether the request is a multipart body of an upload scope. */
export function isUpload(request: FastifyRequest): boolean {
  return typeof request.isMultipart === 'function' && request.isMultipart();
}

/** The upload form of a multipart request: its leading text fields read (once), its files still unread. */
export function uploadForm(request: FastifyRequest): Promise<UploadForm> {
  let state = states.get(request);
  if (!state) {
    const created: FormState = { complete: false, form: Promise.resolve(undefined as never) };
    created.form = readLeadingFields(request, created);
    state = created;
    states.set(request, state);
  }
  return state.form;
}

/** The first value of each name, without NUL characters (as every other form's fields: security.ts withoutNul). */
function addField(fields: Record<string, string>, name: string, value: unknown): void {
  const key = name.replace(/\u0000/g, '');
  if (!(key in fields)) fields[key] = (typeof value === 'string' ? value : String(value)).replace(/\u0000/g, '');
}

function refusal(error: unknown): UploadError {
  if (error instanceof UploadError) return error;
  const code = (error as { code?: string } | undefined)?.code;
  return new UploadError(code === 'FST_FILES_LIMIT' ? 'too_many' : 'malformed', { cause: error });
}

async function readLeadingFields(request: FastifyRequest, state: FormState): Promise<UploadForm> {
  let iterator: AsyncIterator<Multipart>;
  const next = async (): Promise<Multipart | undefined> => {
    try {
      const step = await iterator.next();
      if (step.done) {
        state.complete = true;
        return undefined;
      }
      return step.value;
    } catch (error) {
      throw refusal(error);
    }
  };
  try {
    iterator = request.parts()[Symbol.asyncIterator]();
  } catch (error) {
    throw refusal(error); // e.g. no boundary in the content type
  }
  const fields: Record<string, string> = Object.create(null);
  let pending: Multipart | undefined;
  for (;;) {
    const part = await next();
    if (!part) break;
    if (part.type === 'file') {
      pending = part;
      break;
    }
    addField(fields, part.fieldname, part.value);
  }
  state.fields = fields;
  let started = false;
  return {
    fields,
    async *files() {
      if (started) throw new Error('the files of an upload form are read once');
      started = true;
      let part = pending;
      pending = undefined;
      while (part) {
        if (part.type === 'file') {
          const file = part.file;
          // At the limit: stop reading the body (nothing more of it is read, the connection closes after the
          // answer), and fail the file's stream so its reader stops too.
          file.once('limit', () => {
            request.raw.unpipe();
            file.destroy(new UploadError('too_large'));
          });
          yield { fieldname: part.fieldname, filename: part.filename ?? '', stream: file };
          if (!part.file.readableEnded) {
            part.file.resume(); // the caller gave it up: let the parser go on to the next part
            await finished(part.file).catch(() => undefined);
          }
        }
        part = await next();
        while (part && part.type !== 'file') {
          addField(fields, part.fieldname, part.value);
          part = await next();
        }
      }
    },
  };
}

/**
 * The CSRF check of the route policies, taught multipart forms: without an `x-csrf-token` header the form's
 * leading fields are read (no file byte) so the check finds `_csrf` among them (see `csrfToken`).
 */
export function csrfForUploads(check: preHandlerHookHandler): preHandlerHookHandler {
  return function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) {
    if (!isUpload(request) || request.headers['x-csrf-token'] !== undefined)
      return check.call(this, request, reply, done);
    uploadForm(request).then(
      () => check.call(this, request, reply, done),
      (error: unknown) => done(error as Error),
    );
  };
}

/** The token a request brings: a parsed form's `_csrf`, a multipart form's leading `_csrf`, or the header. */
export function csrfToken(request: FastifyRequest): string | undefined {
  const fromBody = inputField(request.body, '_csrf');
  if (typeof fromBody === 'string') return fromBody;
  const fromUpload = states.get(request)?.fields?._csrf;
  if (fromUpload !== undefined) return fromUpload;
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}
