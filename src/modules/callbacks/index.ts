/** Callbacks (issue 16 point 2): requests, national lines per tier, calling windows, attempts, the agents' pages. */
export { CallbackService, type CallbackRequestInput, type CallbackSummary, type TextAheadSender } from './service.js';
export { registerCallbackRoutes } from './routes.js';
