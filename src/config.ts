import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The whole configuration of Casedesk, read once from the environment at start.
 * Nothing else in the code base reads `process.env` (architecture.md, rule 9).
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATABASE_URL: z.string().url().optional(),
    /** Rate-limit counts shared by every web process (several processes); in each process's memory when absent. */
    REDIS_URL: z
      .string()
      .url()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// address')
      .optional(),
    /** Put before every key Casedesk writes to Redis, so installations can share one Redis. */
    CASEDESK_REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:._-]{1,60}$/, 'must be 1 to 60 letters, digits, colons, dots, underscores or hyphens')
      .default('casedesk:'),
    CASEDESK_DATA_DIR: z.string().min(1).default('./data'),
    /** Where files (notices as PDF, evidence uploads) are kept: on local disk, or in an S3-compatible bucket. */
    CASEDESK_FILES_STORE: z.enum(['disk', 's3']).default('disk'),
    /** Files on disk: a directory. Default: `files` inside the embedded data directory. */
    CASEDESK_FILES_DIR: z.string().min(1).optional(),
    // Files in S3 (AWS S3, MinIO, Ceph...). Credentials come from the AWS SDK's own chain (AWS_ACCESS_KEY_ID, roles).
    CASEDESK_S3_BUCKET: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)',
      )
      .optional(),
    CASEDESK_S3_REGION: z.string().min(1).default('us-east-1'),
    /** Another S3-compatible service, e.g. `http://minio.internal:9000`; AWS S3 when absent. */
    CASEDESK_S3_ENDPOINT: z
      .string()
      .url()
      .regex(/^https?:\/\//, 'must be an http:// or https:// address')
      .optional(),
    CASEDESK_S3_FORCE_PATH_STYLE: bool.default(false),
    CASEDESK_S3_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/?$/, 'must be a key prefix such as "casedesk" or "casedesk/files/"')
      .optional(),
    CASEDESK_S3_SSE: z.enum(['AES256', 'aws:kms']).optional(),
    CASEDESK_PUBLIC_URL: z.string().url().optional(),
    CASEDESK_COOKIE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    CASEDESK_AGENCY_TIME_ZONE: z.string().default('America/New_York'),
    CASEDESK_SEED_CASES: z.coerce.number().int().min(0).max(1_000_000).default(3000),
    CASEDESK_SEED: z.coerce.number().int().default(20261123),
    CASEDESK_DEV_OUTBOX: bool.optional(),
    CASEDESK_TRUST_PROXY: bool.default(false),
    CASEDESK_API_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1800),
    CASEDESK_API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    CASEDESK_LOOKUP_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
    CASEDESK_ACCOUNT_FORM_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    CASEDESK_ACCOUNT_FORM_MIN_MS: z.coerce.number().int().min(0).max(5000).default(250),
    // How long a case event of a receipt number not known yet waits for an event giving the form (ADR 13).
    CASEDESK_CASE_EVENTS_PENDING_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    // How many days ahead appointment slots are materialised from the sites' weekly templates (issue 17).
    CASEDESK_APPOINTMENT_SLOT_DAYS: z.coerce.number().int().min(1).max(366).default(60),
    CASEDESK_RUN_WORKERS: bool.optional(),
    /** `GET /metrics` answers only with `Authorization: Bearer <this>`; without it, open outside production, refused in production. */
    CASEDESK_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().min(3).default('Casedesk <no-reply@casedesk.localhost>'),
    /** SMTP connections kept open per process (nodemailer's pool) and shared by every message it sends. */
    CASEDESK_SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
    // Message delivery (ADR 5, "Priority and throughput"): per worker process and per queue (urgent and bulk).
    CASEDESK_DELIVERY_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
    CASEDESK_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(20),
    CASEDESK_DELIVERY_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(1),
    CASEDESK_DELIVERY_URGENT_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(0.5),
    SMS_PROVIDER: z.enum(['outbox', 'twilio']).optional(),
    TWILIO_ACCOUNT_SID: z.string().optional(),
    TWILIO_AUTH_TOKEN: z.string().optional(),
    TWILIO_FROM: z.string().optional(),
    TWILIO_BASE_URL: z.string().url().default('https://api.twilio.com'),
    // The voice assistant (issue 16): live lines' hours (agency time zone, business days) and agents per live queue.
    CASEDESK_VOICE_HOURS: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, { message: 'must be HH:MM-HH:MM, e.g. 08:00-20:00' })
      .default('08:00-20:00'),
    CASEDESK_VOICE_AGENTS: z.coerce.number().int().min(0).max(100_000).default(5),
    // Sign-in through an OpenID Connect provider configured like Login.gov (docs/adr/0008-external-sign-in.md).
    CASEDESK_OIDC_ISSUER: z.string().url().optional(),
    CASEDESK_OIDC_CLIENT_ID: z.string().min(1).max(300).optional(),
    /** The client's private key for private_key_jwt: a JSON private JWK, or the path of a file holding one. */
    CASEDESK_OIDC_PRIVATE_KEY_JWK: z.string().min(1).optional(),
    CASEDESK_OIDC_ACR_VALUES: z.string().trim().min(1).default('urn:acr.login.gov:auth-only'),
    CASEDESK_OIDC_NAME: z.string().trim().min(1).max(60).default('Login.gov'),
  })
  .superRefine((env, ctx) => {
    if (env.CASEDESK_FILES_STORE === 's3' && !env.CASEDESK_S3_BUCKET) {
      ctx.addIssue({
        code: 'custom',
        path: ['CASEDESK_S3_BUCKET'],
        message: 'is required when CASEDESK_FILES_STORE is s3',
      });
    }
    if (env.CASEDESK_FILES_STORE !== 's3' && env.CASEDESK_S3_BUCKET) {
      // Files would silently go to the local disk (of a container, perhaps) instead of the bucket.
      ctx.addIssue({
        code: 'custom',
        path: ['CASEDESK_FILES_STORE'],
        message: 'must be s3 when CASEDESK_S3_BUCKET is set',
      });
    }
    if (env.CASEDESK_OIDC_ISSUER) {
      // Without a client id and its key nothing can be exchanged with the provider, in any environment.
      for (const key of ['CASEDESK_OIDC_CLIENT_ID', 'CASEDESK_OIDC_PRIVATE_KEY_JWK'] as const) {
        if (!env[key])
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'is required when CASEDESK_OIDC_ISSUER is set (private_key_jwt client authentication)',
          });
      }
      if (env.NODE_ENV === 'production' && !env.CASEDESK_OIDC_ISSUER.startsWith('https://')) {
        ctx.addIssue({
          code: 'custom',
          path: ['CASEDESK_OIDC_ISSUER'],
          message: 'must be an https:// address in production',
        });
      }
    }
    if (env.NODE_ENV !== 'production') return;
    const missing = (key: string, why: string) =>
      ctx.addIssue({ code: 'custom', path: [key], message: `is required in production (${why})` });
    if (!env.CASEDESK_COOKIE_SECRET) missing('CASEDESK_COOKIE_SECRET', 'signs cookies and CSRF tokens');
    if (!env.DATABASE_URL) missing('DATABASE_URL', 'the embedded database is for one machine only');
    if (!env.CASEDESK_PUBLIC_URL) missing('CASEDESK_PUBLIC_URL', 'links in emails and texts');
    if (!env.SMTP_URL) missing('SMTP_URL', 'email is sent over SMTP');
    if (env.SMS_PROVIDER !== 'twilio')
      missing('SMS_PROVIDER', 'set it to "twilio"; the outbox keeps texts on this machine');
    if (env.SMS_PROVIDER === 'twilio' || env.NODE_ENV === 'production') {
      for (const key of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const) {
        if (!env[key]) missing(key, 'texts are sent through the Twilio-compatible provider');
      }
    }
    if (env.CASEDESK_DEV_OUTBOX === true) {
      ctx.addIssue({ code: 'custom', path: ['CASEDESK_DEV_OUTBOX'], message: 'must not be on in production' });
    }
  });

export type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  production: boolean;
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  publicUrl: string;
  cookieSecret: string;
  agencyTimeZone: string;
  seed: { cases: number; seed: number };
  devOutbox: boolean;
  trustProxy: boolean;
  runWorkersInProcess: boolean;
  /** The bearer token `GET /metrics` asks for; absent: open outside production, refused (403) in production. */
  metricsToken?: string;
  api: { tokenTtlSeconds: number; rateLimitPerMinute: number };
  lookupRateLimitPerMinute: number;
  /** Case events of a receipt number not known yet wait this many days for an event giving the form, then are dropped. */
  caseEvents: { pendingDays: number };
  /** Appointment slots are materialised this many days ahead (CASEDESK_APPOINTMENT_SLOT_DAYS). */
  appointments: { slotDays: number };
  globalRateLimitPerMinute: number;
  accountFormRateLimitPerMinute: number;
  /** Where every rate limiter counts: this process's memory, or one Redis for all web processes. */
  rateLimitStore: RateLimitStoreConfig;
  /** Sign-in, sign-up and forgot-password answer no sooner than this (no timing difference between known and unknown emails). */
  accountFormMinMs: number;
  /** Where files (notices as PDF, evidence uploads) are kept. */
  files: { kind: 'disk'; dir: string } | ({ kind: 's3' } & S3FilesConfig);
  logLevel: Env['LOG_LEVEL'];
  /** External OpenID Connect sign-in; absent when CASEDESK_OIDC_ISSUER is not set (the feature is off). */
  oidc?: OidcConfig;
  /** `maxConnections`: SMTP connections each process keeps open (a pool shared by all its messages). */
  mail: { smtpUrl?: string; from: string; maxConnections: number };
  /**
   * How each worker process delivers messages, for each of the two queues (urgent and bulk): jobs fetched per poll,
   * messages sent at once, and how often an empty queue is polled (a full batch is followed by the next at once).
   */
  delivery: {
    batchSize: number;
    concurrency: number;
    pollingIntervalSeconds: number;
    urgentPollingIntervalSeconds: number;
  };
  /**
   * The voice assistant: the key its webhooks' signatures are checked with (TWILIO_AUTH_TOKEN; outside production a
   * development key when none is set, so /dev/phone can sign), the live lines' hours and agents per live queue.
   */
  voice: { authToken: string; hours: { open: string; close: string }; agents: number };
  sms:
    | { provider: 'outbox' }
    | { provider: 'twilio'; accountSid: string; authToken: string; from: string; baseUrl: string };
}

export type RateLimitStoreConfig = { kind: 'memory' } | { kind: 'redis'; url: string; keyPrefix: string };

export interface S3FilesConfig {
  bucket: string;
  region: string;
  /** Another S3-compatible service (MinIO, Ceph...); AWS S3 when absent. */
  endpoint?: string;
  forcePathStyle: boolean;
  /** Objects are kept under `<prefix>/<key>`. */
  prefix?: string;
  serverSideEncryption?: 'AES256' | 'aws:kms';
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Private JWK (RSA or EC P-256) that signs the client assertion at the token endpoint. */
  privateKeyJwk: JsonWebKey & { kid?: string; alg?: string };
  /** Requested in this order as acr_values; the ID token's acr must be one of them. */
  acrValues: string[];
  /** The provider's name on the sign-in button ("Sign in with Login.gov"). */
  name: string;
}

/** Reads the client's private JWK from the variable itself (JSON) or from the file it names. */
function readPrivateJwk(value: string): { jwk?: OidcConfig['privateKeyJwk']; problem?: string } {
  let text = value.trim();
  if (!text.startsWith('{')) {
    try {
      text = readFileSync(text, 'utf8');
    } catch {
      return { problem: 'is neither a JSON private JWK nor the path of a readable file' };
    }
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    return { problem: 'is not valid JSON' };
  }
  const k = jwk as Record<string, unknown>;
  if (!k || typeof k !== 'object' || typeof k.d !== 'string') return { problem: 'must be a private JWK (with "d")' };
  if (k.kty !== 'RSA' && !(k.kty === 'EC' && k.crv === 'P-256')) return { problem: 'must be an RSA or EC P-256 key' };
  return { jwk: k };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Casedesk cannot start: the configuration is not valid.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Development-only secret: production refuses to start without its own. */
const DEVELOPMENT_COOKIE_SECRET = 'casedesk-development-secret-do-not-use-in-production';

/** Development-only key of the provider's signatures (voice webhooks, /dev/phone) when TWILIO_AUTH_TOKEN is not set. */
export const DEVELOPMENT_TWILIO_AUTH_TOKEN = 'casedesk-development-twilio-token';

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'} ${i.message}`));
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const database = env.DATABASE_URL
    ? ({ kind: 'postgres', url: env.DATABASE_URL } as const)
    : ({ kind: 'pglite', dataDir: env.CASEDESK_DATA_DIR } as const);
  const smsProvider = env.SMS_PROVIDER ?? 'outbox';
  let oidc: OidcConfig | undefined;
  if (env.CASEDESK_OIDC_ISSUER && env.CASEDESK_OIDC_CLIENT_ID && env.CASEDESK_OIDC_PRIVATE_KEY_JWK) {
    const key = readPrivateJwk(env.CASEDESK_OIDC_PRIVATE_KEY_JWK);
    if (!key.jwk) throw new ConfigError([`CASEDESK_OIDC_PRIVATE_KEY_JWK ${key.problem}`]);
    oidc = {
      issuer: env.CASEDESK_OIDC_ISSUER,
      clientId: env.CASEDESK_OIDC_CLIENT_ID,
      privateKeyJwk: key.jwk,
      acrValues: env.CASEDESK_OIDC_ACR_VALUES.split(/\s+/),
      name: env.CASEDESK_OIDC_NAME,
    };
  }
  return {
    env: env.NODE_ENV,
    production,
    port: env.PORT,
    host: env.HOST,
    database,
    publicUrl: env.CASEDESK_PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    cookieSecret: env.CASEDESK_COOKIE_SECRET ?? DEVELOPMENT_COOKIE_SECRET,
    agencyTimeZone: env.CASEDESK_AGENCY_TIME_ZONE,
    seed: { cases: env.CASEDESK_SEED_CASES, seed: env.CASEDESK_SEED },
    devOutbox: env.CASEDESK_DEV_OUTBOX ?? !production,
    trustProxy: env.CASEDESK_TRUST_PROXY,
    runWorkersInProcess: env.CASEDESK_RUN_WORKERS ?? database.kind === 'pglite',
    metricsToken: env.CASEDESK_METRICS_TOKEN,
    api: {
      tokenTtlSeconds: env.CASEDESK_API_TOKEN_TTL_SECONDS,
      rateLimitPerMinute: env.CASEDESK_API_RATE_LIMIT_PER_MINUTE,
    },
    lookupRateLimitPerMinute: env.CASEDESK_LOOKUP_RATE_LIMIT_PER_MINUTE,
    caseEvents: { pendingDays: env.CASEDESK_CASE_EVENTS_PENDING_DAYS },
    appointments: { slotDays: env.CASEDESK_APPOINTMENT_SLOT_DAYS },
    globalRateLimitPerMinute: env.CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE,
    accountFormRateLimitPerMinute: env.CASEDESK_ACCOUNT_FORM_RATE_LIMIT_PER_MINUTE,
    rateLimitStore: env.REDIS_URL
      ? { kind: 'redis', url: env.REDIS_URL, keyPrefix: env.CASEDESK_REDIS_PREFIX }
      : { kind: 'memory' },
    accountFormMinMs: env.CASEDESK_ACCOUNT_FORM_MIN_MS,
    files:
      env.CASEDESK_FILES_STORE === 's3'
        ? {
            kind: 's3',
            bucket: env.CASEDESK_S3_BUCKET ?? '',
            region: env.CASEDESK_S3_REGION,
            endpoint: env.CASEDESK_S3_ENDPOINT,
            forcePathStyle: env.CASEDESK_S3_FORCE_PATH_STYLE,
            prefix: env.CASEDESK_S3_PREFIX,
            serverSideEncryption: env.CASEDESK_S3_SSE,
          }
        : { kind: 'disk', dir: env.CASEDESK_FILES_DIR ?? `${env.CASEDESK_DATA_DIR.replace(/\/+$/, '')}/files` },
    logLevel: env.LOG_LEVEL,
    oidc,
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, maxConnections: env.CASEDESK_SMTP_MAX_CONNECTIONS },
    delivery: {
      batchSize: env.CASEDESK_DELIVERY_BATCH_SIZE,
      concurrency: Math.min(env.CASEDESK_DELIVERY_CONCURRENCY, env.CASEDESK_DELIVERY_BATCH_SIZE),
      pollingIntervalSeconds: env.CASEDESK_DELIVERY_POLL_SECONDS,
      urgentPollingIntervalSeconds: env.CASEDESK_DELIVERY_URGENT_POLL_SECONDS,
    },
    voice: {
      authToken: env.TWILIO_AUTH_TOKEN ?? (production ? '' : DEVELOPMENT_TWILIO_AUTH_TOKEN),
      hours: { open: env.CASEDESK_VOICE_HOURS.slice(0, 5), close: env.CASEDESK_VOICE_HOURS.slice(6) },
      agents: env.CASEDESK_VOICE_AGENTS,
    },
    sms:
      smsProvider === 'twilio'
        ? {
            provider: 'twilio',
            accountSid: env.TWILIO_ACCOUNT_SID ?? '',
            authToken: env.TWILIO_AUTH_TOKEN ?? '',
            from: env.TWILIO_FROM ?? '',
            baseUrl: env.TWILIO_BASE_URL,
          }
        : { provider: 'outbox' },
  };
}
