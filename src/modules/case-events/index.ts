export { CaseEventService, type BiometricsListener, type BiometricsRequest, type IngestResult } from './service.js';
export { CASE_EVENT_TYPES, type CaseEventType } from './types.js';
export { registerCaseEventRoutes } from './routes.js';
// Online Access Codes are kept by the cases of accounts; the officer's workspace and the tests name them here too.
export { ACCESS_CODE_TTL_MS, generateOnlineAccessCode } from '../account-cases/index.js';
export { eventById, eventsOfCase } from './repository.js';
