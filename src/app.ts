import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Deps } from './deps.js';
import {
  accountGuards,
  SESSION_COOKIE,
  registerAccountRoutes,
  registerProfileRoutes,
  registerExternalSignInRoutes,
  registerTwoStepRoutes,
} from './modules/accounts/index.js';
import { apiClientGuard, registerOAuthRoutes } from './modules/api-clients/index.js';
import { registerCasesPublicRoutes, registerCaseStatusApiRoutes } from './modules/cases/index.js';
import { registerOutboxRoutes, registerSmsHookRoutes } from './modules/notifications/index.js';
import { registerAccountCaseRoutes } from './modules/account-cases/index.js';
import { registerAddressChangeRoutes } from './modules/address-change/index.js';
import { registerAppointmentStaffRoutes } from './modules/appointments/index.js';
import { registerAppointmentRequestRoutes } from './modules/appointment-requests/index.js';
import { registerAccountHomeRoutes } from './modules/account-home/index.js';
import { registerCaseEventRoutes } from './modules/case-events/index.js';
import { registerCaseSubscriptionRoutes } from './modules/case-subscriptions/index.js';
import { registerHelpDeskRoutes } from './modules/help-desk/index.js';
import { registerKnowledgeRoutes } from './modules/knowledge/index.js';
import { registerDashboardRoutes } from './modules/dashboards/index.js';
import { registerERequestRoutes } from './modules/e-request/index.js';
import { registerAgentConsoleRoutes } from './modules/agent-console/index.js';
import { registerCallbackRoutes } from './modules/callbacks/index.js';
import { registerTextAheadRoutes } from './modules/text-ahead/index.js';
import { registerBiometricsRoutes } from './modules/biometrics/index.js';
import { registerSecureMessageRoutes } from './modules/secure-messages/index.js';
import { registerOfficerRoutes } from './modules/officer/index.js';
import { registerQualityRoutes } from './modules/quality/index.js';
import { registerEvidenceRoutes } from './modules/evidence/index.js';
import { registerStaffRoutes, staffGuard } from './modules/staff/index.js';
import {
  registerDevPhoneRoutes,
  registerVoiceHookRoutes,
  registerVoiceMenuRoutes,
} from './modules/voice-assistant/index.js';
import { registerSurveyRoutes, registerSurveyStaffRoutes } from './modules/surveys/index.js';
import { installErrorHandling } from './platform/http/errors.js';
import { installLanguage } from './platform/http/language.js';
import { zodCompiler, type App, type ZodInputs } from './platform/http/inputs.js';
import { installMetrics } from './platform/http/metrics.js';
import { registerPlatformRoutes } from './platform/http/platform-routes.js';
import { installRoutePolicies } from './platform/http/policies.js';
import { installSecurity } from './platform/http/security.js';
import { csrfForUploads } from './platform/http/uploads.js';
import { requestLogger } from './platform/logging.js';
import { createServices, type Services } from './services.js';

export interface BuiltApp {
  app: FastifyInstance;
  services: Services;
}

/** Seconds to wait, from @fastify/rate-limit's createRateLimit answer; undefined when the request may go on. */
function limiter(
  app: FastifyInstance,
  options: { max: number; timeWindow: number; keyGenerator: (r: FastifyRequest) => string },
) {
  const check = app.createRateLimit(options);
  return async (request: FastifyRequest): Promise<number | undefined> => {
    const result = await check(request);
    return !result.isAllowed && result.isExceeded ? Math.max(1, result.ttlInSeconds) : undefined;
  };
}

function refuseResponseSchema(route: { method?: string; url?: string }): never {
  throw new Error(`${route.method ?? ''} ${route.url ?? ''} has a response schema: Casedesk routes send strings`);
}

/** Builds the web application from the deps. Nothing here reads the environment or opens connections. */
export async function buildApp(deps: Deps, services: Services = createServices(deps)): Promise<BuiltApp> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.log,
    childLoggerFactory: requestLogger,
    genReqId: () => randomUUID(),
    bodyLimit: 256 * 1024,
    trustProxy: config.trustProxy,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Routes declare their input with Zod (platform/http/inputs.ts) and send strings: no JSON schemas, so Fastify's
    // ajv-based compilers are never loaded (a tenth of an embedded start). A JSON schema fails at start.
    schemaController: {
      compilersFactory: { buildValidator: () => zodCompiler, buildSerializer: () => refuseResponseSchema },
    } as unknown as FastifyServerOptions['schemaController'],
  });

  await installSecurity(app, {
    cookieSecret: config.cookieSecret,
    globalRateLimitPerMinute: config.globalRateLimitPerMinute,
    rateLimits: deps.rateLimits,
  });
  installLanguage(app, deps.i18n, { secure: true });
  installErrorHandling(app);
  const metrics = installMetrics(app);

  const limitApiClient = limiter(app, {
    max: config.api.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (r) => `client:${r.apiClient?.id ?? r.ip}`,
  });
  const limitAccountForms = limiter(app, {
    max: config.accountFormRateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (r) => `account-form:${r.ip}`,
  });
  const limitLookup = limiter(app, {
    max: config.lookupRateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (r) => `lookup:${r.ip}`,
  });

  installRoutePolicies(app, {
    csrf: csrfForUploads(app.csrfProtection),
    sessionCookie: SESSION_COOKIE,
    guards: {
      'api-client': apiClientGuard({ apiClients: services.apiClients, limit: limitApiClient }),
      ...accountGuards(services.sessions, async (id) => (await services.accounts.findAccount(id))?.kind),
      staff: staffGuard(services.sessions, deps.database.db),
      'dev-only': async (request, reply) => {
        if (!config.devOutbox) return reply.callNotFound();
      },
    },
  });

  // Modules register their routes with typed, declared inputs (platform/http/inputs.ts).
  const routes: App = app.withTypeProvider<ZodInputs>();
  registerPlatformRoutes(app, {
    database: deps.database,
    metrics,
    metricsToken: config.metricsToken,
    production: config.production,
  });
  registerCasesPublicRoutes(routes, { caseStatus: services.caseStatus, timeZone: config.agencyTimeZone, limitLookup });
  registerCaseStatusApiRoutes(routes, { caseStatus: services.caseStatus });
  registerCaseEventRoutes(routes, { caseEvents: services.caseEvents });
  registerCaseSubscriptionRoutes(routes, {
    subscriptions: services.caseSubscriptions,
    limit: limitLookup,
    // Outside production without a provider, the development key (config.voice), so /dev/phone can answer texts.
    smsAuthToken: config.sms.provider === 'twilio' ? config.sms.authToken : config.voice.authToken,
    publicUrl: config.publicUrl,
    i18n: deps.i18n,
    textReplies: services.textAhead,
  });
  registerOAuthRoutes(routes, {
    apiClients: services.apiClients,
    productName: 'Case Status API',
    tokenRateLimitPerMinute: 30,
  });
  registerSmsHookRoutes(routes, {
    notifications: services.notifications,
    authToken: config.sms.provider === 'twilio' ? config.sms.authToken : '',
    publicUrl: config.publicUrl,
  });
  registerOutboxRoutes(routes, { db: deps.database.db });
  registerVoiceHookRoutes(routes, {
    voice: services.voiceAssistant,
    authToken: config.voice.authToken,
    publicUrl: config.publicUrl,
  });
  registerVoiceMenuRoutes(routes, { voice: services.voiceAssistant, timeZone: config.agencyTimeZone });
  registerDevPhoneRoutes(routes, {
    app,
    db: deps.database.db,
    authToken: config.voice.authToken,
    publicUrl: config.publicUrl,
  });
  registerSurveyRoutes(routes, { surveys: services.surveys, limit: limitAccountForms });
  registerSurveyStaffRoutes(routes, { surveys: services.surveys, timeZone: config.agencyTimeZone });
  registerAccountRoutes(routes, {
    accounts: services.accounts,
    sessions: services.sessions,
    timeZone: config.agencyTimeZone,
    limit: limitAccountForms,
    externalSignIn: services.externalSignIn && { name: services.externalSignIn.name },
    minimumMs: config.accountFormMinMs,
  });
  registerTwoStepRoutes(routes, {
    accounts: services.accounts,
    sessions: services.sessions,
    twoStep: services.twoStep,
    passkeys: services.passkeys,
    clock: deps.clock,
    timeZone: config.agencyTimeZone,
    limit: limitAccountForms,
  });
  registerExternalSignInRoutes(routes, {
    external: services.externalSignIn,
    accounts: services.accounts,
    sessions: services.sessions,
  });
  registerStaffRoutes(routes, { staff: services.staff, sessions: services.sessions, timeZone: config.agencyTimeZone });
  registerEvidenceRoutes(routes, { evidence: services.evidence, timeZone: config.agencyTimeZone });
  registerKnowledgeRoutes(routes, { knowledge: services.knowledge, timeZone: config.agencyTimeZone });
  registerQualityRoutes(routes, { quality: services.quality, timeZone: config.agencyTimeZone });
  registerDashboardRoutes(routes, { dashboards: services.dashboards, timeZone: config.agencyTimeZone });
  registerERequestRoutes(routes, {
    eRequest: services.eRequest,
    timeZone: config.agencyTimeZone,
    limit: limitAccountForms,
  });
  registerAgentConsoleRoutes(routes, {
    agent: services.agentConsole,
    items: services.serviceItems,
    timeZone: config.agencyTimeZone,
  });
  registerCallbackRoutes(routes, {
    callbacks: services.callbacks,
    items: services.serviceItems,
    i18n: deps.i18n,
    timeZone: config.agencyTimeZone,
  });
  registerTextAheadRoutes(routes, {
    textAhead: services.textAhead,
    items: services.serviceItems,
    timeZone: config.agencyTimeZone,
  });
  registerBiometricsRoutes(routes, {
    biometrics: services.biometrics,
    accountCases: services.accountCases,
    agentConsole: services.agentConsole,
    caseEvents: services.caseEvents,
    timeZone: config.agencyTimeZone,
    phone: '800-375-5283',
    limit: limitAccountForms,
  });
  registerSecureMessageRoutes(routes, { messages: services.secureMessages, timeZone: config.agencyTimeZone });
  registerOfficerRoutes(routes, { officer: services.officer, timeZone: config.agencyTimeZone });
  registerHelpDeskRoutes(routes, {
    helpDesk: services.helpDesk,
    sessions: services.sessions,
    db: deps.database.db,
    clock: deps.clock,
    timeZone: config.agencyTimeZone,
    limit: limitAccountForms,
  });
  registerAccountCaseRoutes(routes, {
    cases: services.accountCases,
    identity: services.identity,
    accounts: services.accounts,
    timeZone: config.agencyTimeZone,
    limit: limitAccountForms,
    progress: services.myProgress,
  });
  registerAddressChangeRoutes(routes, {
    addressChanges: services.addressChanges,
    accounts: services.accounts,
    timeZone: config.agencyTimeZone,
    limit: limitAccountForms,
  });
  registerAppointmentStaffRoutes(routes, { appointments: services.appointments });
  registerAppointmentRequestRoutes(routes, {
    requests: services.appointmentRequests,
    items: services.serviceItems,
    timeZone: config.agencyTimeZone,
    limit: limitAccountForms,
    limitLookup,
  });
  registerAccountHomeRoutes(routes, {
    home: services.accountHome,
    accounts: services.accounts,
    timeZone: config.agencyTimeZone,
    representativeStatus: (accountId) => services.profiles.representativeStatus(accountId),
  });
  registerProfileRoutes(routes, {
    profiles: services.profiles,
    accounts: services.accounts,
    sessions: services.sessions,
    clock: deps.clock,
  });

  await app.ready();
  return { app, services };
}
