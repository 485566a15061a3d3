import type { Generated, Selectable } from 'kysely';
import type { Json } from '../../platform/db/tables.js';

/** The tables of the `service-items` module and their row types, declared here, once; added to `Tables` below. */

// Service items (db/migrations/0011_service_items_help_desk.sql)
export type ServiceItemChannel =
  'technical_help_form' | 'phone' | 'chat' | 'e_request' | 'secure_message' | 'appointment_request' | 'voice_assistant';

export type ServiceItemStatus = 'open' | 'in_progress' | 'waiting_on_customer' | 'escalated' | 'resolved' | 'closed';

export interface ServiceItemsTable {
  id: string;
  number: Generated<number>;
  channel: ServiceItemChannel;
  type: string;
  queue: string;
  status: ServiceItemStatus;
  account_id: string | null;
  contact_name: string;
  contact_email: string;
  contact_phone: string | null;
  language: 'en' | 'es';
  urgent: Generated<boolean>;
  subject: string;
  description: string;
  owner_id: string | null;
  created_at: Date;
  due_at: Date;
  resolved_at: Date | null;
  resolution: string | null;
  // Contact Center (db/migrations/0023_contact_center.sql)
  case_id: number | null;
  receipt_number: string | null;
  section_1367: Generated<boolean>;
  priority: Generated<1 | 2>;
  office_code: string | null;
  sla_policy: SlaPolicyName | null;
  sla_started_at: Date | null;
  sla_paused_at: Date | null;
  breached_at: Date | null;
  escalated_at: Date | null;
  first_response_at: Date | null;
  claimed_at: Date | null;
  follow_up_level: Generated<'primary' | 'secondary' | 'tertiary'>;
  parent_item_id: string | null;
  details: Generated<unknown>;
  // Secure messages (db/migrations/0037_secure_message_read.sql): when the customer last opened the thread.
  customer_read_at: Date | null;
}

export type SlaPolicyName = 'urgent' | 'non_urgent' | 'office_service_request' | 'technical_reset' | 'technical_other';

export type QueueKind = 'tier1' | 'tier2' | 'tier3' | 'help_desk' | 'office';

export interface ServiceQueuesTable {
  code: string;
  kind: QueueKind;
  office_code: string | null;
  name_en: string;
  name_es: string;
  holds_1367: boolean;
}

export interface RoutingRulesTable {
  position: number;
  section_1367: boolean | null;
  channel: string | null;
  type: string | null;
  urgent: boolean | null;
  target: QueueKind;
  sla_policy: SlaPolicyName | null;
  note: string;
}

export interface ServiceItemSlaPausesTable {
  id: Generated<number>;
  item_id: string;
  paused_at: Date;
  paused_by: string | null;
  reason: string;
  resumed_at: Date | null;
  resumed_by: string | null;
}

export interface ServiceItemEventsTable {
  id: Generated<number>;
  item_id: string;
  kind: string;
  actor_id: string | null;
  occurred_at: Date;
  body: string | null;
  customer_visible: Generated<boolean>;
  details: Json;
}

export type ServiceItemRow = Selectable<ServiceItemsTable>;

export type ServiceItemEventRow = Selectable<ServiceItemEventsTable>;

declare module '../../platform/db/tables.js' {
  interface Tables {
    service_items: ServiceItemsTable;
    service_item_events: ServiceItemEventsTable;
    service_queues: ServiceQueuesTable;
    routing_rules: RoutingRulesTable;
    service_item_sla_pauses: ServiceItemSlaPausesTable;
  }
}
