import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Address } from '../../platform/us-address.js';

/** The tables of the `address-change` module (db/migrations/0038_address_changes.sql), declared here, once. */

/** Where one change stands on one case (COA-3). */
export type AddressChangeStatus = 'submitted' | 'recorded' | 'confirmed' | 'failed';

export interface AddressChangesTable {
  id: string;
  account_id: string;
  mailing: ColumnType<Address, string, string>;
  physical: ColumnType<Address, string, string>;
  physical_same: ColumnType<boolean, boolean | undefined, boolean>;
  requested_at: Date;
}

export interface AddressChangeCasesTable {
  /** The feed's cursor (bigint, read as a number). */
  seq: Generated<number>;
  change_id: string;
  case_id: number;
  receipt_number: string;
  status: AddressChangeStatus;
  status_at: Date;
  reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export type AddressChangeRow = Selectable<AddressChangesTable>;
export type AddressChangeCaseRow = Selectable<AddressChangeCasesTable>;

declare module '../../platform/db/tables.js' {
  interface Tables {
    address_changes: AddressChangesTable;
    address_change_cases: AddressChangeCasesTable;
  }
}
