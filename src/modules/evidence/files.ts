import path from 'node:path';

/**
 * What may be uploaded (CASE-10): PDF, JPEG, PNG or TIFF, recognized from the content (never from the name or the
 * browser's word), within size limits, under a cleaned-up name.
 */

export const ALLOWED_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tif',
};
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

/** The extensions people give each detected type's files (a name with one of them keeps it). */
const EXTENSIONS_OF: Record<string, readonly string[]> = {
  pdf: ['pdf'],
  jpg: ['jpg', 'jpeg', 'jpe'],
  png: ['png'],
  tif: ['tif', 'tiff'],
};

/**
 * A name safe to show and store: the last path part, letters, digits, spaces, dots, dashes and underscores only
 * (accents kept), no leading dots, at most 100 characters. The person's name is kept with its extension (in lower
 * case); the detected type's extension `ext` is added only when the name has none, or one of another type (so a
 * file is never saved under an extension that is not its content's). A file of no type we take (`ext` undefined,
 * rejected and never served) keeps its name as given: "carta.pdf" stays "carta.pdf".
 */
export function cleanFileName(name: string, ext?: string): string {
  const base = path.basename(name.replace(/\\/g, '/')).normalize('NFC');
  const given = /\.([\p{L}\p{N}]{1,5})$/u.exec(base)?.[1]?.toLowerCase();
  const stem = base
    .replace(/\.[^.]*$/, '')
    .replace(/[^\p{L}\p{N} ._-]+/gu, '_')
    .replace(/[ _]{2,}/g, '_')
    .replace(/^[.\s_-]+/, '')
    .trim()
    .slice(0, 90);
  const named = stem || 'document';
  if (!ext) return given ? `${named}.${given}` : named;
  if (given && EXTENSIONS_OF[ext]?.includes(given)) return `${named}.${given}`;
  return given ? `${named}.${given}.${ext}` : `${named}.${ext}`;
}

export type ContentProblem =
  'pdf_incomplete' | 'pdf_damaged' | 'pdf_encrypted' | 'pdf_active' | 'image_damaged' | 'image_trailer';

/**
 * The deeper check a file gets after upload (issue 13 point 12), refusing with a reason the person is shown:
 * - a PDF must be complete (ends with %%EOF), readable by a PDF parser (pdf-lib), not encrypted (an `/Encrypt`
 *   entry in its trailer or cross-reference stream dictionary, not the text anywhere in the file), and without active
 *   content: JavaScript (a `/JS` or `/JavaScript` entry, a JavaScript action, an XFA form), a `/Launch` action, an
 *   embedded file or rich media. Such a PDF is refused rather than flagged to officers: the person can print it to a
 *   new PDF and send that, and no officer has to open a file that runs something.
 * - a JPEG or PNG must have its end marker (JPEG EOI after the segments and scan data, PNG IEND after the chunks),
 *   and nothing after it that holds markup or script (a polyglot a browser could run as a page). Other data after
 *   the end (some cameras add some) is left as it is.
 * Never throws, whatever the bytes.
 */
export async function checkContent(
  data: Buffer,
  mime: string,
): Promise<{ ok: true } | { ok: false; reason: ContentProblem }> {
  if (mime === 'image/jpeg' || mime === 'image/png') {
    const end = mime === 'image/jpeg' ? jpegEnd(data) : pngEnd(data);
    if (end === undefined) return { ok: false, reason: 'image_damaged' };
    return holdsMarkup(data.subarray(end)) ? { ok: false, reason: 'image_trailer' } : { ok: true };
  }
  if (mime !== 'application/pdf') return { ok: true };
  const tail = data.subarray(Math.max(0, data.length - 2048)).toString('latin1');
  if (!tail.includes('%%EOF')) return { ok: false, reason: 'pdf_incomplete' };
  const found = await inspectPdf(data);
  if (found === 'damaged') return { ok: false, reason: 'pdf_damaged' };
  if (found.encrypted) return { ok: false, reason: 'pdf_encrypted' };
  if (found.active.length) return { ok: false, reason: 'pdf_active' };
  return { ok: true };
}

/** Kinds of active content a PDF can hold. */
export type PdfActiveContent = 'javascript' | 'launch' | 'embedded_file' | 'rich_media' | 'xfa';

const ACTIVE_KEYS: Record<string, PdfActiveContent> = {
  JS: 'javascript',
  JavaScript: 'javascript',
  EmbeddedFiles: 'embedded_file',
  EF: 'embedded_file',
  RichMediaContent: 'rich_media',
  XFA: 'xfa',
};
const ACTIVE_NAMES: Record<string, PdfActiveContent> = {
  JavaScript: 'javascript',
  Launch: 'launch',
  EmbeddedFile: 'embedded_file',
  RichMedia: 'rich_media',
  RichMediaExecute: 'rich_media',
};

/**
 * Reads a PDF with pdf-lib (cross-reference tables and streams, object streams, names with `#xx` escapes decoded):
 * whether its trailer names an encryption dictionary, and which active content any of its objects holds.
 */
export async function inspectPdf(
  data: Buffer,
): Promise<'damaged' | { encrypted: boolean; active: PdfActiveContent[] }> {
  const { PDFDocument, PDFDict, PDFArray, PDFName, PDFStream } = await import('pdf-lib'); // loaded on first check
  let doc;
  try {
    doc = await PDFDocument.load(data, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  } catch {
    return 'damaged';
  }
  if (doc.context.trailerInfo.Encrypt !== undefined) return { encrypted: true, active: [] };
  try {
    // A document: a catalog and at least one page.
    if (!(doc.context.lookup(doc.context.trailerInfo.Root) instanceof PDFDict) || doc.getPageCount() < 1)
      return 'damaged';
  } catch {
    return 'damaged';
  }
  const active = new Set<PdfActiveContent>();
  const nameOf = (value: unknown) => (value instanceof PDFName ? value.decodeText() : undefined);
  const visit = (value: unknown, depth: number): void => {
    if (depth > 64) return;
    if (value instanceof PDFStream) return visit(value.dict, depth + 1);
    if (value instanceof PDFArray) {
      for (const item of value.asArray()) visit(item, depth + 1);
      return;
    }
    if (!(value instanceof PDFDict)) return;
    for (const [key, item] of value.entries()) {
      const k = key.decodeText();
      if (ACTIVE_KEYS[k]) active.add(ACTIVE_KEYS[k]);
      if (k === 'S' || k === 'Type' || k === 'Subtype') {
        const n = nameOf(item);
        if (n && ACTIVE_NAMES[n]) active.add(ACTIVE_NAMES[n]);
      }
      visit(item, depth + 1);
    }
  };
  try {
    for (const [, object] of doc.context.enumerateIndirectObjects()) visit(object, 0);
    visit(doc.context.trailerInfo.Root, 0);
  } catch {
    return 'damaged';
  }
  return { encrypted: false, active: [...active].sort() };
}

/** Where a JPEG ends: the byte after its EOI marker, found by walking its segments and scan data; undefined if none. */
export function jpegEnd(b: Uint8Array): number | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) return i + 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (i + 3 >= b.length) return undefined;
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    if (length < 2) return undefined;
    i += 2 + length;
    if (marker === 0xda) {
      // Scan data: up to the next marker (0xFF followed by neither a stuffed 0x00 nor a restart marker).
      while (i + 1 < b.length && !(b[i] === 0xff && b[i + 1] !== 0x00 && !(b[i + 1]! >= 0xd0 && b[i + 1]! <= 0xd7)))
        i += 1;
    }
  }
  return undefined;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Where a PNG ends: the byte after its IEND chunk, found by walking its chunks; undefined if none. */
export function pngEnd(b: Uint8Array): number | undefined {
  if (b.length < 8 || PNG_SIGNATURE.some((v, k) => b[k] !== v)) return undefined;
  let i = 8;
  while (i + 12 <= b.length) {
    const length = ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
    const type = String.fromCharCode(b[i + 4]!, b[i + 5]!, b[i + 6]!, b[i + 7]!);
    const next = i + 12 + length;
    if (next > b.length) return undefined;
    if (type === 'IEND') return next;
    i = next;
  }
  return undefined;
}

const MARKUP =
  /<\s*(?:script|html|body|head|iframe|frame|frameset|svg|img|object|embed|meta|link|style|form|base|a\s|div|!doctype|!--|\?php|\?xml)|javascript:/i;

/** Whether bytes hold HTML, SVG, XML or script that a browser or server could run (read as Latin-1, and as UTF-16). */
export function holdsMarkup(bytes: Uint8Array): boolean {
  if (!bytes.length) return false;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (MARKUP.test(buffer.toString('latin1'))) return true;
  // The same text as UTF-16: read from the first byte (little-endian) and from the second (big-endian).
  return MARKUP.test(buffer.toString('utf16le')) || MARKUP.test(buffer.subarray(1).toString('utf16le'));
}
