import type { Deps } from './deps.js';
import { AccountService, SessionStore } from './modules/accounts/index.js';
import { ApiClientService } from './modules/api-clients/index.js';
import { CaseStatusService } from './modules/cases/index.js';
import { deliverMessageJob, NotificationService } from './modules/notifications/index.js';
import { StaffService } from './modules/staff/index.js';
import { SurveyService } from './modules/surveys/index.js';

/** The application's services, built once from the deps, shared by the web app, the workers and the CLI. */
export interface Services {
  caseStatus: CaseStatusService;
  apiClients: ApiClientService;
  notifications: NotificationService;
  accounts: AccountService;
  sessions: SessionStore;
  surveys: SurveyService;
  staff: StaffService;
}

export function createServices(deps: Deps): Services {
  const db = deps.database.db;
  const notifications = new NotificationService({
    db,
    clock: deps.clock,
    random: deps.random,
    i18n: deps.i18n,
    jobs: deps.jobs,
    mailer: deps.mailer,
    sms: deps.sms,
    mailFrom: deps.config.mail.from,
    log: deps.log,
  });
  const accounts = new AccountService({ db, clock: deps.clock, random: deps.random, notifications, publicUrl: deps.config.publicUrl, issuer: 'Casedesk' });
  const services: Services = {
    caseStatus: new CaseStatusService(db, { timeZone: deps.config.agencyTimeZone }),
    apiClients: new ApiClientService({ db, clock: deps.clock, random: deps.random, tokenTtlSeconds: deps.config.api.tokenTtlSeconds }),
    notifications,
    accounts,
    sessions: new SessionStore({ db, clock: deps.clock, random: deps.random }),
    surveys: new SurveyService({ db, clock: deps.clock }),
    staff: new StaffService({
      db,
      clock: deps.clock,
      random: deps.random,
      accounts,
      notifications,
      publicUrl: deps.config.publicUrl,
      roleLabel: (role, lang) => deps.i18n.t(lang)(`staff:roles.${role}`),
    }),
  };
  // Every job type with its handler, so that any process (web in embedded mode, or `casedesk worker`) can run them.
  deps.jobs.register(deliverMessageJob, (payload, ctx) => services.notifications.deliver(payload.messageId, ctx));
  return services;
}
