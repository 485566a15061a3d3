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

/** One box of a notice of action's header: a small label over its value. */
export interface NoticeBox {
  label: string;
  value: string;
  /** How many of the four columns it takes (default 1). */
  span?: number;
}

export interface NoticeSection {
  heading?: string;
  paragraphs?: string[];
  /** A bulleted list (the evidence an RFE asks for). */
  list?: string[];
  /** Label and value lines, the label in bold (an appointment's date and place, a deadline). */
  facts?: [label: string, value: string][];
}

export interface NoticeOfAction {
  agency: string;
  /** "Notice of Action" */
  heading: string;
  /** The kind of notice ("Request for Evidence"), its document title. */
  title: string;
  /** Two rows of up to four columns; the box labelled `pageLabel` in them gets "x of y". */
  boxes: NoticeBox[][];
  pageBoxLabel: string;
  /** "1 of 2", "Page 1 of 2": for the box and each page's foot. */
  pageOf: (page: number, pages: number) => string;
  footerPage: (page: number, pages: number) => string;
  /** The foot's left side, on every page (the receipt number). */
  footer: string;
  /** The applicant's name and mailing address, placed for the window of a #10 envelope. */
  addressee: string[];
  /** Beside the address: the applicant's A-Number and name. */
  side: [label: string, value: string][];
  sections: NoticeSection[];
  createdAt: Date;
}

const PT = 72; // points an inch
/** #10 window envelope: the window's top-left, from the page's top-left, for a letter folded in three. */
const WINDOW = { x: 0.875 * PT, y: 2.125 * PT, width: 3.75 * PT };

/**
 * A notice of action laid out like the agency's I-797: the agency and "Notice of Action" at the top, the boxes of
 * notice type, receipt number, case type, received, priority and notice dates and page, the applicant's name and
 * mailing address where an envelope's window shows it (A-Number beside it), then the notice's text; every page
 * says "Page x of y" at its foot.
 */
export async function renderNoticeOfAction(n: NoticeOfAction): Promise<Buffer> {
  const { default: PDFDocument }: { default: typeof PDFKitDocument } = await import('pdfkit');
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      margins: { top: 0.5 * PT, bottom: 0.75 * PT, left: 0.75 * PT, right: 0.75 * PT },
      bufferPages: true,
      info: { Title: n.title, Author: n.agency, CreationDate: n.createdAt },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const left = doc.page.margins.left;
    const width = doc.page.width - left - doc.page.margins.right;
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(n.agency, left, 0.5 * PT, { width });
    doc
      .font('Helvetica-Bold')
      .fontSize(16)
      .text(n.heading, left, 0.5 * PT, { width, align: 'right' });

    // The boxes: two rows of four columns, a small label over the value.
    const column = width / 4;
    const rowHeight = 30;
    let pageBox: { x: number; y: number; w: number } | undefined;
    let y = 0.5 * PT + 26;
    for (const row of n.boxes) {
      let x = left;
      for (const box of row) {
        const w = column * (box.span ?? 1);
        doc.lineWidth(0.5).rect(x, y, w, rowHeight).stroke();
        doc
          .font('Helvetica')
          .fontSize(7)
          .text(box.label, x + 4, y + 3, { width: w - 8, lineBreak: false });
        if (box.label === n.pageBoxLabel) pageBox = { x: x + 4, y: y + 14, w: w - 8 };
        else {
          // One line: a long value (a form's name) is set smaller until it fits.
          doc.font('Helvetica-Bold').fontSize(10);
          let size = 10;
          while (size > 6 && doc.widthOfString(box.value) > w - 8) doc.fontSize((size -= 0.5));
          doc.text(box.value, x + 4, y + 14, { width: w - 8, height: rowHeight - 15, ellipsis: true });
        }
        x += w;
      }
      y += rowHeight;
    }

    // The address in the window; the A-Number and name beside it.
    doc.font('Helvetica').fontSize(10);
    doc.text(n.addressee.join('\n'), WINDOW.x, WINDOW.y, { width: WINDOW.width, lineGap: 1 });
    const sideX = left + column * 2.5;
    doc.y = WINDOW.y;
    for (const [label, value] of n.side) {
      doc
        .font('Helvetica')
        .fontSize(7)
        .text(label, sideX, doc.y, { width: width - column * 2.5 });
      doc
        .font('Helvetica-Bold')
        .fontSize(10)
        .text(value, sideX, doc.y, { width: width - column * 2.5 });
      doc.moveDown(0.3);
    }

    // The text, below the fold of the window.
    doc.x = left;
    doc.y = Math.max(3.5 * PT, doc.y + 12);
    doc.font('Helvetica-Bold').fontSize(14).text(n.title, left, doc.y, { width });
    doc.moveDown(0.5);
    for (const s of n.sections) {
      if (s.heading) doc.font('Helvetica-Bold').fontSize(11).text(s.heading, left, doc.y, { width });
      doc.font('Helvetica').fontSize(10);
      for (const p of s.paragraphs ?? []) {
        doc.text(p, left, doc.y, { width });
        doc.moveDown(0.5);
      }
      if (s.list?.length) {
        doc.list(s.list, left + 10, doc.y, { width: width - 10, bulletRadius: 1.5, textIndent: 12 });
        doc.moveDown(0.5);
      }
      for (const [label, value] of s.facts ?? [])
        doc
          .font('Helvetica-Bold')
          .text(`${label}: `, left, doc.y, { continued: true, width })
          .font('Helvetica')
          .text(value);
      if (s.facts?.length) doc.moveDown(0.5);
      doc.moveDown(0.3);
    }

    // Page x of y: in the box on the first page, at the foot of every page.
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0; // writing in the margin must not add a page
      const footY = doc.page.height - 0.5 * PT;
      doc.font('Helvetica').fontSize(8);
      doc.text(n.footer, left, footY, { width, lineBreak: false });
      doc.text(n.footerPage(i + 1, range.count), left, footY, { width, align: 'right', lineBreak: false });
      if (i === range.start && pageBox)
        doc
          .font('Helvetica-Bold')
          .fontSize(10)
          .text(n.pageOf(1, range.count), pageBox.x, pageBox.y, { width: pageBox.w, lineBreak: false });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
  });
}
