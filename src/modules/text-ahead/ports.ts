import type { DbHandle } from '../../platform/db/database.js';
import type { CallbackSummary } from '../callbacks/index.js';

/**
 * What Text Ahead needs from the callbacks module (issue 16's contract between the telephony modules). The summary
 * and the `TextAheadSender` port Text Ahead implements are the callbacks module's own types; `CallbackControl` is
 * declared here so that the tests' fake may answer nothing, and `src/services.ts` hands the real `CallbackService`
 * in as it.
 */

export type { CallbackSummary, TextAheadSender } from '../callbacks/index.js';

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
