import type { FastifyInstance, FastifyRequest } from 'fastify';
import { receiptProblemMessage } from './receipt-number.js';
import { CaseStatusNotFound, InvalidReceiptNumber, type CaseStatusService } from './service.js';
import { caseStatusPage } from './views/case-status-page.js';
import { homePage } from './views/home-page.js';

export interface CasesPublicRoutesDeps {
  caseStatus: CaseStatusService;
  timeZone: string;
  /** Counts a lookup for this visitor; answers the seconds to wait when over the limit. */
  limitLookup(request: FastifyRequest): Promise<number | undefined>;
}

/**
 * Public pages: home and Case Status Online. The lookup form uses GET: looking up a status changes nothing, the
 * result can be bookmarked and the language switch keeps it.
 */
export function registerCasesPublicRoutes(app: FastifyInstance, deps: CasesPublicRoutesDeps): void {
  app.get('/', { config: { policy: 'public' } }, async (request, reply) => reply.html(homePage(request.page())));

  app.get('/case-status', { config: { policy: 'public' } }, async (request, reply) => {
    const ctx = request.page();
    const raw = (request.query as Record<string, unknown>).receipt_number;
    if (raw === undefined) return reply.html(caseStatusPage(ctx, { timeZone: deps.timeZone }));
    const value = typeof raw === 'string' ? raw.slice(0, 40) : '';
    const wait = await deps.limitLookup(request);
    if (wait !== undefined) {
      reply.header('retry-after', String(wait));
      return reply.html(caseStatusPage(ctx, {
        value,
        timeZone: deps.timeZone,
        error: { field: 'receipt_number', message: request.t('common:error_pages.too_many.body') },
      }), 429);
    }
    try {
      const result = await deps.caseStatus.lookup(value);
      return reply.html(caseStatusPage(ctx, { result, timeZone: deps.timeZone }));
    } catch (error) {
      if (error instanceof InvalidReceiptNumber) {
        const { key, values } = receiptProblemMessage(error.problem.problem);
        return reply.html(caseStatusPage(ctx, { value, timeZone: deps.timeZone, error: { field: 'receipt_number', message: request.t(key, values) } }), 400);
      }
      if (error instanceof CaseStatusNotFound) {
        return reply.html(caseStatusPage(ctx, { value, timeZone: deps.timeZone, notFound: true }), 404);
      }
      throw error;
    }
  });
}
