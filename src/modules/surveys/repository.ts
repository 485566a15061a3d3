import type { Insertable } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { SurveyResponsesTable } from '../../platform/db/tables.js';

/** All SQL of the surveys module. */
export async function insertResponse(db: DbHandle, response: Insertable<SurveyResponsesTable>): Promise<void> {
  await db.insertInto('survey_responses').values(response).execute();
}
