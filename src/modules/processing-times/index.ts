/** Processing times (issue 18): published figures per form, category and office, and the inquiry dates (PT-1, PT-2). */
export { ProcessingTimesService, recomputeProcessingTimesJob } from './service.js';
export { registerProcessingTimesStaffRoutes } from './staff-routes.js';
export type { InquiryDate, ProcessingTimeFigure, PublishedProcessingTimes } from './published.js';
/** How a published figure is stated (median to 80th percentile, weeks or months), for the page, the API, myProgress. */
export { boundText, publishedRange } from './ranges.js';
export { registerProcessingTimesApiRoutes } from './api-routes.js';
export { registerProcessingTimesPublicRoutes } from './public-routes.js';
