import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';

export type Logger = FastifyBaseLogger;

/**
 * Personal data never reaches the logs: names, dates of birth, A-Numbers, emails and phone numbers are
 * replaced wherever they appear as a field (at any of the first levels of nesting), and so are credentials.
 */
const PERSONAL_FIELDS = [
  'name',
  'firstName',
  'lastName',
  'middleName',
  'fullName',
  'first_name',
  'last_name',
  'middle_name',
  'full_name',
  'dateOfBirth',
  'date_of_birth',
  'dob',
  'birthDate',
  'aNumber',
  'a_number',
  'alienNumber',
  'email',
  'recoveryEmail',
  'recovery_email',
  'to',
  'recipient',
  'phone',
  'phoneNumber',
  'phone_number',
  'mobile',
  'password',
  'secret',
  'client_secret',
  'token',
  'access_token',
  // Secret codes under names of their own. A field named `code` is usually an error's (database, framework) and is
  // kept: secret ones are redacted by their exact paths below.
  'oneTimeCode',
  'backupCode',
  'onlineAccessCode',
  'accessCode',
  'code_verifier',
  'codeVerifier',
];

/** Where a `code` is a secret: a message's template parameters (one-time codes) and a form's or payload's fields. */
const SECRET_CODE_PATHS = ['params.code', 'body.code', 'payload.code', 'data.code'].flatMap((p) => [
  p,
  `*.${p}`,
  `*.*.${p}`,
]);

/**
 * A database error's `detail` and `where` quote the values it refused (part of a payload, an email address); its
 * `code` (SQLSTATE) is kept.
 */
const ERROR_TEXT_PATHS = ['detail', 'where', 'internalQuery'].flatMap((f) => [
  `err.${f}`,
  `*.err.${f}`,
  `err.cause.${f}`,
  `error.${f}`,
  `*.error.${f}`,
]);

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  // Top level too, except `name`, which is the logger's own name.
  ...PERSONAL_FIELDS.flatMap((f) => (f === 'name' ? [`*.${f}`, `*.*.${f}`] : [f, `*.${f}`, `*.*.${f}`])),
  ...SECRET_CODE_PATHS,
  ...ERROR_TEXT_PATHS,
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
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: urlForLogs(req.url ?? ''),
        route: req.routeOptions?.url,
        remoteAddress: req.ip,
      }),
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(loggerOptions(level), destination) as unknown as Logger;
}

type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type Bindings = Record<string, unknown>;
type LevelAware = Logger & { isLevelEnabled?: (level: string) => boolean; bindings?: () => Bindings };

/**
 * A request's logger, made on first use. Fastify gives every request a child logger bound to its request id, and
 * pino runs the bindings of each child through redaction: a few percent of a case status lookup. Most requests
 * log nothing at the level production runs at, so the child is made only when a line is actually written (or
 * when asked for its level, bindings or a child of its own), with the same bindings and redaction.
 */
class RequestLogger {
  readonly #parent: LevelAware;
  readonly #bindings: Bindings;
  #child: LevelAware | undefined;

  constructor(parent: LevelAware, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  #logger(): LevelAware {
    return (this.#child ??= this.#parent.child(this.#bindings) as LevelAware);
  }

  #write(level: LevelName, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    (this.#logger()[level] as (...a: unknown[]) => void)(...args);
  }

  isLevelEnabled(level: string): boolean {
    return (this.#child ?? this.#parent).isLevelEnabled!(level);
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }

  set level(level: string) {
    this.#logger().level = level;
  }

  bindings(): Bindings {
    return this.#logger().bindings?.() ?? {};
  }

  child(bindings: Bindings, options?: pino.ChildLoggerOptions): Logger {
    return this.#logger().child(bindings, options);
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}
}

/**
 * Fastify's `childLoggerFactory`: a {@link RequestLogger} when the parent can tell which levels are on (pino can);
 * an ordinary child otherwise, or when the route sets options of its own (a route's `logLevel`).
 */
export function requestLogger(parent: Logger, bindings: Bindings, options: pino.ChildLoggerOptions): Logger {
  const aware = parent as LevelAware;
  if (typeof aware.isLevelEnabled !== 'function' || Object.keys(options).length > 0)
    return parent.child(bindings, options);
  return new RequestLogger(aware, bindings) as unknown as Logger;
}
