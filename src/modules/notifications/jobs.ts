import { z } from 'zod';
import { defineJob } from '../../platform/jobs/index.js';

/**
 * Delivers one stored message (email or text). Safe to run twice: a message already sent is left alone.
 * Two queues with the same handler and retry policy (ADR 5, "Priority and throughput"): messages someone is
 * waiting for go to `deliverUrgentMessageJob`, everything else (status updates, service item mail) to
 * `deliverMessageJob`, so a reset link never waits behind a hundred thousand status emails. Which template goes
 * where is decided in one place: `DELIVERY_CLASS` in service.ts.
 */
const deliveryPolicy = {
  payload: z.object({ messageId: z.string().uuid() }),
  // About two days of retries with backoff before a message is marked failed.
  retryLimit: 12,
  retryDelaySeconds: 30,
  retryBackoff: true,
  expireInSeconds: 120,
};

/** Bulk messages: status changes for account holders and followers, service item and help request mail. */
export const deliverMessageJob = defineJob({ name: 'notifications.deliver', ...deliveryPolicy });

/** Messages a person is waiting for (codes, reset, verification and recovery links, invitations) and security notices. */
export const deliverUrgentMessageJob = defineJob({ name: 'notifications.deliver-urgent', ...deliveryPolicy });
