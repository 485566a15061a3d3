/**
 * The Casedesk server of the telephony benchmark, in its own process (started by bench/telephony/run.ts): the app
 * as `casedesk start` builds it, on PostgreSQL, no workers, the given Twilio auth token and public URL. Prints
 * `listening <port>` once it answers. Environment: DATABASE_URL, TWILIO_AUTH_TOKEN, CASEDESK_PUBLIC_URL.
 * Stops on SIGTERM (so that `node --cpu-prof` writes its profile).
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDeps } from '../../src/deps.js';
import { createLogger } from '../../src/platform/logging.js';
import { createServices } from '../../src/services.js';

const config = loadConfig({
  NODE_ENV: 'development',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  DATABASE_URL: process.env.DATABASE_URL,
  CASEDESK_PUBLIC_URL: process.env.CASEDESK_PUBLIC_URL,
  TWILIO_AUTH_TOKEN: process.env.TWILIO_AUTH_TOKEN,
  CASEDESK_RUN_WORKERS: 'false',
  CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000000',
});
const deps = await createDeps(config, { log: createLogger(config.logLevel) });
const services = createServices(deps);
const { app } = await buildApp(deps, services);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
console.log(`listening ${(app.server.address() as AddressInfo).port}`);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  void (async () => {
    await app.close();
    await deps.jobs.stop();
    await deps.database.close();
    process.exit(0);
  })();
});
