import { randomBytes, randomUUID } from 'node:crypto';

/** Randomness comes in through this interface so tests can make it predictable. */
export interface Random {
  /** URL-safe random token with `bytes` bytes of entropy. */
  token(bytes?: number): string;
  uuid(): string;
}

export const cryptoRandom: Random = {
  token: (bytes = 32) => randomBytes(bytes).toString('base64url'),
  uuid: () => randomUUID(),
};

/** Small deterministic PRNG (mulberry32) for demo data: same seed, same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
