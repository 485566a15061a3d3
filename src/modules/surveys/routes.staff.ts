import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dateTimeFormatter } from '../../platform/format.js';
import { actorOf } from '../../platform/audit.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { SurveyFilterProblem, SurveyFilterValues, SurveyService } from './service.js';
import { surveyCsv, surveysStaffPage } from './views.staff.js';

/**
 * The staff view of survey responses (ACC-9): quality assurance and administrators. Both routes read the same
 * filters from the query string; bad filters answer the page with 400 and an error summary, never a 5xx.
 */
export function registerSurveyStaffRoutes(app: FastifyInstance, deps: { surveys: SurveyService; timeZone: string }): void {
  const { surveys, timeZone } = deps;
  const config = { policy: 'staff', roles: ['quality_assurance', 'administrator'] } as const;

  const refused = (request: FastifyRequest, reply: FastifyReply, values: SurveyFilterValues, problems: SurveyFilterProblem[]) =>
    reply.html(
      surveysStaffPage(staffContext(request), {
        signedIn: signedInOf(reply),
        values,
        timeZone,
        errors: problems.map((p) => ({ field: p.field, message: request.t(`surveys:staff.errors.${p.code}`) })),
        when: dateTimeFormatter(request.lang, timeZone),
      }),
      400,
    );

  app.get('/staff/surveys', { config }, async (request, reply) => {
    const read = surveys.readStaffFilters(request.query, timeZone);
    if (!read.ok) return refused(request, reply, read.values, read.problems);
    const report = await surveys.staffReport(actorOf(request), read.filters, read.page);
    return reply.html(
      surveysStaffPage(staffContext(request), { signedIn: signedInOf(reply), values: read.values, timeZone, report, when: dateTimeFormatter(request.lang, timeZone) }),
    );
  });

  app.get('/staff/surveys.csv', { config }, async (request, reply) => {
    const read = surveys.readStaffFilters(request.query, timeZone);
    if (!read.ok) return refused(request, reply, read.values, read.problems);
    // A HEAD request (Fastify answers it with this handler) exports nothing, so it is not audited as an export.
    if (request.method === 'HEAD') return reply.header('content-type', 'text/csv; charset=utf-8').send('');
    const batches = await surveys.exportResponses(actorOf(request), read.filters);
    const filename = `survey-responses-${surveys.todayIn(timeZone)}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(surveyCsv(batches)));
  });
}
