/** Text Ahead (CB-5, CB-6; issue 16 point 3): consent per item and number, the asks, and replies tied to them. */
export { TextAheadService, askExpiryJob } from './service.js';
export type { CallbackControl } from './ports.js';
export { registerTextAheadRoutes } from './routes.js';
