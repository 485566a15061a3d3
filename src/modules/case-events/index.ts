export { CaseEventService, factsFromEvents, MAX_BATCH, type IngestResult } from './service.js';
export { registerCaseEventRoutes } from './routes.js';
export { CASE_EVENT_TYPES, parseEvent, statusOfEvent, unknownStatusTitles, type CaseEvent, type CaseEventType } from './types.js';
