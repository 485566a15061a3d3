/** Processing times (issue 18): published figures per form, category and office, and the inquiry dates (PT-1, PT-2). */
export { ProcessingTimesService, recomputeProcessingTimesJob } from './service.js';
export { registerProcessingTimesStaffRoutes } from './staff-routes.js';
export type { InquiryDate, ProcessingTimeFigure, Publication, PublishedProcessingTimes } from './published.js';
export {
  DAYS_PER_MONTH,
  WEEKS_BELOW_DAYS,
  boundText,
  publishedRange,
  rangeBound,
  rangeText,
  rangeUnit,
  type PublishedRange,
  type RangeBound,
  type RangeUnit,
} from './ranges.js';
export { registerProcessingTimesApiRoutes, ProcessingTimesApiCache, API_CACHE_SECONDS } from './api-routes.js';
export { registerProcessingTimesPublicRoutes } from './public-routes.js';
