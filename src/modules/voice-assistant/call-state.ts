import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A call's state carried by the voice provider from one answer to the next (issue 16 benchmark): the `Gather`
 * action and `Redirect` URLs of an answer end in `?state=<token>`, the state after that answer, so the next webhook
 * knows where the call is without reading its row. The token is signed, not encrypted, and providers log URLs: a
 * state that holds a receipt number or says the call is a Section 1367 matter is never carried (the service's
 * `#carry` leaves those URLs plain, and the next answer reads the row). The provider posts to that URL exactly (and signs it, query
 * included: X-Twilio-Signature); the token is also HMAC'd with the server's own key, bound to the call's SID, so a
 * token made for one call is worthless for another, and one made with another key (a rotated secret) is only ignored.
 * A request without a valid token is answered from the call's row, as before.
 *
 * The row stays the record: each answer still appends its steps and inputs to it (one statement), so a call whose
 * status callback never arrives keeps its path, and the call's item is made from the row.
 */

export interface CarriedState<S> {
  /** The menu version the call started on. */
  version: number;
  /** The caller's language once chosen. */
  language: 'en' | 'es' | null;
  /** The flow's state (the same JSON as the row's `state`). */
  state: S;
}

/** The query parameter of the token. */
export const STATE_PARAM = 'state';
const MAC_BYTES = 16;
/** Longer tokens are not read (the flow's states are small; a Gather's URL must stay short). */
const MAX_TOKEN = 1500;

export class CallStateCodec {
  readonly #key: Buffer;

  constructor(secret: string) {
    // A key of its own, derived from the server's secret (never the secret itself).
    this.#key = createHmac('sha256', secret).update('casedesk voice call state v1').digest();
  }

  #mac(callSid: string, payload: string): Buffer {
    return createHmac('sha256', this.#key).update(`${callSid}.${payload}`).digest().subarray(0, MAC_BYTES);
  }

  encode<S>(callSid: string, carried: CarriedState<S>): string {
    const payload = Buffer.from(
      JSON.stringify({ v: carried.version, l: carried.language, s: carried.state }),
      'utf8',
    ).toString('base64url');
    return `${payload}.${this.#mac(callSid, payload).toString('base64url')}`;
  }

  /** The state of a token made for this call with this key; undefined for anything else. */
  decode<S>(callSid: string, token: unknown): CarriedState<S> | undefined {
    if (typeof token !== 'string' || token.length > MAX_TOKEN) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, this.#mac(callSid, payload))) return undefined;
    try {
      const { v, l, s } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (!Number.isInteger(v) || (l !== null && l !== 'en' && l !== 'es') || !s || typeof s !== 'object')
        return undefined;
      return { version: v as number, language: l, state: s as S };
    } catch {
      return undefined;
    }
  }

  /** `path` with the token of the state after this answer. */
  url<S>(path: string, callSid: string, carried: CarriedState<S>): string {
    return `${path}?${STATE_PARAM}=${this.encode(callSid, carried)}`;
  }
}
