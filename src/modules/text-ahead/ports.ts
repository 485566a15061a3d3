import type { DbHandle } from '../../platform/db/database.js';

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

/**
 * Each acts in the transaction given (the reply and the callback change commit together) and answers false when it
 * changed nothing (the callback moved on); a fake may answer nothing (taken as done).
 */
export interface CallbackControl {
  byId(callbackId: string): Promise<CallbackSummary | undefined>;
  /** Y: move it to the front of the agent's next half hour (CB-6). */
  confirmed(callbackId: string, at: Date, db?: DbHandle): Promise<boolean | void>;
  /** N: one more attempt, scheduled before the end of the agency's business day (CB-6). */
  declined(callbackId: string, at: Date, db?: DbHandle): Promise<boolean | void>;
  /** Q: the customer needs no more help: the callback and its service item close with that reason. */
  quit(callbackId: string, at: Date, db?: DbHandle): Promise<boolean | void>;
  /** No reply within one hour: counts as one attempt (CB-6), with the attempt chain of CB-3. */
  noReply(callbackId: string, at: Date, db?: DbHandle): Promise<boolean | void>;
}

/**
 * What the callbacks module asks of Text Ahead (its `TextAheadSender` port): implemented by `TextAheadService`. The
 * text is sent in the transaction given; the answer is the end of the ask's hour (undefined: no text went out).
 */
export interface TextAheadSender {
  askBeforeCall(c: CallbackSummary, db?: DbHandle): Promise<Date | undefined>;
}
