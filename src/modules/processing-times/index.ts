/** Processing times (issue 18): published figures per form, category and office, and the inquiry dates (PT-1, PT-2). */
export { ProcessingTimesService, recomputeProcessingTimesJob } from './service.js';
export { registerProcessingTimesStaffRoutes } from './staff-routes.js';
export type { InquiryDate, ProcessingTimeFigure, Publication, PublishedProcessingTimes } from './published.js';
