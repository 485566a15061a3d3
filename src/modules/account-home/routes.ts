import { z } from 'zod';
import { fields, text, type App } from '../../platform/http/inputs.js';
import { signedInOf } from '../../platform/http/page-context.js';
import type { AccountService } from '../accounts/index.js';
import type { AccountHomeService } from './service.js';
import { accountHomePage } from './views.js';

export interface AccountHomeRoutesDeps {
  home: AccountHomeService;
  accounts: Pick<AccountService, 'findAccount'>;
  timeZone: string;
  /** Whether a representative account must first complete its profile (ProfileService of accounts). */
  representativeStatus(accountId: string): Promise<string>;
}

/** What the account home reads (ADR 15). */
const inputs = {
  // The backup codes left after a sign-in with one (read with Number(): none sent, none shown).
  home: fields({ backup_codes_left: z.unknown().optional(), welcome: text(20) }),
};

/** The account home, `/account` (ACC-8): the dashboard of a signed-in applicant or representative. */
export function registerAccountHomeRoutes(app: App, deps: AccountHomeRoutesDeps): void {
  app.get(
    '/account',
    { config: { policy: 'account' }, schema: { querystring: inputs.home } },
    async (request, reply) => {
      const accountId = request.session!.account_id;
      const account = await deps.accounts.findAccount(accountId);
      if (!account) return reply.redirect('/account/sign-in', 303);
      // A representative completes its profile first (issue 3 item 1; REP-3 matches paper G-28s against it).
      const representative = await deps.representativeStatus(account.id);
      if (representative === 'missing' || representative === 'expired')
        return reply.redirect(`/account/profile/representative?required=${representative}`, 303);
      // Staff accounts have no public account home: their home is the staff workspace.
      if (account.kind === 'staff') return reply.redirect('/staff', 303);
      const home = await deps.home.home(account.id);
      if (!home) return reply.redirect('/account/sign-in', 303);
      const left = Number(request.query.backup_codes_left);
      return reply.html(
        accountHomePage(
          { ...request.page(), timeZone: deps.timeZone },
          {
            ...signedInOf(reply),
            home,
            backupCodesRemaining: Number.isInteger(left) && left >= 0 && left <= 10 ? left : undefined,
            welcomeSurvey: request.query.welcome === '1',
          },
        ),
      );
    },
  );
}
