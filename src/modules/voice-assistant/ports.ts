/**
 * What the voice assistant needs of the callbacks module (issue 16 contract): declared here, in this module, so that
 * it does not import the callbacks module's code; `src/services.ts` gives it the real `CallbackService`.
 */

export interface CallbackRequestInput {
  /** The service item the callback belongs to (must exist). */
  itemId: string;
  /** E.164 numbers, tried in this order (CB-2); at least one. */
  phones: string[];
  language: 'en' | 'es';
  source: 'voice_assistant' | 'agent' | 'help_desk' | 'chat';
  /** Staff account id when an agent asked for it. */
  requestedBy?: string | null;
  /**
   * The caller agreed to a text before the call (CB-5; its consent recorded for this item and number): the callback
   * waits for the Text Ahead ask as an agent's does.
   */
  textAhead?: boolean;
}

export interface CallbackPlace {
  callbackId: string;
  /** 1-based place in its tier's national FIFO line. */
  position: number;
  /** First moment it may be placed (calling window of the customer's time zone). */
  earliestAt: Date;
  /** IANA zone used (case's filing location/owning office; agency zone if no case). */
  timeZone: string;
}

export interface CallbackRequester {
  request(input: CallbackRequestInput): Promise<CallbackPlace>;
}

/** How many agents of a live queue can take a call now (the contact center's telephony knows; tests give a fake). */
export interface LiveAgents {
  free(queue: string): Promise<number>;
  /** Agents working the queue now (for the estimated wait). */
  staffed(queue: string): Promise<number>;
}

/**
 * Text Ahead's consent (the text-ahead module's `TextAheadService.consent`, wired in services.ts): the caller's
 * agreement to a text before the callback, recorded for the item and the number (CB-5).
 */
export interface TextAheadConsents {
  consent(input: {
    itemId: string;
    phone: string;
    language: 'en' | 'es';
    channel: 'voice_assistant';
  }): Promise<{ ok: true; phone: string } | { ok: false; problem: 'phone_invalid' | 'opted_out' | 'already' }>;
}
