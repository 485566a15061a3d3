import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed with the auth token, of the full callback URL followed by
 * every POST parameter name and value, sorted by name. Compared in constant time.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string | undefined,
): boolean {
  if (!signature || !authToken) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * A provider callback's form as its signature covers it (ADR 15): every field sent as one text, by name; repeated
 * fields and anything that is not a form read as absent.
 */
export const twilioForm = z
  .unknown()
  .transform((body): Record<string, string> =>
    Object.fromEntries(
      Object.entries(body && typeof body === 'object' ? body : {}).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    ),
  );
