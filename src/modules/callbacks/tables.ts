import type { Generated, Selectable } from 'kysely';

/** The tables of the `callbacks` module (db/migrations/0040_callbacks.sql). */

export type CallbackTier = 'tier1' | 'tier2' | 'tier3';
export type CallbackSource = 'voice_assistant' | 'agent' | 'help_desk' | 'chat';
export type CallbackStatus = 'waiting_text' | 'pending' | 'claimed' | 'answered' | 'unreached' | 'quit' | 'cancelled';
export type TextAheadState = 'asked' | 'confirmed' | 'declined' | 'quit' | 'no_reply';
/** What one number tried gave (CB-2), or what a Text Ahead reply counted as (CB-6). */
export type AttemptOutcome =
  'answered' | 'voicemail' | 'no_answer' | 'busy' | 'wrong_number' | 'failed' | 'declined_by_text' | 'no_text_reply';

export interface CallbacksTable {
  id: string;
  item_id: string;
  tier: CallbackTier;
  phones: string[];
  language: 'en' | 'es';
  time_zone: string;
  source: CallbackSource;
  requested_by: string | null;
  requested_at: Date;
  status: CallbackStatus;
  rank: Generated<number>;
  attempts: Generated<number>;
  not_before: Date;
  next_attempt_at: Date;
  window_end_at: Date;
  claimed_by: string | null;
  claimed_at: Date | null;
  text_ahead: Generated<boolean>;
  text_ahead_state: TextAheadState | null;
  text_ahead_until: Date | null;
  closed_at: Date | null;
}

export interface CallbackAttemptsTable {
  id: Generated<number>;
  callback_id: string;
  attempt: number;
  phone: string | null;
  outcome: AttemptOutcome;
  agent_id: string | null;
  occurred_at: Date;
  provider_call_id: string | null;
}

export interface CallbackSettingsTable {
  id: Generated<number>;
  high_volume: boolean;
  changed_by: string | null;
  changed_at: Date | null;
}

export type CallbackRow = Selectable<CallbacksTable>;
export type CallbackAttemptRow = Selectable<CallbackAttemptsTable>;

declare module '../../platform/db/tables.js' {
  interface Tables {
    callbacks: CallbacksTable;
    callback_attempts: CallbackAttemptsTable;
    callback_settings: CallbackSettingsTable;
  }
}
