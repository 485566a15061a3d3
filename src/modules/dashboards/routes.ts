import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/inputs.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import { csvFilename, dashboardCsv } from './csv.js';
import {
  DATASETS,
  dashboardFilterQuery,
  readDashboardFilters,
  type DashboardFilterProblem,
  type DashboardFilterValues,
  type DashboardService,
} from './service.js';
import { dashboardsPage } from './views.js';

/**
 * Contact Center dashboards (issue 5 item 8) for supervisors: Tier 2 and Tier 3 (who lead the tiers below them),
 * quality assurance and administrators. Tier 1 agents and the help desk work items and do not see the whole
 * center; officers are not part of the Contact Center. The page and every CSV export read the same filters; bad
 * filters answer the page with 400 and an error summary, never a 5xx. Every view and every export is audited.
 */
export const DASHBOARD_ROLES = ['tier2', 'tier3', 'quality_assurance', 'administrator'] as const;

export function registerDashboardRoutes(app: App, deps: { dashboards: DashboardService; timeZone: string }): void {
  const { dashboards, timeZone } = deps;
  const config = { policy: 'staff', roles: DASHBOARD_ROLES } as const;

  const refused = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: DashboardFilterValues,
    problems: DashboardFilterProblem[],
  ) =>
    reply.html(
      dashboardsPage(staffContext(request), {
        signedIn: signedInOf(reply),
        values,
        timeZone,
        errors: problems.map((p) => ({ field: p.field, message: request.t(`dashboards:errors.${p.code}`) })),
      }),
      400,
    );

  app.get('/staff/dashboards', { config, schema: { querystring: dashboardFilterQuery } }, async (request, reply) => {
    const read = readDashboardFilters(request.query);
    if (!read.ok) return refused(request, reply, read.values, read.problems);
    const report = await dashboards.report(actorOf(request), read.filters);
    return reply
      .header('cache-control', 'no-store')
      .html(
        dashboardsPage(staffContext(request), { signedIn: signedInOf(reply), values: read.values, timeZone, report }),
      );
  });

  for (const dataset of DATASETS) {
    app.get(
      `/staff/dashboards/${dataset}.csv`,
      { config, schema: { querystring: dashboardFilterQuery } },
      async (request, reply) => {
        const read = readDashboardFilters(request.query);
        if (!read.ok) return refused(request, reply, read.values, read.problems);
        // A HEAD request (Fastify answers it with this handler) exports nothing, so it is not audited as an export.
        if (request.method === 'HEAD') return reply.header('content-type', 'text/csv; charset=utf-8').send('');
        const { period, data } = await dashboards.dataset(actorOf(request), dataset, read.filters);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${csvFilename(dataset, period)}"`)
          .header('cache-control', 'no-store')
          .send(dashboardCsv(dataset, data, (q) => (request.lang === 'es' ? q.nameEs : q.nameEn)));
      },
    );
  }
}
