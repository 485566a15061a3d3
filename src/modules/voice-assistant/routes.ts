import type { FastifyReply, FastifyRequest } from 'fastify';
import { inputField, type App } from '../../platform/http/inputs.js';
import { isValidTwilioSignature, twilioForm } from '../notifications/index.js';
import { STATE_PARAM } from './call-state.js';
import { GATHER_PATH, type VoiceAssistantService } from './service.js';
import { twiml } from './twiml.js';

export interface VoiceHookRoutesDeps {
  voice: VoiceAssistantService;
  authToken: string;
  publicUrl: string;
}

export const INCOMING_PATH = '/hooks/voice/twilio/incoming';
export const STATUS_PATH = '/hooks/voice/twilio/status';

/**
 * The voice provider's webhooks (Twilio-compatible): a new call, each answer to a question, and the call's status
 * reports. Every request must carry a valid `X-Twilio-Signature` of the public URL it was sent to, query included
 * (403 otherwise).
 */
export function registerVoiceHookRoutes(app: App, deps: VoiceHookRoutesDeps): void {
  const signed = (request: FastifyRequest, reply: FastifyReply, params: Record<string, string>): boolean => {
    const signature = request.headers['x-twilio-signature'];
    const url = `${deps.publicUrl.replace(/\/$/, '')}${request.url}`;
    if (isValidTwilioSignature(deps.authToken, url, params, typeof signature === 'string' ? signature : undefined))
      return true;
    request.log.warn('voice webhook with a missing or wrong signature');
    void reply.code(403).type('text/plain').send('Invalid signature');
    return false;
  };
  const config = { policy: 'webhook', rateLimit: false } as const;
  const schema = { body: twilioForm };

  app.post(INCOMING_PATH, { config, schema }, async (request, reply) => {
    if (!signed(request, reply, request.body)) return reply;
    if (!request.body.CallSid) return reply.code(400).type('text/plain').send('CallSid is required');
    const verbs = await deps.voice.incoming(request.body);
    return reply.type('text/xml; charset=utf-8').send(twiml(verbs));
  });

  app.post(GATHER_PATH, { config, schema }, async (request, reply) => {
    if (!signed(request, reply, request.body)) return reply;
    if (!request.body.CallSid) return reply.code(400).type('text/plain').send('CallSid is required');
    // The state the previous answer gave the call, in the URL the provider signed (call-state.ts).
    const verbs = await deps.voice.gather(request.body, inputField(request.query, STATE_PARAM));
    return reply.type('text/xml; charset=utf-8').send(twiml(verbs));
  });

  app.post(STATUS_PATH, { config, schema }, async (request, reply) => {
    if (!signed(request, reply, request.body)) return reply;
    if (!request.body.CallSid || !request.body.CallStatus)
      return reply.code(400).type('text/plain').send('CallSid and CallStatus are required');
    await deps.voice.status(request.body);
    return reply.code(204).send();
  });
}
