import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Clock } from '../../../platform/clock.js';
import type { DbHandle } from '../../../platform/db/database.js';
import type { AccountPasskeyRow, AccountRow } from '../tables.js';
import type { Random } from '../../../platform/random.js';
import { recordSecurityEvent } from '../repository.js';
import { otpLockedUntil, recordOtpFailure } from '../service.js';
import {
  findPasskeyByCredentialId,
  insertPasskey,
  listPasskeys,
  storeChallenge,
  takeChallenge,
  usePasskey,
} from './two-step-repository.js';

/**
 * Passkeys (WebAuthn, @simplewebauthn/server): the strongest two-step method. The relying party is the configured
 * public URL (its host name is the RP ID, its origin the expected origin). Registration asks for a discoverable
 * credential and user verification where the device can ("preferred"); the password stays the first factor, so a
 * passkey here is a second factor. Challenges are kept server-side per session and ceremony, 5 minutes, single use.
 */
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const PASSKEY_NAME_MAX = 60;

export interface PasskeyDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  publicUrl: string;
  rpName: string;
}

export type PasskeyCheck =
  | { ok: true; passkey: AccountPasskeyRow }
  | { ok: false; reason: 'invalid' | 'expired' }
  | { ok: false; reason: 'locked'; retryAt: Date };

/** @simplewebauthn/server, loaded on first use: it takes almost half a second to load, a third of a start. */
async function webauthn() {
  const [server, { isoBase64URL }] = await Promise.all([
    import('@simplewebauthn/server'),
    import('@simplewebauthn/server/helpers'),
  ]);
  return { ...server, isoBase64URL };
}

/** The JSON a browser posts back, parsed without trusting it (the library checks the rest). */
function parseCredential<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(json: string): T | undefined {
  if (!json || json.length > 20_000) return undefined;
  try {
    const value = JSON.parse(json) as Record<string, unknown>;
    if (
      !value ||
      typeof value !== 'object' ||
      typeof value.id !== 'string' ||
      typeof value.rawId !== 'string' ||
      value.type !== 'public-key'
    )
      return undefined;
    if (!value.response || typeof value.response !== 'object') return undefined;
    if (!/^[A-Za-z0-9_-]{1,1400}$/.test(value.id)) return undefined;
    return value as unknown as T;
  } catch {
    return undefined;
  }
}

export class PasskeyService {
  readonly rpID: string;
  readonly origin: string;

  constructor(private readonly deps: PasskeyDeps) {
    const url = new URL(deps.publicUrl);
    this.rpID = url.hostname;
    this.origin = url.origin;
  }

  /** Keeps a ceremony's challenge for this session: CHALLENGE_TTL_MS, single use (takeChallenge). */
  async #keepChallenge(sessionIdHash: string, ceremony: 'register' | 'authenticate', challenge: string) {
    const expires_at = new Date(this.deps.clock.now().getTime() + CHALLENGE_TTL_MS);
    await storeChallenge(this.deps.db, { session_id_hash: sessionIdHash, ceremony, challenge, expires_at });
  }

  async list(accountId: string): Promise<AccountPasskeyRow[]> {
    return listPasskeys(this.deps.db, accountId);
  }

  /** Options for navigator.credentials.create(); the challenge is kept for this session. */
  async registrationOptions(
    sessionIdHash: string,
    account: AccountRow,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await listPasskeys(this.deps.db, account.id);
    const { generateRegistrationOptions } = await webauthn();
    const options = await generateRegistrationOptions({
      rpName: this.deps.rpName,
      rpID: this.rpID,
      userName: account.email,
      userDisplayName: account.email,
      userID: new TextEncoder().encode(account.id),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      timeout: CHALLENGE_TTL_MS,
    });
    await this.#keepChallenge(sessionIdHash, 'register', options.challenge);
    return options;
  }

  /** Verifies a new credential against this session's challenge (used up either way) and stores it. */
  async register(
    sessionIdHash: string,
    accountId: string,
    responseJson: string,
    name: string,
    ip?: string,
  ): Promise<{ ok: true; passkey: AccountPasskeyRow } | { ok: false; reason: 'invalid' | 'expired' }> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const response = parseCredential<RegistrationResponseJSON>(responseJson);
    const challenge = await takeChallenge(db, sessionIdHash, 'register', now);
    if (!challenge) return { ok: false, reason: 'expired' };
    if (!response) return { ok: false, reason: 'invalid' };
    const { verifyRegistrationResponse, isoBase64URL } = await webauthn();
    let verification;
    try {
      verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        requireUserVerification: false,
      });
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (!verification.verified) return { ok: false, reason: 'invalid' };
    const { credential } = verification.registrationInfo;
    if (await findPasskeyByCredentialId(db, credential.id)) return { ok: false, reason: 'invalid' };
    const passkey: AccountPasskeyRow = {
      id: this.deps.random.uuid(),
      account_id: accountId,
      credential_id: credential.id,
      public_key: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: (credential.transports ?? []).filter((t) => /^[a-z-]{1,20}$/.test(t)).slice(0, 8),
      name: name.trim().slice(0, PASSKEY_NAME_MAX) || 'Passkey',
      created_at: now,
      last_used_at: null,
    };
    await insertPasskey(db, passkey);
    await recordSecurityEvent(db, { accountId, kind: 'passkey_added', at: now, ip, details: { passkey: passkey.id } });
    return { ok: true, passkey };
  }

  /** Options for navigator.credentials.get(), listing the account's passkeys; the challenge is kept for this session. */
  async authenticationOptions(
    sessionIdHash: string,
    accountId: string,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const passkeys = await listPasskeys(this.deps.db, accountId);
    const { generateAuthenticationOptions } = await webauthn();
    const options = await generateAuthenticationOptions({
      rpID: this.rpID,
      allowCredentials: passkeys.map((p) => ({ id: p.credential_id, transports: p.transports })),
      userVerification: 'preferred',
      timeout: CHALLENGE_TTL_MS,
    });
    await this.#keepChallenge(sessionIdHash, 'authenticate', options.challenge);
    return options;
  }

  /**
   * Checks an assertion as the second factor of `accountId`: this session's challenge (single use), one of this
   * account's passkeys (never another's), a valid signature and a signature counter that moved forward. A failed
   * check counts toward the shared two-step lockout.
   */
  async authenticate(
    sessionIdHash: string,
    accountId: string,
    responseJson: string,
    ip?: string,
  ): Promise<PasskeyCheck> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const lockedUntil = await otpLockedUntil(db, accountId, now);
    if (lockedUntil) return { ok: false, reason: 'locked', retryAt: lockedUntil };
    const challenge = await takeChallenge(db, sessionIdHash, 'authenticate', now);
    if (!challenge) return { ok: false, reason: 'expired' };
    const response = parseCredential<AuthenticationResponseJSON>(responseJson);
    const passkey = response ? await findPasskeyByCredentialId(db, response.id) : undefined;
    if (!response || !passkey || passkey.account_id !== accountId)
      return recordOtpFailure(db, accountId, now, ip, { method: 'passkey' });
    const { verifyAuthenticationResponse, isoBase64URL } = await webauthn();
    let verified = false;
    let newCounter = passkey.counter;
    try {
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.origin,
        expectedRPID: this.rpID,
        credential: {
          id: passkey.credential_id,
          publicKey: isoBase64URL.toBuffer(passkey.public_key),
          counter: passkey.counter,
          transports: passkey.transports,
        },
        requireUserVerification: false,
      });
      verified = result.verified;
      newCounter = result.authenticationInfo.newCounter;
    } catch {
      verified = false; // bad signature, wrong origin, a counter that went back (a cloned authenticator)...
    }
    if (!verified || !(await usePasskey(db, passkey.id, newCounter, passkey.counter, now)))
      return recordOtpFailure(db, accountId, now, ip, { method: 'passkey' });
    await recordSecurityEvent(db, {
      accountId,
      kind: 'signed_in',
      at: now,
      ip,
      details: { method: 'passkey', passkey: passkey.id },
    });
    return { ok: true, passkey: { ...passkey, counter: newCounter, last_used_at: now } };
  }
}
