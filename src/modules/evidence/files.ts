import path from 'node:path';

/**
 * What may be uploaded (CASE-10): PDF, JPEG, PNG or TIFF, recognized from the content (never from the name or the
 * browser's word), within size limits, under a cleaned-up name.
 */

export const ALLOWED_TYPES: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/tiff': 'tif' };
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILES = 5;
export const MAX_SUBMISSION_BYTES = 25 * 1024 * 1024;

/** The type the content is, if it is one we take. */
export async function detectType(data: Buffer): Promise<{ mime: string; ext: string } | undefined> {
  const { fileTypeFromBuffer } = await import('file-type'); // loaded on first upload, not at start
  const found = await fileTypeFromBuffer(data);
  if (!found || !ALLOWED_TYPES[found.mime]) return undefined;
  return { mime: found.mime, ext: ALLOWED_TYPES[found.mime]! };
}

/**
 * A name safe to show and store: the last path part, letters, digits, spaces, dots, dashes and underscores only
 * (accents kept), no leading dots, at most 100 characters, with the extension of the detected type.
 */
export function cleanFileName(name: string, ext: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).normalize('NFC');
  const stem = base.replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N} ._-]+/gu, '_').replace(/[ _]{2,}/g, '_').replace(/^[.\s_-]+/, '').trim().slice(0, 90);
  return `${stem || 'document'}.${ext}`;
}

/**
 * The deeper check a file gets after upload: a PDF must be complete (ends with %%EOF) and not password-protected
 * (the agency could not open it). Images were recognized from their content already.
 */
export function checkContent(data: Buffer, mime: string): { ok: true } | { ok: false; reason: 'pdf_incomplete' | 'pdf_encrypted' } {
  if (mime !== 'application/pdf') return { ok: true };
  const tail = data.subarray(Math.max(0, data.length - 2048)).toString('latin1');
  if (!tail.includes('%%EOF')) return { ok: false, reason: 'pdf_incomplete' };
  if (data.toString('latin1').includes('/Encrypt')) return { ok: false, reason: 'pdf_encrypted' };
  return { ok: true };
}
