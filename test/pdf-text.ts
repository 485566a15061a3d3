import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF drawn by pdfkit with its standard fonts, line by line in drawing order: each content stream is
 * inflated and the strings of its TJ operators decoded (WinAnsi, which is Latin-1 for the letters notices use).
 * Enough to check what a notice says; not a general PDF reader.
 */
export function pdfText(pdf: Buffer): string[] {
  const lines: string[] = [];
  const source = pdf.toString('latin1');
  const streams = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = streams.exec(source))) {
    const start = m.index + m[0].length;
    const end = source.indexOf('endstream', start);
    if (end < 0) break;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue; // not a deflated content stream (fonts, images)
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const text = [...tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)]
        .map((h) => Buffer.from(h[1]!, 'hex').toString('latin1'))
        .join('');
      lines.push(text);
    }
    streams.lastIndex = end;
  }
  return lines;
}
