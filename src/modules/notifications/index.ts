/** Notifications: email and text messages with delivery status, sent by durable jobs. */
export { NotificationService, TEMPLATES, DELIVERY_CLASS, deliveryJobFor, type DeliveryClass, type TemplateName, type EmailRequest, type SmsRequest } from './service.js';
export { deliverMessageJob, deliverUrgentMessageJob } from './jobs.js';
export { OutboxMailer, OutboxSmsProvider, SmtpMailer, TwilioSmsProvider, PermanentDeliveryError, type Mailer, type SmsProvider } from './transports.js';
export { twilioSignature, isValidTwilioSignature, twilioForm } from './signature.js';
export { registerSmsHookRoutes } from './routes.hooks.js';
export { registerOutboxRoutes } from './routes.dev.js';
export { findMessage, listStatusEvents } from './repository.js';
export type { NotificationMessage } from './tables.js';
