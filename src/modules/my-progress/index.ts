/** myProgress (issue 18 point 5; PT-3, CASE-9): personal estimates of the decision and the next step, backtested. */
export { MyProgressService, trainProgressJob, type CaseProgress } from './service.js';
export { myProgressTab } from './views.js';
