import type { Generated } from 'kysely';

/** The tables of the `text-ahead` module and their row types, declared here, once; added to `Tables` below. */

/** A customer's agreement to get a text before a callback, per service item and number (migration 0041). */
export interface TextAheadConsentsTable {
  id: string;
  item_id: string;
  phone: string;
  language: 'en' | 'es';
  channel: 'agent' | 'voice_assistant';
  given_by: string | null;
  given_at: Date;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
}

/** A text sent before a callback (CB-5), waiting one hour for Y, N or Q (CB-6). */
export interface TextAheadAsksTable {
  id: string;
  seq: Generated<number>;
  callback_id: string;
  item_id: string;
  item_number: number;
  phone: string;
  language: 'en' | 'es';
  message_id: string | null;
  sent_at: Date;
  expires_at: Date;
  answered_at: Date | null;
  answer: 'Y' | 'N' | 'Q' | null;
  expired_at: Date | null;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    text_ahead_consents: TextAheadConsentsTable;
    text_ahead_asks: TextAheadAsksTable;
  }
}
