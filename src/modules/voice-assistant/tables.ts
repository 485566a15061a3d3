import type { Generated, Selectable } from 'kysely';

/** The tables of the `voice-assistant` module (db/migrations/0039_voice_assistant.sql). */

export interface VoiceMenuVersionsTable {
  version: number;
  /** jsonb: a Menu (menu.ts); written as JSON text. */
  tree: unknown;
  published_at: Date;
  published_by: string | null;
  note: Generated<string>;
}

export type CallOutcome = 'self_served' | 'queued' | 'callback' | 'abandoned' | 'no_input';

export interface VoiceCallsTable {
  call_sid: string;
  menu_version: number;
  from_number: Generated<string>;
  language: 'en' | 'es' | null;
  state: unknown;
  path: unknown;
  inputs: unknown;
  outcome: CallOutcome | null;
  live_queue: string | null;
  item_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  provider_status: string | null;
  duration_seconds: number | null;
}

export interface VoiceCallStatusesTable {
  id: Generated<number>;
  call_sid: string;
  status: string;
  duration: number | null;
  received_at: Date;
}

export type VoiceCallRow = Selectable<VoiceCallsTable>;
export type VoiceMenuVersionRow = Selectable<VoiceMenuVersionsTable>;

declare module '../../platform/db/tables.js' {
  interface Tables {
    voice_menu_versions: VoiceMenuVersionsTable;
    voice_calls: VoiceCallsTable;
    voice_call_statuses: VoiceCallStatusesTable;
  }
}
