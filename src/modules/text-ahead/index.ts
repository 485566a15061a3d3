/** Text Ahead (CB-5, CB-6; issue 16 point 3): consent per item and number, the asks, and replies tied to them. */
export { TextAheadService, askExpiryJob, ASK_TTL_MS, e164, type ConsentInput, type ConsentResult } from './service.js';
export type { CallbackControl, CallbackSummary, TextAheadSender } from './ports.js';
export { registerTextAheadRoutes } from './routes.js';
