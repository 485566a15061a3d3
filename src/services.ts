import type { Deps } from './deps.js';
import type { JobContext } from './platform/jobs/index.js';
import {
  AccountService,
  ExternalSignInService,
  PasskeyService,
  ProfileService,
  SessionStore,
  TwoStepService,
} from './modules/accounts/index.js';
import { ApiClientService } from './modules/api-clients/index.js';
import { CaseStatusService } from './modules/cases/index.js';
import { deliverMessageJob, deliverUrgentMessageJob, NotificationService } from './modules/notifications/index.js';
import { HelpDeskService, recoveryReadyJob } from './modules/help-desk/index.js';
import { KnowledgeService } from './modules/knowledge/index.js';
import { QualityService } from './modules/quality/index.js';
import { DashboardService } from './modules/dashboards/index.js';
import { ERequestService } from './modules/e-request/index.js';
import { ProcessingTimesService, recomputeProcessingTimesJob } from './modules/processing-times/index.js';
import { AgentConsoleService } from './modules/agent-console/index.js';
import { SecureMessageService } from './modules/secure-messages/index.js';
import { AccountCaseService, IdentityVerificationService } from './modules/account-cases/index.js';
import { CaseEventService, eventById, eventsOfCase } from './modules/case-events/index.js';
import { NoticeService, renderNoticeJob } from './modules/notices/index.js';
import { OfficerService } from './modules/officer/index.js';
import { checkFileJob, EvidenceService, sweepOrphansJob } from './modules/evidence/index.js';
import { CaseSubscriptionService, isOptedOut } from './modules/case-subscriptions/index.js';
import { ServiceItemService, slaCheckJob } from './modules/service-items/index.js';
import { StaffService } from './modules/staff/index.js';
import { SurveyService } from './modules/surveys/index.js';
import { AccountHomeService } from './modules/account-home/index.js';
import { AddressChangeService } from './modules/address-change/index.js';
import { AppointmentService, generateSlotsJob } from './modules/appointments/index.js';
import { AppointmentRequestService, appointmentReminderJob } from './modules/appointment-requests/index.js';
import { configuredAgents, VoiceAssistantService } from './modules/voice-assistant/index.js';
import { CallbackService } from './modules/callbacks/index.js';
import { askExpiryJob, TextAheadService } from './modules/text-ahead/index.js';
import { BiometricsService, recordBiometricsJob, scheduleBiometricsJob } from './modules/biometrics/index.js';
import { MyProgressService, trainProgressJob } from './modules/my-progress/index.js';

/** The application's services, built once from the deps, shared by the web app, the workers and the CLI. */
export interface Services {
  caseStatus: CaseStatusService;
  apiClients: ApiClientService;
  notifications: NotificationService;
  accounts: AccountService;
  sessions: SessionStore;
  /** Sign-in through an external OpenID Connect provider (ADR 8); absent when none is configured. */
  externalSignIn?: ExternalSignInService;
  surveys: SurveyService;
  staff: StaffService;
  serviceItems: ServiceItemService;
  helpDesk: HelpDeskService;
  /** Knowledge articles: bilingual, versioned, public or agent-only, full-text search (issue 5 item 7). */
  knowledge: KnowledgeService;
  /** Quality review of interactions: sample, rubric, wrong answers, article fix tasks, scores (CC-14). */
  quality: QualityService;
  /** Contact Center dashboards: volume, backlog, SLA, first response, quality (issue 5 item 8). */
  dashboards: DashboardService;
  /** e-Request: public requests as routed service items, their status page, inquiry dates (issue 5 item 4). */
  eRequest: ERequestService;
  /** Processing times: published figures per form, category and office, and the inquiry dates (issue 18). */
  processingTimes: ProcessingTimesService;
  /** The Contact Center agent console (issue 5 item 6). */
  agentConsole: AgentConsoleService;
  /** Secure messages about a case (issue 5 item 5; CASE-3). */
  secureMessages: SecureMessageService;
  /** Case events from the agency's case management systems (issue 4). */
  caseEvents: CaseEventService;
  /** The cases of online accounts: list, case card, adding paper cases (issue 4). */
  accountCases: AccountCaseService;
  /** Change of address for every case of an account, and the agency's feed of changes (issue 17 point 4). */
  addressChanges: AddressChangeService;
  /** Appointment sites, templates, closures, slots and bookings: never oversold (issue 17 point 1). */
  appointments: AppointmentService;
  /** The online appointment request, its agent's decision, "View your appointment" and reminders (issue 17 point 3). */
  appointmentRequests: AppointmentRequestService;
  /** Case status notifications without an account (CASE-8). */
  caseSubscriptions: CaseSubscriptionService;
  /** Verify your identity (ACC-8). */
  identity: IdentityVerificationService;
  /** Notices as PDF documents and the print-and-mail batches. */
  notices: NoticeService;
  /** The officer workspace (issue 4 item 2). */
  officer: OfficerService;
  /** Evidence and Request for Evidence responses (issue 4 item 6). */
  evidence: EvidenceService;
  /** Two-step verification methods beyond the authenticator app, and passkeys (ADR 9). */
  twoStep: TwoStepService;
  passkeys: PasskeyService;
  /** Profile, representative profile and settings (ACC-8). */
  profiles: ProfileService;
  /** The account home: what needs doing, the cases, the account actions (ACC-8). */
  accountHome: AccountHomeService;
  /** Callbacks: national lines per tier, calling windows in the customer's zone, attempts (issue 16 point 2). */
  callbacks: CallbackService;
  /** Text Ahead: consent, the text before a callback, replies tied to their ask (issue 16 point 3; CB-5, CB-6). */
  textAhead: TextAheadService;
  /** The voice assistant (IVR) behind the voice provider's webhooks (issue 16). */
  voiceAssistant: VoiceAssistantService;
  /** Biometrics appointments: scheduled from case events, rescheduled online and by agents (issue 17 point 2). */
  biometrics: BiometricsService;
  /** myProgress: estimates of the decision and the next step on the case card, retrained daily (issue 18 point 5). */
  myProgress: MyProgressService;
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
    isOptedOut,
  });
  const accounts = new AccountService({
    db,
    clock: deps.clock,
    random: deps.random,
    notifications,
    publicUrl: deps.config.publicUrl,
    issuer: 'Casedesk',
  });
  const passkeys = new PasskeyService({
    db,
    clock: deps.clock,
    random: deps.random,
    publicUrl: deps.config.publicUrl,
    rpName: 'Casedesk',
  });
  const caseStatus = new CaseStatusService(db, { timeZone: deps.config.agencyTimeZone });
  const caseSubscriptions = new CaseSubscriptionService({
    db,
    clock: deps.clock,
    random: deps.random,
    caseStatus,
    notifications,
    publicUrl: deps.config.publicUrl,
  });
  const caseEvents = new CaseEventService({
    db,
    clock: deps.clock,
    notifications,
    jobs: deps.jobs,
    timeZone: deps.config.agencyTimeZone,
    publicUrl: deps.config.publicUrl,
    pendingDays: deps.config.caseEvents.pendingDays,
    followers: caseSubscriptions,
  });
  const appointments = new AppointmentService({
    db,
    clock: deps.clock,
    random: deps.random,
    slotDays: deps.config.appointments.slotDays,
  });
  // Biometrics listens to the case events that ask for biometrics (the BiometricsListener port) and records its
  // bookings as case events (case-events never imports biometrics).
  const biometrics = new BiometricsService({
    db,
    clock: deps.clock,
    random: deps.random,
    jobs: deps.jobs,
    notifications,
    appointments,
    caseEvents,
    publicUrl: deps.config.publicUrl,
    agencyPhone: '800-375-5283',
    log: deps.log,
  });
  caseEvents.useBiometrics(biometrics);
  const notices = new NoticeService({
    db,
    clock: deps.clock,
    random: deps.random,
    storage: deps.storage,
    i18n: deps.i18n,
    timeZone: deps.config.agencyTimeZone,
    eventOf: eventById,
    eventsOfCase: (db, receiptNumber) => eventsOfCase(db, receiptNumber),
    publicUrl: deps.config.publicUrl,
  });
  const serviceItems = new ServiceItemService({
    db,
    clock: deps.clock,
    random: deps.random,
    jobs: deps.jobs,
    notifications,
    timeZone: deps.config.agencyTimeZone,
    publicUrl: deps.config.publicUrl,
  });
  const knowledge = new KnowledgeService({ db, clock: deps.clock, random: deps.random });
  const callbacks = new CallbackService({
    db,
    clock: deps.clock,
    random: deps.random,
    items: serviceItems,
    notifications,
    timeZone: deps.config.agencyTimeZone,
    publicUrl: deps.config.publicUrl,
    agencyPhone: '800-375-5283',
    voice: deps.voice,
    callerId: deps.config.sms.provider === 'twilio' ? deps.config.sms.from : '',
    isOptedOut,
  });
  // Text Ahead (issue 16 point 3) acts on callbacks through the contract's CallbackControl, and callbacks ask it to
  // text before a call through the TextAheadSender port (neither imports the other's code).
  const textAhead = new TextAheadService({
    db,
    clock: deps.clock,
    random: deps.random,
    jobs: deps.jobs,
    i18n: deps.i18n,
    notifications,
    control: callbacks,
    isOptedOut,
  });
  callbacks.useTextAhead(textAhead);
  const accountCases = new AccountCaseService({
    db,
    clock: deps.clock,
    timeZone: deps.config.agencyTimeZone,
    caseEvents,
    notices,
    notifications,
    random: deps.random,
  });
  const evidence = new EvidenceService({
    db,
    clock: deps.clock,
    random: deps.random,
    storage: deps.storage,
    jobs: deps.jobs,
    cases: accountCases,
  });
  const appointmentRequests = new AppointmentRequestService({
    db,
    clock: deps.clock,
    random: deps.random,
    jobs: deps.jobs,
    i18n: deps.i18n,
    items: serviceItems,
    appointments,
    notifications,
    timeZone: deps.config.agencyTimeZone,
    publicUrl: deps.config.publicUrl,
  });
  const processingTimes = new ProcessingTimesService({ db, clock: deps.clock, timeZone: deps.config.agencyTimeZone });
  const eRequest = new ERequestService({
    db,
    clock: deps.clock,
    items: serviceItems,
    notifications,
    i18n: deps.i18n,
    timeZone: deps.config.agencyTimeZone,
    publicUrl: deps.config.publicUrl,
    processingTimes,
  });
  const modules: Omit<Services, 'accountHome'> = {
    callbacks,
    textAhead,
    twoStep: new TwoStepService({
      db,
      clock: deps.clock,
      random: deps.random,
      i18n: deps.i18n,
      notifications,
      publicUrl: deps.config.publicUrl,
      accounts,
      passkeys,
    }),
    passkeys,
    profiles: new ProfileService({
      db,
      clock: deps.clock,
      random: deps.random,
      notifications,
      publicUrl: deps.config.publicUrl,
      timeZone: deps.config.agencyTimeZone,
    }),
    caseStatus,
    caseSubscriptions,
    identity: new IdentityVerificationService({ db, clock: deps.clock }),
    apiClients: new ApiClientService({
      db,
      clock: deps.clock,
      random: deps.random,
      tokenTtlSeconds: deps.config.api.tokenTtlSeconds,
    }),
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
    serviceItems,
    dashboards: new DashboardService({
      db,
      clock: deps.clock,
      timeZone: deps.config.agencyTimeZone,
      callbacks,
      appointments: appointmentRequests,
    }),
    knowledge,
    quality: new QualityService({
      db,
      clock: deps.clock,
      random: deps.random,
      knowledge,
      serviceItems,
      timeZone: deps.config.agencyTimeZone,
    }),
    eRequest,
    processingTimes,
    voiceAssistant: new VoiceAssistantService({
      db,
      clock: deps.clock,
      random: deps.random,
      stateSecret: deps.config.cookieSecret,
      i18n: deps.i18n,
      log: deps.log,
      items: serviceItems,
      caseStatus,
      inquiryRule: (receiptNumber) => eRequest.inquiryRule(receiptNumber),
      notifications,
      callbacks,
      textAhead,
      agents: configuredAgents(db, deps.config.voice.agents),
      timeZone: deps.config.agencyTimeZone,
      publicUrl: deps.config.publicUrl,
      hours: deps.config.voice.hours,
    }),
    secureMessages: new SecureMessageService({
      db,
      clock: deps.clock,
      items: serviceItems,
      cases: accountCases,
      accounts,
    }),
    agentConsole: new AgentConsoleService({
      db,
      clock: deps.clock,
      random: deps.random,
      items: serviceItems,
      knowledge,
      notifications,
      i18n: deps.i18n,
      timeZone: deps.config.agencyTimeZone,
      publicUrl: deps.config.publicUrl,
      processingTimes,
    }),
    caseEvents,
    accountCases,
    addressChanges: new AddressChangeService({
      db,
      clock: deps.clock,
      random: deps.random,
      notifications,
      publicUrl: deps.config.publicUrl,
      timeZone: deps.config.agencyTimeZone,
    }),
    appointments,
    appointmentRequests,
    biometrics,
    myProgress: new MyProgressService({ db, clock: deps.clock, jobs: deps.jobs, published: processingTimes }),
    notices,
    officer: new OfficerService({
      db,
      clock: deps.clock,
      random: deps.random,
      caseEvents,
      notices,
      evidence,
      timeZone: deps.config.agencyTimeZone,
    }),
    evidence,
    helpDesk: new HelpDeskService({
      db,
      clock: deps.clock,
      random: deps.random,
      jobs: deps.jobs,
      accounts,
      notifications,
      items: serviceItems,
      callbacks,
      publicUrl: deps.config.publicUrl,
      topicLabel: (topic, lang) => deps.i18n.t(lang)(`help_desk:topics.${topic}`),
    }),
  };
  // The account home sits above the modules it asks (accounts, cases of accounts, secure messages).
  const services: Services = {
    ...modules,
    accountHome: new AccountHomeService({
      db,
      accounts: modules.accounts,
      cases: accountCases,
      messages: modules.secureMessages,
    }),
  };
  if (deps.config.oidc) {
    services.externalSignIn = new ExternalSignInService({
      db,
      notifications,
      clock: deps.clock,
      random: deps.random,
      log: deps.log,
      accounts: services.accounts,
      config: deps.config.oidc,
      publicUrl: deps.config.publicUrl,
      // Plain http only to a local provider in development and tests (config.ts refuses it in production).
      allowInsecureRequests: !deps.config.production && deps.config.oidc.issuer.startsWith('http:'),
    });
  }
  // Every job type with its handler, so that any process (web in embedded mode, or `casedesk worker`) can run them.
  // Messages: two queues, one handler; batches sent concurrently, as configured (ADR 5, "Priority and throughput").
  const delivery = deps.config.delivery;
  const deliver = (payload: { messageId: string }, ctx: JobContext) =>
    services.notifications.deliver(payload.messageId, ctx);
  deps.jobs.register(deliverUrgentMessageJob, deliver, {
    batchSize: delivery.batchSize,
    concurrency: delivery.concurrency,
    pollingIntervalSeconds: delivery.urgentPollingIntervalSeconds,
  });
  deps.jobs.register(deliverMessageJob, deliver, {
    batchSize: delivery.batchSize,
    concurrency: delivery.concurrency,
    pollingIntervalSeconds: delivery.pollingIntervalSeconds,
  });
  deps.jobs.register(checkFileJob, (payload) => services.evidence.checkFile(payload.fileId));
  deps.jobs.register(sweepOrphansJob, async () => {
    const { deleted } = await services.evidence.sweepOrphans();
    if (deleted.length) deps.log.info({ deleted: deleted.length }, 'evidence files without a record deleted');
  });
  deps.jobs.register(slaCheckJob, async (payload) => {
    await services.serviceItems.checkSla(payload.itemId);
  });
  deps.jobs.register(renderNoticeJob, async (payload) => {
    await services.notices.issueFromEvent(payload.eventId);
  });
  deps.jobs.register(askExpiryJob, async (payload) => {
    await services.textAhead.expireAsk(payload.askId);
  });
  deps.jobs.register(generateSlotsJob, async () => {
    const added = await services.appointments.generateSlots();
    if (added) deps.log.info({ added }, 'appointment slots materialised');
    // Biometrics requests left without an appointment (no free slot, no ZIP code) are asked again with the new slots.
    const scheduled = await services.biometrics.retryUnscheduled();
    if (scheduled) deps.log.info({ scheduled }, 'biometrics requests scheduled on retry');
  });
  deps.jobs.register(appointmentReminderJob, async (payload) => {
    await services.appointmentRequests.remind(payload.requestId, payload.bookingId);
  });
  deps.jobs.register(scheduleBiometricsJob, async (payload) => {
    await services.biometrics.schedule(payload.requestId);
  });
  deps.jobs.register(recordBiometricsJob, async (payload) => {
    await services.biometrics.record(payload.requestId, payload.bookingId);
  });
  deps.jobs.register(recomputeProcessingTimesJob, async () => {
    const run = await services.processingTimes.recomputeIfDue();
    if (run) deps.log.info(run, 'processing times computed, awaiting review');
  });
  deps.jobs.register(trainProgressJob, async () => {
    const run = await services.myProgress.train();
    deps.log.info(run, 'myProgress retrained');
  });
  deps.jobs.register(recoveryReadyJob, async (payload) => {
    await services.helpDesk.sendRecoveryLink(payload.recoveryId);
  });
  return services;
}
