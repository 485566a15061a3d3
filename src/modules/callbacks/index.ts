/** Callbacks (issue 16 point 2): requests, national lines per tier, calling windows, attempts, the agents' pages. */
export {
  CallbackService,
  CallbackError,
  CALL_OUTCOMES,
  CALLBACK_TIERS,
  tiersOf,
  type CallbackRequestInput,
  type CallbackPlace,
  type CallbackRequester,
  type CallbackSummary,
  type CallbackControl,
  type TextAheadSender,
  type CallOutcome,
} from './service.js';
export { callingWindow, isInsideWindow, CALLING_WINDOW } from './windows.js';
export type { CallbackRow, CallbackTier } from './tables.js';
export { registerCallbackRoutes } from './routes.js';
