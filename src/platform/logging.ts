import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';

export type Logger = FastifyBaseLogger;

/**
 * Personal data never reaches the logs: names, dates of birth, A-Numbers, emails and phone numbers are
 * replaced wherever they appear as a field (at any of the first levels of nesting), and so are credentials.
 */
const PERSONAL_FIELDS = [
  'name', 'firstName', 'lastName', 'middleName', 'fullName', 'first_name', 'last_name', 'middle_name', 'full_name',
  'dateOfBirth', 'date_of_birth', 'dob', 'birthDate',
  'aNumber', 'a_number', 'alienNumber',
  'email', 'recoveryEmail', 'recovery_email', 'to', 'recipient',
  'phone', 'phoneNumber', 'phone_number', 'mobile',
  'password', 'secret', 'client_secret', 'token', 'access_token', 'code',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  // Top level too, except `name`, which is the logger's own name.
  ...PERSONAL_FIELDS.flatMap((f) => (f === 'name' ? [`*.${f}`, `*.*.${f}`] : [f, `*.${f}`, `*.*.${f}`])),
];

/**
 * Request URLs are logged without their query string: links from emails carry single-use tokens there
 * (verification, reset, recovery, invitations), and searches carry emails. The parameter names stay, as a hint.
 */
export function urlForLogs(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const names = new URLSearchParams(url.slice(q + 1));
  return `${url.slice(0, q)}?${[...new Set(names.keys())].map((k) => `${k.slice(0, 30)}=…`).join('&')}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
  id?: string;
  routeOptions?: { url?: string };
}

export function loggerOptions(level: string): pino.LoggerOptions {
  return {
    name: 'casedesk',
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: LoggedRequest) => ({ method: req.method, url: urlForLogs(req.url ?? ''), route: req.routeOptions?.url, remoteAddress: req.ip }),
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(loggerOptions(level), destination) as unknown as Logger;
}
