export { EvidenceService, checkFileJob, sweepOrphansJob, ORPHAN_GRACE_MS, type IncomingFile } from './service.js';
export { registerEvidenceRoutes } from './routes.js';
export { cleanFileName, detectType, checkContent, type ContentProblem, MAX_FILE_BYTES, MAX_FILES, MAX_SUBMISSION_BYTES } from './files.js';
