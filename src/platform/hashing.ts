import { createHash } from 'node:crypto';

/**
 * SHA-256 of a text (UTF-8) as 64 hex characters: how single-use tokens, session ids, backup codes and other
 * secrets are kept (the database holds the hash, never the secret), and how stable keys are made from a value.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
