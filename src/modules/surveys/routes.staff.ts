import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { dateTimeFormatter } from '../../platform/format.js';
import { actorOf } from '../../platform/audit.js';
import { fields, type App } from '../../platform/http/inputs.js';
import { signedInOf, staffContext } from '../../platform/http/page-context.js';
import type { SurveyFilterProblem, SurveyFilterValues, SurveyService } from './service.js';
import { surveyCsv, surveysStaffPage } from './views.staff.js';

/**
 * A filter of the query string: the text sent, cut to 100 characters; empty when not sent; a repeated parameter (or
 * anything not one text) reads as a value nobody could have chosen (a NUL), which readSurveyFilters refuses.
 */
const filter = () =>
  z
    .unknown()
    .optional()
    .transform((value): string =>
      value === undefined ? '' : typeof value === 'string' ? value.slice(0, 100) : '\u0000',
    );

/** The filters both routes read (ADR 15); their problems are answered in the page (400 with an error summary). */
const filters = fields({
  survey: filter(),
  from: filter(),
  to: filter(),
  about_form: filter(),
  language: filter(),
  page: filter(),
});

/**
 * The staff view of survey responses (ACC-9): quality assurance and administrators. Both routes read the same
 * filters from the query string; bad filters answer the page with 400 and an error summary, never a 5xx.
 */
export function registerSurveyStaffRoutes(app: App, deps: { surveys: SurveyService; timeZone: string }): void {
  const { surveys, timeZone } = deps;
  const config = { policy: 'staff', roles: ['quality_assurance', 'administrator'] } as const;

  const refused = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: SurveyFilterValues,
    problems: SurveyFilterProblem[],
  ) =>
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

  app.get('/staff/surveys', { config, schema: { querystring: filters } }, async (request, reply) => {
    const read = surveys.readStaffFilters(request.query, timeZone);
    if (!read.ok) return refused(request, reply, read.values, read.problems);
    const report = await surveys.staffReport(actorOf(request), read.filters, read.page);
    return reply.html(
      surveysStaffPage(staffContext(request), {
        signedIn: signedInOf(reply),
        values: read.values,
        timeZone,
        report,
        when: dateTimeFormatter(request.lang, timeZone),
      }),
    );
  });

  app.get('/staff/surveys.csv', { config, schema: { querystring: filters } }, async (request, reply) => {
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
