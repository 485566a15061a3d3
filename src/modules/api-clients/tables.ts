import type { ColumnType } from 'kysely';

/** The tables of the `api-clients` module and their row types, declared here, once; added to `Tables` below. */

export interface ApiClientsTable {
  id: string;
  name: string;
  secret_hash: string;
  created_at: Date;
  disabled_at: Date | null;
  /** What the client may do (db/migrations/0014_case_events.sql): 'case_status:read', 'case_events:write', 'address_changes:read' (the change of address feed, 0038). */
  scopes: ColumnType<string[], string[] | undefined, string[]>;
}

export interface ApiAccessTokensTable {
  token_hash: string;
  client_id: string;
  issued_at: Date;
  expires_at: Date;
}

declare module '../../platform/db/tables.js' {
  interface Tables {
    api_clients: ApiClientsTable;
    api_access_tokens: ApiAccessTokensTable;
  }
}
