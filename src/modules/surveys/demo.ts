import type { DbHandle } from '../../platform/db/database.js';
import { seededRandom } from '../../platform/random.js';

/**
 * A few weeks of survey responses for the demo data (issue 15 point 14): exit and account-creation surveys with
 * ratings and some comments in English and Spanish, so `/staff/surveys` has something to show on a first start.
 * Deterministic from a seed number and an "as of" moment; added only to a database without responses.
 */

const COMMENTS: Record<'en' | 'es', [rating: number, text: string][]> = {
  en: [
    [5, 'Quick and easy to see my case status.'],
    [4, 'Good, but I had to look for the upload button.'],
    [2, 'The code from my authenticator app was refused twice.'],
    [1, 'I could not find how to change my address.'],
    [5, 'The Spanish version helped my mother a lot.'],
    [3, 'It works, but my case has not moved in months.'],
  ],
  es: [
    [5, 'Fácil de usar y todo en español.'],
    [4, 'Bien, aunque tardé en encontrar mis avisos.'],
    [2, 'No me llegó el código por mensaje de texto.'],
    [3, 'Funciona, pero quisiera saber cuándo me darán una cita.'],
  ],
};

export async function seedSurveyDemo(
  db: DbHandle,
  options: { seed: number; asOf: Date; days?: number; perDay?: number },
): Promise<number> {
  if (await db.selectFrom('survey_responses').select('id').limit(1).executeTakeFirst()) return 0;
  const rand = seededRandom(options.seed);
  const days = options.days ?? 28;
  const perDay = options.perDay ?? 6;
  const rows = [];
  for (let day = days; day >= 0; day--) {
    const count = Math.round(perDay * (0.5 + rand()));
    for (let i = 0; i < count; i++) {
      const createdAt = new Date(options.asOf.getTime() - day * 86_400_000 - Math.floor(rand() * 86_400_000));
      if (createdAt > options.asOf) continue;
      const language = rand() < 0.25 ? 'es' : 'en';
      const survey = rand() < 0.7 ? 'exit' : 'account_created';
      const withComment = rand() < 0.3;
      const [commentRating, comment] = COMMENTS[language][Math.floor(rand() * COMMENTS[language].length)]!;
      // Mostly good ratings, as such surveys go; a comment comes with its own rating.
      const rating = withComment ? commentRating : [5, 5, 5, 4, 4, 4, 3, 2, 1][Math.floor(rand() * 9)]!;
      rows.push({
        survey: survey as 'exit' | 'account_created',
        rating,
        comment: withComment ? comment : null,
        about_form: null,
        about_page: null,
        language: language as 'en' | 'es',
        created_at: createdAt,
      });
    }
  }
  if (rows.length) await db.insertInto('survey_responses').values(rows).execute();
  return rows.length;
}
