/** Quality review (CC-14; issue 5 item 7): sampled interactions scored on a rubric, wrong answers, article fix tasks, scores. */
export { QualityService, SCORE_WEEKS, type QualityDeps, type Reviewer } from './service.js';
export { registerQualityRoutes } from './routes.js';
export { qualityScoresByWeek, closeFixedTasks as closeFixedArticleTasks, type WeeklyScoreRow } from './repository.js';
export { CRITERIA, LEVELS, totalOf, type Criterion, type Scores } from './rubric.js';
