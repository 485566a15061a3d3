import { describe, expect, it } from 'vitest';
import { sha256 } from './hashing.js';

describe('sha256', () => {
  it('gives the hex digest of the UTF-8 text, so hashes stored before it moved to the platform still match', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    // "é" is two bytes in UTF-8 (c3 a9), not one as in Latin-1.
    expect(sha256('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });
});
