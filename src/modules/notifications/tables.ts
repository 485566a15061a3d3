import type { ColumnType, Generated, Selectable } from 'kysely';

/** The tables of the `notifications` module and their row types, declared here, once; added to `Tables` below. */

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';

export interface NotificationMessagesTable {
  id: string;
  channel: 'email' | 'sms';
  recipient: string;
  template: string;
  language: 'en' | 'es';
  subject: string | null;
  body: string;
  status: DeliveryStatus;
  status_reason: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  transport: string | null;
  provider_message_id: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
}

export interface NotificationStatusEventsTable {
  id: Generated<number>;
  message_id: string;
  status: DeliveryStatus;
  reason: string | null;
  occurred_at: Date;
}

export type NotificationMessage = Selectable<NotificationMessagesTable>;

declare module '../../platform/db/tables.js' {
  interface Tables {
    notification_messages: NotificationMessagesTable;
    notification_status_events: NotificationStatusEventsTable;
  }
}
