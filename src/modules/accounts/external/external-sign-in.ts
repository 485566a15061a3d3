import { timingSafeEqual, webcrypto } from 'node:crypto';
import * as oidc from 'openid-client';
import type { OidcConfig } from '../../../config.js';
import type { Clock } from '../../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../../platform/db/database.js';
import type { Language } from '../../../platform/i18n/index.js';
import type { Logger } from '../../../platform/logging.js';
import type { Random } from '../../../platform/random.js';
import { sha256 } from '../../../platform/hashing.js';
import {
  consumeExternalRequest,
  deleteExternalRequestsExpiredBefore,
  findExternalRequest,
  findLinkedAccountId,
  insertExternalIdentity,
  insertExternalRequest,
  setExternalRequestAccount,
  touchExternalIdentity,
  type ExternalSignInRequestRow,
} from './external-repository.js';
import type { NotificationService } from '../../notifications/index.js';
import {
  deleteSessionsOf,
  findAccountByEmail,
  findAccountById,
  insertAccount,
  recordSecurityEvent,
  updateAccount,
} from '../repository.js';
import { emailSchema, type AccountService } from '../service.js';

/**
 * Sign-in through an external OpenID Connect provider configured like Login.gov (docs/adr/0008-external-sign-in.md):
 * authorization code flow with PKCE (S256), state and nonce, `private_key_jwt` client authentication, and the
 * assurance level asked for with `acr_values` and checked in the ID token's `acr`.
 *
 * The provider does its own two-step verification, so a successful callback is a full sign-in. Linking: a known
 * (issuer, subject) signs in its account; otherwise an email the provider has verified links to the account that
 * has it, or creates an applicant account when none has. No HTTP here (external/routes.ts), no tokens logged.
 */

/** A sign-in sent to the provider must come back within 10 minutes, once. */
export const EXTERNAL_REQUEST_TTL_MS = 10 * 60_000;
/** Spent and expired requests are kept a day, so a replayed callback is recognized (and told to its account). */
const KEEP_REQUESTS_MS = 24 * 3600_000;
/** Provider metadata and keys are fetched again after a day (a failed discovery is retried at the next sign-in). */
const DISCOVERY_TTL_MS = 24 * 3600_000;
export const EXTERNAL_START_PATH = '/account/sign-in/external';
export const EXTERNAL_CALLBACK_PATH = '/account/sign-in/external/callback';

export type ExternalRefusal =
  /** The person cancelled at the provider (`access_denied`). */
  | 'cancelled'
  /** The provider answered the authorization request with another error. */
  | 'provider_error'
  /** No usable pending request: no cookie, unknown, expired, or already used (a replayed callback). */
  | 'expired'
  /** The callback's state is not the one this browser's request sent. */
  | 'state_mismatch'
  /** The token exchange was refused (e.g. a spent code) or the ID token did not validate. */
  | 'invalid_response'
  /** The provider signed the person in at an assurance level that was not requested. */
  | 'acr'
  /** The provider gave no usable email address (needed to link or create an account). */
  | 'email_missing'
  /** The provider has not verified the email address: it neither links nor creates an account. */
  | 'email_unverified'
  /** The matching account may not sign in this way (a staff account, or a disabled one). */
  | 'account_unavailable'
  /** The provider could not be reached (discovery, token or userinfo endpoint). */
  | 'unavailable';

export type ExternalSignInResult =
  /** returning: a linked identity; linked: an existing account just linked; created: a new (or just finished) account. */
  { ok: true; accountId: string; outcome: 'returning' | 'linked' | 'created' } | { ok: false; reason: ExternalRefusal };

export interface ExternalSignInDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  log: Logger;
  accounts: AccountService;
  notifications: NotificationService;
  config: OidcConfig;
  publicUrl: string;
  /**
   * Lets openid-client talk to an http:// provider. Only ever true outside production (the tests' local provider
   * on 127.0.0.1); config.ts refuses an http issuer in production.
   */
  allowInsecureRequests: boolean;
  /** Seconds before a request to the provider gives up (discovery, token, userinfo). */
  timeoutSeconds?: number;
}

/** The WebCrypto algorithm for a private JWK: RS256 (Login.gov's) by default, PS256 if the key says so, ES256 for EC. */
function signingAlgorithm(jwk: OidcConfig['privateKeyJwk']): RsaHashedImportParams | EcKeyImportParams {
  if (jwk.kty === 'EC') return { name: 'ECDSA', namedCurve: 'P-256' };
  return jwk.alg === 'PS256' ? { name: 'RSA-PSS', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** What went wrong in a call to the provider, as a refusal. Network failures and 5xx answers mean "unavailable". */
export function classifyProviderError(error: unknown): ExternalRefusal {
  if (error instanceof oidc.AuthorizationResponseError) {
    if (error.error === 'access_denied') return 'cancelled';
    return error.error === 'temporarily_unavailable' || error.error === 'server_error'
      ? 'unavailable'
      : 'provider_error';
  }
  if (error instanceof oidc.ResponseBodyError) return error.status >= 500 ? 'unavailable' : 'invalid_response';
  const e = error as { name?: string; code?: string; cause?: unknown; message?: string } | undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'unavailable';
  const cause = e?.cause as { code?: string; status?: number } | undefined;
  if (
    e instanceof TypeError &&
    (/fetch failed/i.test(e.message ?? '') || (cause?.code && NETWORK_CODES.has(cause.code)))
  )
    return 'unavailable';
  // An answer that is not the expected one (e.g. an HTML error page with status 502): the cause is the Response.
  if (e?.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' && typeof cause?.status === 'number' && cause.status >= 500)
    return 'unavailable';
  return 'invalid_response';
}

/** Enough about an error to diagnose it, and nothing more: no tokens, no claims, no response bodies. */
function describe(error: unknown): Record<string, unknown> {
  const e = error as
    | { name?: string; code?: string; message?: string; error?: string; status?: number; cause?: { code?: string } }
    | undefined;
  return {
    name: e?.name,
    code: e?.code ?? e?.cause?.code,
    oauthError: e?.error,
    status: e?.status,
    message: e?.message?.slice(0, 200),
  };
}

export class ExternalSignInService {
  #configuration?: { at: number; value: Promise<oidc.Configuration> };

  constructor(private readonly deps: ExternalSignInDeps) {}

  /** The provider's name, for the button and the pages ("Login.gov"). */
  get name(): string {
    return this.deps.config.name;
  }

  get redirectUri(): string {
    return `${this.deps.publicUrl.replace(/\/+$/, '')}${EXTERNAL_CALLBACK_PATH}`;
  }

  /** The provider's metadata, discovered once and kept a day; a failure is not kept, so the next attempt retries. */
  #client(): Promise<oidc.Configuration> {
    const now = this.deps.clock.now().getTime();
    if (this.#configuration && now - this.#configuration.at < DISCOVERY_TTL_MS) return this.#configuration.value;
    const { config, allowInsecureRequests, timeoutSeconds } = this.deps;
    const value = (async () => {
      const key = await webcrypto.subtle.importKey(
        'jwk',
        config.privateKeyJwk,
        signingAlgorithm(config.privateKeyJwk),
        false,
        ['sign'],
      );
      return oidc.discovery(
        new URL(config.issuer),
        config.clientId,
        { token_endpoint_auth_method: 'private_key_jwt' },
        oidc.PrivateKeyJwt({ key, kid: config.privateKeyJwk.kid }),
        {
          execute: allowInsecureRequests ? [oidc.allowInsecureRequests] : [],
          timeout: timeoutSeconds ?? 10,
        },
      );
    })();
    const entry = { at: now, value };
    this.#configuration = entry;
    value.catch(() => {
      if (this.#configuration === entry) this.#configuration = undefined;
    });
    return value;
  }

  /**
   * Starts a sign-in: a pending request (state, nonce, PKCE verifier) stored under a random id that the browser
   * keeps in a cookie, and the provider's authorization URL to send the browser to.
   */
  async begin(
    language: Language,
  ): Promise<{ ok: true; requestId: string; url: string } | { ok: false; reason: 'unavailable' }> {
    const { db, clock, random, config, log } = this.deps;
    let client: oidc.Configuration;
    try {
      client = await this.#client();
    } catch (error) {
      log.warn({ external: describe(error) }, 'external sign-in: provider discovery failed');
      return { ok: false, reason: 'unavailable' };
    }
    const now = clock.now();
    const requestId = random.token(32);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const row = {
      id_hash: sha256(requestId),
      issuer: config.issuer,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      code_verifier: codeVerifier,
      acr_values: config.acrValues.join(' '),
      language,
      created_at: now,
      expires_at: new Date(now.getTime() + EXTERNAL_REQUEST_TTL_MS),
      used_at: null,
      account_id: null,
    };
    await insertExternalRequest(db, row);
    await deleteExternalRequestsExpiredBefore(db, new Date(now.getTime() - KEEP_REQUESTS_MS));
    const url = oidc.buildAuthorizationUrl(client, {
      redirect_uri: this.redirectUri,
      scope: 'openid email',
      state: row.state,
      nonce: row.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      acr_values: row.acr_values,
      // Login.gov requires prompt=select_account; it is standard OpenID Connect for any other provider.
      prompt: 'select_account',
      // The person's language: `locale` is Login.gov's parameter, `ui_locales` the standard one.
      locale: language,
      ui_locales: language,
    });
    return { ok: true, requestId, url: url.href };
  }

  /**
   * The provider's answer (the callback's query) for the request whose id the browser's cookie holds. The pending
   * request is used up first, whatever follows, so a callback can never be used twice.
   */
  async complete(input: {
    requestId: string | undefined;
    query: URLSearchParams;
    ip?: string;
  }): Promise<ExternalSignInResult> {
    const { db, clock, log } = this.deps;
    const now = clock.now();
    const refuse = (reason: ExternalRefusal, error?: unknown): ExternalSignInResult => {
      log.info({ external: { reason, ...(error ? describe(error) : {}) } }, 'external sign-in refused');
      return { ok: false, reason };
    };
    if (!input.requestId || input.requestId.length > 100) return refuse('expired');
    const idHash = sha256(input.requestId);
    const pending = await consumeExternalRequest(db, idHash, now);
    if (!pending) {
      // Used before: a replayed callback. If that first use signed an account in, the account holder should know.
      const earlier = await findExternalRequest(db, idHash);
      if (earlier?.used_at && earlier.account_id) {
        await recordSecurityEvent(db, {
          accountId: earlier.account_id,
          kind: 'external_sign_in_refused',
          at: now,
          ip: input.ip,
          details: { issuer: earlier.issuer, reason: 'replayed' },
        });
      }
      return refuse('expired');
    }
    if (pending.issuer !== this.deps.config.issuer) return refuse('expired');
    const states = input.query.getAll('state');
    if (states.length !== 1 || !sameText(states[0]!, pending.state)) return refuse('state_mismatch');

    let client: oidc.Configuration;
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      client = await this.#client();
      const callbackUrl = new URL(this.redirectUri);
      callbackUrl.search = input.query.toString();
      tokens = await oidc.authorizationCodeGrant(client, callbackUrl, {
        pkceCodeVerifier: pending.code_verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      return refuse(classifyProviderError(error), error);
    }
    const claims = tokens.claims();
    if (!claims?.sub) return refuse('invalid_response');
    const issuer = this.deps.config.issuer;
    const subject = claims.sub;

    const linkedId = await findLinkedAccountId(db, issuer, subject);
    const requested = pending.acr_values.split(' ');
    if (typeof claims.acr !== 'string' || !requested.includes(claims.acr)) {
      if (linkedId)
        await recordSecurityEvent(db, {
          accountId: linkedId,
          kind: 'external_sign_in_refused',
          at: now,
          ip: input.ip,
          details: { issuer, reason: 'acr', acr: String(claims.acr ?? '') },
        });
      return refuse('acr');
    }

    // The email is only needed to link or create: a linked identity signs in even if its email changed since.
    let email: { address: string; verified: boolean } | undefined;
    if (!linkedId) {
      let source: Record<string, unknown> = claims;
      if (claims.email === undefined) {
        // Login.gov, like most providers using the code flow, gives the email at the userinfo endpoint.
        try {
          source = await oidc.fetchUserInfo(client, tokens.access_token, subject);
        } catch (error) {
          return refuse(classifyProviderError(error), error);
        }
      }
      const address = emailSchema.safeParse(source.email);
      if (!address.success) return refuse('email_missing');
      email = { address: address.data, verified: source.email_verified === true || source.email_verified === 'true' };
    }

    // Two callbacks for the same new person at once (two tabs) can collide on the unique email or identity:
    // the second attempt then finds what the first created.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#link({ pending, issuer, subject, acr: claims.acr, email, ip: input.ip, now });
      } catch (error) {
        if (attempt >= 2 || (error as { code?: string }).code !== '23505') throw error;
      }
    }
  }

  /** Finds, links or creates the account (one transaction) and records what happened. */
  async #link(p: {
    pending: ExternalSignInRequestRow;
    issuer: string;
    subject: string;
    acr: string;
    email?: { address: string; verified: boolean };
    ip?: string;
    now: Date;
  }): Promise<ExternalSignInResult> {
    const { issuer, subject, ip, now } = p;
    const event = (trx: DbHandle, accountId: string, kind: string, details: Record<string, unknown>) =>
      recordSecurityEvent(trx, { accountId, kind, at: now, ip, details: { issuer, ...details } });
    const refused = async (
      trx: DbHandle,
      accountId: string | undefined,
      reason: ExternalRefusal,
    ): Promise<ExternalSignInResult> => {
      if (accountId) await event(trx, accountId, 'external_sign_in_refused', { reason });
      this.deps.log.info({ external: { reason } }, 'external sign-in refused');
      return { ok: false, reason };
    };
    return inTransaction(this.deps.db, async (trx) => {
      let outcome: 'returning' | 'linked' | 'created';
      let accountId = await findLinkedAccountId(trx, issuer, subject);
      if (accountId) {
        const account = await findAccountById(trx, accountId);
        if (!account?.activated_at || account.disabled_at || account.kind === 'staff')
          return refused(trx, account?.id, 'account_unavailable');
        await touchExternalIdentity(trx, issuer, subject, now);
        outcome = 'returning';
      } else {
        if (!p.email) return refused(trx, undefined, 'email_missing');
        const existing = await findAccountByEmail(trx, p.email.address);
        // An email the provider has not verified proves nothing: it never links, and never creates an account
        // that would claim the address. The same page either way, so it does not tell whether an account exists.
        if (!p.email.verified) return refused(trx, existing?.id, 'email_unverified');
        if (existing) {
          // Staff sign in with their own two-step verification only; disabled accounts not at all.
          if (existing.disabled_at || existing.kind === 'staff')
            return refused(trx, existing.id, 'account_unavailable');
          accountId = existing.id;
          if (existing.activated_at) {
            outcome = 'linked';
          } else {
            // A sign-up left unfinished with this email: finished now (ADR 8). Anything it had set was set by
            // whoever opened the verification link sent to this address, which the provider has just verified.
            await updateAccount(trx, existing.id, {
              activated_at: now,
              email_verified_at: existing.email_verified_at ?? now,
            });
            await deleteSessionsOf(trx, existing.id);
            await event(trx, existing.id, 'account_activated', { via: 'external' });
            outcome = 'created';
          }
          await insertExternalIdentity(trx, { issuer, subject, accountId, at: now });
          await event(trx, accountId, 'external_identity_linked', { via: 'verified_email' });
          // The account holder learns that another way in now exists (and whom to call if it was not them).
          await this.deps.notifications.queueEmail(trx, {
            to: existing.email,
            template: 'external_identity_linked',
            language: existing.language,
            params: { provider: this.deps.config.name, link: `${this.deps.publicUrl}/account/sessions` },
          });
        } else {
          accountId = this.deps.random.uuid();
          await insertAccount(trx, {
            id: accountId,
            kind: 'applicant',
            email: p.email.address,
            email_verified_at: now,
            password_hash: null,
            online_account_number: await this.deps.accounts.newOnlineAccountNumber(trx),
            language: p.pending.language,
            created_at: now,
            activated_at: now,
          });
          await event(trx, accountId, 'account_activated', { via: 'external' });
          await insertExternalIdentity(trx, { issuer, subject, accountId, at: now });
          await event(trx, accountId, 'external_identity_linked', { via: 'new_account' });
          outcome = 'created';
        }
      }
      await event(trx, accountId, 'external_sign_in', { acr: p.acr });
      await setExternalRequestAccount(trx, p.pending.id_hash, accountId);
      return { ok: true, accountId, outcome };
    });
  }
}
