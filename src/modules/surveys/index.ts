/** Surveys (ACC-9): the exit survey and the in-session survey after account creation. */
export { SurveyService, type SurveyKind, type SurveyInput } from './service.js';
export { registerSurveyRoutes } from './routes.js';
export { surveyFields } from './views.js';
