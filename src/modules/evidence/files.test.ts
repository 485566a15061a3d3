import fc from 'fast-check';
import PDFKit from 'pdfkit';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { JPEG_SMALL, PNG_1PX } from '../../../test/multipart.js';
import { checkContent, holdsMarkup, inspectPdf, jpegEnd, pngEnd } from './files.js';

/** A PDF made by pdfkit (the notices' library), optionally password-protected. */
function pdfkit(options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFKit(options);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.text('My new address.');
    doc.end();
  });
}

/** A plain PDF changed by `change`, saved with object streams (names compressed, not visible as text). */
async function changed(change: (doc: PDFDocument) => void | Promise<void>, objectStreams = true): Promise<Buffer> {
  const doc = await PDFDocument.load(plain);
  await change(doc);
  return Buffer.from(await doc.save({ useObjectStreams: objectStreams }));
}

/**
 * A minimal PDF written by hand: one page, a cross-reference table, and a trailer with `extraTrailer` (e.g. an
 * /Encrypt entry and its dictionary as object 4).
 */
function handMadePdf(extraTrailer = '', extraObject = ''): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
    ...(extraObject ? [extraObject] : []),
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${extraTrailer}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

let plain: Buffer;
beforeAll(async () => {
  plain = await pdfkit();
});

describe('upload checks from the content (issue 13 point 12)', () => {
  it('accepts a plain PDF, and one that merely contains the text "/Encrypt"', async () => {
    expect(await checkContent(plain, 'application/pdf')).toEqual({ ok: true });
    const titled = await changed(
      (doc) => doc.catalog.set(PDFName.of('Note'), PDFString.of('Why /Encrypt is not set')),
      false,
    );
    expect(titled.includes('/Encrypt')).toBe(true);
    expect(await checkContent(titled, 'application/pdf')).toEqual({ ok: true });
    const inObject = handMadePdf('', '<< /Note (/Encrypt 5 0 R) /Encrypt-like true >>');
    expect(await checkContent(inObject, 'application/pdf')).toEqual({ ok: true });
  });

  it('refuses a PDF whose trailer names an encryption dictionary, and one pdfkit protected with a password', async () => {
    const encrypted = handMadePdf(
      '/Encrypt 4 0 R /ID [<01> <01>] ',
      '<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>',
    );
    expect(await checkContent(encrypted, 'application/pdf')).toEqual({ ok: false, reason: 'pdf_encrypted' });
    expect(
      await checkContent(await pdfkit({ userPassword: 'secret', ownerPassword: 'owner' }), 'application/pdf'),
    ).toEqual({ ok: false, reason: 'pdf_encrypted' });
  });

  it('refuses a PDF with active content: an OpenAction running JavaScript, a Launch action, an embedded file (even inside object streams)', async () => {
    const openAction = await changed((doc) => {
      doc.catalog.set(
        PDFName.of('OpenAction'),
        doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.alert(1)') }),
      );
    });
    expect(openAction.includes('/JavaScript')).toBe(false); // compressed: a text search would miss it
    expect(await checkContent(openAction, 'application/pdf')).toEqual({ ok: false, reason: 'pdf_active' });
    expect(await inspectPdf(openAction)).toEqual({ encrypted: false, active: ['javascript'] });

    const launch = await changed((doc) => {
      const page = doc.getPage(0).node;
      page.set(PDFName.of('AA'), doc.context.obj({ O: { S: 'Launch', F: PDFString.of('cmd.exe') } }));
    });
    expect(await inspectPdf(launch)).toEqual({ encrypted: false, active: ['launch'] });

    const attached = await changed(async (doc) => {
      await doc.attach(Buffer.from('MZ program'), 'tool.exe', { mimeType: 'application/octet-stream' });
    });
    expect(await checkContent(attached, 'application/pdf')).toEqual({ ok: false, reason: 'pdf_active' });

    // A name written with #xx escapes is the same name.
    const escaped = handMadePdf('', '<< /Type /Action /S /J#61vaScript /J#53 (app.alert(1)) >>');
    expect(await inspectPdf(escaped)).toEqual({ encrypted: false, active: ['javascript'] });
  });

  it('refuses an incomplete PDF and one no parser can read', async () => {
    expect(await checkContent(plain.subarray(0, plain.length / 2), 'application/pdf')).toEqual({
      ok: false,
      reason: 'pdf_incomplete',
    });
    expect(await checkContent(Buffer.from('%PDF-1.7\nnothing here\n%%EOF\n'), 'application/pdf')).toEqual({
      ok: false,
      reason: 'pdf_damaged',
    });
  });

  it('accepts real JPEG and PNG files, and refuses them with HTML or script appended after their end marker', async () => {
    expect(jpegEnd(JPEG_SMALL)).toBe(JPEG_SMALL.length);
    expect(pngEnd(PNG_1PX)).toBe(PNG_1PX.length);
    expect(await checkContent(JPEG_SMALL, 'image/jpeg')).toEqual({ ok: true });
    expect(await checkContent(PNG_1PX, 'image/png')).toEqual({ ok: true });
    const html = Buffer.from('<html><body><script>fetch("/account")</script></body></html>');
    expect(await checkContent(Buffer.concat([JPEG_SMALL, html]), 'image/jpeg')).toEqual({
      ok: false,
      reason: 'image_trailer',
    });
    expect(await checkContent(Buffer.concat([PNG_1PX, html]), 'image/png')).toEqual({
      ok: false,
      reason: 'image_trailer',
    });
    expect(
      await checkContent(Buffer.concat([JPEG_SMALL, Buffer.from(html.toString(), 'utf16le')]), 'image/jpeg'),
    ).toEqual({ ok: false, reason: 'image_trailer' });
    // Other data after the end (some cameras add some) is left alone; a file cut before its end is damaged.
    expect(
      await checkContent(Buffer.concat([JPEG_SMALL, Buffer.from('SEFH\u0000\u0001 maker data')]), 'image/jpeg'),
    ).toEqual({ ok: true });
    expect(await checkContent(JPEG_SMALL.subarray(0, 300), 'image/jpeg')).toEqual({
      ok: false,
      reason: 'image_damaged',
    });
    expect(await checkContent(PNG_1PX.subarray(0, PNG_1PX.length - 4), 'image/png')).toEqual({
      ok: false,
      reason: 'image_damaged',
    });
  });

  it('never throws on arbitrary bytes, and always refuses markup after a real image (property)', async () => {
    const bytes = fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b));
    await fc.assert(
      fc.asyncProperty(
        bytes,
        fc.constantFrom('application/pdf', 'image/jpeg', 'image/png', 'image/tiff'),
        async (data, mime) => {
          const result = await checkContent(data, mime);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (data) => {
        // Random bytes behind a PDF header and an end marker: pdf-lib's recovery parse must never escape as a throw.
        const result = await checkContent(
          Buffer.concat([Buffer.from('%PDF-1.7\n'), data, Buffer.from('\n%%EOF')]),
          'application/pdf',
        );
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(bytes, (data) => {
        const j = jpegEnd(data);
        const p = pngEnd(data);
        expect(j === undefined || (j > 0 && j <= data.length)).toBe(true);
        expect(p === undefined || (p > 0 && p <= data.length)).toBe(true);
        holdsMarkup(data);
      }),
      { numRuns: 1000 },
    );
    await fc.assert(
      fc.asyncProperty(
        bytes,
        fc.constantFrom('<script>', '<svg onload=x>', '<!DOCTYPE html>', '<iframe src=x>', 'javascript:alert(1)'),
        bytes,
        fc.boolean(),
        async (before, markup, after, jpeg) => {
          const image = jpeg ? JPEG_SMALL : PNG_1PX;
          const result = await checkContent(
            Buffer.concat([image, before, Buffer.from(markup), after]),
            jpeg ? 'image/jpeg' : 'image/png',
          );
          expect(result).toEqual({ ok: false, reason: 'image_trailer' });
        },
      ),
      { numRuns: 300 },
    );
  });
});
