import { z } from 'zod';
import { fields, type App } from '../../platform/http/inputs.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import { receiptProblemMessage } from './receipt-number.js';
import { CaseStatusNotFound, InvalidReceiptNumber, type CaseStatusService } from './service.js';
import { caseStatusPage } from './views/case-status-page.js';
import { homePage } from './views/home-page.js';

export interface CasesPublicRoutesDeps {
  caseStatus: CaseStatusService;
  timeZone: string;
  /** Counts a lookup for this visitor; answers the seconds to wait when over the limit. */
  limitLookup: RouteLimit;
}

/**
 * What the lookup form sends (ADR 15). The receipt number is undefined when not sent at all (the blank form, no
 * lookup counted); otherwise the text sent cut to 40 characters, or empty text when it is not one text.
 */
const inputs = {
  lookup: fields({
    receipt_number: z
      .unknown()
      .optional()
      .transform((value): string | undefined =>
        value === undefined ? undefined : typeof value === 'string' ? value.slice(0, 40) : '',
      ),
  }),
};

/**
 * Public pages: home and Case Status Online. The lookup form uses GET: looking up a status changes nothing, the
 * result can be bookmarked and the language switch keeps it.
 */
export function registerCasesPublicRoutes(app: App, deps: CasesPublicRoutesDeps): void {
  app.get('/', { config: { policy: 'public' } }, async (request, reply) => reply.html(homePage(request.page())));

  // The limit is counted only for a lookup, and answered in the form: not a route limit (config.limit).
  app.get(
    '/case-status',
    { config: { policy: 'public' }, schema: { querystring: inputs.lookup } },
    async (request, reply) => {
      const ctx = request.page();
      const value = request.query.receipt_number;
      if (value === undefined) return reply.html(caseStatusPage(ctx, { timeZone: deps.timeZone }));
      const wait = await deps.limitLookup(request);
      if (wait !== undefined) {
        reply.header('retry-after', String(wait));
        return reply.html(
          caseStatusPage(ctx, {
            value,
            timeZone: deps.timeZone,
            error: { field: 'receipt_number', message: request.t('common:error_pages.too_many.body') },
          }),
          429,
        );
      }
      try {
        const result = await deps.caseStatus.lookup(value);
        return reply.html(caseStatusPage(ctx, { result, timeZone: deps.timeZone }));
      } catch (error) {
        if (error instanceof InvalidReceiptNumber) {
          const { key, values } = receiptProblemMessage(error.problem.problem);
          return reply.html(
            caseStatusPage(ctx, {
              value,
              timeZone: deps.timeZone,
              error: { field: 'receipt_number', message: request.t(key, values) },
            }),
            400,
          );
        }
        if (error instanceof CaseStatusNotFound) {
          return reply.html(caseStatusPage(ctx, { value, timeZone: deps.timeZone, notFound: true }), 404);
        }
        throw error;
      }
    },
  );
}
