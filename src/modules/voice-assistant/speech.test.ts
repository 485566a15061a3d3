import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReceiptNumber, RECEIPT_PREFIXES } from '../cases/index.js';
import { maskReceipt, maskReceiptsIn, matchesKeyword, normalizeSpokenReceipt } from './speech.js';
import { escapeXml, parseTwiml, twiml } from './twiml.js';

describe('spoken receipt numbers', () => {
  it.each([
    ['I O E 0 1 2 3 4 5 6 7 8 9', 'IOE0123456789'],
    ['IOE 012 345 6789', 'IOE0123456789'],
    ['E as in Echo, A as in Alpha, C as in Charlie, 2190000049', 'EAC2190000049'],
    ['echo alpha charlie two one nine oh oh oh oh oh four nine', 'EAC2190000049'],
    ['E A C two one nine triple oh double oh four nine', 'EAC2190000049'],
    ['my receipt number is L I N nine nine nine nine one oh six four nine eight', 'LIN9999106498'],
    ['e de eco, a de alfa, c de Carlos, dos uno nueve cero cero cero cero cero cuatro nueve', 'EAC2190000049'],
    ['i o e cero uno dos tres cuatro cinco seis siete ocho nueve', 'IOE0123456789'],
    ['I, O, E, doble cinco, cero, cero, uno, dos, tres, cuatro, cinco, seis', 'IOE5500123456'],
    ['Yankee Sierra Charlie 1234567890', 'YSC1234567890'],
    ['ioe0123456789', 'IOE0123456789'],
  ])('%s → %s', (said, expected) => {
    expect(normalizeSpokenReceipt(said)).toBe(expected);
    expect(parseReceiptNumber(normalizeSpokenReceipt(said)).ok).toBe(true);
  });

  it.each([
    // English: digits in pairs and groups as numbers.
    ['I O E ninety eight', 'IOE98'],
    ['I O E ninety-eight', 'IOE98'],
    ['I O E nineteen', 'IOE19'],
    ['I O E twelve', 'IOE12'],
    ['I O E ninety', 'IOE90'],
    ['I O E two thousand', 'IOE2000'],
    ['I O E two thousand nineteen', 'IOE2019'],
    ['I O E one hundred five', 'IOE105'],
    ['I O E one hundred and five', 'IOE105'],
    ['I O E five hundred', 'IOE500'],
    ['I O E twenty oh five', 'IOE2005'],
    ['I O E 90 8', 'IOE908'],
    ['I O E ninety, eight', 'IOE908'],
    ['E A C nineteen ninety eight, double five, oh, twelve, three', 'EAC1998550123'],
    ['E A C twenty twenty, one two three, forty-five, six', 'EAC2020123456'],
    ['L I N ninety nine ninety nine one oh six four ninety eight', 'LIN9999106498'],
    // Spanish.
    ['I O E noventa y ocho', 'IOE98'],
    ['I O E doce', 'IOE12'],
    ['I O E diecinueve', 'IOE19'],
    ['I O E veintidós', 'IOE22'],
    ['I O E dos mil diecinueve', 'IOE2019'],
    ['I O E ciento cinco', 'IOE105'],
    ['I O E quinientos', 'IOE500'],
    ['e de eco, a de alfa, c de Carlos, veintiuno, noventa, cero cero, cuarenta y nueve, doble cinco', 'EAC2190004955'],
    ['ele i ene noventa y nueve noventa y nueve diez sesenta y cuatro noventa y ocho', 'LIN9999106498'],
  ])('numbers said in words: %s → %s', (said, expected) => {
    expect(normalizeSpokenReceipt(said)).toBe(expected);
  });

  it('a receipt number read in pairs, in English or Spanish, is found by a call (the whole number parses)', () => {
    for (const said of [
      'E A C twenty-one ninety, oh oh oh oh, forty nine',
      'E A C veintiuno noventa cero cero cero cero cuarenta y nueve',
    ]) {
      const normalized = normalizeSpokenReceipt(said);
      expect(normalized).toBe('EAC2190000049');
      expect(parseReceiptNumber(normalized).ok).toBe(true);
    }
  });

  const NATO: Record<string, string> = {
    A: 'alpha',
    B: 'bravo',
    C: 'charlie',
    E: 'echo',
    I: 'india',
    L: 'lima',
    M: 'mike',
    N: 'november',
    O: 'oscar',
    R: 'romeo',
    S: 'sierra',
    T: 'tango',
    V: 'victor',
    W: 'whiskey',
    Y: 'yankee',
  };
  const EN = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const ES = ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'];

  it('reads back any receipt number however its letters and digits are said (property)', () => {
    const receipt = fc
      .tuple(
        fc.constantFrom(...RECEIPT_PREFIXES),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 10, maxLength: 10 }),
      )
      .map(([p, d]) => `${p}${d.join('')}`);
    const letterWay = fc.constantFrom('plain', 'nato', 'as_in', 'de');
    const digitWay = fc.constantFrom('digit', 'en', 'es', 'oh');
    fc.assert(
      fc.property(
        receipt,
        fc.array(letterWay, { minLength: 3, maxLength: 3 }),
        fc.array(digitWay, { minLength: 10, maxLength: 10 }),
        fc.boolean(),
        (r, lw, dw, doubles) => {
          const letters = r
            .slice(0, 3)
            .split('')
            .map((ch, i) => {
              const way = lw[i]!;
              if (way === 'nato') return NATO[ch]!;
              if (way === 'as_in') return `${ch} as in ${NATO[ch]!}`;
              if (way === 'de') return `${ch.toLowerCase()} de ${NATO[ch]!}`;
              return ch;
            });
          const digits: string[] = [];
          const ds = r.slice(3).split('');
          for (let i = 0; i < ds.length; i++) {
            const n = Number(ds[i]);
            const word = (k: number) => {
              const way = dw[i]!;
              return way === 'en' ? EN[k]! : way === 'es' ? ES[k]! : way === 'oh' && k === 0 ? 'oh' : String(k);
            };
            if (doubles && ds[i] === ds[i + 1]) {
              digits.push(dw[i] === 'es' ? 'doble' : 'double', word(n));
              i++;
            } else digits.push(word(n));
          }
          expect(normalizeSpokenReceipt([...letters, ...digits].join(' '))).toBe(r);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('masks receipt numbers: the prefix and the last four only', () => {
    expect(maskReceipt('IOE0123451234')).toBe('IOE******1234');
    expect(maskReceiptsIn('it is IOE 012345 1234 ok')).toBe('it is IOE******1234 ok');
    expect(maskReceiptsIn('0123451234')).toBe('******1234');
    expect(maskReceiptsIn('1')).toBe('1');
  });

  it('matches keywords by whole words, accents and case ignored', () => {
    expect(matchesKeyword('Quiero cambiar mi DIRECCIÓN', ['direccion'])).toBe(true);
    expect(matchesKeyword('case status please', ['status'])).toBe(true);
    expect(matchesKeyword('statuses', ['status'])).toBe(false);
  });
});

describe('TwiML', () => {
  it('escapes text and attributes and reads back what it writes', () => {
    const xml = twiml([
      { verb: 'Say', text: 'Tom & Jerry <b>"hi"</b>', language: 'en-US' },
      {
        verb: 'Gather',
        action: '/x?a=1&b=2',
        language: 'es-US',
        hints: ['uno', 'dos'],
        numDigits: 1,
        says: [{ text: "l'été", language: 'es-US' }],
      },
      { verb: 'Redirect', url: '/x' },
      { verb: 'Enqueue', queue: 'live-tier1' },
      { verb: 'Say', text: 'bye', language: 'en-US' },
      { verb: 'Hangup' },
    ]);
    expect(xml).toContain('Tom &amp; Jerry &lt;b&gt;&quot;hi&quot;&lt;/b&gt;');
    expect(xml).toContain('action="/x?a=1&amp;b=2"');
    expect(xml).toContain('voice="Polly.Lupe" language="es-US"');
    expect(escapeXml("'")).toBe('&apos;');
    const verbs = parseTwiml(xml);
    expect(verbs.map((v) => v.verb)).toEqual(['Say', 'Gather', 'Redirect', 'Enqueue', 'Say', 'Hangup']);
    expect(verbs[0]).toMatchObject({ text: 'Tom & Jerry <b>"hi"</b>' });
    expect(verbs[1]).toMatchObject({ action: '/x?a=1&b=2', hints: ['uno', 'dos'], says: [{ text: "l'été" }] });
  });
});
