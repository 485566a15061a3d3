/** e-Request (issue 5 item 4): public requests filed as routed service items, their status page, and the inquiry dates (CC-10). */
export { ERequestService, customerStatus, type ERequestDeps, type InquiryRefusal, type SubmitResult } from './service.js';
export { registerERequestRoutes } from './routes.js';
export { REQUEST_FORMS, REQUEST_TYPES, EXPEDITE_CRITERIA, parseRequest, type RequestForm, type RequestType } from './schema.js';
