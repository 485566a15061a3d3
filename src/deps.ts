import { LocalDiskStorage, type FileStorage } from './platform/storage.js';
import { S3Storage } from './platform/storage-s3.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './platform/clock.js';
import { openDatabase, type Database } from './platform/db/database.js';
import { openRateLimitStore, type RateLimitStore } from './platform/http/rate-limit-store.js';
import { createI18n, type I18n } from './platform/i18n/index.js';
import { JobQueue, type JobQueueOptions } from './platform/jobs/index.js';
import { createLogger, type Logger } from './platform/logging.js';
import { cryptoRandom, type Random } from './platform/random.js';
import {
  OutboxMailer,
  OutboxSmsProvider,
  OutboxVoiceProvider,
  SmtpMailer,
  TwilioSmsProvider,
  TwilioVoiceProvider,
  type Mailer,
  type SmsProvider,
  type VoiceProvider,
} from './modules/notifications/index.js';

/**
 * Every side effect the application has comes in through this one object, built in one place (here).
 * Tests build it with fakes: a fake clock, a cloned embedded database, a local SMTP server.
 */
export interface Deps {
  config: Config;
  database: Database;
  clock: Clock;
  random: Random;
  log: Logger;
  i18n: I18n;
  jobs: JobQueue;
  mailer: Mailer;
  sms: SmsProvider;
  /** Click-to-call (the provider's Calls API, on the SMS provider's account); the outbox in development and tests. */
  voice: VoiceProvider;
  storage: FileStorage;
  /** Where the request rate limits count: memory (embedded), or Redis shared by every web process. */
  rateLimits: RateLimitStore;
}

export function createMailer(config: Config): Mailer {
  return config.mail.smtpUrl
    ? new SmtpMailer(config.mail.smtpUrl, { maxConnections: config.mail.maxConnections })
    : new OutboxMailer();
}

export function createSmsProvider(config: Config): SmsProvider {
  const sms = config.sms;
  if (sms.provider === 'twilio') {
    return new TwilioSmsProvider({
      ...sms,
      statusCallbackUrl: `${config.publicUrl.replace(/\/$/, '')}/hooks/sms/twilio/status`,
    });
  }
  return new OutboxSmsProvider();
}

/** Calls go through the same Twilio-compatible account as texts; otherwise they stay in an outbox. */
export function createVoiceProvider(config: Config): VoiceProvider {
  const sms = config.sms;
  return sms.provider === 'twilio' ? new TwilioVoiceProvider(sms) : new OutboxVoiceProvider();
}

/** Local disk by default; an S3-compatible bucket with CASEDESK_FILES_STORE=s3 (the SDK loads on first use). */
export function createFileStorage(config: Config): FileStorage {
  const files = config.files;
  return files.kind === 's3' ? new S3Storage(files) : new LocalDiskStorage(files.dir);
}

export interface DepsOverrides extends Partial<Omit<Deps, 'config'>> {
  jobOptions?: JobQueueOptions;
}

export async function createDeps(config: Config, overrides: DepsOverrides = {}): Promise<Deps> {
  const log = overrides.log ?? createLogger(config.logLevel);
  const database = overrides.database ?? (await openDatabase(config.database));
  return {
    config,
    database,
    log,
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? cryptoRandom,
    i18n: overrides.i18n ?? createI18n(),
    jobs: overrides.jobs ?? new JobQueue(database.pool, log, overrides.jobOptions),
    mailer: overrides.mailer ?? createMailer(config),
    sms: overrides.sms ?? createSmsProvider(config),
    voice: overrides.voice ?? createVoiceProvider(config),
    storage: overrides.storage ?? createFileStorage(config),
    rateLimits: overrides.rateLimits ?? (await openRateLimitStore(config.rateLimitStore, log)),
  };
}
