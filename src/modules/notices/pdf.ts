import type PDFKitDocument from 'pdfkit';

/**
 * Notices as PDF (CASE-9), drawn with pdfkit's standard fonts (their encoding covers Spanish). One function per
 * notice; the texts come translated from the caller.
 */

/** A letter-size PDF drawn by `draw`, as bytes: agency and title in its information, the header on the page. */
async function letter(
  n: { agency: string; title: string; issuedOn: string; createdAt: Date },
  draw: (doc: PDFKit.PDFDocument) => void,
): Promise<Buffer> {
  // Loaded on first use: pdfkit takes a tenth of a second to load, and most processes never draw a notice.
  const { default: PDFDocument }: { default: typeof PDFKitDocument } = await import('pdfkit');
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      margin: 72,
      info: { Title: n.title, Author: n.agency, CreationDate: n.createdAt },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica-Bold').fontSize(11).text(n.agency);
    doc.moveDown(2);
    doc.font('Helvetica-Bold').fontSize(18).text(n.title);
    doc.moveDown(0.5);
    doc.font('Helvetica').fontSize(11).text(n.issuedOn);
    doc.moveDown();
    draw(doc);
    doc.end();
  });
}

function paragraphs(doc: PDFKit.PDFDocument, texts: string[]): void {
  for (const p of texts) {
    doc.text(p);
    doc.moveDown(0.6);
  }
}

export interface AccountAcceptanceNotice {
  agency: string;
  title: string;
  issuedOn: string;
  receiptLabel: string;
  receiptNumber: string;
  formLabel: string;
  formName: string;
  codeLabel: string;
  code: string;
  validUntil: string;
  paragraphs: string[];
  /** The document's creation date (the clock's, so tests are repeatable). */
  createdAt: Date;
}

export function renderAccountAcceptanceNotice(n: AccountAcceptanceNotice): Promise<Buffer> {
  return letter(n, (doc) => {
    doc.font('Helvetica-Bold').text(`${n.receiptLabel}: `, { continued: true }).font('Helvetica').text(n.receiptNumber);
    doc.font('Helvetica-Bold').text(`${n.formLabel}: `, { continued: true }).font('Helvetica').text(n.formName);
    doc.moveDown();
    doc.font('Helvetica-Bold').fontSize(12).text(n.codeLabel);
    doc.font('Courier-Bold').fontSize(22).text(n.code);
    doc.font('Helvetica').fontSize(11).text(n.validUntil);
    doc.moveDown();
    paragraphs(doc, n.paragraphs);
  });
}

export interface CaseNotice {
  agency: string;
  title: string;
  issuedOn: string;
  facts: [label: string, value: string][];
  paragraphs: string[];
  createdAt: Date;
}

/** A notice about a case: the agency, the title, the date, the case's facts, then the text. */
export function renderCaseNotice(n: CaseNotice): Promise<Buffer> {
  return letter(n, (doc) => {
    for (const [label, value] of n.facts)
      doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);
    doc.moveDown();
    paragraphs(doc, n.paragraphs);
  });
}
