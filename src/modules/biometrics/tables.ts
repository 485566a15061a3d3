import type { Selectable } from 'kysely';

/** The tables of the `biometrics` module (db/migrations/0043_biometrics.sql), declared here, once. */

export interface BiometricsSettingsTable {
  id: boolean;
  /** BIO-1: an appointment is scheduled at least this many days after the request (administrators change it). */
  lead_days: number;
  updated_at: Date | null;
  updated_by: string | null;
}

/**
 * `waiting`: to be scheduled (its job is queued); `scheduled`: booked (`booking_id`, the current booking); `reused`:
 * the event said the biometrics taken before are reused; `no_zip`: no ZIP code of a known place to choose a site by;
 * `no_slot`: no free slot at the nearby sites; `joined`: the case already had an appointment to come, which serves.
 */
export type RequestStatus = 'waiting' | 'scheduled' | 'reused' | 'no_zip' | 'no_slot' | 'joined';

export interface BiometricsRequestsTable {
  id: string;
  case_id: number;
  event_id: string;
  requested_at: Date;
  status: RequestStatus;
  booking_id: string | null;
  zip: string | null;
  zip_source: 'case' | 'address_change' | null;
  created_at: Date;
  status_at: Date;
}

export type RescheduleChannel = 'online' | 'agent' | 'expedite';

export interface BiometricsReschedulesTable {
  id: string;
  request_id: string;
  case_id: number;
  channel: RescheduleChannel;
  account_id: string | null;
  staff_id: string | null;
  item_number: number | null;
  reason: string;
  reason_text: string | null;
  state: 'done' | 'refused';
  refusal: string | null;
  from_booking: string | null;
  to_booking: string | null;
  created_at: Date;
}

export type RequestRow = Selectable<BiometricsRequestsTable>;
export type RescheduleRow = Selectable<BiometricsReschedulesTable>;

declare module '../../platform/db/tables.js' {
  interface Tables {
    biometrics_settings: BiometricsSettingsTable;
    biometrics_requests: BiometricsRequestsTable;
    biometrics_reschedules: BiometricsReschedulesTable;
  }
}
