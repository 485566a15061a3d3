export { EvidenceService, checkFileJob, sweepOrphansJob, type EvidenceFile } from './service.js';
export { registerEvidenceRoutes } from './routes.js';
export { cleanFileName, detectType, checkContent, type ContentProblem, MAX_FILE_BYTES } from './files.js';
export { evidenceOfCase, type CaseFileRow, type CaseSubmissionRow } from './repository.js';
