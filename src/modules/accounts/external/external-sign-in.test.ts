import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
// @ts-expect-error oidc-provider 8 ships no type declarations; the little used here is typed below.
import OidcProvider, { interactionPolicy } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent } from '../../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { ConfigError, loadConfig } from '../../../config.js';
import { FakeClock } from '../../../platform/clock.js';
import { createLogger } from '../../../platform/logging.js';
import { SESSION_COOKIE } from '../index.js';
import { sha256 } from '../../../platform/hashing.js';
import { EXTERNAL_CALLBACK_PATH } from './external-sign-in.js';
import { EXTERNAL_REQUEST_COOKIE } from './routes.js';

/**
 * External sign-in end to end (ADR 8): Casedesk (app.inject) against a real OpenID Connect provider (oidc-provider
 * 8) listening on 127.0.0.1, configured like Login.gov: authorization code with PKCE required, private_key_jwt
 * client authentication with the client's public key registered, acr values, prompt=select_account, and the email
 * given at the userinfo endpoint. The provider's sign-in page is replaced by a handler that signs in whichever
 * test user the test chose (or cancels), as the person would at Login.gov.
 */

const PUBLIC_URL = 'https://casedesk.test';
const CLIENT_ID = 'urn:gov:gsa:openidconnect.profiles:sp:sso:agency:casedesk';
const AUTH_ONLY = 'urn:acr.login.gov:auth-only';
const VERIFIED = 'urn:acr.login.gov:verified';

interface ProviderUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

/** What the person does at the provider's sign-in page: sign in as a user (with an assurance level), or cancel. */
type AtProvider = { user: string; acr?: string | null } | { cancel: true };

interface LocalProvider {
  issuer: string;
  users: Map<string, ProviderUser>;
  next: AtProvider;
  close(): Promise<void>;
}

interface ProviderApi {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
}

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return {
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256' },
  };
}

/** The client's key pair: the provider knows the public half, Casedesk signs its token requests with the private one. */
const clientKeys = keyPair();

async function startProvider(): Promise<LocalProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const users = new Map<string, ProviderUser>();
  const policy = interactionPolicy.base();
  // Login.gov requires prompt=select_account; oidc-provider accepts only prompts it knows.
  policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);
  const ttl = { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 };
  const provider: ProviderApi = new OidcProvider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'RS256',
        jwks: { keys: [clientKeys.publicJwk] },
        redirect_uris: [`${PUBLIC_URL}${EXTERNAL_CALLBACK_PATH}`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [keyPair().privateJwk] },
    pkce: { required: () => true, methods: ['S256'] },
    acrValues: [AUTH_ONLY, VERIFIED],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: [randomUUID()] },
    ttl,
    interactions: { policy, url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, id: string) => {
      const user = users.get(id);
      return user && { accountId: id, claims: async () => ({ ...user }) };
    },
    // Consent is part of the agency's agreement with the provider: every sign-in gets a grant for openid email.
    loadExistingGrant: async (ctx: {
      oidc: {
        provider: { Grant: new (init: object) => { addOIDCScope(s: string): void; save(): Promise<string> } };
        client: { clientId: string };
        session: { accountId: string };
      };
    }) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  });
  const local: LocalProvider = {
    issuer,
    users,
    next: { cancel: true },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return handle(req, res);
    const next = local.next;
    const result =
      'cancel' in next
        ? { error: 'access_denied', error_description: 'End-User aborted interaction' }
        : {
            select_account: {},
            login: { accountId: next.user, ...(next.acr === null ? {} : { acr: next.acr ?? AUTH_ONLY }) },
          };
    provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false }).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  return local;
}

/** Casedesk's settings for a provider; the key is given as a file path (the other accepted form is the JSON itself). */
function oidcEnv(issuer: string, extra: Record<string, string> = {}): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'casedesk-oidc-'));
  const keyFile = path.join(dir, 'client-key.json');
  writeFileSync(keyFile, JSON.stringify(clientKeys.privateJwk));
  return {
    CASEDESK_PUBLIC_URL: PUBLIC_URL,
    CASEDESK_OIDC_ISSUER: issuer,
    CASEDESK_OIDC_CLIENT_ID: CLIENT_ID,
    CASEDESK_OIDC_PRIVATE_KEY_JWK: keyFile,
    CASEDESK_GLOBAL_RATE_LIMIT_PER_MINUTE: '100000',
    ...extra,
  };
}

/**
 * The person's browser: the Casedesk side through app.inject (TestAgent), the provider side over HTTP with its own
 * cookie jar, following redirects by hand until the provider sends the browser back to Casedesk.
 */
class Browser {
  readonly agent: TestAgent;
  readonly providerCookies = new Map<string, string>();
  authorizationUrl?: URL;

  constructor(
    readonly app: TestApp,
    ip: string,
  ) {
    this.agent = new TestAgent(app.app, ip);
  }

  /** Starts at Casedesk and goes through the provider; answers the callback path the provider sent back (not yet opened). */
  async toProvider(lang?: 'en' | 'es'): Promise<string> {
    const start = await this.agent.get(`/account/sign-in/external${lang ? `?lang=${lang}` : ''}`);
    expect(start.statusCode).toBe(303);
    let next = String(start.headers.location);
    this.authorizationUrl = new URL(next);
    for (let hops = 0; hops < 10; hops++) {
      if (next.startsWith(PUBLIC_URL)) return next.slice(PUBLIC_URL.length);
      const res = await fetch(next, {
        redirect: 'manual',
        headers: { cookie: [...this.providerCookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        this.providerCookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const location = res.headers.get('location');
      if (!location)
        throw new Error(`the provider answered ${res.status} without a redirect: ${(await res.text()).slice(0, 300)}`);
      next = new URL(location, next).href;
    }
    throw new Error('too many redirects');
  }

  /** The whole round trip: start, provider, callback. */
  async signIn(lang?: 'en' | 'es') {
    return this.agent.get(await this.toProvider(lang));
  }
}

let provider: LocalProvider;
let t: TestApp;
const logLines: string[] = [];
let ipCounter = 0;
const browser = (app: TestApp = t) => new Browser(app, `10.88.0.${++ipCounter}`);

beforeAll(async () => {
  provider = await startProvider();
  // Everything the app logs at info level and above, to check that no token reaches the logs.
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  // The provider checks ID token times against the real clock: the app's clock starts at the real time.
  t = await createTestApp({
    env: oidcEnv(provider.issuer),
    clock: new FakeClock(new Date()),
    log: createLogger('info', sink),
  });
});
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

const db = () => t.deps.database.db;
const accountsWithEmail = (email: string) =>
  db().selectFrom('accounts').selectAll().where('email', '=', email).execute();
const linksOf = (accountId: string) =>
  db().selectFrom('account_external_identities').selectAll().where('account_id', '=', accountId).execute();
const eventsOf = (accountId: string, kind: string) =>
  db()
    .selectFrom('account_security_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();

async function existingAccount(email: string, changes: { activated?: boolean; kind?: 'applicant' | 'staff' } = {}) {
  const id = randomUUID();
  const now = t.clock.now();
  await db()
    .insertInto('accounts')
    .values({
      id,
      kind: changes.kind ?? 'applicant',
      email,
      email_verified_at: now,
      password_hash: null,
      online_account_number: await t.services.accounts.newOnlineAccountNumber(db()),
      language: 'en',
      created_at: now,
      activated_at: changes.activated === false ? null : now,
    })
    .execute();
  return id;
}

function providerUser(user: ProviderUser): string {
  provider.users.set(user.sub, user);
  provider.next = { user: user.sub };
  return user.sub;
}

async function sessionStage(agent: TestAgent) {
  const id = agent.cookies.get(SESSION_COOKIE);
  if (!id) return undefined;
  return (
    (await db()
      .selectFrom('account_sessions')
      .select(['stage', 'account_id'])
      .where('id_hash', '=', sha256(id))
      .executeTakeFirst()) ?? undefined
  );
}

describe('external sign-in: the request sent to the provider', () => {
  it('is an authorization code request with PKCE S256, state, nonce, acr_values and select_account, nothing secret in the browser', async () => {
    const b = browser();
    providerUser({ sub: 'req-1', email: 'req1@example.com', email_verified: true });
    await b.toProvider();
    const url = b.authorizationUrl!;
    expect(url.origin).toBe(provider.issuer);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(`${PUBLIC_URL}${EXTERNAL_CALLBACK_PATH}`);
    expect(q.get('scope')).toBe('openid email');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('acr_values')).toBe(AUTH_ONLY);
    expect(q.get('prompt')).toBe('select_account');
    // Login.gov asks for at least 22 characters of state and nonce.
    expect(q.get('state')!.length).toBeGreaterThanOrEqual(22);
    expect(q.get('nonce')!.length).toBeGreaterThanOrEqual(22);
    // The browser holds only a random id; the verifier stays on the server, keyed by the id's hash.
    const id = b.agent.cookies.get(EXTERNAL_REQUEST_COOKIE)!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const start = b.agent.last!.cookies.find((c) => c.name === EXTERNAL_REQUEST_COOKIE)!;
    expect(start).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge: 600 });
    const row = await db()
      .selectFrom('external_sign_in_requests')
      .selectAll()
      .where('state', '=', q.get('state')!)
      .executeTakeFirstOrThrow();
    expect(row.code_verifier).not.toBe(q.get('code_challenge'));
    expect(url.href).not.toContain(row.code_verifier);
    expect(row.expires_at.getTime() - row.created_at.getTime()).toBe(10 * 60_000);
  });
});

describe('external sign-in: linking and creating accounts', () => {
  it('creates an activated applicant account for a new person, signs them in fully and welcomes them', async () => {
    const b = browser();
    providerUser({ sub: 'new-1', email: 'New.Person@Example.com', email_verified: true });
    const res = await b.signIn();
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account?welcome=1');
    expect(b.agent.cookies.has(EXTERNAL_REQUEST_COOKIE)).toBe(false);
    const session = await sessionStage(b.agent);
    expect(session?.stage).toBe('full');
    const [account, ...others] = await accountsWithEmail('new.person@example.com');
    expect(others).toHaveLength(0);
    expect(account).toMatchObject({ id: session!.account_id, kind: 'applicant', password_hash: null, language: 'en' });
    expect(account!.activated_at).not.toBeNull();
    expect(account!.email_verified_at).not.toBeNull();
    expect(account!.online_account_number).toMatch(/^[1-9]\d{11}$/);
    expect(await linksOf(account!.id)).toMatchObject([{ issuer: provider.issuer, subject: 'new-1' }]);
    expect(await eventsOf(account!.id, 'external_identity_linked')).toHaveLength(1);
    expect((await eventsOf(account!.id, 'external_sign_in'))[0]!.details).toMatchObject({
      issuer: provider.issuer,
      acr: AUTH_ONLY,
    });
    expect(await eventsOf(account!.id, 'device_seen')).toHaveLength(1);

    const home = await b.agent.get('/account?welcome=1');
    expect(home.statusCode).toBe(200);
    expect(b.agent.$('main').text()).toContain('new.person@example.com');
    expect(b.agent.$('.casedesk-receipt').text().replace(/\s/g, '')).toBe(account!.online_account_number);
    expect(b.agent.$('#survey-heading').length).toBe(1);
  });

  it('creates the account in the language the person was using', async () => {
    const b = browser();
    providerUser({ sub: 'new-es', email: 'nueva@example.com', email_verified: true });
    const res = await b.signIn('es');
    expect(res.headers.location).toBe('/account?welcome=1');
    expect((await accountsWithEmail('nueva@example.com'))[0]!.language).toBe('es');
  });

  it('links an existing activated account with the same verified email, without a duplicate', async () => {
    const accountId = await existingAccount('ana.existing@example.com');
    const b = browser();
    providerUser({ sub: 'existing-1', email: 'ANA.existing@example.com', email_verified: true });
    const res = await b.signIn();
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');
    expect(await sessionStage(b.agent)).toEqual({ stage: 'full', account_id: accountId });
    expect(await accountsWithEmail('ana.existing@example.com')).toHaveLength(1);
    expect(await linksOf(accountId)).toMatchObject([{ subject: 'existing-1' }]);
    expect((await eventsOf(accountId, 'external_identity_linked'))[0]!.details).toMatchObject({
      via: 'verified_email',
    });
    expect((await b.agent.get('/account')).statusCode).toBe(200);
    // The account holder is told that the provider now opens the account.
    const notice = await t.deps.database.db
      .selectFrom('notification_messages')
      .select(['subject', 'body'])
      .where('recipient', '=', 'ana.existing@example.com')
      .where('template', '=', 'external_identity_linked')
      .executeTakeFirstOrThrow();
    expect(notice.subject).toBe('Login.gov can now be used to sign in to your account');
  });

  it('signs in through the link the next time, even after the email changed at the provider', async () => {
    const first = browser();
    providerUser({ sub: 'mover', email: 'mover.old@example.com', email_verified: true });
    await first.signIn();
    const [account] = await accountsWithEmail('mover.old@example.com');

    provider.users.set('mover', { sub: 'mover', email: 'mover.new@example.com', email_verified: true });
    const again = browser();
    const res = await again.signIn();
    expect(res.headers.location).toBe('/account');
    expect((await sessionStage(again.agent))?.account_id).toBe(account!.id);
    expect(await accountsWithEmail('mover.new@example.com')).toHaveLength(0);
    expect(await eventsOf(account!.id, 'external_sign_in')).toHaveLength(2);
    expect(await linksOf(account!.id)).toHaveLength(1);
  });

  it('never links an existing account to an email the provider has not verified', async () => {
    const accountId = await existingAccount('unverified.owner@example.com');
    const b = browser();
    providerUser({ sub: 'impostor', email: 'unverified.owner@example.com', email_verified: false });
    const res = await b.signIn();
    expect(res.statusCode).toBe(403);
    expect(b.agent.$('h1').text()).toBe('Your email address is not confirmed at Login.gov');
    expect(b.agent.$('a[href="/account/sign-in"]').text()).toBe('Sign in with your email and password');
    expect(b.agent.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await linksOf(accountId)).toHaveLength(0);
    expect((await eventsOf(accountId, 'external_sign_in_refused'))[0]!.details).toMatchObject({
      reason: 'email_unverified',
    });
  });

  it('does not create an account for an unverified email either (same page: no hint whether an account exists)', async () => {
    const b = browser();
    providerUser({ sub: 'unverified-new', email: 'nobody.yet@example.com' });
    const res = await b.signIn();
    expect(res.statusCode).toBe(403);
    expect(b.agent.$('h1').text()).toBe('Your email address is not confirmed at Login.gov');
    expect(await accountsWithEmail('nobody.yet@example.com')).toHaveLength(0);
  });

  it('refuses a provider account without an email address', async () => {
    const b = browser();
    providerUser({ sub: 'no-email' });
    const res = await b.signIn();
    expect(res.statusCode).toBe(400);
    expect(b.agent.$('h1').text()).toBe('Login.gov did not share your email address');
  });

  it('finishes a sign-up left unfinished with the same email, keeping its Online Account Number', async () => {
    const accountId = await existingAccount('halfway@example.com', { activated: false });
    const before = (await accountsWithEmail('halfway@example.com'))[0]!;
    const b = browser();
    providerUser({ sub: 'halfway', email: 'halfway@example.com', email_verified: true });
    const res = await b.signIn();
    expect(res.headers.location).toBe('/account?welcome=1');
    const after = (await accountsWithEmail('halfway@example.com'))[0]!;
    expect(after.id).toBe(accountId);
    expect(after.activated_at).not.toBeNull();
    expect(after.online_account_number).toBe(before.online_account_number);
    expect((await eventsOf(accountId, 'account_activated'))[0]!.details).toMatchObject({ via: 'external' });
  });

  it('does not sign in a staff account through the provider', async () => {
    const accountId = await existingAccount('staff.member@example.com', { kind: 'staff' });
    const b = browser();
    providerUser({ sub: 'staff-like', email: 'staff.member@example.com', email_verified: true });
    const res = await b.signIn();
    expect(res.statusCode).toBe(403);
    expect(b.agent.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await linksOf(accountId)).toHaveLength(0);
    expect((await eventsOf(accountId, 'external_sign_in_refused'))[0]!.details).toMatchObject({
      reason: 'account_unavailable',
    });
  });
});

describe('external sign-in: refusals', () => {
  it('refuses a callback whose state was tampered with, and the genuine one can no longer be used', async () => {
    const b = browser();
    providerUser({ sub: 'tamper', email: 'tamper@example.com', email_verified: true });
    const callback = await b.toProvider();
    const url = new URL(callback, PUBLIC_URL);
    const genuine = url.searchParams.get('state')!;
    url.searchParams.set('state', `${genuine.slice(0, -2)}xx`);
    const cookie = b.agent.cookies.get(EXTERNAL_REQUEST_COOKIE)!;
    const res = await b.agent.get(url.pathname + url.search);
    expect(res.statusCode).toBe(400);
    expect(b.agent.$('h1').text()).toBe('We could not confirm this sign-in');
    expect(b.agent.cookies.has(SESSION_COOKIE)).toBe(false);
    b.agent.cookies.set(EXTERNAL_REQUEST_COOKIE, cookie);
    expect((await b.agent.get(callback)).statusCode).toBe(400);
    expect(b.agent.$('h1').text()).toBe('This sign-in has expired');
    expect(await accountsWithEmail('tamper@example.com')).toHaveLength(0);
  });

  it('refuses a callback without the browser cookie (another browser, or one that lost it)', async () => {
    const b = browser();
    providerUser({ sub: 'stolen', email: 'stolen@example.com', email_verified: true });
    const callback = await b.toProvider();
    const attacker = browser();
    const res = await attacker.agent.get(callback);
    expect(res.statusCode).toBe(400);
    expect(attacker.agent.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await accountsWithEmail('stolen@example.com')).toHaveLength(0);
  });

  it('refuses a replayed callback and tells the account it belongs to', async () => {
    const b = browser();
    providerUser({ sub: 'replay', email: 'replay@example.com', email_verified: true });
    const callback = await b.toProvider();
    const cookie = b.agent.cookies.get(EXTERNAL_REQUEST_COOKIE)!;
    expect((await b.agent.get(callback)).statusCode).toBe(303);
    const [account] = await accountsWithEmail('replay@example.com');

    // The same browser again (the cookie is gone), then someone holding both the URL and the cookie.
    expect((await b.agent.get(callback)).statusCode).toBe(400);
    const replayer = browser();
    replayer.agent.cookies.set(EXTERNAL_REQUEST_COOKIE, cookie);
    const res = await replayer.agent.get(callback);
    expect(res.statusCode).toBe(400);
    expect(replayer.agent.$('h1').text()).toBe('This sign-in has expired');
    expect(replayer.agent.cookies.has(SESSION_COOKIE)).toBe(false);
    expect((await eventsOf(account!.id, 'external_sign_in_refused')).map((e) => e.details)).toMatchObject([
      { reason: 'replayed' },
    ]);
    expect(await eventsOf(account!.id, 'external_sign_in')).toHaveLength(1);
  });

  it('refuses a callback that comes back after the 10 minutes', async () => {
    const b = browser();
    providerUser({ sub: 'slow', email: 'slow@example.com', email_verified: true });
    const callback = await b.toProvider();
    t.clock.advance(10 * 60_000 + 1000);
    try {
      const res = await b.agent.get(callback);
      expect(res.statusCode).toBe(400);
      expect(b.agent.$('h1').text()).toBe('This sign-in has expired');
      expect(await accountsWithEmail('slow@example.com')).toHaveLength(0);
    } finally {
      t.clock.advance(-(10 * 60_000 + 1000));
    }
  });

  it('refuses an assurance level that was not requested, or none', async () => {
    const first = browser();
    providerUser({ sub: 'acr-user', email: 'acr.user@example.com', email_verified: true });
    await first.signIn();
    const [account] = await accountsWithEmail('acr.user@example.com');

    for (const acr of ['urn:acr.login.gov:not-requested', null]) {
      const b = browser();
      provider.next = { user: 'acr-user', acr };
      const res = await b.signIn();
      expect(res.statusCode).toBe(403);
      expect(b.agent.$('h1').text()).toBe('This sign-in is not strong enough');
      expect(b.agent.cookies.has(SESSION_COOKIE)).toBe(false);
    }
    expect((await eventsOf(account!.id, 'external_sign_in_refused')).map((e) => e.details.reason)).toEqual([
      'acr',
      'acr',
    ]);
  });

  it('shows a clear page when the person cancels at the provider, in their language', async () => {
    const b = browser();
    provider.next = { cancel: true };
    const res = await b.signIn('es');
    expect(res.statusCode).toBe(200);
    expect(b.agent.$('html').attr('lang')).toBe('es');
    expect(b.agent.$('h1').text()).toBe('No terminó de iniciar sesión con Login.gov');
    expect(b.agent.$('a[href="/account/sign-in/external"]').text()).toBe('Intentar de nuevo con Login.gov');
    expect(b.agent.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it('never answers 5xx to a forged callback, with or without a pending request', async () => {
    const junk = fc.dictionary(
      fc.constantFrom('code', 'state', 'iss', 'error', 'error_description', 'x'),
      fc.string({ maxLength: 60 }),
      { maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(junk, fc.boolean(), async (params, pending) => {
        const b = browser();
        if (pending) await b.agent.get('/account/sign-in/external');
        const res = await b.agent.get(`${EXTERNAL_CALLBACK_PATH}?${new URLSearchParams(params).toString()}`);
        expect(res.statusCode).toBeLessThan(500);
        expect(b.agent.cookies.has(SESSION_COOKIE)).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it('logs no authorization code and no token', async () => {
    const b = browser();
    providerUser({ sub: 'logged', email: 'logged@example.com', email_verified: true });
    const callback = await b.toProvider();
    const code = new URL(callback, PUBLIC_URL).searchParams.get('code')!;
    await b.agent.get(callback);
    const logs = logLines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(code);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});

describe('external sign-in: provider down, feature off, configuration', () => {
  it('answers a 503 page when the provider cannot be reached at the start', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const down = await createTestApp({ env: oidcEnv(`http://127.0.0.1:${port}`), clock: new FakeClock(new Date()) });
    try {
      const b = browser(down);
      const res = await b.agent.get('/account/sign-in/external');
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('30');
      expect(b.agent.$('h1').text()).toBe('Login.gov is not available');
      expect(b.agent.$('a[href="/account/sign-in"]').length).toBe(1);
      expect(b.agent.cookies.has(EXTERNAL_REQUEST_COOKIE)).toBe(false);
    } finally {
      await down.close();
    }
  });

  it('answers a 503 page when the provider goes down before the token exchange', async () => {
    const fragile = await startProvider();
    const app = await createTestApp({ env: oidcEnv(fragile.issuer), clock: new FakeClock(new Date()) });
    try {
      const b = browser(app);
      fragile.users.set('fragile', { sub: 'fragile', email: 'fragile@example.com', email_verified: true });
      fragile.next = { user: 'fragile' };
      const callback = await b.toProvider();
      await fragile.close();
      const res = await b.agent.get(callback);
      expect(res.statusCode).toBe(503);
      expect(b.agent.$('h1').text()).toBe('Login.gov is not available');
      expect(b.agent.cookies.has(SESSION_COOKIE)).toBe(false);
    } finally {
      await app.close();
      await fragile.close().catch(() => undefined);
    }
  });

  it('offers the provider on the sign-in page only when one is configured', async () => {
    const on = browser();
    await on.agent.get('/account/sign-in');
    expect(on.agent.$('#external-sign-in').attr('href')).toBe('/account/sign-in/external');
    expect(on.agent.$('#external-sign-in').text()).toBe('Sign in with Login.gov');
    await on.agent.get('/account/sign-in?lang=es');
    expect(on.agent.$('#external-sign-in').text()).toBe('Iniciar sesión con Login.gov');

    const off = await createTestApp();
    try {
      const b = browser(off);
      await b.agent.get('/account/sign-in');
      expect(b.agent.$('form[action="/account/sign-in"]').length).toBe(1);
      expect(b.agent.$('#external-sign-in').length).toBe(0);
      expect(b.agent.$('a[href^="/account/sign-in/external"]').length).toBe(0);
      expect((await b.agent.get('/account/sign-in/external')).statusCode).toBe(404);
      expect((await b.agent.get(`${EXTERNAL_CALLBACK_PATH}?code=x&state=y`)).statusCode).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('reads the settings: key as JSON or a file, acr values, and refuses incomplete or unsafe ones', () => {
    const base = {
      NODE_ENV: 'test',
      CASEDESK_OIDC_ISSUER: 'https://idp.int.identitysandbox.gov/',
      CASEDESK_OIDC_CLIENT_ID: CLIENT_ID,
    };
    const json = loadConfig({
      ...base,
      CASEDESK_OIDC_PRIVATE_KEY_JWK: JSON.stringify(clientKeys.privateJwk),
      CASEDESK_OIDC_ACR_VALUES: `${AUTH_ONLY} ${VERIFIED}`,
    });
    expect(json.oidc).toMatchObject({ clientId: CLIENT_ID, acrValues: [AUTH_ONLY, VERIFIED], name: 'Login.gov' });
    expect(json.oidc!.privateKeyJwk.d).toBe(clientKeys.privateJwk.d);
    const file = loadConfig({
      NODE_ENV: 'test',
      ...oidcEnv('https://idp.int.identitysandbox.gov/', { CASEDESK_OIDC_NAME: 'Login.gov sandbox' }),
    });
    expect(file.oidc).toMatchObject({ acrValues: [AUTH_ONLY], name: 'Login.gov sandbox' });
    expect(loadConfig({ NODE_ENV: 'test' }).oidc).toBeUndefined();

    expect(() => loadConfig({ ...base })).toThrow(/CASEDESK_OIDC_PRIVATE_KEY_JWK is required/);
    expect(() => loadConfig({ ...base, CASEDESK_OIDC_PRIVATE_KEY_JWK: JSON.stringify(clientKeys.publicJwk) })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ ...base, CASEDESK_OIDC_PRIVATE_KEY_JWK: '/nonexistent/key.json' })).toThrow(
      /neither a JSON private JWK nor the path/,
    );
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
      CASEDESK_PUBLIC_URL: 'https://casedesk.example.gov',
      CASEDESK_COOKIE_SECRET: 'x'.repeat(40),
      SMTP_URL: 'smtp://127.0.0.1:25',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'a',
      TWILIO_AUTH_TOKEN: 'b',
      TWILIO_FROM: '+15555550100',
    };
    expect(() => loadConfig({ ...production, ...base, NODE_ENV: 'production' })).toThrow(
      /CASEDESK_OIDC_PRIVATE_KEY_JWK is required/,
    );
    expect(() =>
      loadConfig({
        ...production,
        ...base,
        NODE_ENV: 'production',
        CASEDESK_OIDC_ISSUER: 'http://idp.example.gov',
        CASEDESK_OIDC_PRIVATE_KEY_JWK: JSON.stringify(clientKeys.privateJwk),
      }),
    ).toThrow(/https:\/\/ address in production/);
    expect(
      loadConfig({
        ...production,
        ...base,
        NODE_ENV: 'production',
        CASEDESK_OIDC_PRIVATE_KEY_JWK: JSON.stringify(clientKeys.privateJwk),
      }).oidc?.issuer,
    ).toBe(base.CASEDESK_OIDC_ISSUER);
  });
});
