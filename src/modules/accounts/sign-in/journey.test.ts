import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMessage, linkIn, PASSWORD, signUpApplicant, totpAt } from '../../../../test/accounts-support.js';
import { TestAgent } from '../../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { sha256 } from '../../../platform/hashing.js';
import { SESSION_COOKIE } from '../index.js';
import { OTP_LOCKOUT_MS } from '../service.js';
import {
  goTo,
  REAUTH_MAX_AGE_MS,
  REAUTH_PASSWORD_STEP_MS,
  SIGN_IN_JOURNEY,
  stateOf,
  type JourneyEvent,
  type JourneyState,
} from './journey.js';
import { SESSION_IDLE_MS } from './sessions.js';

/**
 * Walks the sign-in journey (journey.ts) against the app through HTTP: for every transition of the table, a
 * person is brought to its state along the table's shortest path, the event is made as a browser would, and the
 * answer (the redirect, or the page's status) and the state reached are compared with the table.
 */

/** Transitions made elsewhere: they need a real OpenID Connect provider (external/external-sign-in.test.ts). */
const ELSEWHERE: ReadonlySet<JourneyEvent> = new Set(['external_ok', 'external_account_created']);

const STATES = Object.keys(SIGN_IN_JOURNEY) as JourneyState[];
const NEXT = '/account/two-step';
const NEW_PASSWORD = 'a brand new passphrase for 2027';

interface Person {
  agent: TestAgent;
  ip: string;
  email: string;
  accountId?: string;
  secret: string;
  backupCodes: string[];
  password: string;
}

/** What the event answered, and the parameters of its `go` (journey.goTo). */
interface Made {
  res?: LightMyRequestResponse;
  params?: Record<string, string>;
}

let t: TestApp;
let n = 0;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const reauthCodeGo = { next: encodeURIComponent(NEXT) };

/** Posts until the answer has `status` (the throttles and lockouts count failures); answers that response. */
async function until(
  status: number,
  post: () => Promise<LightMyRequestResponse>,
  most = 30,
): Promise<LightMyRequestResponse> {
  for (let i = 0; i < most; i++) {
    const res = await post();
    if (res.statusCode === status) return res;
  }
  throw new Error(`no ${status} after ${most} tries`);
}

/** Gives the password again for re-authentication unless it was just given (reauth_second_step_due). */
async function reauthPassword(p: Person): Promise<LightMyRequestResponse> {
  await p.agent.get(`/account/reauthenticate?next=${encodeURIComponent(NEXT)}`);
  return p.agent.post('/account/reauthenticate', { password: p.password, next: NEXT });
}

async function reauthCodePage(p: Person, from: JourneyState): Promise<void> {
  if (from === 'signed_in') expect((await reauthPassword(p)).statusCode).toBe(303);
  await p.agent.get(`/account/reauthenticate/code?next=${encodeURIComponent(NEXT)}`);
}

/** A page of the policy the state's session has, to see where the guard sends a person whose session ended. */
const guardedPage = (from: JourneyState) =>
  from === 'setup'
    ? '/account/sign-up/password'
    : from.startsWith('second_step')
      ? '/account/sign-in/code'
      : '/account';

/** Each event as a person makes it (timed events: the time passes, then the next request, if any, is made). */
const EVENTS: Record<
  Exclude<JourneyEvent, 'external_ok' | 'external_account_created'>,
  (p: Person, from: JourneyState) => Promise<Made>
> = {
  sign_up_email_confirmed: async (p) => {
    p.email = `journey.new.${++n}@example.com`;
    p.accountId = undefined;
    await p.agent.get('/account/sign-up');
    expect((await p.agent.post('/account/sign-up', { email: p.email, kind: 'applicant' })).statusCode).toBe(303);
    await p.agent.get(linkIn((await lastMessage(t, p.email, 'verify_email'))!.body, '/account/sign-up/confirm?token='));
    return {
      res: await p.agent.post('/account/sign-up/confirm', { token: p.agent.$('input[name=token]').val() as string }),
    };
  },
  sign_up_password_set: async (p) => {
    await p.agent.get('/account/sign-up/password');
    return {
      res: await p.agent.post('/account/sign-up/password', { password: p.password, password_confirmation: p.password }),
    };
  },
  sign_up_finished: async (p) => {
    await EVENTS.sign_up_password_set(p, 'setup');
    await p.agent.get('/account/sign-up/authenticator');
    p.secret = p.agent.$('.casedesk-secret').text().replace(/\s/g, '');
    expect((await p.agent.post('/account/sign-up/authenticator', { code: totpAt(t, p.secret) })).statusCode).toBe(200);
    return { res: await p.agent.post('/account/sign-up/backup-codes', {}) };
  },
  password_ok: async (p) => {
    await p.agent.get('/account/sign-in');
    return { res: await p.agent.post('/account/sign-in', { email: p.email, password: p.password }) };
  },
  password_wrong: async (p) => {
    await p.agent.get('/account/sign-in');
    return { res: await p.agent.post('/account/sign-in', { email: p.email, password: 'not the password at all' }) };
  },
  password_throttled: async (p) => {
    await p.agent.get('/account/sign-in');
    return {
      res: await until(429, () =>
        p.agent.post('/account/sign-in', { email: p.email, password: 'not the password at all' }),
      ),
    };
  },
  unlock_link_password_ok: async (p) => {
    await p.agent.get('/account/sign-in/unlock');
    expect((await p.agent.post('/account/sign-in/unlock', { email: p.email })).statusCode).toBe(303);
    await p.agent.get(
      linkIn((await lastMessage(t, p.email, 'sign_in_unlock'))!.body, '/account/sign-in/unlock/link?token='),
    );
    return {
      res: await p.agent.post('/account/sign-in/unlock/link', {
        token: p.agent.$('input[name=token]').val() as string,
        password: p.password,
      }),
    };
  },
  password_reset: async (p) => {
    await p.agent.get('/account/forgot-password');
    expect((await p.agent.post('/account/forgot-password', { email: p.email })).statusCode).toBe(303);
    await p.agent.get(
      linkIn((await lastMessage(t, p.email, 'reset_password'))!.body, '/account/reset-password?token='),
    );
    p.password = NEW_PASSWORD;
    const token = p.agent.$('input[name=token]').val() as string;
    return {
      res: await p.agent.post('/account/reset-password', {
        token,
        password: p.password,
        password_confirmation: p.password,
      }),
    };
  },
  second_step_ok: async (p) => {
    t.clock.advance(31_000);
    await p.agent.get('/account/sign-in/code');
    return { res: await p.agent.post('/account/sign-in/code', { code: totpAt(t, p.secret) }) };
  },
  backup_code_ok: async (p) => {
    await p.agent.get('/account/sign-in/code?method=backup');
    return {
      res: await p.agent.post('/account/sign-in/code', { method: 'backup', code: p.backupCodes[0]! }),
      params: { left: '9' },
    };
  },
  code_wrong: async (p) => {
    await p.agent.get('/account/sign-in/code');
    return { res: await p.agent.post('/account/sign-in/code', { code: '000000' }) };
  },
  code_refused_locked: async (p, from) => {
    if (from === 'second_step_due' || from === 'second_step_locked') {
      await p.agent.get('/account/sign-in/code');
      return { res: await until(429, () => p.agent.post('/account/sign-in/code', { code: '000000' })) };
    }
    await reauthCodePage(p, from);
    return {
      res: await until(429, () => p.agent.post('/account/reauthenticate/code', { code: '000000', next: NEXT })),
    };
  },
  sensitive_change: async (p) => ({
    res: await p.agent.get('/account/two-step/authenticator'),
    params: { query: new URLSearchParams({ next: '/account/two-step/authenticator' }).toString() },
  }),
  reauth_password_ok: async (p) => ({ res: await reauthPassword(p), params: reauthCodeGo }),
  reauth_password_wrong: async (p) => {
    await p.agent.get('/account/reauthenticate');
    return { res: await p.agent.post('/account/reauthenticate', { password: 'not the password at all', next: NEXT }) };
  },
  reauth_password_throttled: async (p) => {
    await p.agent.get('/account/reauthenticate');
    return {
      res: await until(429, () =>
        p.agent.post('/account/reauthenticate', { password: 'not the password at all', next: NEXT }),
      ),
    };
  },
  reauth_code_without_password: async (p) => ({
    res: await p.agent.get(`/account/reauthenticate/code?next=${encodeURIComponent(NEXT)}`),
    params: reauthCodeGo,
  }),
  reauth_code_ok: async (p, from) => {
    t.clock.advance(31_000);
    await reauthCodePage(p, from);
    return {
      res: await p.agent.post('/account/reauthenticate/code', { code: totpAt(t, p.secret), next: NEXT }),
      params: { next: NEXT },
    };
  },
  reauth_code_wrong: async (p, from) => {
    await reauthCodePage(p, from);
    return { res: await p.agent.post('/account/reauthenticate/code', { code: '000000', next: NEXT }) };
  },
  sign_out: async (p) => {
    await p.agent.get('/account/sessions');
    return { res: await p.agent.post('/account/sign-out', {}) };
  },
  idle_timeout: async (p, from) => {
    t.clock.advance(SESSION_IDLE_MS + 1000);
    return { res: await p.agent.get(guardedPage(from)) };
  },
  authentication_ages: async (p) => {
    // Active all along (under the idle limit), so only the authentication ages.
    for (let left = REAUTH_MAX_AGE_MS + 1000; left > 0; left -= 5 * 60_000) {
      t.clock.advance(Math.min(left, 5 * 60_000));
      expect((await p.agent.get('/account')).statusCode).toBe(200);
    }
    return {};
  },
  reauth_password_step_expires: async (p) => {
    t.clock.advance(REAUTH_PASSWORD_STEP_MS + 1000);
    return {
      res: await p.agent.get(`/account/reauthenticate/code?next=${encodeURIComponent(NEXT)}`),
      params: reauthCodeGo,
    };
  },
  lockout_ends: () => {
    t.clock.advance(OTP_LOCKOUT_MS + 1000);
    return Promise.resolve({});
  },
  throttle_ends: () => {
    t.clock.advance(3600_000 + 1000);
    return Promise.resolve({});
  },
};

/** The person's state, from the app's own records: the session its cookie names, and the account's lockouts. */
async function stateNow(p: Person): Promise<JourneyState> {
  const db = t.deps.database.db;
  p.accountId ??= (await db.selectFrom('accounts').select('id').where('email', '=', p.email).executeTakeFirst())?.id;
  const cookie = p.agent.cookies.get(SESSION_COOKIE);
  const now = t.clock.now();
  const row = cookie
    ? await db.selectFrom('account_sessions').selectAll().where('id_hash', '=', sha256(cookie)).executeTakeFirst()
    : undefined;
  const live =
    row && row.expires_at > now && now.getTime() - row.last_seen_at.getTime() <= SESSION_IDLE_MS ? row : undefined;
  const locks = p.accountId ? await t.services.accounts.lockState(p.accountId) : {};
  return stateOf(live, now, locks);
}

/** Makes `event` in `from`, and checks the answer and the state reached against the table. */
async function make(p: Person, from: JourneyState, event: JourneyEvent): Promise<void> {
  const expected = SIGN_IN_JOURNEY[from][event]!;
  const made = await EVENTS[event as keyof typeof EVENTS](p, from);
  const label = `${from} --${event}-->`;
  if (expected.go !== undefined) {
    expect(made.res?.statusCode, label).toBe(303);
    expect(made.res?.headers.location, label).toBe(goTo(from, event, made.params));
    // The routes take their redirects from the table: check that each lands on a page that answers.
    const cookies = new Map(p.agent.cookies);
    expect((await p.agent.get(made.res!.headers.location as string)).statusCode, `${label} lands`).toBeLessThan(400);
    for (const [name, value] of cookies) p.agent.cookies.set(name, value);
  } else if (expected.status !== undefined) {
    expect(made.res?.statusCode, label).toBe(expected.status);
  }
  expect(await stateNow(p), label).toBe(expected.to);
}

/** The shortest path of events from `signed_out` to each state (self-loops aside), by the table alone. */
function pathsFromSignedOut(): Map<JourneyState, JourneyEvent[]> {
  const paths = new Map<JourneyState, JourneyEvent[]>([['signed_out', []]]);
  const queue: JourneyState[] = ['signed_out'];
  while (queue.length) {
    const state = queue.shift()!;
    for (const [event, tr] of Object.entries(SIGN_IN_JOURNEY[state]) as [JourneyEvent, { to: JourneyState }][]) {
      if (ELSEWHERE.has(event) || paths.has(tr.to)) continue;
      paths.set(tr.to, [...paths.get(state)!, event]);
      queue.push(tr.to);
    }
  }
  return paths;
}

const paths = pathsFromSignedOut();
const transitions = STATES.flatMap((from) =>
  (Object.keys(SIGN_IN_JOURNEY[from]) as JourneyEvent[]).map((event) => ({ from, event })),
);

describe('the sign-in journey (journey.ts)', () => {
  it('reaches every state from signed_out, and has a way to make every event', () => {
    expect([...paths.keys()].sort()).toEqual([...STATES].sort());
    for (const { event } of transitions) expect(ELSEWHERE.has(event) || event in EVENTS, event).toBe(true);
  });

  const reached = new Set<JourneyState>();

  describe.each(transitions.filter(({ event }) => !ELSEWHERE.has(event)))('$from --$event-->', ({ from, event }) => {
    it(`goes where the table says`, async () => {
      const ip = `10.77.${Math.floor(++n / 250)}.${n % 250}`;
      const applicant = await signUpApplicant(t, `journey.${n}@example.com`, ip);
      const p: Person = { ...applicant, agent: new TestAgent(t.app, ip), ip, password: PASSWORD };
      let state: JourneyState = 'signed_out';
      expect(await stateNow(p)).toBe(state);
      for (const step of paths.get(from)!) {
        await make(p, state, step);
        state = SIGN_IN_JOURNEY[state][step]!.to;
        reached.add(state);
      }
      await make(p, from, event);
      reached.add(SIGN_IN_JOURNEY[from][event]!.to);
      // Leave the shared clock's throttles and lockouts behind for the next person.
      t.clock.advance(2 * 3600_000);
    });
  });

  it('went through every state over HTTP', () => {
    expect([...reached, 'signed_out'].sort()).toEqual(expect.arrayContaining([...STATES].sort()));
  });
});
