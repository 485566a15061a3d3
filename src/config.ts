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
    CASEDESK_DATA_DIR: z.string().min(1).default('./data'),
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
    CASEDESK_RUN_WORKERS: bool.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SMTP_URL: z.string().url().optional(),
    MAIL_FROM: z.string().min(3).default('Casedesk <no-reply@casedesk.localhost>'),
    SMS_PROVIDER: z.enum(['outbox', 'twilio']).optional(),
    TWILIO_ACCOUNT_SID: z.string().optional(),
    TWILIO_AUTH_TOKEN: z.string().optional(),
    TWILIO_FROM: z.string().optional(),
    TWILIO_BASE_URL: z.string().url().default('https://api.twilio.com'),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    const missing = (key: string, why: string) =>
      ctx.addIssue({ code: 'custom', path: [key], message: `is required in production (${why})` });
    if (!env.CASEDESK_COOKIE_SECRET) missing('CASEDESK_COOKIE_SECRET', 'signs cookies and CSRF tokens');
    if (!env.DATABASE_URL) missing('DATABASE_URL', 'the embedded database is for one machine only');
    if (!env.CASEDESK_PUBLIC_URL) missing('CASEDESK_PUBLIC_URL', 'links in emails and texts');
    if (!env.SMTP_URL) missing('SMTP_URL', 'email is sent over SMTP');
    if (env.SMS_PROVIDER !== 'twilio') missing('SMS_PROVIDER', 'set it to "twilio"; the outbox keeps texts on this machine');
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
  api: { tokenTtlSeconds: number; rateLimitPerMinute: number };
  lookupRateLimitPerMinute: number;
  globalRateLimitPerMinute: number;
  accountFormRateLimitPerMinute: number;
  logLevel: Env['LOG_LEVEL'];
  mail: { smtpUrl?: string; from: string };
  sms:
    | { provider: 'outbox' }
    | { provider: 'twilio'; accountSid: string; authToken: string; from: string; baseUrl: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Casedesk cannot start: the configuration is not valid.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Development-only secret: production refuses to start without its own. */
const DEVELOPMENT_COOKIE_SECRET = 'casedesk-development-secret-do-not-use-in-production';

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
    api: { tokenTtlSeconds: env.CASEDESK_API_TOKEN_TTL_SECONDS, rateLimitPerMinute: env.CASEDESK_API_RATE_LIMIT_PER_MINUTE },
    lookupRateLimitPerMinute: env.CASEDESK_LOOKUP_RATE_LIMIT_PER_MINUTE,
    globalRateLimitPerMinute: env.CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE,
    accountFormRateLimitPerMinute: env.CASEDESK_ACCOUNT_FORM_RATE_LIMIT_PER_MINUTE,
    logLevel: env.LOG_LEVEL,
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
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
