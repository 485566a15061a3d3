/**
 * Receipt numbers as people say them (CC-9, CASE-1), turned into the characters they mean: "I O E zero one two...",
 * "E as in Echo", NATO words, "oh" for zero, "double five", letters one by one, Spanish digit and letter names
 * ("cero".."nueve", "e de Enrique", "doble"). Pure functions; parseReceiptNumber (cases) then says whether it is one.
 */

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const DIGITS: Record<string, string> = {
  zero: '0',
  oh: '0',
  one: '1',
  two: '2',
  to: '2',
  too: '2',
  three: '3',
  four: '4',
  for: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  ate: '8',
  nine: '9',
  niner: '9',
  cero: '0',
  uno: '1',
  un: '1',
  una: '1',
  dos: '2',
  tres: '3',
  cuatro: '4',
  cinco: '5',
  seis: '6',
  siete: '7',
  ocho: '8',
  nueve: '9',
};

const NATO: Record<string, string> = {
  alfa: 'A',
  alpha: 'A',
  bravo: 'B',
  charlie: 'C',
  delta: 'D',
  echo: 'E',
  eco: 'E',
  foxtrot: 'F',
  golf: 'G',
  hotel: 'H',
  india: 'I',
  juliet: 'J',
  juliett: 'J',
  kilo: 'K',
  lima: 'L',
  mike: 'M',
  november: 'N',
  oscar: 'O',
  papa: 'P',
  quebec: 'Q',
  romeo: 'R',
  sierra: 'S',
  tango: 'T',
  uniform: 'U',
  victor: 'V',
  whiskey: 'W',
  whisky: 'W',
  xray: 'X',
  yankee: 'Y',
  zulu: 'Z',
};

/** Letter names (English and Spanish) that are not also a digit word. */
const LETTER_NAMES: Record<string, string> = {
  bee: 'B',
  be: 'B',
  see: 'C',
  cee: 'C',
  ce: 'C',
  dee: 'D',
  ee: 'E',
  ef: 'F',
  eff: 'F',
  efe: 'F',
  gee: 'G',
  ge: 'G',
  aitch: 'H',
  hache: 'H',
  eye: 'I',
  jay: 'J',
  jota: 'J',
  kay: 'K',
  ka: 'K',
  el: 'L',
  ele: 'L',
  em: 'M',
  eme: 'M',
  en: 'N',
  ene: 'N',
  pee: 'P',
  pe: 'P',
  cue: 'Q',
  queue: 'Q',
  cu: 'Q',
  are: 'R',
  ar: 'R',
  erre: 'R',
  ere: 'R',
  ess: 'S',
  es: 'S',
  ese: 'S',
  tee: 'T',
  te: 'T',
  you: 'U',
  vee: 'V',
  ve: 'V',
  uve: 'V',
  ex: 'X',
  equis: 'X',
  why: 'Y',
  ye: 'Y',
  zee: 'Z',
  zed: 'Z',
  zeta: 'Z',
};

/** Words that carry nothing (what people say around the number). */
const FILLER = new Set([
  'my',
  'the',
  'receipt',
  'number',
  'is',
  'its',
  'it',
  'uh',
  'um',
  'dash',
  'hyphen',
  'space',
  'case',
  'and',
  'then',
  'mi',
  'el',
  'numero',
  'recibo',
  'de',
  'del',
  'guion',
  'caso',
  'y',
  'luego',
  'letra',
  'letter',
  'letters',
  'a',
]);

/** Words that say "the next token is repeated n times". */
const REPEAT: Record<string, number> = { double: 2, doble: 2, triple: 3 };

/**
 * The characters a spoken receipt number means, upper case and without separators (not validated). After the first
 * three characters (the letters of the prefix), a spoken or recognised letter O is a zero.
 */
export function normalizeSpokenReceipt(speech: string): string {
  let text = fold(speech)
    .replace(/x-ray/g, 'xray')
    .replace(/doble (ve|u)\b/g, ' w ')
    .replace(/double (you|u)\b/g, ' w ')
    .replace(/\bi griega\b/g, ' y ');
  // "E as in Echo", "E for Echo", "E like Echo", "e de Enrique", "e como en Eco": the letter wins, the word goes.
  text = text.replace(/\b([a-z])\s+(?:as in|like|for|de|como en|como)\s+[a-z]+/g, ' $1 ');
  const tokens = text.split(/[^a-z0-9]+/).filter(Boolean);
  let out = '';
  let repeat = 1;
  for (const token of tokens) {
    let chars: string | undefined;
    if (REPEAT[token] !== undefined) {
      repeat = REPEAT[token]!;
      continue;
    }
    if (/^[0-9]+$/.test(token)) chars = token;
    else if (token.length === 1) chars = out.length >= 3 && FILLER.has(token) ? undefined : token.toUpperCase();
    else if (out.length < 3 && (token === 'oh' || token === 'o')) chars = 'O';
    else if (DIGITS[token] !== undefined) chars = DIGITS[token];
    else if (NATO[token] !== undefined) chars = NATO[token];
    else if (LETTER_NAMES[token] !== undefined && !FILLER.has(token)) chars = LETTER_NAMES[token];
    else if (FILLER.has(token)) chars = undefined;
    // A prefix said as a word ("IOE", "eac") or letters and digits run together ("ioe0123").
    else if (/^[a-z]{2,3}[0-9]*$/.test(token) && out.length === 0) chars = token.toUpperCase();
    if (chars === undefined) {
      repeat = 1;
      continue;
    }
    out += repeat > 1 && chars.length === 1 ? chars.repeat(repeat) : chars;
    repeat = 1;
  }
  return out.slice(0, 3) + out.slice(3).replace(/O/g, '0');
}

/** A receipt number as logs and stored call inputs show it: the prefix, stars, the last four (IOE******1234). */
export function maskReceipt(receipt: string): string {
  if (receipt.length <= 7) return '*'.repeat(receipt.length);
  return `${receipt.slice(0, 3)}${'*'.repeat(receipt.length - 7)}${receipt.slice(-4)}`;
}

/** Any receipt-number-like run in free text (speech as recognised) masked the same way. */
export function maskReceiptsIn(text: string): string {
  return text
    .replace(
      /\b([A-Za-z]{3})[\s-]*((?:\d[\s-]*){6})((?:\d[\s-]*){3}\d)\b/g,
      (_m, p: string, _mid: string, last: string) => `${p.toUpperCase()}******${last.replace(/[\s-]/g, '')}`,
    )
    .replace(/\d{5,}/g, (d) => `${'*'.repeat(Math.max(0, d.length - 4))}${d.slice(-4)}`);
}

/** Whether spoken words match one of the keywords (accents and case ignored, whole words or phrases). */
export function matchesKeyword(speech: string, keywords: readonly string[]): boolean {
  const said = ` ${fold(speech)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;
  return keywords.some((k) => {
    const key = fold(k)
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
    return key.length > 0 && said.includes(` ${key} `);
  });
}

const YES = ['yes', 'yeah', 'yep', 'sure', 'okay', 'ok', 'please', 'si', 'claro', 'de acuerdo', 'por favor', 'vale'];
const NO = ['no', 'nope', 'no thanks', 'no thank you', 'no gracias', 'nada'];

/**
 * A spoken yes or no, in either language ("yes please", "sí, por favor", "no thanks", "no gracias"); undefined when
 * neither, or both ("yes ... no"), were said: the question is asked again instead of guessing.
 */
export function spokenYesNo(speech: string): 'yes' | 'no' | undefined {
  const yes = matchesKeyword(speech, YES);
  const no = matchesKeyword(speech, NO);
  return yes === no ? undefined : yes ? 'yes' : 'no';
}
