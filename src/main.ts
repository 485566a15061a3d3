import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createDeps, type Deps } from './deps.js';
import { API_SCOPES } from './modules/api-clients/index.js';
import {
  bulkLoadDemoCases,
  casesForDemoItems,
  countCases,
  sampleCaseToAddByReceiptNumber,
  sampleReceiptNumbers,
  seedDemoData,
  SANDBOX_RECEIPTS,
} from './modules/cases/index.js';
import { DataDirLockedError } from './platform/db/database.js';
import { migrateToLatest, pendingMigrations } from './platform/db/migrator.js';
import { createServices, type Services } from './services.js';
import { preparePasswordChecks } from './modules/accounts/index.js';
import { seedKnowledgeArticles } from './modules/knowledge/index.js';
import { seedAppointmentSites } from './modules/appointments/index.js';
import { seedContactCenterDemo } from './modules/service-items/index.js';
import { seedSurveyDemo } from './modules/surveys/index.js';

/** The `casedesk` command: serve, worker, migrate, seed, api-client, case-events, staff, mail-batch, notify. */

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function date(value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('must be a date such as 2026-11-23');
  return d;
}

function today(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Runs a command on the database the configuration names. The embedded database is migrated first, as `serve` does
 * (a command run on a fresh data directory then works instead of failing on missing tables); PostgreSQL must have
 * been migrated by `casedesk migrate` (run once per release), and a command says so rather than failing half-way.
 */
async function withDeps<T>(
  work: (deps: Deps, config: Config) => Promise<T>,
  options: { migrates?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const deps = await createDeps(config);
  try {
    if (!options.migrates) {
      if (config.database.kind === 'pglite') await migrateToLatest(deps.database.db);
      else {
        const pending = await pendingMigrations(deps.database.db);
        if (pending.length > 0)
          throw new Error(
            `The database is not migrated (${pending.join(', ')} pending). Run \`casedesk migrate\` first.`,
          );
      }
    }
    return await work(deps, config);
  } finally {
    await deps.jobs.stop().catch(() => undefined);
    deps.mailer.close?.();
    await deps.database.close();
  }
}

/** Migrations and pg-boss's schema and queues. */
async function migrateAll(deps: Deps): Promise<string[]> {
  const applied = await migrateToLatest(deps.database.db);
  createServices(deps); // registers every job type
  await deps.jobs.start();
  return applied;
}

/** A progress bar on a terminal (cli-progress, loaded only then), a line every 100,000 cases otherwise. */
async function progressBar(
  label: string,
): Promise<{ update: (done: number, total: number) => void; stop: () => void }> {
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update: (done, total) => {
        if (done - last >= 100_000 || done === total) {
          last = done;
          process.stderr.write(`${label}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}\n`);
        }
      },
      stop: () => undefined,
    };
  }
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} cases, ETA {eta_formatted}`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (done, total) => {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

/**
 * Four weeks of Contact Center items and survey responses up to now, so the queues, dashboards and survey results
 * are not empty (each added only where there are none yet). The open items get their SLA checks, as real items do:
 * the job queue must be started (its types registered and queues made) before this runs.
 */
async function seedDemoHistory(
  deps: Deps,
  services: Services,
  seed: number,
): Promise<{ items: number; responses: number; published: boolean }> {
  const db = deps.database.db;
  const asOf = new Date();
  const items = await seedContactCenterDemo(db, {
    seed,
    asOf,
    timeZone: deps.config.agencyTimeZone,
    cases: await casesForDemoItems(db, 500),
    jobs: deps.jobs,
  });
  const responses = await seedSurveyDemo(db, { seed, asOf });
  // Processing times computed from the demo cases and published (issue 18), and myProgress trained on them by its
  // job (queued: one training at a time, whichever process works the queue).
  const published = Boolean(await services.processingTimes.publishDemo());
  if (published) await services.myProgress.retrainSoon();
  return { items, responses, published };
}

/** A seeded legacy case to try "add a case by receipt number" with, as lines to print (none without one). */
async function addCaseTip(deps: Deps): Promise<string> {
  const c = await sampleCaseToAddByReceiptNumber(deps.database.db);
  if (!c) return '';
  const [year, month, day] = c.dateOfBirth.split('-');
  return `To try "Add a case" by receipt number (signed in, at /account/cases/add):\n  receipt number ${c.receiptNumber}, family name ${c.familyName}, date of birth ${month}/${day}/${year}\n`;
}

async function serve(options: { seed: boolean }): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const deps = await createDeps(config);
  const log = deps.log;
  let firstStart = false;
  try {
    if (config.database.kind === 'pglite') {
      // Embedded mode is for one machine: migrate, and seed demo data on the first start.
      await migrateToLatest(deps.database.db);
      if (options.seed && (await countCases(deps.database.db)) === 0) {
        log.info({ cases: config.seed.cases }, 'first start: seeding demo data');
        await seedDemoData(deps.database.db, { seed: config.seed.seed, count: config.seed.cases, asOf: today() });
        firstStart = true;
      }
      // Demo knowledge articles: added when missing (also to a database seeded before they existed).
      if (options.seed) await seedKnowledgeArticles(deps.database.db, deps);
      // Demo appointment sites (ASCs and field offices) with their templates: added when missing.
      if (options.seed)
        await seedAppointmentSites(deps.database.db, { ...deps, slotDays: config.appointments.slotDays });
    } else {
      const pending = await pendingMigrations(deps.database.db);
      if (pending.length > 0)
        throw new Error(
          `The database is not migrated (${pending.join(', ')} pending). Run \`casedesk migrate\` first.`,
        );
    }
    const services = createServices(deps);
    const { app } = await buildApp(deps, services);
    await deps.jobs.start();
    if (firstStart) {
      // After the job queue started: the demo's open service items get their SLA checks, as real items do.
      await seedDemoHistory(deps, services, config.seed.seed);
      const samples = await sampleReceiptNumbers(deps.database.db, 9);
      process.stdout.write(
        `\nDemo data is ready. Receipt numbers to try at /case-status:\n  ${[...SANDBOX_RECEIPTS.withHistory, ...SANDBOX_RECEIPTS.withoutHistory.slice(0, 1), ...samples.slice(6, 9)].join('\n  ')}\n${await addCaseTip(deps)}\n`,
      );
    }
    if (config.runWorkersInProcess) await deps.jobs.work();
    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      log.info({ signal }, 'shutting down');
      await app.close();
      await deps.jobs.stop();
      deps.mailer.close?.();
      await deps.database.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    const address = await app.listen({ port: config.port, host: config.host });
    // Build the password-strength dictionaries (about a second of CPU) soon after start rather than during the
    // first sign-up, but not while the first requests arrive.
    setTimeout(() => preparePasswordChecks(), 5_000).unref();
    log.info(
      {
        address,
        database: config.database.kind,
        workers: config.runWorkersInProcess,
        startupMs: Math.round(performance.now() - startedAt),
      },
      'Casedesk is listening',
    );
    process.stdout.write(
      `Casedesk is running at ${address.replace('127.0.0.1', 'localhost')} (${config.database.kind === 'pglite' ? `embedded database in ${config.database.dataDir}` : 'PostgreSQL'})\n`,
    );
  } catch (error) {
    await deps.jobs.stop().catch(() => undefined);
    await deps.database.close().catch(() => undefined);
    throw error;
  }
}

async function worker(): Promise<void> {
  const config = loadConfig();
  if (config.database.kind === 'pglite') {
    throw new Error(
      'With the embedded database, `casedesk serve` runs the workers itself. Separate workers need PostgreSQL (DATABASE_URL).',
    );
  }
  const deps = await createDeps(config);
  createServices(deps);
  await deps.jobs.work();
  deps.log.info('worker started');
  const stop = async () => {
    await deps.jobs.stop();
    deps.mailer.close?.();
    await deps.database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

export function buildCli(): Command {
  const program = new Command('casedesk')
    .description('Casedesk: online accounts, Case Status Online, the case status API and the Contact Center.')
    .showHelpAfterError();

  program
    .command('serve')
    .description(
      'Run the web service (embedded database by default: migrates, seeds demo data on first start, runs workers in-process)',
    )
    .option('--no-seed', 'do not seed demo data on the first start')
    .action(async (opts: { seed: boolean }) => serve(opts));

  program.command('worker').description('Run background job workers (PostgreSQL only)').action(worker);

  program
    .command('migrate')
    .description('Apply database migrations and set up the job queues')
    .action(() =>
      withDeps(
        async (deps) => {
          const applied = await migrateAll(deps);
          process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
        },
        { migrates: true },
      ),
    );

  program
    .command('seed')
    .description('Create demo cases, deterministic from a seed number (the agency sandbox receipt numbers included)')
    .option('--count <n>', 'number of generated cases', integer, 3000)
    .option('--seed <n>', 'seed number', integer, 20261123)
    .option('--as-of <date>', 'histories end on this date', date)
    .option('--bulk', 'fast bulk load for millions of cases (COPY on PostgreSQL)')
    .action((opts: { count: number; seed: number; asOf?: Date; bulk?: boolean }) =>
      withDeps(
        async (deps) => {
          await migrateAll(deps);
          const bar = await progressBar(opts.bulk ? 'Bulk loading' : 'Seeding');
          const started = performance.now();
          const options = { seed: opts.seed, count: opts.count, asOf: opts.asOf ?? today() };
          const result = opts.bulk
            ? await bulkLoadDemoCases(deps.database, { ...options, withoutSandbox: false }, bar.update)
            : await seedDemoData(deps.database.db, options, bar.update);
          bar.stop();
          const seconds = (performance.now() - started) / 1000;
          process.stdout.write(
            `Inserted ${result.inserted.toLocaleString('en-US')} cases in ${seconds.toFixed(1)} s; ${result.total.toLocaleString('en-US')} in all.\n`,
          );
          const articles = await seedKnowledgeArticles(deps.database.db, deps);
          if (articles) process.stdout.write(`Added ${articles} demo knowledge articles.\n`);
          const sites = await seedAppointmentSites(deps.database.db, {
            ...deps,
            slotDays: deps.config.appointments.slotDays,
          });
          if (sites) process.stdout.write(`Added ${sites} demo appointment sites with their slots.\n`);
          const history = await seedDemoHistory(deps, createServices(deps), opts.seed);
          if (history.published)
            process.stdout.write(
              'Published processing times computed from the demo cases; myProgress training queued.\n',
            );
          if (history.items)
            process.stdout.write(
              `Added ${history.items} Contact Center items and ${history.responses} survey responses of the last four weeks.\n`,
            );
          process.stdout.write(await addCaseTip(deps));
        },
        { migrates: true },
      ),
    );

  const apiClient = program.command('api-client').description('Manage clients of the case status API');
  apiClient
    .command('create <name>')
    .description(
      'Create a client; prints one line of JSON with client_id and client_secret (the secret is shown only this once)',
    )
    .option('--scope <scope...>', `what the client may do: ${API_SCOPES.join(', ')}`, ['case_status:read'])
    .action((name: string, opts: { scope: string[] }) =>
      withDeps(async (deps) => {
        const { apiClients } = createServices(deps);
        const created = await apiClients.create(name, opts.scope);
        process.stdout.write(
          `${JSON.stringify({ client_id: created.clientId, client_secret: created.clientSecret })}\n`,
        );
      }),
    );

  const caseEvents = program.command('case-events').description('Case events from the agency systems');
  caseEvents
    .command('pending')
    .description(
      'Events of receipt numbers not known yet: those waiting for an event giving the form, and those dropped after waiting too long (every client); prints one line of JSON',
    )
    .option('--client <id>', 'only the events of this API client')
    .option('--after <eventId>', 'the page after this event id (the "next" of the previous page)')
    .option(
      '--limit <n>',
      'events per page, 1 to 1000',
      (v: string) => {
        const n = integer(v);
        if (n < 1 || n > 1000) throw new InvalidArgumentError('must be from 1 to 1000');
        return n;
      },
      1000,
    )
    .action((opts: { client?: string; after?: string; limit: number }) =>
      withDeps(async (deps) => {
        const { caseEvents: service } = createServices(deps);
        const report = await service.pendingReport({
          limit: opts.limit,
          ...(opts.client ? { clientId: opts.client } : {}),
          ...(opts.after ? { after: opts.after } : {}),
        });
        process.stdout.write(`${JSON.stringify(report)}\n`);
      }),
    );

  const staff = program.command('staff').description('Manage staff accounts');
  staff
    .command('create-admin <email>')
    .description(
      'Invite the first administrator; prints one line of JSON with the invitation link (valid 72 hours, also emailed)',
    )
    .requiredOption('--name <name>', 'full name of the administrator')
    .action((email: string, opts: { name: string }) =>
      withDeps(
        async (deps) => {
          await migrateAll(deps);
          const services = createServices(deps);
          await deps.jobs.start();
          const result = await services.staff.invite(null, { email, displayName: opts.name, roles: ['administrator'] });
          if (!result.ok) throw new Error(`cannot invite ${email}: ${result.problems.map((p) => p.code).join(', ')}`);
          process.stdout.write(
            `${JSON.stringify({ email: email.trim().toLowerCase(), invitation_url: result.link })}\n`,
          );
        },
        { migrates: true },
      ),
    );

  const mail = program
    .command('mail-batch')
    .description('Letters waiting to be printed and mailed (new account acceptance notices)');
  mail
    .command('close')
    .description(
      'Close the open batch and write its letters (PDF) into a directory for the print shop; prints one line of JSON',
    )
    .requiredOption('--out <dir>', 'directory to write the letters into (created if missing)')
    .action((opts: { out: string }) =>
      withDeps(async (deps) => {
        const { notices } = createServices(deps);
        const batch = await notices.closeBatch();
        if (!batch) {
          process.stdout.write(`${JSON.stringify({ batch: null, letters: 0 })}\n`);
          return;
        }
        const dir = path.resolve(opts.out, `batch-${batch.batchId}`);
        mkdirSync(dir, { recursive: true });
        let n = 0;
        for (const letter of batch.letters) {
          const pdf = await notices.read(letter.storageKey);
          if (!pdf) throw new Error(`letter file missing: ${letter.storageKey}`);
          writeFileSync(path.join(dir, `${String(++n).padStart(5, '0')}-${letter.receiptNumber}.pdf`), pdf);
        }
        process.stdout.write(`${JSON.stringify({ batch: batch.batchId, letters: n, directory: dir })}\n`);
      }),
    );

  const notify = program.command('notify').description('Send test messages to check email and text delivery');
  for (const channel of ['email', 'sms'] as const) {
    notify
      .command(`test-${channel} <to>`)
      .description(`Queue a test ${channel === 'email' ? 'email' : 'text message'} (delivered by the workers)`)
      .option('--lang <lang>', 'en or es', 'en')
      .action((to: string, opts: { lang: string }) =>
        withDeps(async (deps) => {
          const { notifications } = createServices(deps);
          await deps.jobs.start();
          const language = opts.lang === 'es' ? 'es' : 'en';
          const request = { to, template: 'test_message' as const, language, params: {} } as const;
          const id =
            channel === 'email'
              ? await notifications.queueEmail(deps.database.db, request)
              : await notifications.queueSms(deps.database.db, request);
          process.stdout.write(`Queued message ${id}\n`);
        }),
      );
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`casedesk: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
