import type { ColumnType, Selectable } from 'kysely';

/** The tables of the `appointment-requests` module (db/migrations/0044_appointment_requests.sql), declared here, once. */

/** APPT-1: the reasons that take a request ("other" takes none: the Contact Center serves it). */
export const REQUEST_REASONS = ['adit_stamp', 'emergency_advance_parole', 'immigration_judge_grant'] as const;
export type RequestReason = (typeof REQUEST_REASONS)[number];

export const TIMES_OF_DAY = ['morning', 'afternoon', 'any'] as const;
export type TimeOfDay = (typeof TIMES_OF_DAY)[number];

/** `requested`: waiting for an agent (APPT-3); `answered`: resolved without an appointment; `booked`; `cancelled` (APPT-4). */
export type RequestStatus = 'requested' | 'answered' | 'booked' | 'cancelled';

export interface AppointmentRequestsTable {
  id: string;
  service_item_id: string;
  item_number: number;
  reason: RequestReason;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  /** 'YYYY-MM-DD' */
  date_of_birth: ColumnType<string, string, string>;
  zip: string;
  country_of_birth: string;
  email: string;
  phone: string;
  a_number: string | null;
  receipt_number: string | null;
  /** ISO weekdays 1 (Monday) to 5 (Friday) preferred; empty: no preference. */
  weekdays: ColumnType<number[], number[], number[]>;
  time_of_day: TimeOfDay;
  language: 'en' | 'es';
  text_reminder: boolean;
  status: RequestStatus;
  booking_id: string | null;
  decided_at: Date | null;
  booked_at: Date | null;
  /** The booked slot's start (kept here for CC-8's two weeks: the slot is the appointments module's). */
  appointment_at: Date | null;
  cancelled_at: Date | null;
  reminded_at: Date | null;
  created_at: Date;
}

export type AppointmentRequestRow = Selectable<AppointmentRequestsTable>;

/** "View your appointment": the failed tries of a reference number (existing or not) in the current period. */
export interface AppointmentViewTriesTable {
  /** The reference number tried. */
  reference: number;
  failures: number;
  /** When the period of these failures started. */
  since: Date;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    appointment_requests: AppointmentRequestsTable;
    appointment_view_tries: AppointmentViewTriesTable;
  }
}
