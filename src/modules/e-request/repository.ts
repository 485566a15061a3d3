import type { DbHandle } from '../../platform/db/database.js';

/**
 * All SQL of e-Request: failed case matches (guessing defence). The case a request names comes from the cases module
 * (findCaseForRequest); the receipt date for a case inquiry from the processing times module.
 */

/** A failed case match, counted for the receipt number and the requester (its address and a hash of its email); now and then, rows older than a day are removed. */
export async function recordCaseFailure(
  db: DbHandle,
  failure: { receiptNumber: string; ip: string; emailHash: string; at: Date },
): Promise<void> {
  await db
    .insertInto('e_request_case_failures')
    .values({
      receipt_number: failure.receiptNumber,
      requester_ip: failure.ip,
      requester_email_hash: failure.emailHash,
      failed_at: failure.at,
    })
    .execute();
  if (Math.random() < 0.01)
    await db
      .deleteFrom('e_request_case_failures')
      .where('failed_at', '<', new Date(failure.at.getTime() - 86_400_000))
      .execute();
}

/**
 * Failed matches for a receipt number since a time by this requester, counted by its address and by its email
 * separately (a requester changing one of the two is still counted by the other), each with its last time.
 */
export async function countCaseFailuresSince(
  db: DbHandle,
  q: { receiptNumber: string; ip: string; emailHash: string; since: Date },
): Promise<{ byAddress: { count: number; last?: Date }; byEmail: { count: number; last?: Date } }> {
  const row = await db
    .selectFrom('e_request_case_failures')
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('requester_ip', '=', q.ip).as('ip_n'),
      eb.fn.max('failed_at').filterWhere('requester_ip', '=', q.ip).as('ip_last'),
      eb.fn.countAll<number>().filterWhere('requester_email_hash', '=', q.emailHash).as('email_n'),
      eb.fn.max('failed_at').filterWhere('requester_email_hash', '=', q.emailHash).as('email_last'),
    ])
    .where('receipt_number', '=', q.receiptNumber)
    .where('failed_at', '>', q.since)
    .where((eb) => eb.or([eb('requester_ip', '=', q.ip), eb('requester_email_hash', '=', q.emailHash)]))
    .executeTakeFirstOrThrow();
  const at = (value: unknown) => (value ? new Date(value as string) : undefined);
  return {
    byAddress: { count: Number(row.ip_n), last: at(row.ip_last) },
    byEmail: { count: Number(row.email_n), last: at(row.email_last) },
  };
}
