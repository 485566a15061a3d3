import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fields, text, ticked, type App } from '../../platform/http/inputs.js';
import { newSubmissionToken, submissionTokenOf } from '../../platform/submissions.js';
import { signedInOf } from '../../platform/http/page-context.js';
import type { RouteLimit } from '../../platform/http/policies.js';
import { fieldsOf, type AddressFields } from '../../platform/us-address.js';
import type { FieldError } from '../../platform/views/components.js';
import type { AccountService } from '../accounts/index.js';
import { checkForm, FIELD_IDS, type AddressChangeForm, type AddressChangeService } from './service.js';
import { checkPage, formPage, overviewPage } from './views.js';

/** One address's fields, read as text of at most 100 characters (longer is refused by the check, with a message). */
const addressInputs = (prefix: 'm_' | 'p_') =>
  Object.fromEntries(Object.values(FIELD_IDS).map((f) => [`${prefix}${f}`, text(200)])) as Record<
    `${'m_' | 'p_'}${string}`,
    ReturnType<typeof text>
  >;

/** What the pages read (ADR 15). */
const inputs = {
  overview: fields({ sent: text(40) }),
  // `_submission`: the check page's one-time token (platform/submissions.ts): a double click sends one change.
  form: fields({
    ...addressInputs('m_'),
    ...addressInputs('p_'),
    same: ticked(),
    action: text(10),
    _submission: text(100),
  }),
};

/** The feed's query: a cursor (the last `cursor` read) and a page size. */
const feedQuery = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

type FormBody = z.output<typeof inputs.form>;

function formOf(body: FormBody): AddressChangeForm {
  const all: Record<string, unknown> = body;
  const read = (prefix: 'm_' | 'p_'): AddressFields =>
    Object.fromEntries(
      (Object.keys(FIELD_IDS) as (keyof AddressFields)[]).map((f) => {
        const value = all[`${prefix}${FIELD_IDS[f]}`];
        return [f, typeof value === 'string' ? value : ''];
      }),
    ) as unknown as AddressFields;
  return { mailing: read('m_'), physical: read('p_'), same: body.same };
}

export interface AddressChangeRouteDeps {
  addressChanges: AddressChangeService;
  accounts: AccountService;
  timeZone: string;
  limit: RouteLimit;
}

/**
 * The change of address in the account (issue 17 point 4): `/account/address` (addresses, cases, history), the form
 * `/account/address/change`, its check page, and `/account/address/confirm` that sends it; and the agency's feed
 * `GET /api/v1/address-changes` (API clients with the `address_changes:read` scope).
 */
export function registerAddressChangeRoutes(app: App, deps: AddressChangeRouteDeps): void {
  registerAddressPages(app, deps);
  registerAddressFeedRoute(app, deps);
}

/** The account's pages: the overview, the form, the check page and the sending. */
function registerAddressPages(app: App, deps: AddressChangeRouteDeps): void {
  const account = { config: { policy: 'account' as const } };
  const limited = { config: { policy: 'account' as const, limit: deps.limit } };
  const ctx = (request: FastifyRequest) => ({ ...request.page(), timeZone: deps.timeZone });

  const overview = async (request: FastifyRequest, reply: FastifyReply, sentId?: string, refused = false) => {
    const o = await deps.addressChanges.overview(request.session!.account_id);
    const sent = sentId ? o.history.find((h) => h.id === sentId) : undefined;
    return reply.html(
      overviewPage(ctx(request), { ...signedInOf(reply), overview: o, sent, refused }),
      refused ? 403 : 200,
    );
  };

  const showForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    values: AddressChangeForm,
    errors: { field: string; key: string }[] = [],
  ) => {
    const list: FieldError[] = errors.map((e) => ({ field: e.field, message: request.t(e.key) }));
    return reply.html(
      formPage(ctx(request), { ...signedInOf(reply), values, errors: list }),
      errors.length ? 400 : 200,
    );
  };

  app.get('/account/address', { ...account, schema: { querystring: inputs.overview } }, async (request, reply) =>
    overview(request, reply, request.query.sent || undefined),
  );

  app.get('/account/address/change', account, async (request, reply) => {
    const o = await deps.addressChanges.overview(request.session!.account_id);
    if (!o.offered) return overview(request, reply);
    return showForm(request, reply, {
      mailing: fieldsOf(o.current?.mailing),
      physical: o.current?.same ? fieldsOf(undefined) : fieldsOf(o.current?.physical),
      same: o.current?.same ?? false,
    });
  });

  // The form: checked, then the check page (nothing is saved yet).
  app.post('/account/address/change', { ...limited, schema: { body: inputs.form } }, async (request, reply) => {
    const accountId = request.session!.account_id;
    if (!(await deps.addressChanges.offered(accountId))) return overview(request, reply, undefined, true);
    const values = formOf(request.body);
    const checked = checkForm(values);
    if (!checked.ok) return showForm(request, reply, values, checked.errors);
    const o = await deps.addressChanges.overview(accountId);
    return reply.html(
      checkPage(ctx(request), {
        ...signedInOf(reply),
        values,
        mailing: checked.mailing,
        physical: checked.physical,
        cases: o.cases.map((c) => c.receiptNumber),
        submission: newSubmissionToken(),
      }),
    );
  });

  // The check page: back to the form ("Change"), or send.
  app.post('/account/address/confirm', { ...limited, schema: { body: inputs.form } }, async (request, reply) => {
    const values = formOf(request.body);
    const me = (await deps.accounts.findAccount(request.session!.account_id))!;
    if (request.body.action === 'change') {
      if (!(await deps.addressChanges.offered(me.id))) return overview(request, reply, undefined, true);
      return showForm(request, reply, values);
    }
    const result = await deps.addressChanges.submit(
      { id: me.id, email: me.email, language: me.language },
      values,
      submissionTokenOf(request.body),
    );
    if (!result.ok && result.problem === 'section_1367') return overview(request, reply, undefined, true);
    if (!result.ok) return showForm(request, reply, values, result.problem === 'invalid' ? result.errors : []);
    return reply.redirect(`/account/address?sent=${result.changeId}`, 303);
  });
}

/** The agency's systems read the changes, each on each case, in order (COA-2): their answers come back as case events. */
function registerAddressFeedRoute(app: App, deps: AddressChangeRouteDeps): void {
  app.get(
    '/api/v1/address-changes',
    {
      config: { policy: 'api-client', scope: 'address_changes:read', api: 'agency', rateLimit: false },
      schema: { querystring: z.unknown().transform((q) => feedQuery.safeParse(q)) },
    },
    async (request, reply) => {
      const query = request.query;
      if (!query.success)
        return reply.code(400).send({
          code: 400,
          message:
            'Not a valid query: after is the cursor of the last change read (digits), limit a whole number from 1 to 1000.',
        });
      const page = await deps.addressChanges.feed(Number(query.data.after ?? 0), query.data.limit);
      return reply.header('cache-control', 'no-store').send(page);
    },
  );
}
