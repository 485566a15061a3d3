/** e-Request (issue 5 item 4): public requests filed as routed service items, their status page, and the CC-10 inquiry rule. */
export { ERequestService } from './service.js';
export { registerERequestRoutes } from './routes.js';
