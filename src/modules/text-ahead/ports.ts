/**
 * What Text Ahead needs from the callbacks module, declared here (issue 16's contract between the telephony
 * modules): text-ahead may not import callbacks' code while both are built, so `src/services.ts` hands the real
 * `CallbackService` in as `CallbackControl`, and the tests use a fake. Shapes as the contract gives them.
 */

export interface CallbackSummary {
  callbackId: string;
  itemId: string;
  itemNumber: number;
  status: string;
  language: 'en' | 'es';
  phones: string[];
  attempts: number;
}

export interface CallbackControl {
  byId(callbackId: string): Promise<CallbackSummary | undefined>;
  /** Y: move it to the front of the agent's next half hour (CB-6). */
  confirmed(callbackId: string, at: Date): Promise<void>;
  /** N: one more attempt, scheduled before the end of the agency's business day (CB-6). */
  declined(callbackId: string, at: Date): Promise<void>;
  /** Q: the customer needs no more help: the callback and its service item close with that reason. */
  quit(callbackId: string, at: Date): Promise<void>;
  /** No reply within one hour: counts as one attempt (CB-6), with the attempt chain of CB-3. */
  noReply(callbackId: string, at: Date): Promise<void>;
}

/** What the callbacks module asks of Text Ahead (its `TextAheadSender` port): implemented by `TextAheadService`. */
export interface TextAheadSender {
  askBeforeCall(c: CallbackSummary): Promise<boolean>;
}
