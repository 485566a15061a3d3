import { timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { recordAudit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { inTransaction, type DbHandle } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors.js';
import type { Random } from '../../platform/random.js';
import { sha256 } from '../../platform/hashing.js';
import { findClient, findClientByTokenHash, insertClient, insertToken } from './repository.js';

/**
 * Clients of the agency-compatible API and their OAuth client-credentials tokens. Secrets and tokens are random
 * (256 bits) and stored only as SHA-256 hashes: a slow password hash adds nothing for values that cannot be
 * guessed, and lookups stay fast. The secret is shown once, when the client is created.
 */
export interface ApiClientDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  tokenTtlSeconds: number;
}

export interface IssuedToken {
  accessToken: string;
  clientId: string;
  clientName: string;
  issuedAt: Date;
  expiresInSeconds: number;
}

export class InvalidClient extends DomainError {
  constructor() {
    super('unauthenticated', 'invalid_client');
  }
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A stand-in hash compared against when the client id is unknown, so both paths do the same work. */
const UNKNOWN_CLIENT_HASH = sha256('casedesk-unknown-client');

/** What a client may do: read case status (the agency-compatible API), send case events (agency systems). */
export const API_SCOPES = ['case_status:read', 'case_events:write', 'address_changes:read'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export interface AuthenticatedClient {
  id: string;
  name: string;
  scopes: readonly string[];
}

type CachedClient = AuthenticatedClient & { expiresAt: number };

export class ApiClientService {
  /**
   * Tokens already checked, for at most a minute (and never past their expiry): the API answers most requests
   * with one query. A disabled client's tokens stop working within that minute.
   */
  readonly #tokenCache = new LRUCache<string, CachedClient>({ max: 10_000 });

  constructor(private readonly deps: ApiClientDeps) {}

  async create(
    name: string,
    scopes: readonly string[] = ['case_status:read'],
  ): Promise<{ clientId: string; clientSecret: string }> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 200)
      throw new DomainError('invalid_input', 'A client name has 1 to 200 characters.');
    const unknown = scopes.filter((scope) => !(API_SCOPES as readonly string[]).includes(scope));
    if (scopes.length === 0 || unknown.length)
      throw new DomainError(
        'invalid_input',
        `Scopes are ${API_SCOPES.join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}.`,
      );
    const clientId = this.deps.random.token(18);
    const clientSecret = this.deps.random.token(32);
    await inTransaction(this.deps.db, async (trx) => {
      await insertClient(trx, {
        id: clientId,
        name: trimmed,
        secret_hash: sha256(clientSecret),
        created_at: this.deps.clock.now(),
        disabled_at: null,
        scopes: [...new Set(scopes)],
      });
      await recordAudit(trx, this.deps.clock, {
        actorType: 'operator',
        action: 'api_client.created',
        subjectType: 'api_client',
        subjectId: clientId,
        details: { name: trimmed, scopes },
      });
    });
    return { clientId, clientSecret };
  }

  /** Client-credentials grant. @throws InvalidClient for an unknown id, a wrong secret or a disabled client. */
  async issueToken(clientId: string, clientSecret: string): Promise<IssuedToken> {
    const client = clientId.length <= 200 ? await findClient(this.deps.db, clientId) : undefined;
    const matches = sameHash(sha256(clientSecret), client?.secret_hash ?? UNKNOWN_CLIENT_HASH);
    if (!client || !matches || client.disabled_at) throw new InvalidClient();
    const accessToken = this.deps.random.token(32);
    const issuedAt = this.deps.clock.now();
    await insertToken(this.deps.db, {
      token_hash: sha256(accessToken),
      client_id: client.id,
      issued_at: issuedAt,
      expires_at: new Date(issuedAt.getTime() + this.deps.tokenTtlSeconds * 1000),
    });
    return {
      accessToken,
      clientId: client.id,
      clientName: client.name,
      issuedAt,
      expiresInSeconds: this.deps.tokenTtlSeconds,
    };
  }

  /** The client a bearer token belongs to, or undefined for a missing, unknown or expired token. */
  async authenticate(accessToken: string | undefined): Promise<AuthenticatedClient | undefined> {
    if (!accessToken || accessToken.length > 200) return undefined;
    const hash = sha256(accessToken);
    const now = this.deps.clock.now().getTime();
    const cached = this.#tokenCache.get(hash);
    if (cached && cached.expiresAt > now) return { id: cached.id, name: cached.name, scopes: cached.scopes };
    const client = await findClientByTokenHash(this.deps.db, hash, new Date(now));
    if (client)
      this.#tokenCache.set(hash, { ...client, expiresAt: Math.min(now + 60_000, client.expiresAt.getTime()) });
    return client ? { id: client.id, name: client.name, scopes: client.scopes } : undefined;
  }
}
