import type { Insertable, Selectable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { ServiceItemEventsTable, ServiceItemsTable } from '../../platform/db/tables.js';

/** All SQL of service items. */

export type ServiceItemRow = Selectable<ServiceItemsTable>;
export type ServiceItemEventRow = Selectable<ServiceItemEventsTable>;

export async function insertItem(db: DbHandle, item: Insertable<ServiceItemsTable>): Promise<ServiceItemRow> {
  return db.insertInto('service_items').values(item).returningAll().executeTakeFirstOrThrow();
}

export async function insertEvent(db: DbHandle, event: Insertable<ServiceItemEventsTable>): Promise<void> {
  await db.insertInto('service_item_events').values(event).execute();
}

export async function findItemByNumber(db: DbHandle, number: string): Promise<ServiceItemRow | undefined> {
  return db.selectFrom('service_items').selectAll().where('number', '=', number).executeTakeFirst();
}

export async function findItemById(db: DbHandle, id: string): Promise<ServiceItemRow | undefined> {
  return db.selectFrom('service_items').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateItem(db: DbHandle, id: string, changes: Partial<Omit<ServiceItemRow, 'id' | 'number'>>): Promise<void> {
  await db.updateTable('service_items').set(changes).where('id', '=', id).execute();
}

/** Open items of the queues, the most urgent and oldest first (the order agents work them). */
export async function listOpenItems(db: DbHandle, queues: string[], limit = 200): Promise<ServiceItemRow[]> {
  if (!queues.length) return [];
  return db
    .selectFrom('service_items')
    .selectAll()
    .where('queue', 'in', queues)
    .where('status', 'not in', ['resolved', 'closed'])
    .orderBy('urgent', 'desc')
    .orderBy('due_at')
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

export async function listEvents(db: DbHandle, itemId: string): Promise<(ServiceItemEventRow & { actor_name: string | null })[]> {
  return db
    .selectFrom('service_item_events as e')
    .leftJoin('staff_members as m', 'm.account_id', 'e.actor_id')
    .selectAll('e')
    .select('m.display_name as actor_name')
    .where('e.item_id', '=', itemId)
    .orderBy('e.occurred_at')
    .orderBy('e.id')
    .execute();
}

export async function itemsOfAccount(db: DbHandle, accountId: string): Promise<ServiceItemRow[]> {
  return db.selectFrom('service_items').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').limit(50).execute();
}
