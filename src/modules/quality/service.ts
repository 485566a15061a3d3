import { recordAudit, auditStaffAction, type StaffActor } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import type { Language } from '../../platform/i18n/index.js';
import type { Random } from '../../platform/random.js';
import { localDate } from '../../platform/format.js';
import { maySeeCase } from '../cases/index.js';
import { articleVersionForFlag, type ArticleSummary, type KnowledgeService } from '../knowledge/index.js';
import type { ServiceItemRow, ServiceItemService } from '../service-items/index.js';
import { displayNameOf, listWorkingAgents, type StaffRole } from '../staff/index.js';
import * as repo from './repository.js';
import {
  NOTE_MAX,
  readReview,
  readSampleFilters,
  totalOf,
  type ReviewFormValues,
  type ReviewProblem,
  type SampleFilters,
} from './rubric.js';

/**
 * Quality review (CC-14): reviewers sample resolved interactions, score them on the rubric and flag wrong answers; a
 * wrong answer that came from a knowledge article opens a task to fix it, which closes by itself when the article
 * gets a new version. Every read of an interaction and every change is audited.
 */

export interface QualityDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  knowledge: KnowledgeService;
  serviceItems: ServiceItemService;
  /** The agency's time zone: sample periods and score weeks are cut by its clock. */
  timeZone: string;
}

/** The reviewer: who (for the audit log) and their roles (Section 1367 items only for roles that may see them). */
export interface Reviewer {
  actor: StaffActor;
  roles: readonly StaffRole[];
}

export type ItemBlock = 'not_resolved' | 'own_item' | 'already_reviewed';

export interface ReviewPageData {
  item: ServiceItemRow;
  agentName: string | null;
  timeline: Awaited<ReturnType<ServiceItemService['timeline']>>;
  /** This reviewer's review of the item, when saved. */
  review?: repo.ReviewRow;
  /** Why no review can be written now, if so. */
  blocked?: ItemBlock;
}

export type SaveReviewResult =
  | { ok: true; reviewId: string; taskId: string | null }
  | { ok: false; problem: 'not_found' | ItemBlock }
  | { ok: false; problems: ReviewProblem[] };

export type DismissResult =
  | { ok: true }
  | { ok: false; problem: 'not_found' | 'closed' }
  | { ok: false; problems: { field: 'note'; code: 'note_missing' | 'note_too_long' }[] };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Weeks on the scores page, the current one included. */
export const SCORE_WEEKS = 12;
const TASKS_LIMIT = 200;
const CLOSED_TASKS_LIMIT = 50;

/** Section 1367 items only for the roles the case policy lets see them (CC-6): quality assurance alone may not. */
const maySee1367 = (roles: readonly StaffRole[]): boolean =>
  maySeeCase({ section1367: true }, { kind: 'staff', roles });

export class QualityService {
  constructor(private readonly deps: QualityDeps) {}

  get timeZone(): string {
    return this.deps.timeZone;
  }

  /** Whether these roles may see Section 1367 items (and tasks from their reviews). */
  canSee1367(roles: readonly StaffRole[]): boolean {
    return maySee1367(roles);
  }

  // ---- Sampling --------------------------------------------------------------------------------------------------

  async agents() {
    return listWorkingAgents(this.deps.db);
  }

  async readSampleFilters(query: unknown) {
    const agents = await this.agents();
    return {
      agents,
      read: readSampleFilters(
        query,
        localDate(this.deps.clock.now(), this.deps.timeZone),
        agents.map((a) => a.account_id),
      ),
    };
  }

  /** A new seed for a draw: 8 URL-safe characters. */
  newSeed(): string {
    return (
      this.deps.random
        .token(6)
        .replace(/[^A-Za-z0-9_-]/g, '')
        .slice(0, 16) || 'seed'
    );
  }

  /** Draws the sample (reproducible by its seed) and writes the draw to the audit log with the items shown. */
  async sample(reviewer: Reviewer, filters: SampleFilters) {
    const include1367 = maySee1367(reviewer.roles);
    const drawn = await repo.drawSample(this.deps.db, {
      ...filters,
      reviewerId: reviewer.actor.accountId,
      include1367,
      timeZone: this.deps.timeZone,
    });
    await auditStaffAction(this.deps.db, this.deps.clock, reviewer.actor, 'quality.sample_drawn', undefined, {
      filters,
      eligible: drawn.eligible,
      withheld1367: drawn.withheld,
      items: drawn.items.map((i) => i.number),
    });
    return drawn;
  }

  // ---- Reviewing -------------------------------------------------------------------------------------------------

  async #item(reviewer: Reviewer, number: string, db: DbHandle = this.deps.db): Promise<ServiceItemRow | undefined> {
    const item = await this.deps.serviceItems.byNumber(number, db);
    if (!item || (item.section_1367 && !maySee1367(reviewer.roles))) return undefined;
    return item;
  }

  #blocked(reviewer: Reviewer, item: ServiceItemRow, review: repo.ReviewRow | undefined): ItemBlock | undefined {
    if (review) return 'already_reviewed';
    if (item.status !== 'resolved' && item.status !== 'closed') return 'not_resolved';
    if (item.owner_id === reviewer.actor.accountId) return 'own_item';
    return undefined;
  }

  /** The interaction with its whole timeline (internal notes included) and this reviewer's review; the read is audited. */
  async reviewPage(reviewer: Reviewer, number: string): Promise<ReviewPageData | undefined> {
    const { db, clock } = this.deps;
    const item = await this.#item(reviewer, number);
    if (!item) return undefined;
    await auditStaffAction(
      db,
      clock,
      reviewer.actor,
      'quality.item_viewed',
      { type: 'service_item', id: item.id },
      { number: String(item.number) },
    );
    const timeline = await this.deps.serviceItems.timeline(item.id);
    const agentName = await displayNameOf(db, item.owner_id);
    const review = await repo.findReview(db, item.id, reviewer.actor.accountId);
    return { item, agentName, timeline, review, blocked: this.#blocked(reviewer, item, review) };
  }

  /** The articles a wrong answer can be traced to: every article (archived ones too), or those a search finds. */
  async articleChoices(
    lang: Language,
    query: string,
  ): Promise<{ ok: true; articles: ArticleSummary[] } | { ok: false }> {
    if (query.trim()) {
      const found = await this.deps.knowledge.search(query, lang, 'agents');
      return found.ok ? { ok: true, articles: found.results } : { ok: false };
    }
    const current = await this.deps.knowledge.list(lang, 'agents');
    const archived = await this.deps.knowledge.list(lang, 'agents', { archived: true });
    return { ok: true, articles: [...current, ...archived] };
  }

  /**
   * Saves this reviewer's review of an item: the scores and their total, the wrong answer with the article version
   * it came from (the article's current version unless one is chosen), a comment. A wrong answer from an article
   * opens a fix task. One review per reviewer and item: a second is refused (reviews are records, not drafts).
   */
  async saveReview(reviewer: Reviewer, number: string, values: ReviewFormValues): Promise<SaveReviewResult> {
    const { db, clock, random } = this.deps;
    const item = await this.#item(reviewer, number);
    if (!item) return { ok: false, problem: 'not_found' };
    const blocked = this.#blocked(reviewer, item, await repo.findReview(db, item.id, reviewer.actor.accountId));
    if (blocked) return { ok: false, problem: blocked };
    const read = readReview(values);
    if (!read.ok) return read;
    const input = read.input;
    try {
      return await inTransaction(db, async (trx): Promise<SaveReviewResult> => {
        const flagged = input.article ? await articleVersionForFlag(trx, input.article, input.version) : undefined;
        if (flagged === 'no_article') return { ok: false, problems: [{ field: 'article', code: 'article_unknown' }] };
        if (flagged === 'no_version')
          return { ok: false, problems: [{ field: 'article_version', code: 'version_unknown' }] };
        const now = clock.now();
        const reviewId = random.uuid();
        const total = totalOf(input.scores);
        await repo.insertReview(trx, {
          id: reviewId,
          item_id: item.id,
          reviewer_id: reviewer.actor.accountId,
          agent_id: item.owner_id,
          created_at: now,
          scores: JSON.stringify(input.scores),
          total,
          wrong_answer: input.wrongAnswer,
          article_version_id: flagged?.version_id ?? null,
          comment: input.comment,
        });
        let taskId: string | null = null;
        if (flagged) {
          taskId = random.uuid();
          await repo.insertTask(trx, {
            id: taskId,
            review_id: reviewId,
            article_id: flagged.article_id,
            flagged_version_id: flagged.version_id,
            created_at: now,
            status: 'open',
            closed_at: null,
            closed_by: null,
            fixed_version_id: null,
            note: null,
            opened_at_version: flagged.current_version,
          });
        }
        await auditStaffAction(
          trx,
          clock,
          reviewer.actor,
          'quality.review_saved',
          { type: 'service_item', id: item.id },
          {
            reviewId,
            number: String(item.number),
            agentId: item.owner_id,
            scores: input.scores,
            total,
            wrongAnswer: input.wrongAnswer,
            articleVersionId: flagged?.version_id ?? null,
            article: input.article,
            version: flagged?.version ?? null,
            taskId,
          },
        );
        return { ok: true, reviewId, taskId };
      });
    } catch (error) {
      // The same reviewer saving twice at once (two tabs): the second is told it is done.
      if ((error as { constraint?: string }).constraint === 'quality_reviews_item_reviewer_key')
        return { ok: false, problem: 'already_reviewed' };
      throw error;
    }
  }

  // ---- Fix tasks -------------------------------------------------------------------------------------------------

  /** Closes the tasks whose articles have a newer version since they opened (each closure audited as the system's). */
  async closeFixedTasks(onlyTask?: string): Promise<number> {
    const { db, clock } = this.deps;
    return inTransaction(db, async (trx) => {
      const closed = await repo.closeFixedTasks(trx, onlyTask);
      for (const task of closed) {
        await recordAudit(trx, clock, {
          actorType: 'system',
          action: 'quality.fix_task_done',
          subjectType: 'article_fix_task',
          subjectId: task.id,
          details: { articleId: task.article_id, fixedVersionId: task.fixed_version_id },
        });
      }
      return closed.length;
    });
  }

  async tasks(): Promise<{ open: repo.TaskRow[]; closed: repo.TaskRow[] }> {
    await this.closeFixedTasks();
    const open = await repo.listTasks(this.deps.db, { open: true, limit: TASKS_LIMIT });
    const closed = await repo.listTasks(this.deps.db, { open: false, limit: CLOSED_TASKS_LIMIT });
    return { open, closed };
  }

  async task(id: string): Promise<repo.TaskRow | undefined> {
    if (!UUID.test(id)) return undefined;
    await this.closeFixedTasks(id);
    return repo.findTask(this.deps.db, id);
  }

  /** Dismisses an open task with a note (the article needs no change, say); a task the article's new version closed stays done. */
  async dismissTask(actor: StaffActor, id: string, noteText: string): Promise<DismissResult> {
    if (!UUID.test(id)) return { ok: false, problem: 'not_found' };
    const note = noteText.replace(/\r\n?/g, '\n').trim();
    if (!note) return { ok: false, problems: [{ field: 'note', code: 'note_missing' }] };
    if ([...note].length > NOTE_MAX) return { ok: false, problems: [{ field: 'note', code: 'note_too_long' }] };
    await this.closeFixedTasks(id);
    const { db, clock } = this.deps;
    return inTransaction(db, async (trx): Promise<DismissResult> => {
      const task = await repo.lockTask(trx, id);
      if (!task) return { ok: false, problem: 'not_found' };
      if (!(await repo.dismissTask(trx, id, { by: actor.accountId, at: clock.now(), note })))
        return { ok: false, problem: 'closed' };
      await auditStaffAction(
        trx,
        clock,
        actor,
        'quality.fix_task_dismissed',
        { type: 'article_fix_task', id },
        { note },
      );
      return { ok: true };
    });
  }

  // ---- Scores ----------------------------------------------------------------------------------------------------

  async #since(): Promise<Date> {
    return repo.weekStartBefore(this.deps.db, this.deps.clock.now(), SCORE_WEEKS - 1, this.deps.timeZone);
  }

  /** Average total and wrong answers per agent and per week over the last 12 weeks; the view is audited. */
  async scores(actor: StaffActor) {
    const { db, clock, timeZone } = this.deps;
    const since = await this.#since();
    await auditStaffAction(db, clock, actor, 'quality.scores_viewed', undefined, { since: since.toISOString() });
    const byAgent = await repo.scoresByAgent(db, since);
    const byWeek = await repo.scoresByWeek(db, since, SCORE_WEEKS, timeZone);
    return { since, sinceDay: localDate(since, timeZone), byAgent, byWeek };
  }

  /** The rows of the CSV export (per week and agent); the export is audited. */
  async exportScores(actor: StaffActor): Promise<repo.WeeklyScoreRow[]> {
    const { db, clock, timeZone } = this.deps;
    const since = await this.#since();
    await auditStaffAction(db, clock, actor, 'quality.scores_exported', undefined, { since: since.toISOString() });
    return repo.qualityScoresByWeek(db, since, { timeZone });
  }

  todayIn(): string {
    return localDate(this.deps.clock.now(), this.deps.timeZone);
  }
}
