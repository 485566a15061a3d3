import { readFileSync, statSync } from 'node:fs';
import { hash as argon2Hash } from '@node-rs/argon2';
import { translations as enTranslations } from '@zxcvbn-ts/language-en';
import { translations as esTranslations } from '@zxcvbn-ts/language-es-es';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildCommonPasswordList, COMMON_PASSWORDS_FILE } from './data/build-common-passwords.js';
import {
  ARGON2_OWASP_MIN,
  ARGON2_PARAMS,
  checkPassword,
  commonPasswords,
  dummyVerify,
  hashPassword,
  needsRehash,
  PASSWORD_MAX,
  PASSWORD_MIN,
  PASSWORD_SUGGESTION_CODES,
  verifyPassword,
  ZXCVBN_SUGGESTION_KEYS,
  ZXCVBN_WARNING_KEYS,
  type Argon2Params,
  type PasswordCheck,
} from './passwords.js';

/** Cheap argon2id parameters so the round trips stay fast; the real ones are exercised once at the end. */
const LOW: Argon2Params = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

const STRONG_12 = 'x7#kP2!mQ9zL';
const problem = (r: PasswordCheck) => (r.ok ? 'ok' : r.problem);

describe('password length (NFKC code points, 12..128)', () => {
  it('counts ASCII characters', () => {
    expect(PASSWORD_MIN).toBe(12);
    expect(PASSWORD_MAX).toBe(128);
    expect(checkPassword(STRONG_12.slice(0, 11), {})).toEqual({
      ok: false,
      problem: 'too_short',
      suggestions: ['use_min_length'],
    });
    expect(checkPassword(STRONG_12, {})).toMatchObject({ ok: true });
  });

  it('counts an emoji as one character, not two UTF-16 units', () => {
    const twelve = '🦊🌵🎻🚲🧭🍋🪁🦉🌋🎲🧩🪐';
    expect(twelve.length).toBe(24);
    expect(problem(checkPassword(twelve.slice(0, 22), {}))).toBe('too_short');
    expect(checkPassword(twelve, {})).toMatchObject({ ok: true });
  });

  it('counts a letter with a combining accent as one character (NFKC composes it)', () => {
    const elevenDecomposed = 'áéíóúñüÁÉÍÓ'.normalize('NFD');
    expect([...elevenDecomposed]).toHaveLength(22);
    expect(problem(checkPassword(elevenDecomposed, {}))).toBe('too_short');
    expect(problem(checkPassword('áéíóúñüÁÉÍÓÚ'.normalize('NFD'), {}))).not.toBe('too_short');
  });

  it('allows 128 characters and refuses 129, counting code points', () => {
    const words = 'lantern orbit cactus violin meadow pepper glacier tunnel '.repeat(3);
    const at128 = words.slice(0, 128);
    expect(problem(checkPassword(at128, {}))).not.toBe('too_long');
    expect(checkPassword(`${at128}x`, {})).toEqual({ ok: false, problem: 'too_long', suggestions: ['use_max_length'] });
    const emoji128 = Array.from({ length: 128 }, (_, i) => String.fromCodePoint(0x1f400 + ((i * 37) % 200))).join('');
    expect(emoji128.length).toBe(256);
    expect(problem(checkPassword(emoji128, {}))).not.toBe('too_long');
    expect(problem(checkPassword(`${emoji128}🦊`, {}))).toBe('too_long');
  });

  it('has no composition rules and allows spaces', () => {
    expect(checkPassword('correct horse battery staple', {})).toMatchObject({ ok: true });
    expect(checkPassword('el perro come manzanas verdes', {})).toMatchObject({ ok: true });
    expect(checkPassword('ZEBRA PIANO EIGHT LANTERNS', {})).toMatchObject({ ok: true });
  });
});

describe('common and breached passwords', () => {
  const file = readFileSync(COMMON_PASSWORDS_FILE, 'utf8');
  const lines = file.split('\n').slice(0, -1);

  it('ships a normalized, sorted, deduplicated list under 1 MB, rebuilt identically from the npm package', () => {
    expect(statSync(COMMON_PASSWORDS_FILE).size).toBeLessThan(1_000_000);
    expect(lines.length).toBeGreaterThan(40_000);
    expect(file.endsWith('\n')).toBe(true);
    expect(lines.every((l) => l !== '' && l === l.normalize('NFKC').trim().toLowerCase())).toBe(true);
    expect(new Set(lines).size).toBe(lines.length);
    expect([...lines].sort()).toEqual(lines);
    expect(file).toBe(buildCommonPasswordList());
    expect(commonPasswords().size).toBe(lines.length);
  });

  it.each(['password1234', 'qwertyuiop12', '123456789012', '1qaz2wsx3edc', 'passwordpassword'])(
    'refuses %s, which is on the list',
    (pw) => {
      expect(lines).toContain(pw);
      expect(checkPassword(pw, {})).toEqual({
        ok: false,
        problem: 'common',
        suggestions: ['avoid_common', 'use_passphrase'],
      });
    },
  );

  it.each([
    ['in another case', 'PassWord1234'],
    ['with spaces around it', '  password1234  '],
    ['padded to the minimum length with spaces', 'password    '],
    ['in full-width characters (NFKC)', 'ｐａｓｓｗｏｒｄ１２３４'],
  ])('finds a listed password %s', (_, pw) => {
    expect(problem(checkPassword(pw, {}))).toBe('common');
  });
});

describe('personal information', () => {
  it.each([
    ['the email local part', 'maria.garcia!Blue77', { email: 'maria.garcia@example.com' }],
    ['the local part without its punctuation', 'MariaGarcia-blue-77', { email: 'maria.garcia@example.com' }],
    ['the local part without its +tag', 'mariagarcia rocks 1999 blue', { email: 'maria.garcia+uscis@example.com' }],
    ['a piece of the local part', 'osei kwame likes 2024', { email: 'kwame.osei@example.org' }],
    ['a name, without its accents', 'ramirez lleva 3 perros', { names: ['José Ramírez'] }],
    ['a name, in another case', 'the GARCÍA family dog!', { names: ['María', 'García López'] }],
  ])('refuses a password containing %s', (_, pw, context) => {
    expect(checkPassword(pw, context)).toEqual({
      ok: false,
      problem: 'contains_personal',
      suggestions: ['avoid_personal'],
    });
  });

  it('ignores local parts and names shorter than 4 characters, and missing or odd context', () => {
    expect(checkPassword('jo is a strong passphrase 77', { email: 'jo@x.com', names: ['Jo', 'Wu'] })).toMatchObject({
      ok: true,
    });
    expect(checkPassword('correct horse battery staple', { email: '', names: [] })).toMatchObject({ ok: true });
    expect(checkPassword('correct horse battery staple', { names: [42 as unknown as string] })).toMatchObject({
      ok: true,
    });
  });

  it('gives the email and names to the strength estimate as user inputs', () => {
    expect(checkPassword('examplepass12', {})).toMatchObject({ ok: false, problem: 'weak' });
    const result = checkPassword('examplepass12', { email: 'a.b@example.com' });
    expect(result).toMatchObject({ ok: false, problem: 'weak' });
    expect(result.ok ? [] : result.suggestions).toContain('warning_userInputs');
  });
});

describe('strength estimate (zxcvbn score >= 3)', () => {
  it.each(['aaaaaaaaaaaa', 'abcdefghijkl', '1234567890123', 'qwertyuiop123456', '            '])(
    'refuses the guessable %j as weak',
    (pw) => {
      const result = checkPassword(pw, {});
      expect(result).toMatchObject({ ok: false, problem: 'weak' });
      if (result.ok) return;
      expect(result.score).toBeLessThan(3);
      expect(result.suggestions.length).toBeGreaterThan(0);
    },
  );

  it.each(['correct horse battery staple', 'el perro come manzanas verdes', STRONG_12, 'Tr0ub4dor&3xyz'])(
    'accepts %j',
    (pw) => {
      const result = checkPassword(pw, {});
      expect(result.ok).toBe(true);
      expect(result.score).toBeGreaterThanOrEqual(3);
    },
  );

  it('answers with stable codes, not sentences', () => {
    const result = checkPassword('aaaaaaaaaaaa', {});
    expect(result).toEqual({
      ok: false,
      problem: 'weak',
      score: 0,
      suggestions: ['warning_simpleRepeat', 'suggestion_anotherWord', 'suggestion_repeated'],
    });
  });

  it('knows every feedback key zxcvbn-ts has English and Spanish text for', () => {
    for (const t of [enTranslations, esTranslations]) {
      expect(Object.keys(t.warnings).sort()).toEqual([...ZXCVBN_WARNING_KEYS].sort());
      expect(Object.keys(t.suggestions).sort()).toEqual([...ZXCVBN_SUGGESTION_KEYS].sort());
    }
    expect(new Set(PASSWORD_SUGGESTION_CODES).size).toBe(PASSWORD_SUGGESTION_CODES.length);
    for (const code of PASSWORD_SUGGESTION_CODES) expect(code).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
  });

  it('never throws on arbitrary input, and answers only with known codes', () => {
    const codes = new Set<string>(PASSWORD_SUGGESTION_CODES);
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.record({
          email: fc.option(fc.string({ unit: 'binary', maxLength: 60 }), { nil: undefined }),
          names: fc.option(fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 3 }), {
            nil: undefined,
          }),
        }),
        (pw, context) => {
          const result = checkPassword(pw, context);
          if (result.ok) {
            expect(result.score).toBeGreaterThanOrEqual(3);
          } else {
            expect(['too_short', 'too_long', 'common', 'weak', 'contains_personal']).toContain(result.problem);
            for (const s of result.suggestions) expect(codes.has(s)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('copes with lone surrogates and other odd strings', () => {
    for (const pw of [
      '\uD800'.repeat(12),
      '\uDC00abc\uD83Dxyz\u0000\u0000\u0000\u0000',
      '\u200B'.repeat(20),
      '\uFDFA'.repeat(8),
    ]) {
      expect(() => checkPassword(pw, { email: '\uD800@\uDC00', names: ['\u0301'] })).not.toThrow();
    }
    // U+FDFA is one code point but NFKC expands it to 18: length counts what NFKC gives.
    expect(problem(checkPassword('\uFDFA', {}))).not.toBe('too_short');
  });
});

describe('argon2id hashing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('hashes with argon2id and a fresh salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery staple', LOW);
    const b = await hashPassword('correct horse battery staple', LOW);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(a, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(a, 'Correct horse battery staple')).toBe(false);
    expect(await verifyPassword(a, '')).toBe(false);
  });

  it('hashes the NFKC form, so a password typed with combining accents still verifies', async () => {
    const h = await hashPassword('contraseña café 2026', LOW);
    expect(await verifyPassword(h, 'contraseña café 2026'.normalize('NFD'))).toBe(true);
  });

  it('says when a stored hash needs rehashing', async () => {
    const low = await hashPassword('correct horse battery staple', LOW);
    expect(needsRehash(low, LOW)).toBe(false);
    expect(needsRehash(low)).toBe(true);
    expect(needsRehash(low, { ...LOW, timeCost: 2 })).toBe(true);
    expect(needsRehash(low, { ...LOW, parallelism: 2 })).toBe(true);
    const argon2i = await argon2Hash('correct horse battery staple', { algorithm: 1 as never, ...LOW });
    expect(needsRehash(argon2i, LOW)).toBe(true);
    expect(needsRehash('$2b$12$abcdefghijklmnopqrstuuvwxyzabcdefghijklmnopqrstuvwxyz12')).toBe(true);
    expect(needsRehash('')).toBe(true);
  });

  it('dummyVerify does a full verification and always fails', async () => {
    await expect(dummyVerify('correct horse battery staple', LOW)).resolves.toBe(false);
    await expect(dummyVerify(undefined, LOW)).resolves.toBe(false);
  });

  it('logs nothing', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => vi.spyOn(console, m));
    checkPassword('correct horse battery staple', { email: 'maria.garcia@example.com' });
    checkPassword('password1234', {});
    const h = await hashPassword('correct horse battery staple', LOW);
    await verifyPassword(h, 'wrong password here');
    await dummyVerify('wrong password here', LOW);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('uses the chosen production parameters, at or above the OWASP minimum', async () => {
    expect(ARGON2_PARAMS.memoryCost).toBeGreaterThanOrEqual(ARGON2_OWASP_MIN.memoryCost);
    expect(ARGON2_PARAMS.timeCost).toBeGreaterThanOrEqual(ARGON2_OWASP_MIN.timeCost);
    expect(ARGON2_PARAMS.parallelism).toBeGreaterThanOrEqual(1);
    expect(Object.isFrozen(ARGON2_PARAMS)).toBe(true);
    const h = await hashPassword('correct horse battery staple');
    expect(
      h.startsWith(
        `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`,
      ),
    ).toBe(true);
    expect(needsRehash(h)).toBe(false);
    expect(await verifyPassword(h, 'correct horse battery staple')).toBe(true);
    await expect(dummyVerify('correct horse battery staple')).resolves.toBe(false);
  });
});
