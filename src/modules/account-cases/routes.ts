import type { FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, alert } from '../../platform/views/components.js';
import { html } from '../../platform/views/html.js';
import type { AccountService } from '../accounts/index.js';
import { signedInOf } from '../../platform/http/page-context.js';
import { fields, params, text, type App } from '../../platform/http/inputs.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import { formatDate } from '../../platform/format.js';
import { parseDate } from '../../platform/personal-details.js';
import type { Language } from '../../platform/i18n/index.js';
import { findStatus } from '../cases/index.js';
import { sendDocument } from '../notices/index.js';
import type { IdentityVerificationService } from './identity.js';
import type { AccountCaseService, AddResult } from './service.js';
import type { MyProgressService } from '../my-progress/index.js';
import { addCasePage, caseCardPage, casesListPage, verifyIdentityPage, type AddValues } from './views.js';

/**
 * Month, day and year boxes as YYYY-MM-DD, read as people type dates (a month's name or its number, in English or
 * Spanish: `parseDate`); empty when they are not a date (the service then says so).
 */
function dateFrom(month: string, day: string, year: string): string {
  return parseDate([month, day, year].map((part) => part.trim()).join(' ')) ?? '';
}

/** An Online Access Code form as the service reads it: the code, and the date of birth from its boxes. */
function accessCodeOf(body: { code: string; dob_month: string; dob_day: string; dob_year: string }) {
  return { code: body.code, dateOfBirth: dateFrom(body.dob_month, body.dob_day, body.dob_year) };
}

/** The values a form shows back: the date boxes as they were always shown (4, 4 and 6 characters). */
function shownBack<T extends Record<string, string>>(body: T, prefix: 'dob' | 'rdob'): T {
  return {
    ...body,
    [`${prefix}_month`]: (body[`${prefix}_month`] ?? '').slice(0, 4),
    [`${prefix}_day`]: (body[`${prefix}_day`] ?? '').slice(0, 4),
    [`${prefix}_year`]: (body[`${prefix}_year`] ?? '').slice(0, 6),
  };
}

/** What each form of these pages sends (ADR 15: declared inputs). */
const inputs = {
  receipt: params({ receipt: text(200) }),
  document: params({ receipt: text(200), id: text(200) }),
  list: fields({ added: text(20) }),
  // The date boxes are read to 10 characters and trimmed for the date (dateFrom); the form shows back 4, 4 and 6.
  accessCode: fields({ code: text(40), dob_month: text(10), dob_day: text(10), dob_year: text(10) }),
  receiptNumber: fields({
    receipt_number: text(40),
    // Read whole: a name over the limit is refused with a message (the service), never cut.
    family_name: text(1000),
    rdob_month: text(10),
    rdob_day: text(10),
    rdob_year: text(10),
  }),
  identity: fields({ form: text(20), a_number: text(10), zip: text(10) }),
};

const timeOf = (date: Date, lang: Language, timeZone: string): string => formatDate(date, lang, timeZone, 'time');

export interface AccountCaseRouteDeps {
  cases: AccountCaseService;
  identity: IdentityVerificationService;
  accounts: AccountService;
  timeZone: string;
  limit: RouteLimit;
  /** myProgress (CASE-9, PT-3): the card's myProgress tab, when given. */
  progress?: MyProgressService;
}

const account = { config: { policy: 'account' as const } };

/** The cases of the signed-in account: My cases, the case card and its documents, adding a case, identity. */
export function registerAccountCaseRoutes(app: App, deps: AccountCaseRouteDeps): void {
  registerCaseCardRoutes(app, deps);
  registerAddCaseRoutes(app, deps);
  registerIdentityRoutes(app, deps);
}

const ctxOf = (request: FastifyRequest, timeZone: string) => ({ ...request.page(), timeZone });

/** My cases, the case card's tabs and its documents. */
function registerCaseCardRoutes(app: App, deps: AccountCaseRouteDeps): void {
  const ctx = (request: FastifyRequest) => ctxOf(request, deps.timeZone);

  app.get('/account/cases', { ...account, schema: { querystring: inputs.list } }, async (request, reply) => {
    const cases = (await deps.cases.list(request.session!.account_id)).map((c) => ({
      ...c,
      title:
        (request.lang === 'es' ? findStatus(c.status_key)?.titleEs : findStatus(c.status_key)?.titleEn) ?? c.status_key,
    }));
    const { added } = request.query;
    return reply.html(
      casesListPage(ctx(request), {
        ...signedInOf(reply),
        cases,
        added: /^[A-Z]{3}\d{10}$/.test(added) ? added : undefined,
      }),
    );
  });

  const card =
    (tab: 'status' | 'progress' | 'history' | 'documents') =>
    async (request: FastifyRequest<{ Params: { receipt: string } }>, reply: FastifyReply) => {
      const found = await deps.cases.card(request.session!.account_id, request.params.receipt);
      // Someone else's case, a Section 1367 case of another person, or no case at all: the same "not found".
      if (!found) return reply.callNotFound();
      // The Documents tab exists for cases whose notices are online (CASE-3, CASE-4) once there is a document.
      if (tab === 'documents' && !found.documents.length) return reply.callNotFound();
      // myProgress is an estimate of a case processed electronically: not for legacy paper cases (CASE-6).
      if (tab === 'progress' && !found.features.has('estimates')) return reply.callNotFound();
      const progress =
        tab === 'progress' && deps.progress
          ? await deps.progress.forCase(found.view.receiptNumber, found.view.history)
          : undefined;
      if (tab === 'progress' && !progress) return reply.callNotFound();
      return reply.html(
        caseCardPage(ctx(request), {
          ...signedInOf(reply),
          view: found.view,
          tab,
          filingChannel: found.filingChannel,
          openRfe: found.openRfe,
          appointments: found.appointments,
          biometricsReused: found.biometricsReused,
          documents: found.documents,
          evidence: found.features.has('evidence_upload') || found.features.has('rfe_response'),
          messages: found.features.has('secure_messages'),
          progressTab: Boolean(deps.progress) && found.features.has('estimates'),
          progress,
        }),
      );
    };
  app.get('/account/cases/:receipt', { ...account, schema: { params: inputs.receipt } }, card('status'));
  app.get('/account/cases/:receipt/progress', { ...account, schema: { params: inputs.receipt } }, card('progress'));
  app.get('/account/cases/:receipt/history', { ...account, schema: { params: inputs.receipt } }, card('history'));
  app.get('/account/cases/:receipt/documents', { ...account, schema: { params: inputs.receipt } }, card('documents'));

  app.get(
    '/account/cases/:receipt/documents/:id',
    { ...account, schema: { params: inputs.document } },
    async (request, reply) => {
      const { receipt, id } = request.params;
      const file = /^[0-9a-f-]{36}$/.test(id)
        ? await deps.cases.documentFile(request.session!.account_id, receipt, id)
        : undefined;
      if (!file) return reply.callNotFound();
      return sendDocument(reply, file);
    },
  );
}

/** Adding a paper case with an Online Access Code or a receipt number (ACC-8, CASE-5), and asking for a new code. */
function registerAddCaseRoutes(app: App, deps: AccountCaseRouteDeps): void {
  const limited = { config: { policy: 'account' as const, limit: deps.limit } };
  const me = async (request: FastifyRequest) => (await deps.accounts.findAccount(request.session!.account_id))!;

  const addPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: AddValues = {},
    errors: FieldError[] = [],
    notice?: ReturnType<typeof alert>,
    status?: number,
  ) =>
    reply.html(
      addCasePage(request.page(), {
        ...signedInOf(reply),
        representative: (await me(request)).kind === 'representative',
        values,
        errors,
        notice,
      }),
      status ?? (errors.length || notice ? 400 : 200),
    );

  app.get('/account/cases/add', account, async (request, reply) => addPage(request, reply));

  /** Too many wrong attempts: adding a case (and asking for a new code) waits until `until`. */
  const locked = (request: FastifyRequest, until: Date) =>
    alert({
      type: 'error',
      live: true,
      heading: request.t('cases_account:add.locked_title'),
      body: request.t('cases_account:add.locked', { time: timeOf(until, request.lang, deps.timeZone) }),
    });

  /**
   * Details that do not match: an error of the form as a whole (which detail was wrong is not told, so it links to
   * the form's heading, not to a field), and how many attempts are left before adding cases waits an hour.
   */
  const noMatch = async (request: FastifyRequest, reply: FastifyReply, values: AddValues, form: string) => {
    const left = await deps.cases.attemptsLeft(request.session!.account_id);
    const notice = alert({
      type: 'warning',
      slim: true,
      body: request.t('cases_account:add.tries_left', { count: left }),
    });
    const message = request.t('cases_account:add.errors.no_match');
    return addPage(request, reply, values, [{ field: form, message }], notice);
  };

  /** The answer to an attempt: to the list with a notice, or the form again with what to do. */
  const answer = async (
    request: FastifyRequest,
    reply: FastifyReply,
    result: AddResult,
    values: AddValues,
    fields: { code: string; dob: string; form: string },
  ) => {
    if (result.ok) return reply.redirect(`/account/cases?added=${result.receiptNumber}`, 303);
    const t = request.t;
    if (result.problem === 'locked') return addPage(request, reply, values, [], locked(request, result.until));
    if (result.problem === 'no_match') return noMatch(request, reply, values, fields.form);
    if (result.problem === 'expired') {
      // CASE-5: the agency's message, and the way to a new code (the same code and date of birth ask for it).
      return addPage(
        request,
        reply,
        values,
        [],
        alert({
          type: 'warning',
          live: true,
          heading: t('cases_account:add.expired_title'),
          body: html`<p>${t('cases_account:add.expired')}</p>
<form method="post" action="/account/cases/add/new-code">
  <input type="hidden" name="_csrf" value="${reply.generateCsrf()}">
  <input type="hidden" name="code" value="${values.code ?? ''}">
  <input type="hidden" name="dob_month" value="${values.dob_month ?? ''}"><input type="hidden" name="dob_day" value="${values.dob_day ?? ''}"><input type="hidden" name="dob_year" value="${values.dob_year ?? ''}">
  <button type="submit" class="usa-button">${t('cases_account:add.request_new')}</button>
</form>`,
        }),
      );
    }
    const field = {
      code_format: fields.code,
      dob_format: fields.dob,
      receipt_format: 'receipt_number',
      family_name_required: 'family_name',
      family_name_too_long: 'family_name',
      used: fields.code,
      already_added: fields.code,
      use_access_code: 'receipt_number',
      representative_not_allowed: 'receipt_number',
    }[result.problem];
    return addPage(request, reply, values, [{ field, message: t(`cases_account:add.errors.${result.problem}`) }]);
  };

  app.post(
    '/account/cases/add/access-code',
    { ...limited, schema: { body: inputs.accessCode } },
    async (request, reply) => {
      const values: AddValues = shownBack(request.body, 'dob');
      const result = await deps.cases.addWithAccessCode(await me(request), accessCodeOf(request.body), request.ip);
      return answer(request, reply, result, values, { code: 'code', dob: 'dob_month', form: 'oac-heading' });
    },
  );

  app.post(
    '/account/cases/add/receipt-number',
    { ...limited, schema: { body: inputs.receiptNumber } },
    async (request, reply) => {
      const values: AddValues = shownBack(request.body, 'rdob');
      const result = await deps.cases.addByReceiptNumber(
        await me(request),
        {
          receiptNumber: values.receipt_number!,
          familyName: values.family_name!,
          dateOfBirth: dateFrom(request.body.rdob_month, request.body.rdob_day, request.body.rdob_year),
        },
        request.ip,
      );
      return answer(request, reply, result, values, {
        code: 'receipt_number',
        dob: 'rdob_month',
        form: 'receipt-heading',
      });
    },
  );

  // CASE-5: a new Online Access Code for an expired one (by mail within 30 days, or by email for I-134A beneficiaries).
  app.post(
    '/account/cases/add/new-code',
    { ...limited, schema: { body: inputs.accessCode } },
    async (request, reply) => {
      const values: AddValues = shownBack(request.body, 'dob');
      const result = await deps.cases.requestNewAccessCode(await me(request), accessCodeOf(request.body), request.ip);
      const t = request.t;
      if (!result.ok) {
        if (result.problem === 'locked') return addPage(request, reply, values, [], locked(request, result.until));
        if (result.problem === 'no_match') return noMatch(request, reply, values, 'oac-heading');
        return addPage(request, reply, values, [{ field: 'code', message: t('cases_account:add.errors.not_expired') }]);
      }
      const date = formatDate(result.expectedBy, request.lang, deps.timeZone, 'longDate');
      return addPage(
        request,
        reply,
        {},
        [],
        alert({
          type: 'success',
          live: true,
          heading: t('cases_account:add.new_code_title'),
          body: t(`cases_account:add.new_code_${result.channel}`, { date }),
        }),
        200,
      );
    },
  );
}

/** Verify your identity (ACC-8): questions from the records of the account's cases. */
function registerIdentityRoutes(app: App, deps: AccountCaseRouteDeps): void {
  const limited = { config: { policy: 'account' as const, limit: deps.limit } };
  const identityPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { values?: Record<string, string>; errors?: FieldError[]; justVerified?: boolean; triesLeft?: number } = {},
  ) => {
    const state = await deps.identity.state(request.session!.account_id);
    return reply.html(
      verifyIdentityPage(ctxOf(request, deps.timeZone), {
        ...signedInOf(reply),
        ...state,
        lockedUntil: state.lockedUntil ? timeOf(state.lockedUntil, request.lang, deps.timeZone) : undefined,
        ...extra,
      }),
      extra.errors?.length || state.lockedUntil ? 400 : 200,
    );
  };

  app.get('/account/verify-identity', account, async (request, reply) => identityPage(request, reply));

  app.post('/account/verify-identity', { ...limited, schema: { body: inputs.identity } }, async (request, reply) => {
    const values = request.body;
    const result = await deps.identity.verify(request.session!.account_id, values, request.ip);
    if (result.ok) return identityPage(request, reply, { justVerified: true });
    if (result.problem === 'locked' || result.problem === 'no_records') return identityPage(request, reply);
    const message = request.t(`cases_account:identity.errors.${result.problem}`);
    if (result.problem === 'incomplete')
      return identityPage(request, reply, { values, errors: [{ field: 'form', message }] });
    // Wrong answers: an error of the form as a whole (which answer was wrong is not told), and the tries left.
    const triesLeft = await deps.identity.attemptsLeft(request.session!.account_id);
    return identityPage(request, reply, { values, errors: [{ field: 'identity-form', message }], triesLeft });
  });
}
