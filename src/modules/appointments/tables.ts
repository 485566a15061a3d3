import type { ColumnType, Generated, Selectable } from 'kysely';

/** The tables of the `appointments` module (db/migrations/0042_appointments.sql), declared here, once. */

export const SITE_KINDS = ['asc', 'field_office'] as const;
/** `asc`: an Application Support Center (biometrics); `field_office`: interviews and emergency appointments. */
export type SiteKind = (typeof SITE_KINDS)[number];

/**
 * What a site offers. `biometrics` (ASCs, BIO-1); `interview`; the online appointment request's reasons (APPT-1):
 * `adit_stamp`, `emergency_advance_parole`, `immigration_judge_grant`.
 */
export const SITE_SERVICES = [
  'biometrics',
  'interview',
  'adit_stamp',
  'emergency_advance_parole',
  'immigration_judge_grant',
] as const;
export type SiteService = (typeof SITE_SERVICES)[number];

export const BOOKING_PURPOSES = ['biometrics', 'field_office'] as const;
export type BookingPurpose = (typeof BOOKING_PURPOSES)[number];
export type BookingStatus = 'booked' | 'cancelled' | 'rescheduled';

export interface AppointmentSitesTable {
  code: string;
  kind: SiteKind;
  name_en: string;
  name_es: string;
  address_line1: string;
  address_line2: string | null;
  city: string;
  state: string;
  zip: string;
  latitude: number;
  longitude: number;
  time_zone: string;
  services: ColumnType<SiteService[], SiteService[], SiteService[]>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: Date;
}

export interface AppointmentSlotTemplatesTable {
  id: string;
  site_code: string;
  /** ISO weekday: 1 Monday ... 7 Sunday. */
  weekday: number;
  /** The site's local time, 'HH:mm'. */
  start_time: string;
  duration_minutes: number;
  capacity: number;
}

export interface AppointmentClosuresTable {
  id: string;
  /** null: every site. */
  site_code: string | null;
  /** 'YYYY-MM-DD', the site's calendar date. */
  date: string;
  reason_en: string;
  reason_es: string;
  created_at: Date;
}

export interface AppointmentSlotsTable {
  id: Generated<number>;
  site_code: string;
  local_date: string;
  local_time: string;
  starts_at: Date;
  ends_at: Date;
  capacity: number;
  booked: ColumnType<number, number | undefined, number>;
}

export interface AppointmentBookingsTable {
  id: string;
  slot_id: number;
  purpose: BookingPurpose;
  service: SiteService;
  case_id: number | null;
  service_item_id: string | null;
  status: BookingStatus;
  rescheduled_to: string | null;
  created_at: Date;
  status_at: Date;
}

export type SiteRow = Selectable<AppointmentSitesTable>;
export type SlotTemplateRow = Selectable<AppointmentSlotTemplatesTable>;
export type ClosureRow = Selectable<AppointmentClosuresTable>;
export type SlotRow = Selectable<AppointmentSlotsTable>;
export type BookingRow = Selectable<AppointmentBookingsTable>;

declare module '../../platform/db/tables.js' {
  interface Tables {
    appointment_sites: AppointmentSitesTable;
    appointment_slot_templates: AppointmentSlotTemplatesTable;
    appointment_closures: AppointmentClosuresTable;
    appointment_slots: AppointmentSlotsTable;
    appointment_bookings: AppointmentBookingsTable;
  }
}
