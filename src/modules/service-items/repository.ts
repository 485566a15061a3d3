import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type {
  ServiceItemChannel,
  ServiceItemRow,
  ServiceItemEventRow,
  ServiceItemEventsTable,
  ServiceItemsTable,
} from './tables.js';

/** All SQL of service items. */

export async function insertItem(db: DbHandle, item: Insertable<ServiceItemsTable>): Promise<ServiceItemRow> {
  return db.insertInto('service_items').values(item).returningAll().executeTakeFirstOrThrow();
}

/**
 * An item with its first timeline entries (in this order), in one statement: the entries' insert is a data-modifying
 * CTE of the item's (their foreign key is checked at the end of the statement, when the item is there).
 */
export async function insertItemWithEvents(
  db: DbHandle,
  item: Insertable<ServiceItemsTable> & { id: string },
  events: Insertable<ServiceItemEventsTable>[],
): Promise<ServiceItemRow> {
  return db
    .with('events', (qc) => qc.insertInto('service_item_events').values(events))
    .insertInto('service_items')
    .values(item)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** One timeline entry, or several in one statement (in this order). */
export async function insertEvent(
  db: DbHandle,
  event: Insertable<ServiceItemEventsTable> | Insertable<ServiceItemEventsTable>[],
): Promise<void> {
  await db.insertInto('service_item_events').values(event).execute();
}

export async function findItemByNumber(db: DbHandle, number: string): Promise<ServiceItemRow | undefined> {
  return db.selectFrom('service_items').selectAll().where('number', '=', Number(number)).executeTakeFirst();
}

export async function findItemById(db: DbHandle, id: string): Promise<ServiceItemRow | undefined> {
  return db.selectFrom('service_items').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The status, queue and Section 1367 flag of these items (what other modules' records about an item follow). */
export async function itemStates(
  db: DbHandle,
  ids: readonly string[],
): Promise<Pick<ServiceItemRow, 'id' | 'status' | 'queue' | 'section_1367'>[]> {
  if (!ids.length) return [];
  return db
    .selectFrom('service_items')
    .select(['id', 'status', 'queue', 'section_1367'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
}

export async function updateItem(
  db: DbHandle,
  id: string,
  changes: Partial<Omit<ServiceItemRow, 'id' | 'number'>>,
): Promise<void> {
  await db.updateTable('service_items').set(changes).where('id', '=', id).execute();
}

/** Open items of the queues, the most urgent and oldest first (the order agents work them). */
export async function listOpenItems(
  db: DbHandle,
  queues: string[],
  include1367: boolean,
  limit = 200,
): Promise<ServiceItemRow[]> {
  if (!queues.length) return [];
  return db
    .selectFrom('service_items')
    .selectAll()
    .where('queue', 'in', queues)
    .where('status', 'not in', ['resolved', 'closed'])
    .$if(!include1367, (q) => q.where('section_1367', '=', false))
    .orderBy('urgent', 'desc')
    .orderBy('due_at')
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

export async function listEvents(
  db: DbHandle,
  itemId: string,
): Promise<(ServiceItemEventRow & { actor_name: string | null })[]> {
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

export async function itemsOfAccount(db: DbHandle, accountId: string, include1367: boolean): Promise<ServiceItemRow[]> {
  return db
    .selectFrom('service_items')
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(!include1367, (q) => q.where('section_1367', '=', false))
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
}

// ---- Contact Center: routing rules, queues, claims, SLA pauses (migration 0023) ----------------------------------

export async function routingRules(db: DbHandle) {
  return db.selectFrom('routing_rules').selectAll().orderBy('position').execute();
}

export async function queues(db: DbHandle) {
  return db.selectFrom('service_queues').selectAll().orderBy('kind').orderBy('code').execute();
}

/**
 * Claims the next open item nobody owns in these queues: urgent first, then the oldest, and records the claim in its
 * timeline, in one statement (one round trip, atomic without an explicit transaction). `FOR UPDATE SKIP LOCKED`
 * makes concurrent claims take different items (a row being claimed is skipped, not waited for), and the update
 * checks again that the item is still unclaimed, so two agents never get the same item.
 */
export async function claimNext(
  db: DbHandle,
  p: { queues: string[]; agentId: string; now: Date; include1367: boolean },
): Promise<ServiceItemRow | undefined> {
  if (!p.queues.length) return undefined;
  const result = await sql<ServiceItemRow>`
    WITH claimed AS (
      UPDATE service_items SET owner_id = ${p.agentId}, status = 'in_progress', claimed_at = ${p.now}
      WHERE id = (
        SELECT id FROM service_items
        WHERE queue IN (${sql.join(p.queues)}) AND status IN ('open', 'escalated') AND owner_id IS NULL ${p.include1367 ? sql`` : sql`AND section_1367 = false`}
        ORDER BY priority, created_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      ) AND status IN ('open', 'escalated') AND owner_id IS NULL
      RETURNING *
    ), timeline AS (
      INSERT INTO service_item_events (item_id, kind, actor_id, occurred_at, body, customer_visible, details)
      SELECT id, 'claimed', ${p.agentId}, ${p.now}, NULL, false, '{}'::jsonb FROM claimed
    )
    SELECT * FROM claimed`.execute(db);
  return result.rows[0];
}

export async function openPause(db: DbHandle, itemId: string) {
  return db
    .selectFrom('service_item_sla_pauses')
    .selectAll()
    .where('item_id', '=', itemId)
    .where('resumed_at', 'is', null)
    .executeTakeFirst();
}

export async function pausesOf(db: DbHandle, itemId: string) {
  return db
    .selectFrom('service_item_sla_pauses')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('paused_at')
    .execute();
}

/**
 * A case became Section 1367 protected (CC-6): every item about it becomes protected, answered ones too (their
 * timelines hold the case's story), and the open ones outside Tier 3 and the owning office's queue move to Tier 3,
 * unowned, so nobody who may not see them keeps them. (Items of a case whose protection ends stay protected.)
 */
export async function protectItemsOfCase(db: DbHandle, caseId: number, receiptNumber: string): Promise<void> {
  // Items that name the case's receipt number but were logged before the case existed (an agent's call, an e-Request
  // with the Section 1367 box, events still pending) are linked to it first, so they are protected with it.
  await sql`
    UPDATE service_items SET case_id = ${caseId}
    WHERE case_id IS NULL AND receipt_number = ${receiptNumber}`.execute(db);
  await sql`
    UPDATE service_items
    SET section_1367 = true,
        owner_id = CASE WHEN status NOT IN ('resolved', 'closed') AND queue <> 'tier3' AND queue NOT LIKE 'office:%' THEN NULL ELSE owner_id END,
        queue = CASE WHEN status NOT IN ('resolved', 'closed') AND queue <> 'tier3' AND queue NOT LIKE 'office:%' THEN 'tier3' ELSE queue END
    WHERE case_id = ${caseId} AND section_1367 = false`.execute(db);
}

/** The item, locked for the rest of the transaction (an action or a check reads it again before it changes it). */
export async function lockItem(db: DbHandle, id: string): Promise<ServiceItemRow | undefined> {
  return db.selectFrom('service_items').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The item, locked; it must exist (NoResultError otherwise). */
export async function lockItemOrThrow(db: DbHandle, id: string): Promise<ServiceItemRow> {
  return db.selectFrom('service_items').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
}

export async function statusOfItem(db: DbHandle, id: string): Promise<Pick<ServiceItemRow, 'status'> | undefined> {
  return db.selectFrom('service_items').select('status').where('id', '=', id).executeTakeFirst();
}

/** The follow-up requests of an item that are not answered yet. */
export async function openFollowUpsOf(db: DbHandle, parentId: string): Promise<{ id: string }[]> {
  return db
    .selectFrom('service_items')
    .select('id')
    .where('parent_item_id', '=', parentId)
    .where('status', 'not in', ['resolved', 'closed'])
    .execute();
}

export async function insertPause(
  db: DbHandle,
  p: { itemId: string; at: Date; by: string; reason: string },
): Promise<void> {
  await db
    .insertInto('service_item_sla_pauses')
    .values({
      item_id: p.itemId,
      paused_at: p.at,
      paused_by: p.by,
      reason: p.reason,
      resumed_at: null,
      resumed_by: null,
    })
    .execute();
}

export async function endPause(db: DbHandle, pauseId: number, p: { at: Date; by: string | null }): Promise<void> {
  await db
    .updateTable('service_item_sla_pauses')
    .set({ resumed_at: p.at, resumed_by: p.by })
    .where('id', '=', pauseId)
    .execute();
}

/** The queue of an office (service requests to the owning office, CC-7). */
export async function officeQueue(db: DbHandle, officeCode: string): Promise<{ code: string } | undefined> {
  return db
    .selectFrom('service_queues')
    .select('code')
    .where('kind', '=', 'office')
    .where('office_code', '=', officeCode)
    .executeTakeFirst();
}

// ---- What the agent console asks (agent-console module) ---------------------------------------------------------

/** An agent's own open items, the highest priority and soonest due first (100 at most). */
export async function openItemsOwnedBy(db: DbHandle, ownerId: string, include1367: boolean): Promise<ServiceItemRow[]> {
  let mine = db
    .selectFrom('service_items')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .where('status', 'not in', ['resolved', 'closed']);
  if (!include1367) mine = mine.where('section_1367', '=', false);
  return mine.orderBy('priority').orderBy('due_at').limit(100).execute();
}

/** Open items someone holds (the supervisors' page), the longest held first (500 at most). */
export async function heldItems(db: DbHandle, include1367: boolean): Promise<ServiceItemRow[]> {
  return db
    .selectFrom('service_items')
    .selectAll()
    .where('owner_id', 'is not', null)
    .where('status', 'not in', ['resolved', 'closed'])
    .$if(!include1367, (q) => q.where('section_1367', '=', false))
    .orderBy(sql`coalesce(claimed_at, created_at)`)
    .orderBy('number')
    .limit(500)
    .execute();
}

/** How many items nobody owns wait in each of these queues (open or escalated). */
export async function waitingByQueue(
  db: DbHandle,
  queues: string[],
  include1367: boolean,
): Promise<{ queue: string; count: number }[]> {
  if (!queues.length) return [];
  return db
    .selectFrom('service_items')
    .select(['queue', (eb) => eb.fn.countAll<number>().as('count')])
    .where('queue', 'in', queues)
    .where('status', 'in', ['open', 'escalated'])
    .where('owner_id', 'is', null)
    .$if(!include1367, (q) => q.where('section_1367', '=', false))
    .groupBy('queue')
    .execute();
}

/** The agent who logged a contact keeps its item (it landed in one of their queues). */
export async function takeItem(db: DbHandle, itemId: string, ownerId: string, now: Date): Promise<void> {
  await db
    .updateTable('service_items')
    .set({ owner_id: ownerId, status: 'in_progress', claimed_at: now })
    .where('id', '=', itemId)
    .execute();
}

/**
 * The items an agent's search finds (50 at most, newest first): by receipt number, item number, the Online Account
 * Number of the account, or an email (the contact's, any case, or the account's).
 */
export async function searchItems(
  db: DbHandle,
  /** A case's items; an account's (its id, found by the accounts module; none when no account matched); one item; by email (the contact email, or the account holding it). */
  by:
    | { receiptNumber: string }
    | { accountId: string | undefined }
    | { number: number }
    | { email: string; accountId: string | undefined },
  include1367: boolean,
): Promise<ServiceItemRow[]> {
  let items = db.selectFrom('service_items').selectAll();
  if ('receiptNumber' in by) items = items.where('receipt_number', '=', by.receiptNumber);
  else if ('number' in by) items = items.where('number', '=', by.number);
  else if ('email' in by) {
    const { email, accountId } = by;
    items = items.where(({ fn, eb, or }) =>
      or([eb(fn('lower', ['contact_email']), '=', email), ...(accountId ? [eb('account_id', '=', accountId)] : [])]),
    );
  } else if (by.accountId) items = items.where('account_id', '=', by.accountId);
  else return [];
  if (!include1367) items = items.where('section_1367', '=', false);
  return items.orderBy('created_at', 'desc').limit(50).execute();
}

// ---- What secure messages ask (secure-messages module) -----------------------------------------------------------

/**
 * The secure message threads of an account (200 at most, newest first; of one case when a receipt number is given),
 * each with the moment of its last customer-visible entry, the kind of its last message, the moment of the agency's
 * last answer or question and when the customer last opened it (read and unread, migration 0037).
 */
export async function secureMessageThreadsOf(db: DbHandle, accountId: string, receiptNumber?: string) {
  let query = db
    .selectFrom('service_items as i')
    .select(['i.number', 'i.subject', 'i.receipt_number', 'i.status', 'i.created_at', 'i.customer_read_at'])
    .select((eb) => [
      // The agency's last word to the person (an answer or a question): unread when after the thread's last reading.
      eb
        .selectFrom('service_item_events as e')
        .select((e) => e.fn.max('e.occurred_at').as('m'))
        .whereRef('e.item_id', '=', 'i.id')
        .where('e.customer_visible', '=', true)
        .where('e.kind', 'in', ['reply', 'question'])
        .as('last_answer_at'),
      eb
        .selectFrom('service_item_events as e')
        .select((e) => e.fn.max('e.occurred_at').as('m'))
        .whereRef('e.item_id', '=', 'i.id')
        .where('e.customer_visible', '=', true)
        .as('last_at'),
      eb
        .selectFrom('service_item_events as e')
        .select('e.kind')
        .whereRef('e.item_id', '=', 'i.id')
        .where('e.customer_visible', '=', true)
        .where('e.kind', 'in', ['created', 'reply', 'customer_message'])
        .orderBy('e.occurred_at', 'desc')
        .orderBy('e.id', 'desc')
        .limit(1)
        .as('last_kind'),
    ])
    .where('i.account_id', '=', accountId)
    .where('i.channel', '=', 'secure_message');
  if (receiptNumber) query = query.where('i.receipt_number', '=', receiptNumber);
  return query.orderBy('i.created_at', 'desc').limit(200).execute();
}

/** The customer opened the secure message thread at `at` (never moves back: two pages opened out of order). */
export async function markThreadRead(db: DbHandle, itemId: string, at: Date): Promise<void> {
  await db
    .updateTable('service_items')
    .set({ customer_read_at: at })
    .where('id', '=', itemId)
    .where('channel', '=', 'secure_message')
    .where((eb) => eb.or([eb('customer_read_at', 'is', null), eb('customer_read_at', '<', at)]))
    .execute();
}

/**
 * The secure message threads of a case with their conversation (what the person and the agency wrote, and the
 * agency's questions), oldest message first, for the officer's case page. Section 1367 items only when asked.
 */
export async function messagesOfCase(db: DbHandle, caseId: number, include1367: boolean) {
  let query = db
    .selectFrom('service_items')
    .select(['id', 'number', 'subject', 'status', 'created_at', 'description'])
    .where('case_id', '=', caseId)
    .where('channel', '=', 'secure_message');
  if (!include1367) query = query.where('section_1367', '=', false);
  const threads = await query.orderBy('created_at', 'desc').limit(50).execute();
  const events = threads.length
    ? await db
        .selectFrom('service_item_events')
        .select(['item_id', 'kind', 'occurred_at', 'body'])
        .where(
          'item_id',
          'in',
          threads.map((t) => t.id),
        )
        .where('customer_visible', '=', true)
        .where('kind', 'in', ['reply', 'question', 'customer_message'])
        .orderBy('occurred_at')
        .orderBy('id')
        .execute()
    : [];
  return threads.map((t) => ({
    number: t.number,
    subject: t.subject,
    status: t.status,
    messages: [
      { from: 'customer' as const, at: t.created_at, body: t.description },
      ...events
        .filter((e) => e.item_id === t.id)
        .map((e) => ({
          from: e.kind === 'customer_message' ? ('customer' as const) : ('agency' as const),
          at: e.occurred_at,
          body: e.body ?? '',
        })),
    ],
  }));
}

/**
 * Minutes from claim to resolution of the last `limit` resolved items of a queue and channel (the voice assistant's
 * estimated wait, issue 16), newest first.
 */
export async function recentHandlingMinutes(
  db: DbHandle,
  queue: string,
  channel: ServiceItemChannel,
  limit: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom('service_items')
    .select(['claimed_at', 'resolved_at'])
    .where('queue', '=', queue)
    .where('channel', '=', channel)
    .where('resolved_at', 'is not', null)
    .where('claimed_at', 'is not', null)
    .orderBy('resolved_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => Math.max(0, (r.resolved_at!.getTime() - r.claimed_at!.getTime()) / 60_000));
}

/** Items of a channel in a queue: waiting (open or escalated, nobody owns them) and in progress. */
export async function queueLoad(
  db: DbHandle,
  queue: string,
  channel: ServiceItemChannel,
): Promise<{ waiting: number; inProgress: number }> {
  const rows = await db
    .selectFrom('service_items')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('queue', '=', queue)
    .where('channel', '=', channel)
    .where('status', 'in', ['open', 'escalated', 'in_progress'])
    .groupBy('status')
    .execute();
  const count = (statuses: string[]) =>
    rows.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + Number(r.n), 0);
  return { waiting: count(['open', 'escalated']), inProgress: count(['in_progress']) };
}
