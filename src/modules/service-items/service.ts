import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { ServiceItemChannel, ServiceItemStatus } from '../../platform/db/tables.js';
import type { Random } from '../../platform/random.js';
import { findItemById, findItemByNumber, insertEvent, insertItem, itemsOfAccount, listEvents, listOpenItems, updateItem, type ServiceItemRow } from './repository.js';

/**
 * Service items (CC-3): a numbered inquiry with a queue, a status, a due date and a timeline of every action.
 * Modules that take inquiries (the Technical Help Desk today; the Contact Center later) create and work them here.
 * Methods take an optional transaction handle: inside a transaction, pass it (the embedded database has one
 * connection, so a query outside the transaction would wait for it forever).
 */

export interface NewServiceItem {
  channel: ServiceItemChannel;
  type: string;
  queue: string;
  accountId?: string | null;
  contact: { name: string; email: string; phone?: string | null };
  language: 'en' | 'es';
  urgent?: boolean;
  subject: string;
  description: string;
  /** How long the agency has to answer (the target shown to the customer). */
  dueInMs: number;
}

export interface TimelineEntry {
  kind: string;
  actorId?: string | null;
  body?: string | null;
  customerVisible?: boolean;
  details?: Record<string, unknown>;
}

export class ServiceItemService {
  constructor(private readonly deps: { db: DbHandle; clock: Clock; random: Random }) {}

  /** Creates the item and its first timeline entry, in the caller's transaction when given one. */
  async create(input: NewServiceItem, db: DbHandle = this.deps.db): Promise<ServiceItemRow> {
    const now = this.deps.clock.now();
    const item = await insertItem(db, {
      id: this.deps.random.uuid(),
      channel: input.channel,
      type: input.type,
      queue: input.queue,
      status: 'open',
      account_id: input.accountId ?? null,
      contact_name: input.contact.name,
      contact_email: input.contact.email,
      contact_phone: input.contact.phone ?? null,
      language: input.language,
      urgent: input.urgent ?? false,
      subject: input.subject,
      description: input.description,
      owner_id: null,
      created_at: now,
      due_at: new Date(now.getTime() + input.dueInMs),
      resolved_at: null,
      resolution: null,
    });
    await insertEvent(db, { item_id: item.id, kind: 'created', actor_id: null, occurred_at: now, body: null, customer_visible: true, details: JSON.stringify({ channel: input.channel, queue: input.queue }) });
    return item;
  }

  async byNumber(number: string, db: DbHandle = this.deps.db): Promise<ServiceItemRow | undefined> {
    if (!/^\d{1,12}$/.test(number)) return undefined;
    return findItemByNumber(db, number);
  }

  async byId(id: string, db: DbHandle = this.deps.db): Promise<ServiceItemRow | undefined> {
    return findItemById(db, id);
  }

  async openItems(queues: string[]): Promise<ServiceItemRow[]> {
    return listOpenItems(this.deps.db, queues);
  }

  async timeline(itemId: string, db: DbHandle = this.deps.db) {
    return listEvents(db, itemId);
  }

  async ofAccount(accountId: string): Promise<ServiceItemRow[]> {
    return itemsOfAccount(this.deps.db, accountId);
  }

  /** Adds a timeline entry and applies the changes that go with it (status, queue, owner, resolution). */
  async record(itemId: string, entry: TimelineEntry, changes: { status?: ServiceItemStatus; queue?: string; ownerId?: string | null; resolution?: string } = {}, db: DbHandle = this.deps.db): Promise<void> {
    const now = this.deps.clock.now();
    const work = async (trx: DbHandle) => {
      await insertEvent(trx, {
        item_id: itemId,
        kind: entry.kind,
        actor_id: entry.actorId ?? null,
        occurred_at: now,
        body: entry.body ?? null,
        customer_visible: entry.customerVisible ?? false,
        details: JSON.stringify(entry.details ?? {}),
      });
      const set: Parameters<typeof updateItem>[2] = {};
      if (changes.status) set.status = changes.status;
      if (changes.queue) set.queue = changes.queue;
      if (changes.ownerId !== undefined) set.owner_id = changes.ownerId;
      if (changes.status === 'resolved' || changes.status === 'closed') {
        set.resolved_at = now;
        set.resolution = changes.resolution ?? null;
      }
      if (Object.keys(set).length) await updateItem(trx, itemId, set);
    };
    if (db === this.deps.db) await inTransaction(db, work);
    else await work(db);
  }
}
