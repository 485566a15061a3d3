export { CaseEventService, factsFromEvents, MAX_BATCH, ACCESS_CODE_TTL_MS, accessCodeHash, type IngestResult } from './service.js';
export { registerCaseEventRoutes } from './routes.js';
export { CASE_EVENT_TYPES, generateOnlineAccessCode, normalizeOnlineAccessCode, openRequestForEvidence, parseEvent, statusOfEvent, unknownStatusTitles, type CaseEvent, type CaseEventType } from './types.js';
export { eventById } from './repository.js';
