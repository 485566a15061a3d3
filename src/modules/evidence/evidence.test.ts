import { utimes } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineAccountNumber, signUpApplicant, type Applicant } from '../../../test/accounts-support.js';
import { apiToken, caseEvent, createTestApp, postCaseEvents, type TestApp } from '../../../test/harness.js';
import { JPEG_SMALL, multipart, PNG_1PX, PROGRAM } from '../../../test/multipart.js';
import { renderCaseNotice } from '../notices/index.js';
import { cleanFileName, MAX_FILE_BYTES } from './index.js';
import { ORPHAN_GRACE_MS } from './service.js';

let t: TestApp;
let token: string;
let person: Applicant;
let validPdf: Buffer;
const PNG = PNG_1PX;
/** A Windows program, named as a PDF. */
const DISGUISED = PROGRAM;

beforeAll(async () => {
  t = await createTestApp();
  token = (await apiToken(t, ['case_events:write'])).token;
  person = await signUpApplicant(t, 'evi.dence@example.com', '10.44.9.1');
  validPdf = await renderCaseNotice({
    agency: 'Agency',
    title: 'Letter',
    issuedOn: 'today',
    facts: [],
    paragraphs: ['My new address.'],
    createdAt: new Date('2026-11-01T00:00:00Z'),
  });
  const oan = await onlineAccountNumber(t, person.accountId);
  const res = await postCaseEvents(
    t,
    [
      caseEvent('ev-1', 'IOE0966600001', 'case_received', '2026-09-01T15:00:00Z', {
        formCode: 'I-485',
        channel: 'online',
        onlineAccountNumber: oan,
      }),
      caseEvent('ev-2', 'IOE0966600001', 'rfe_sent', '2026-11-10T15:00:00Z', { responseDue: '2027-01-31' }),
    ],
    token,
  );
  expect(res.statusCode).toBe(200);
});
afterAll(async () => t?.close());

async function upload(
  kind: 'evidence' | 'rfe_response',
  files: { name: string; data: Buffer; type?: string }[],
  csrf?: string | null,
) {
  await person.agent.get('/account/cases/IOE0966600001/evidence');
  const token = csrf === undefined ? (person.agent.$('input[name=_csrf]').first().val() as string) : csrf;
  const { body, contentType } = multipart(token === null ? { kind } : { _csrf: token, kind }, files);
  return t.app.inject({
    method: 'POST',
    url: '/account/cases/IOE0966600001/evidence',
    headers: { cookie: person.agent.cookieHeader, 'content-type': contentType },
    payload: body,
    remoteAddress: '10.44.9.1',
  });
}

const filesOf = async () =>
  t.deps.database.db.selectFrom('case_files').selectAll().orderBy('created_at').orderBy('file_name').execute();

describe('evidence and RFE responses (issue 4 item 6, CASE-10)', () => {
  it('checks each file from its content: real PDF and PNG accepted, a disguised program, a cut PDF and a locked PDF rejected with the reason', async () => {
    const truncated = validPdf.subarray(0, Math.floor(validPdf.length / 2));
    // Password-protected: the trailer names an encryption dictionary (issue 13 point 12: not the text anywhere).
    const locked = await renderCaseNotice({
      agency: 'Agency',
      title: 'Letter',
      issuedOn: 'today',
      facts: [],
      paragraphs: ['Locked.'],
      createdAt: new Date('2026-11-01T00:00:00Z'),
    }).then(async () => {
      const PDFKit = (await import('pdfkit')).default;
      return new Promise<Buffer>((resolve) => {
        const doc = new PDFKit({ userPassword: 'secret', ownerPassword: 'owner' });
        const chunks: Buffer[] = [];
        doc.on('data', (c: Buffer) => chunks.push(c));
        doc.on('end', () => resolve(Buffer.concat(chunks)));
        doc.text('Locked.');
        doc.end();
      });
    });
    const res = await upload('evidence', [
      { name: 'letter.pdf', data: validPdf },
      { name: 'photo of ID.png', data: PNG, type: 'image/png' },
      { name: 'invoice.pdf', data: DISGUISED },
      { name: 'half.pdf', data: truncated },
      { name: '../../etc/pass wd?.pdf', data: locked },
    ]);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/cases/IOE0966600001/evidence?done=evidence');
    let files = await filesOf();
    expect(files.map((f) => [f.file_name, f.state])).toEqual(
      expect.arrayContaining([
        ['invoice.pdf', 'rejected'],
        ['letter.pdf', 'checking'],
        ['photo of ID.png', 'checking'],
      ]),
    );
    expect(files.every((f) => !f.file_name.includes('/'))).toBe(true);
    for (const f of files) await t.services.evidence.checkFile(f.id);
    files = await filesOf();
    const state = Object.fromEntries(files.map((f) => [f.file_name, `${f.state}${f.reason ? `:${f.reason}` : ''}`]));
    expect(state).toMatchObject({
      'letter.pdf': 'accepted',
      'photo of ID.png': 'accepted',
      'invoice.pdf': 'rejected:type',
      'half.pdf': 'rejected:pdf_incomplete',
      'pass wd_.pdf': 'rejected:pdf_encrypted',
    });
    // The person sees each file's state, and why.
    await person.agent.get('/account/cases/IOE0966600001/evidence');
    const text = person.agent.$('main').text();
    expect(text).toContain('The PDF is password-protected');
    expect(text).toContain('It is not a PDF, JPEG, PNG or TIFF file.');
    expect(person.agent.$('.usa-tag.bg-green')).toHaveLength(2);
  });

  it('refuses a PDF that runs JavaScript and a JPEG with a web page appended, accepts a PDF that merely mentions /Encrypt, and shows why (issue 13 point 12)', async () => {
    const { PDFDocument, PDFName, PDFString } = await import('pdf-lib');
    const withJs = await PDFDocument.load(validPdf);
    withJs.catalog.set(
      PDFName.of('OpenAction'),
      withJs.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.alert(1)') }),
    );
    const mentions = await PDFDocument.load(validPdf);
    mentions.catalog.set(PDFName.of('Note'), PDFString.of('About /Encrypt'));
    const mentionsBytes = Buffer.from(await mentions.save({ useObjectStreams: false }));
    expect(mentionsBytes.includes('/Encrypt')).toBe(true);
    const before = new Set((await filesOf()).map((f) => f.id));
    const res = await upload('evidence', [
      { name: 'script.pdf', data: Buffer.from(await withJs.save()) },
      {
        name: 'photo.jpg',
        data: Buffer.concat([JPEG_SMALL, Buffer.from('<html><script>alert(1)</script></html>')]),
        type: 'image/jpeg',
      },
      { name: 'mentions.pdf', data: mentionsBytes },
      { name: 'clean.jpg', data: JPEG_SMALL, type: 'image/jpeg' },
    ]);
    expect(res.statusCode).toBe(303);
    const added = (await filesOf()).filter((f) => !before.has(f.id));
    for (const f of added) await t.services.evidence.checkFile(f.id);
    const state = Object.fromEntries(
      (await filesOf())
        .filter((f) => !before.has(f.id))
        .map((f) => [f.file_name, `${f.state}${f.reason ? `:${f.reason}` : ''}`]),
    );
    expect(state).toEqual({
      'script.pdf': 'rejected:pdf_active',
      'photo.jpg': 'rejected:image_trailer',
      'mentions.pdf': 'accepted',
      'clean.jpg': 'accepted',
    });
    await person.agent.get('/account/cases/IOE0966600001/evidence');
    const text = person.agent.$('main').text();
    expect(text).toContain('The PDF holds active content');
    expect(text).toContain('hidden after the picture');
    await person.agent.get('/account/cases/IOE0966600001/evidence?lang=es');
    expect(person.agent.$('main').text()).toContain('El PDF contiene contenido activo');
    await person.agent.get('/account/cases/IOE0966600001/evidence?lang=en');
  });

  it('refuses too many files, too large a file, no file, and a form without its CSRF token, storing nothing', async () => {
    const before = (await filesOf()).length;
    expect(
      (
        await upload(
          'evidence',
          Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.png`, data: PNG, type: 'image/png' })),
        )
      ).statusCode,
    ).toBe(400);
    const big = await upload('evidence', [
      { name: 'big.pdf', data: Buffer.concat([validPdf, Buffer.alloc(MAX_FILE_BYTES, 0x20)]) },
    ]);
    expect(big.statusCode).toBe(400);
    expect(big.body).toContain('at most 10 MB');
    expect((await upload('evidence', [])).statusCode).toBe(400);
    expect((await upload('evidence', [{ name: 'a.png', data: PNG }], null)).statusCode).toBe(403);
    expect((await filesOf()).length).toBe(before);
  });

  it('takes one response to an open Request for Evidence, then closes the form', async () => {
    await person.agent.get('/account/cases/IOE0966600001/evidence');
    expect(person.agent.$('#rfe-heading').text()).toBe('Respond to the Request for Evidence');
    expect(person.agent.$('main').text()).toContain('January 31, 2027');
    expect((await upload('rfe_response', [{ name: 'response.pdf', data: validPdf }])).statusCode).toBe(303);
    await person.agent.get('/account/cases/IOE0966600001/evidence');
    expect(person.agent.$('#rfe-heading')).toHaveLength(0);
    const again = await upload('rfe_response', [{ name: 'again.pdf', data: validPdf }]);
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('The response form is closed');
  });

  /**
   * A multipart body given to the server as a stream that counts what was pulled from it: `lead` is sent first (the
   * form's fields and a file's header), then `fileBytes` bytes of file content, then the closing boundary.
   */
  function countedBody(fields: Record<string, string>, fileBytes: number, fileName = 'big.pdf') {
    const { body: lead, contentType } = multipart(fields, []);
    const head = lead.subarray(0, lead.length - Buffer.from('------casedesk-test-boundary--\r\n').length);
    const fileHead = Buffer.from(
      `------casedesk-test-boundary\r\nContent-Disposition: form-data; name="files"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const tail = Buffer.from('\r\n------casedesk-test-boundary--\r\n');
    const chunk = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(64 * 1024 - 9, 0x20)]);
    const pulled = { bytes: 0 };
    let sent = 0;
    const stream = new Readable({
      read() {
        if (sent === 0) {
          sent = -1;
          pulled.bytes += head.length + fileHead.length;
          this.push(Buffer.concat([head, fileHead]));
          return;
        }
        const done = Math.max(0, sent === -1 ? 0 : sent);
        if (done >= fileBytes) {
          this.push(tail);
          this.push(null);
          return;
        }
        const piece = chunk.subarray(0, Math.min(chunk.length, fileBytes - done));
        sent = done + piece.length;
        pulled.bytes += piece.length;
        this.push(piece);
      },
    });
    return { stream, contentType, pulled };
  }

  const storedEvidence = async () => {
    const keys: string[] = [];
    for await (const f of t.deps.storage.list('evidence/')) keys.push(f.key);
    return keys.sort();
  };

  it('refuses an anonymous multipart post and one with a wrong CSRF token before reading the files (issue 13 point 8)', async () => {
    const size = 40 * 1024 * 1024; // over every limit: a refusal for size would answer 400
    const keysBefore = await storedEvidence();
    const anonymous = countedBody({ _csrf: 'anything', kind: 'evidence' }, size);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/account/cases/IOE0966600001/evidence',
      headers: { 'content-type': anonymous.contentType },
      payload: anonymous.stream,
      remoteAddress: '10.44.9.2',
    });
    expect(refused.statusCode).toBe(401); // the account policy's answer: the sign-in page
    expect(anonymous.pulled.bytes).toBeLessThan(2 * 1024 * 1024);
    expect(refused.headers.connection).toBe('close');

    await person.agent.get('/account/cases/IOE0966600001/evidence');
    const forged = countedBody({ _csrf: 'not-the-token', kind: 'evidence' }, size);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/account/cases/IOE0966600001/evidence',
      headers: { cookie: person.agent.cookieHeader, 'content-type': forged.contentType },
      payload: forged.stream,
      remoteAddress: '10.44.9.1',
    });
    expect(wrong.statusCode).toBe(403);
    expect(forged.pulled.bytes).toBeLessThan(2 * 1024 * 1024);

    // The token must come before the files: a form whose token follows its file is refused the same way.
    const late = Buffer.concat([
      multipart({}, [{ name: 'a.png', data: PNG, type: 'image/png' }]).body.subarray(
        0,
        -'------casedesk-test-boundary--\r\n'.length,
      ),
      multipart({ _csrf: person.agent.$('input[name=_csrf]').first().val() as string, kind: 'evidence' }, []).body,
    ]);
    const lateToken = await t.app.inject({
      method: 'POST',
      url: '/account/cases/IOE0966600001/evidence',
      headers: { cookie: person.agent.cookieHeader, 'content-type': multipart({}, []).contentType },
      payload: late,
      remoteAddress: '10.44.9.1',
    });
    expect(lateToken.statusCode).toBe(403);
    expect(await storedEvidence()).toEqual(keysBefore);
  });

  it('stops reading a file at its limit, refuses it with the reason, and keeps nothing of the submission (issue 13 point 8)', async () => {
    const keysBefore = await storedEvidence();
    const rowsBefore = (await filesOf()).length;
    await person.agent.get('/account/cases/IOE0966600001/evidence');
    const csrf = person.agent.$('input[name=_csrf]').first().val() as string;
    const big = countedBody({ _csrf: csrf, kind: 'evidence' }, 40 * 1024 * 1024);
    const res = await t.app.inject({
      method: 'POST',
      url: '/account/cases/IOE0966600001/evidence',
      headers: { cookie: person.agent.cookieHeader, 'content-type': big.contentType },
      payload: big.stream,
      remoteAddress: '10.44.9.1',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('at most 10 MB');
    expect(big.pulled.bytes).toBeLessThan(16 * 1024 * 1024); // read up to the limit, not the 40 MB sent
    expect(res.headers.connection).toBe('close');
    expect(await storedEvidence()).toEqual(keysBefore);

    // Files within their own limit but over the submission's: the ones already stored are deleted.
    await person.agent.get('/account/cases/IOE0966600001/evidence');
    const nine = Buffer.concat([validPdf, Buffer.alloc(9 * 1024 * 1024, 0x20)]);
    const over = await upload('evidence', [
      { name: 'one.pdf', data: nine },
      { name: 'two.pdf', data: nine },
      { name: 'three.pdf', data: nine },
    ]);
    expect(over.statusCode).toBe(400);
    expect(over.body).toContain('25 MB in all');
    expect(await storedEvidence()).toEqual(keysBefore);
    expect((await filesOf()).length).toBe(rowsBefore);
  });

  it('sweeps files no record points at once past the grace period, keeping referenced files and young ones (issue 13 point 12)', async () => {
    const config = t.deps.config.files;
    if (config.kind !== 'disk') throw new Error('the test app keeps files on disk');
    const now = t.clock.now().getTime();
    /** Sets a stored file's time, as if written that long before the (fake) clock's now. */
    const writtenAgo = (key: string, ms: number) =>
      utimes(path.join(config.dir, key), new Date(now - ms), new Date(now - ms));
    const known = new Set((await filesOf()).map((f) => f.id));
    expect((await upload('evidence', [{ name: 'kept.png', data: PNG, type: 'image/png' }])).statusCode).toBe(303);
    const referenced = (await filesOf()).find((f) => !known.has(f.id))!.storage_key!;
    const orphan = 'evidence/2026-11-20/0b7a3c8e-orphan.pdf';
    const leftTemporary = 'evidence/2026-11-20/tmp-4242-0123456789ab.tmp';
    const young = 'evidence/2026-11-23/0b7a3c8e-young.png';
    for (const key of [orphan, leftTemporary, young]) await t.deps.storage.put(key, Buffer.from('left by a crash'));
    await writtenAgo(referenced, 3 * ORPHAN_GRACE_MS);
    await writtenAgo(orphan, ORPHAN_GRACE_MS + 60_000);
    await writtenAgo(leftTemporary, 2 * ORPHAN_GRACE_MS);
    await writtenAgo(young, ORPHAN_GRACE_MS - 60_000);

    const { deleted } = await t.services.evidence.sweepOrphans();
    expect(deleted.sort()).toEqual([orphan, leftTemporary].sort());
    expect(await t.deps.storage.get(orphan)).toBeUndefined();
    expect(await t.deps.storage.get(referenced)).toBeDefined();
    expect(await t.deps.storage.get(young)).toBeDefined();
    // Once the young one is past the grace period too (the clock moves on), it goes; running again deletes nothing more.
    t.clock.advance(2 * 60_000);
    expect((await t.services.evidence.sweepOrphans()).deleted).toEqual([young]);
    expect((await t.services.evidence.sweepOrphans()).deleted).toEqual([]);
    expect(await t.deps.storage.get(referenced)).toBeDefined();
  });

  it('cleans file names', () => {
    expect(cleanFileName('C:\\Users\\ana\\Mi carta (final).PDF', 'pdf')).toBe('Mi carta_final_.pdf');
    expect(cleanFileName('...secret.png', 'png')).toBe('secret.png');
    expect(cleanFileName('', 'tif')).toBe('document.tif');
    // Issue 15 item 5: the person's name is kept; the detected type's extension only when it has none (or another's).
    expect(cleanFileName('carta.pdf')).toBe('carta.pdf');
    expect(cleanFileName('foto.JPEG', 'jpg')).toBe('foto.jpeg');
    expect(cleanFileName('escaneo', 'pdf')).toBe('escaneo.pdf');
    expect(cleanFileName('page.html', 'pdf')).toBe('page.html.pdf');
  });

  it('shows an empty file among others rejected, with the reason (issue 15 item 5)', async () => {
    const res = await upload('evidence', [
      { name: 'carta de apoyo.pdf', data: validPdf },
      { name: 'vacío.pdf', data: Buffer.alloc(0) },
    ]);
    expect(res.statusCode).toBe(303);
    const files = (await filesOf()).filter((f) => ['carta de apoyo.pdf', 'vacío.pdf'].includes(f.file_name));
    expect(files.map((f) => [f.file_name, f.state, f.reason])).toEqual(
      expect.arrayContaining([
        ['carta de apoyo.pdf', 'checking', null],
        ['vacío.pdf', 'rejected', 'empty'],
      ]),
    );
    expect(files).toHaveLength(2);
    await person.agent.get('/account/cases/IOE0966600001/evidence');
    expect(person.agent.$('main').text()).toContain('The file is empty');
  });
});
