/** Quality review (CC-14; issue 5 item 7): sampled interactions scored on a rubric, wrong answers, article fix tasks, scores. */
export { QualityService } from './service.js';
export { registerQualityRoutes } from './routes.js';
