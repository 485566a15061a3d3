/** e-Request (issue 5 item 4): public requests filed as routed service items, their status page, and the inquiry dates (CC-10). */
export { ERequestService } from './service.js';
export { registerERequestRoutes } from './routes.js';
