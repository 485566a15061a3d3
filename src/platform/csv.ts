/**
 * CSV exports (surveys, dashboards, quality scores): RFC 4180 with CRLF line ends, UTF-8 with a byte order mark so
 * that Excel reads accents, and protection against formula injection (OWASP "CSV Injection"): text that begins
 * with =, +, -, @, a tab or a CR would be run as a formula by a spreadsheet, so it gets a leading apostrophe, which
 * spreadsheets show as text. The apostrophe is part of the exported value: a program reading the file should strip
 * it. Numbers are written as numbers.
 */

/** A byte order mark first, so that Excel reads the file as UTF-8 (Spanish accents, ñ). */
export const CSV_BOM = '\uFEFF';

/** One field: quoted when it holds a comma, a double quote, a CR or an LF, with quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its CRLF line end. */
export function csvRecord(fields: readonly (string | number | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
