import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { ApiClientsTable } from './tables.js';
import type { Insertable, Selectable } from 'kysely';

/** All SQL of the api-clients module. */

export async function insertClient(
  db: DbHandle,
  client: Insertable<ApiClientsTable> & { scopes: string[] },
): Promise<void> {
  // text[] as a literal cast in SQL: the same on pg and PGlite.
  await db
    .insertInto('api_clients')
    .values({ ...client, scopes: sql`${`{${client.scopes.join(',')}}`}::text[]` as unknown as string[] })
    .execute();
}

export async function findClient(db: DbHandle, id: string): Promise<Selectable<ApiClientsTable> | undefined> {
  return db.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertToken(
  db: DbHandle,
  token: { token_hash: string; client_id: string; issued_at: Date; expires_at: Date },
): Promise<void> {
  await db.insertInto('api_access_tokens').values(token).execute();
}

/** The client behind an unexpired token of an enabled client. */
export async function findClientByTokenHash(
  db: DbHandle,
  tokenHash: string,
  now: Date,
): Promise<{ id: string; name: string; scopes: string[]; expiresAt: Date } | undefined> {
  return db
    .selectFrom('api_access_tokens as t')
    .innerJoin('api_clients as c', 'c.id', 't.client_id')
    .select(['c.id', 'c.name', 'c.scopes', 't.expires_at as expiresAt'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.expires_at', '>', now)
    .where('c.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function deleteExpiredTokens(db: DbHandle, now: Date): Promise<number> {
  const result = await db.deleteFrom('api_access_tokens').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
