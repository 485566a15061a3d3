import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';

/**
 * File uploads (multipart forms) for the routes of one encapsulated scope: files arrive in memory within the
 * limits, a file over the size limit is cut and marked `truncated` (the route refuses it with a clear message
 * rather than an error page), and text fields are plain values of `request.body`.
 */
export interface UploadedPart {
  filename: string;
  data: Buffer;
  truncated: boolean;
}

export async function acceptUploads(scope: FastifyInstance, limits: { maxFileBytes: number; maxFiles: number; maxFields: number }): Promise<void> {
  await scope.register(fastifyMultipart, {
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles + 1, fields: limits.maxFields, parts: limits.maxFiles + limits.maxFields + 1 },
    onFile: async (part) => {
      const data = await part.toBuffer();
      (part as unknown as { value: UploadedPart }).value = { filename: part.filename ?? '', data, truncated: part.file.truncated };
    },
  });
}

/** The uploaded files of a field (none, one or several). */
export function uploadedParts(body: unknown, field: string): UploadedPart[] {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  const raw = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return raw.filter((p): p is UploadedPart => typeof p === 'object' && p !== null && 'data' in p && Buffer.isBuffer((p as UploadedPart).data));
}
