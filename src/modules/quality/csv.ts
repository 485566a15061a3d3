import { CSV_BOM, csvRecord } from '../../platform/csv.js';
import type { WeeklyScoreRow } from './repository.js';

/**
 * The scores export: RFC 4180 (CRLF line ends, fields with a comma, quote, CR or LF quoted, quotes doubled), a byte
 * order mark for Excel, and cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) prefixed by
 * an apostrophe, as the survey export does (OWASP "CSV Injection"). Numbers are written as numbers.
 */

export const SCORES_CSV_HEADER = [
  'week_start',
  'agent_id',
  'agent_name',
  'reviews',
  'average_total',
  'wrong_answers',
] as const;

export function scoresCsv(rows: WeeklyScoreRow[]): string {
  return (
    CSV_BOM +
    csvRecord(SCORES_CSV_HEADER) +
    rows
      .map((r) =>
        csvRecord([r.weekStart, r.agentId, r.agentName, r.reviews, r.averageTotal.toFixed(2), r.wrongAnswers]),
      )
      .join('')
  );
}
