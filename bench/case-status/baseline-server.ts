/**
 * The baseline of the case status benchmark: the least a server can do to answer GET /case-status/{receipt}.
 *
 * node:http + a pg Pool (the same size as the app's, 20) and one parameterized query by the unique receipt number,
 * with the history aggregated in the same statement (the app's query, same columns, without Kysely), prepared on each
 * connection as the app's is (a named statement: PostgreSQL parses and plans it once per connection). The answer is built with
 * the app's own pure functions (describeCase + agencyCaseStatusBody), so the JSON bytes are exactly the app's:
 * the baseline pays for the same SQL, the same row decoding, the same date formatting and JSON.stringify, and
 * nothing else (no framework, no auth, no rate limit, no security headers, no metrics, no logging).
 *
 * Run by bench/case-status/run.ts: DATABASE_URL, PORT (HOST is always 127.0.0.1), CASEDESK_AGENCY_TIME_ZONE.
 */
import http from 'node:http';
import pg from 'pg';
import { agencyCaseStatusBody } from '../../src/modules/cases/routes.api.js';
import { describeCase } from '../../src/modules/cases/service.js';
import type { CaseStatusRow } from '../../src/modules/cases/repository.js';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const port = Number(process.env.PORT ?? 3201);
const timeZone = process.env.CASEDESK_AGENCY_TIME_ZONE ?? 'America/New_York';

const pool = new pg.Pool({ connectionString: url, max: 20 });
pool.on('error', () => undefined);

const QUERY = `SELECT c.receipt_number, c.form_code, c.office_code, c.received_at, c.status_key, c.status_at,
  c.status_params, c.section_1367,
  (SELECT json_agg(json_build_object('s', x.status_key, 't', x.occurred_at) ORDER BY x.occurred_at DESC, x.event_id DESC NULLS LAST, x.id DESC)
     FROM (SELECT h.status_key, h.occurred_at, NULL::text AS event_id, h.id FROM case_status_history h WHERE h.case_id = c.id
           UNION ALL
           SELECT e.status_key, e.occurred_at, e.event_id, NULL::int FROM case_events e WHERE e.receipt_number = c.receipt_number AND e.status_key IS NOT NULL) x) AS history_json
FROM cases c WHERE c.receipt_number = $1`;

type Row = Omit<CaseStatusRow, 'history'> & { history_json: { s: string; t: string }[] | null };

const NOT_FOUND = JSON.stringify({ code: 404, message: 'The requested resource was not found.' }, null, 2);

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0]!;
  if (path === '/healthz') return send(res, 200, '{"status":"ok"}');
  if (!path.startsWith('/case-status/')) return send(res, 404, NOT_FOUND);
  const receipt = decodeURIComponent(path.slice('/case-status/'.length)).toUpperCase();
  pool.query<Row>({ name: 'case_status', text: QUERY, values: [receipt] }).then(
    ({ rows }) => {
      const row = rows[0];
      if (!row || row.section_1367) return send(res, 404, NOT_FOUND);
      const { history_json, ...rest } = row;
      const found: CaseStatusRow = {
        ...rest,
        history: (history_json ?? []).map((h) => ({ statusKey: h.s, occurredAt: new Date(h.t) })),
      };
      send(res, 200, agencyCaseStatusBody(describeCase(found, timeZone)));
    },
    () => send(res, 503, '{"code":503}'),
  );
});
server.keepAliveTimeout = 65_000;

server.listen(port, '127.0.0.1', () => process.stdout.write(`baseline listening on http://127.0.0.1:${port}\n`));

const stop = () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
