import type { DbHandle } from '../../platform/db/database.js';
import type { DeliveryStatus, NotificationMessage, NotificationMessagesTable } from './tables.js';
import type { Insertable } from 'kysely';

/** All SQL of the notifications module. */

/** Many messages (and their first status) in two statements. */
export async function insertMessages(db: DbHandle, messages: Insertable<NotificationMessagesTable>[]): Promise<void> {
  if (!messages.length) return;
  await db.insertInto('notification_messages').values(messages).execute();
  await db
    .insertInto('notification_status_events')
    .values(messages.map((m) => ({ message_id: m.id, status: m.status, reason: null, occurred_at: m.created_at })))
    .execute();
}

export async function findMessage(db: DbHandle, id: string): Promise<NotificationMessage | undefined> {
  return db.selectFrom('notification_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findByProviderId(
  db: DbHandle,
  transport: string,
  providerMessageId: string,
): Promise<NotificationMessage | undefined> {
  return db
    .selectFrom('notification_messages')
    .selectAll()
    .where('transport', '=', transport)
    .where('provider_message_id', '=', providerMessageId)
    .executeTakeFirst();
}

export interface StatusChange {
  status: DeliveryStatus;
  reason?: string | null;
  at: Date;
  attempts?: number;
  transport?: string;
  providerMessageId?: string;
}

/**
 * Moves a message to a new status. `from` guards the move (compare-and-set), so two workers or a late webhook
 * cannot move a message backwards; answers whether the row changed. One statement: the update and, when it
 * changed the row, its status row.
 */
export async function changeStatus(
  db: DbHandle,
  id: string,
  from: DeliveryStatus[],
  change: StatusChange,
): Promise<boolean> {
  const result = await db
    .with('changed', (qb) =>
      qb
        .updateTable('notification_messages')
        .set({
          status: change.status,
          status_reason: change.reason ?? null,
          updated_at: change.at,
          ...(change.attempts !== undefined ? { attempts: change.attempts } : {}),
          ...(change.transport ? { transport: change.transport } : {}),
          ...(change.providerMessageId ? { provider_message_id: change.providerMessageId } : {}),
          ...(change.status === 'sent' ? { sent_at: change.at } : {}),
          ...(change.status === 'delivered' ? { delivered_at: change.at } : {}),
        })
        .where('id', '=', id)
        .where('status', 'in', from)
        .returning('id'),
    )
    .with('event', (qb) =>
      qb
        .insertInto('notification_status_events')
        .columns(['message_id', 'status', 'reason', 'occurred_at'])
        .expression((eb) =>
          eb
            .selectFrom('changed')
            .select((s) => [
              'id',
              s.val(change.status).as('status'),
              s.val(change.reason ?? null).as('reason'),
              s.val(change.at).as('occurred_at'),
            ]),
        ),
    )
    .selectFrom('changed')
    .select('id')
    .execute();
  return result.length > 0;
}

/**
 * Claims a message for one delivery attempt: moves it to 'sending' (one more attempt) when it is queued, or when it
 * has been 'sending' since before `staleBefore` (its worker died). A message another worker is sending right now is
 * not claimed, so two workers never send it both. Answers the claimed message, or undefined when this caller did not
 * get it. One statement: the update, its status row and the message.
 */
export async function claimForSending(
  db: DbHandle,
  id: string,
  claim: { at: Date; staleBefore: Date },
): Promise<NotificationMessage | undefined> {
  return db
    .with('claimed', (qb) =>
      qb
        .updateTable('notification_messages')
        .set((eb) => ({
          status: 'sending',
          status_reason: null,
          attempts: eb('attempts', '+', 1),
          updated_at: claim.at,
        }))
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'queued'),
            eb.and([eb('status', '=', 'sending'), eb('updated_at', '<=', claim.staleBefore)]),
          ]),
        )
        .returningAll(),
    )
    .with('event', (qb) =>
      qb
        .insertInto('notification_status_events')
        .columns(['message_id', 'status', 'reason', 'occurred_at'])
        .expression((eb) =>
          eb
            .selectFrom('claimed')
            .select((s) => [
              'id',
              s.val('sending').as('status'),
              s.val(null).as('reason'),
              s.val(claim.at).as('occurred_at'),
            ]),
        ),
    )
    .selectFrom('claimed')
    .selectAll()
    .executeTakeFirst();
}

export async function listRecent(
  db: DbHandle,
  options: { transport?: string; limit: number },
): Promise<NotificationMessage[]> {
  let query = db
    .selectFrom('notification_messages')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(options.limit);
  if (options.transport) query = query.where('transport', '=', options.transport);
  return query.execute();
}

export async function listStatusEvents(db: DbHandle, messageId: string) {
  return db
    .selectFrom('notification_status_events')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('id')
    .execute();
}
