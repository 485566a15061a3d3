import { z } from 'zod';
import { defineJob } from '../../platform/jobs/index.js';

/** Delivers one stored message (email or text). Safe to run twice: a message already sent is left alone. */
export const deliverMessageJob = defineJob({
  name: 'notifications.deliver',
  payload: z.object({ messageId: z.string().uuid() }),
  // About two days of retries with backoff before a message is marked failed.
  retryLimit: 12,
  retryDelaySeconds: 30,
  retryBackoff: true,
  expireInSeconds: 120,
});
