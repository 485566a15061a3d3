/** Notifications: email and text messages with delivery status, sent by durable jobs. */
export { NotificationService, type EmailRequest } from './service.js';
export { deliverMessageJob, deliverUrgentMessageJob } from './jobs.js';
export {
  OutboxMailer,
  OutboxSmsProvider,
  SmtpMailer,
  TwilioSmsProvider,
  OutboxVoiceProvider,
  TwilioVoiceProvider,
  type Mailer,
  type SmsProvider,
  type VoiceProvider,
} from './transports.js';
export { isValidTwilioSignature, twilioForm } from './signature.js';
export { registerSmsHookRoutes } from './routes.hooks.js';
export { registerOutboxRoutes } from './routes.dev.js';
export { twilioSignature } from './signature.js';
export { listRecent as recentMessages } from './repository.js';
