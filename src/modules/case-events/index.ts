export { CaseEventService, factsFromEvents, MAX_BATCH, type IngestResult } from './service.js';
export { registerCaseEventRoutes } from './routes.js';
export { CASE_EVENT_TYPES, openRequestForEvidence, parseEvent, statusOfEvent, unknownStatusTitles, type CaseEvent, type CaseEventType } from './types.js';
// Online Access Codes are kept by the cases of accounts; the officer's workspace and the tests name them here too.
export { ACCESS_CODE_TTL_MS, accessCodeHash, generateOnlineAccessCode, normalizeOnlineAccessCode } from '../account-cases/index.js';
export { eventById } from './repository.js';
