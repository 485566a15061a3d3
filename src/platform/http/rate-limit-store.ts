import type { Redis } from 'ioredis';
import type { RateLimitStoreConfig } from '../../config.js';
import type { Logger } from '../logging.js';

/**
 * Where @fastify/rate-limit keeps its counts, for every limiter of the app: the global per-address limit, the
 * per-route limits and the limiters made with `createRateLimit` (API clients, account forms, lookups) all take
 * the plugin's one store.
 *
 * - `memory` (the embedded default): counts in the process's memory. Right for one process, and only for one:
 *   N web processes would each allow the limit, N times it in all.
 * - `redis` (REDIS_URL): every web process counts in the same Redis through the plugin's own Redis support, so
 *   the limit holds once whatever the number of processes (architecture rule 16). ioredis is loaded only then.
 *
 * Redis down: requests are let through uncounted (fail open, the plugin's `skipOnError`) rather than refused:
 * an outage of the counter store must not take the service down with it, and what the limits protect against
 * keeps other defences (sign-in throttles and lockouts are in the database). Commands fail at once while the
 * connection is down (no offline queue) and give up after COMMAND_TIMEOUT_MS if Redis hangs, so a request never
 * waits long for its count; ioredis keeps reconnecting, and the outage is logged when it starts and when it ends.
 */
export interface RateLimitStore {
  readonly kind: 'memory' | 'redis';
  /** Options for @fastify/rate-limit: the Redis client and its key prefix, or nothing (its memory store). */
  readonly pluginOptions: { redis?: Redis; nameSpace?: string; skipOnError: boolean };
  /** Before the first request (Fastify's onReady): connects, waiting at most CONNECT_TIMEOUT_MS, never failing. */
  connect(): Promise<void>;
  /** When the app closes. */
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 2_000;
const COMMAND_TIMEOUT_MS = 500;

export const memoryRateLimitStore: RateLimitStore = {
  kind: 'memory',
  pluginOptions: { skipOnError: false },
  connect: async () => undefined,
  close: async () => undefined,
};

/** The configured store; for Redis a client that connects when the app starts (createDeps opens nothing). */
export async function openRateLimitStore(config: RateLimitStoreConfig, log: Logger): Promise<RateLimitStore> {
  if (config.kind === 'memory') return memoryRateLimitStore;
  const { Redis } = await import('ioredis');
  const client = new Redis(config.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
  });
  // The address only: REDIS_URL may hold a password.
  const where = `${client.options.host ?? '?'}:${client.options.port ?? '?'}`;
  // An outage is logged when it starts and when it ends, not for every request it lets through.
  let down = false;
  const failed = (error: NodeJS.ErrnoException) => {
    if (down) return;
    down = true;
    log.warn(
      { redis: where, error: error.code ?? error.message },
      'Redis for rate limits does not answer: requests are let through uncounted until it does',
    );
  };
  const answered = () => {
    if (!down) return;
    down = false;
    log.info({ redis: where }, 'Redis for rate limits answers again: requests are counted');
  };
  // Connection failures are events; a Redis that stops answering (or answers with an error) shows only in the
  // counting commands, whose errors the plugin's skipOnError swallows: their outcomes are watched too (the
  // plugin's Lua script, run with EVALSHA; not ioredis's own commands, such as CLIENT SETINFO that Redis before
  // 7.2 refuses and ioredis ignores).
  client.on('error', failed);
  client.on('ready', answered);
  const sendCommand = client.sendCommand.bind(client);
  client.sendCommand = (command, stream) => {
    const sent = sendCommand(command, stream);
    if (command.name === 'evalsha' || command.name === 'eval') command.promise.then(answered, failed);
    return sent;
  };
  let closed = false;
  return {
    kind: 'redis',
    pluginOptions: { redis: client, nameSpace: `${config.keyPrefix}rate-limit:`, skipOnError: true },
    async connect() {
      if (client.status !== 'wait' && client.status !== 'end') return;
      closed = false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CONNECT_TIMEOUT_MS);
      });
      // A failed first attempt is logged by the error listener; ioredis goes on trying in the background.
      await Promise.race([client.connect().catch(() => undefined), timeout]);
      clearTimeout(timer);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}
