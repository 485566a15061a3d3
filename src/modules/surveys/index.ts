/** Surveys (ACC-9): the exit survey and the in-session survey after account creation, and the staff view of them. */
export { SurveyService, inviteToItemSurvey } from './service.js';
export { registerSurveyRoutes } from './routes.js';
export { registerSurveyStaffRoutes } from './routes.staff.js';
export { surveyFields } from './views.js';
export { seedSurveyDemo } from './demo.js';
