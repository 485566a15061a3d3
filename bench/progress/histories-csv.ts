import { CASE_EVENT_TYPES, statusOfEvent, type CaseEventType } from '../../src/modules/case-events/types.js';
import {
  MILESTONE_STATUSES,
  effectiveCategory,
  findForm,
  findFormCategory,
  findOffice,
  findStatus,
  parseReceiptNumber,
  statusKey,
  type Milestone,
} from '../../src/modules/cases/index.js';
import type { ProgressCase } from '../../src/modules/my-progress/estimator.js';

/**
 * Case histories from a CSV file, for the myProgress backtest (docs/my-progress.md, "The CSV of histories").
 *
 *     receipt_number,form,category,office,event_date,event
 *     IOE0900000001,I-765,c09,NSC,2025-01-06,case_received
 *     IOE0900000001,I-765,c09,NSC,2025-02-03,Case Was Updated To Show Fingerprints Were Taken
 *
 * One row per event, any order; a header row names the columns (any order, any case). `event` is an event type of
 * the case events API (src/modules/case-events/types.ts) or an official status title. `event_date` is YYYY-MM-DD
 * (midnight UTC) or an ISO 8601 date and time with its offset. `category` may be empty. A row that is not right is
 * left out and reported with its line number; so is a case without its receipt (`case_received` or "Case Was
 * Received").
 */

export interface HistoryCase extends ProgressCase {
  receiptNumber: string;
}

export interface CsvProblem {
  line: number;
  message: string;
}

const COLUMNS = ['receipt_number', 'form', 'category', 'office', 'event_date', 'event'] as const;
const RECEIVED = 'case-was-received';
const MILESTONE_OF = new Map<string, Milestone>(
  Object.entries(MILESTONE_STATUSES).flatMap(([m, keys]) => keys.map((k) => [k, m as Milestone] as const)),
);

/** RFC 4180 records with the line each starts on (quoted fields may hold commas, quotes and line breaks). */
export function* csvRecords(text: string): Generator<{ line: number; fields: string[] }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    for (;;) {
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) break;
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (text[i] === '\n') line++;
          field += text[i++];
        }
      }
      while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') field += text[i++];
      fields.push(field);
      field = '';
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    if (fields.length === 1 && fields[0] === '') continue; // a blank line
    yield { line: start, fields };
  }
}

function parseDate(text: string): Date | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const d = new Date(`${text}T00:00:00Z`);
    return Number.isNaN(d.getTime()) || !d.toISOString().startsWith(text) ? undefined : d;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function statusOf(event: string): string | undefined {
  if ((CASE_EVENT_TYPES as readonly string[]).includes(event))
    return statusOfEvent({ type: event as CaseEventType, payload: {} });
  return findStatus(statusKey(event))?.key;
}

export function parseHistoriesCsv(text: string): { cases: HistoryCase[]; problems: CsvProblem[]; rows: number } {
  const problems: CsvProblem[] = [];
  const byReceipt = new Map<string, { c: Omit<HistoryCase, 'receivedAt'> & { receivedAt?: Date }; line: number }>();
  type Index = Record<(typeof COLUMNS)[number], number>;
  let index: Index | undefined;
  let rows = 0;
  for (const { line, fields } of csvRecords(text)) {
    if (!index) {
      const names = fields.map((f) => f.trim().toLowerCase());
      const missing = COLUMNS.filter((c) => !names.includes(c));
      if (missing.length) {
        problems.push({ line, message: `the header lacks ${missing.join(', ')} (expected ${COLUMNS.join(',')})` });
        return { cases: [], problems, rows };
      }
      index = Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c)])) as Index;
      continue;
    }
    rows++;
    const get = (c: (typeof COLUMNS)[number]) => (fields[index![c]] ?? '').trim();
    const bad = (message: string) => problems.push({ line, message });
    if (fields.length < COLUMNS.length) {
      bad(`${fields.length} fields, expected ${Object.keys(index).length}`);
      continue;
    }
    const receipt = parseReceiptNumber(get('receipt_number'));
    if (!receipt.ok) {
      bad(`receipt_number "${get('receipt_number')}" is not a receipt number`);
      continue;
    }
    const form = get('form');
    if (!findForm(form)) {
      bad(`form "${form}" is not a known form`);
      continue;
    }
    const category = get('category') || null;
    if (category && !findFormCategory(form, category)) {
      bad(`category "${category}" is not a category of ${form}`);
      continue;
    }
    const office = get('office');
    if (!findOffice(office)) {
      bad(`office "${office}" is not a known office code`);
      continue;
    }
    const date = parseDate(get('event_date'));
    if (!date) {
      bad(`event_date "${get('event_date')}" is not YYYY-MM-DD or an ISO 8601 date and time with its offset`);
      continue;
    }
    const event = get('event');
    const status = statusOf(event);
    if (!status && !(CASE_EVENT_TYPES as readonly string[]).includes(event)) {
      bad(`event "${event}" is neither an event type nor an official status title`);
      continue;
    }
    let entry = byReceipt.get(receipt.value);
    if (!entry) {
      entry = {
        c: {
          receiptNumber: receipt.value,
          formCode: form,
          formCategory: effectiveCategory(form, category),
          officeCode: office,
          at: {},
        },
        line,
      };
      byReceipt.set(receipt.value, entry);
    } else if (entry.c.formCode !== form) {
      bad(`form ${form} differs from ${entry.c.formCode} on line ${entry.line} for ${receipt.value}`);
      continue;
    }
    if (!status) continue; // an event that gives no status (a notice, an address change): nothing to learn
    if (status === RECEIVED) {
      if (!entry.c.receivedAt || date < entry.c.receivedAt) entry.c.receivedAt = date;
      continue;
    }
    const m = MILESTONE_OF.get(status);
    if (m && (!entry.c.at[m] || date < entry.c.at[m])) entry.c.at[m] = date;
  }
  if (!index) problems.push({ line: 1, message: `no header row (expected ${COLUMNS.join(',')})` });
  const cases: HistoryCase[] = [];
  for (const { c, line } of byReceipt.values()) {
    if (!c.receivedAt) {
      problems.push({
        line,
        message: `${c.receiptNumber} has no receipt event (case_received or "Case Was Received")`,
      });
      continue;
    }
    cases.push({ ...c, receivedAt: c.receivedAt });
  }
  problems.sort((a, b) => a.line - b.line);
  return { cases, problems, rows };
}
