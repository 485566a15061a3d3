import type { App } from '../../platform/http/inputs.js';
import { isValidTwilioSignature, twilioForm } from './signature.js';
import type { NotificationService } from './service.js';

/** POST /hooks/sms/twilio/status: the SMS provider's delivery reports, accepted only with a valid signature. */
export function registerSmsHookRoutes(
  app: App,
  deps: { notifications: NotificationService; authToken: string; publicUrl: string },
): void {
  app.post(
    '/hooks/sms/twilio/status',
    { config: { policy: 'webhook', rateLimit: false }, schema: { body: twilioForm } },
    async (request, reply) => {
      const params = request.body;
      const url = `${deps.publicUrl.replace(/\/$/, '')}${request.url}`;
      const signature = request.headers['x-twilio-signature'];
      if (!isValidTwilioSignature(deps.authToken, url, params, typeof signature === 'string' ? signature : undefined)) {
        request.log.warn('SMS status report with a missing or wrong signature');
        return reply.code(403).type('text/plain').send('Invalid signature');
      }
      const sid = params.MessageSid ?? params.SmsSid;
      const status = params.MessageStatus ?? params.SmsStatus;
      if (!sid || !status) return reply.code(400).type('text/plain').send('MessageSid and MessageStatus are required');
      await deps.notifications.recordProviderStatus('twilio', sid, status, params.ErrorCode);
      // Providers retry anything but 2xx; unknown or stale reports are acknowledged and ignored.
      return reply.code(204).send();
    },
  );
}
