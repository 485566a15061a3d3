/** The voice assistant (IVR, issue 16): the voice provider's webhooks, the menu as data, /dev/phone. */
export { VoiceAssistantService, configuredAgents } from './service.js';
export { registerVoiceHookRoutes } from './routes.js';
export { registerVoiceMenuRoutes } from './routes.staff.js';
export { registerDevPhoneRoutes } from './routes.dev.js';
