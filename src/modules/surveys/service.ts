import type { Clock } from '../../platform/clock.js';
import type { DbHandle } from '../../platform/db/database.js';
import type { Language } from '../../platform/i18n/index.js';
import { FORMS } from '../cases/index.js';
import { insertResponse } from './repository.js';

/** Surveys (ACC-9): anonymous responses with the form and page they are about. */
export type SurveyKind = 'exit' | 'account_created';

export interface SurveyInput {
  rating?: string;
  comment?: string;
  aboutForm?: string;
  aboutPage?: string;
}

export type SurveyProblem = { field: 'rating' | 'comment' | 'about_page'; code: 'empty' | 'comment_too_long' | 'page_too_long' };

export const ABOUT_FORM_CHOICES = ['', 'account', ...FORMS.map((f) => f.code)];

export class SurveyService {
  constructor(private readonly deps: { db: DbHandle; clock: Clock }) {}

  /** Saves a response; answers the problems instead when the input is not acceptable (nothing is written then). */
  async submit(survey: SurveyKind, input: SurveyInput, language: Language): Promise<{ ok: true } | { ok: false; problems: SurveyProblem[] }> {
    const rating = /^[1-5]$/.test(input.rating ?? '') ? Number(input.rating) : null;
    const comment = (input.comment ?? '').trim();
    const aboutPage = (input.aboutPage ?? '').trim();
    const aboutForm = ABOUT_FORM_CHOICES.includes(input.aboutForm ?? '') ? input.aboutForm || null : null;
    const problems: SurveyProblem[] = [];
    if (rating === null && !comment) problems.push({ field: 'rating', code: 'empty' });
    if ([...comment].length > 2000) problems.push({ field: 'comment', code: 'comment_too_long' });
    if ([...aboutPage].length > 200) problems.push({ field: 'about_page', code: 'page_too_long' });
    if (problems.length) return { ok: false, problems };
    await insertResponse(this.deps.db, { survey, rating, comment: comment || null, about_form: aboutForm, about_page: aboutPage || null, language, created_at: this.deps.clock.now() });
    return { ok: true };
  }
}
