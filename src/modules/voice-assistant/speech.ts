/**
 * Receipt numbers as people say them (CC-9, CASE-1), turned into the characters they mean: "I O E zero one two...",
 * "E as in Echo", NATO words, "oh" for zero, "double five", letters one by one, Spanish digit and letter names
 * ("cero".."nueve", "e de Enrique", "doble"), and digits said in groups as numbers (below, SPOKEN NUMBERS).
 * Pure functions; parseReceiptNumber (cases) then says whether it is one.
 *
 * SPOKEN NUMBERS: what a caller reading ten digits says, and what it means here (English and Spanish alike):
 * - one digit at a time: "one two three", "uno dos tres" -> 123; "oh" or "cero" -> 0 (a zero always stands alone);
 * - "double five", "triple oh", "doble cinco" -> 55, 000, 55 (a repeat applies to the one digit after it);
 * - pairs as numbers: "twelve", "doce" -> 12; "nineteen", "diecinueve" -> 19; "ninety eight", "ninety-eight",
 *   "noventa y ocho" -> 98 (a tens word takes the digit word right after it); "ninety" alone -> 90; so "nineteen
 *   ninety eight" -> 1998 and "twenty twenty" -> 2020;
 * - hundreds and thousands: "one hundred five", "one hundred and five", "ciento cinco" -> 105; "five hundred",
 *   "quinientos" -> 500; "two thousand", "dos mil" -> 2000; "two thousand nineteen", "dos mil diecinueve" -> 2019.
 * A number word never joins a digit said as a numeral ("90 8" -> 908) or a letter, nor a word after a pause that
 * the recognizer wrote as a comma or a full stop ("ninety, eight" -> 908).
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

type NumberKind = 'unit' | 'teen' | 'tens' | 'tens_unit' | 'hundreds' | 'hundred' | 'thousand';

/** Number words beyond the digits (DIGITS are the units): teens, tens, hundreds, thousands, in both languages. */
const NUMBER_WORDS: Record<string, { kind: NumberKind; value: number }> = (() => {
  const words: Record<string, { kind: NumberKind; value: number }> = {};
  const add = (kind: NumberKind, list: [string, number][]) => {
    for (const [word, value] of list) words[word] = { kind, value };
  };
  add('teen', [
    ['ten', 10],
    ['eleven', 11],
    ['twelve', 12],
    ['thirteen', 13],
    ['fourteen', 14],
    ['fifteen', 15],
    ['sixteen', 16],
    ['seventeen', 17],
    ['eighteen', 18],
    ['nineteen', 19],
    ['diez', 10],
    ['once', 11],
    ['doce', 12],
    ['trece', 13],
    ['catorce', 14],
    ['quince', 15],
    ['dieciseis', 16],
    ['diecisiete', 17],
    ['dieciocho', 18],
    ['diecinueve', 19],
  ]);
  add('tens', [
    ['twenty', 20],
    ['thirty', 30],
    ['forty', 40],
    ['fourty', 40],
    ['fifty', 50],
    ['sixty', 60],
    ['seventy', 70],
    ['eighty', 80],
    ['ninety', 90],
    ['veinte', 20],
    ['treinta', 30],
    ['cuarenta', 40],
    ['cincuenta', 50],
    ['sesenta', 60],
    ['setenta', 70],
    ['ochenta', 80],
    ['noventa', 90],
  ]);
  add('tens_unit', [
    ['veintiuno', 21],
    ['veintiun', 21],
    ['veintiuna', 21],
    ['veintidos', 22],
    ['veintitres', 23],
    ['veinticuatro', 24],
    ['veinticinco', 25],
    ['veintiseis', 26],
    ['veintisiete', 27],
    ['veintiocho', 28],
    ['veintinueve', 29],
  ]);
  add('hundreds', [
    ['cien', 100],
    ['ciento', 100],
    ['doscientos', 200],
    ['doscientas', 200],
    ['trescientos', 300],
    ['trescientas', 300],
    ['cuatrocientos', 400],
    ['cuatrocientas', 400],
    ['quinientos', 500],
    ['quinientas', 500],
    ['seiscientos', 600],
    ['seiscientas', 600],
    ['setecientos', 700],
    ['setecientas', 700],
    ['ochocientos', 800],
    ['ochocientas', 800],
    ['novecientos', 900],
    ['novecientas', 900],
  ]);
  add('hundred', [['hundred', 100]]);
  add('thousand', [
    ['thousand', 1000],
    ['mil', 1000],
  ]);
  return words;
})();

/**
 * One number said in words, built as its words come ("ninety" then "eight"), and written out as digits when a word
 * that cannot belong to it comes (`add` answers the digits of the number it closed) or at the end (`flush`).
 */
class SpokenNumber {
  #total = 0;
  #current = 0;
  /** What the number ends with so far ('end': nothing may join it); undefined: no number under way. */
  #last: NumberKind | 'end' | undefined;

  get started(): boolean {
    return this.#last !== undefined;
  }

  flush(): string {
    if (this.#last === undefined) return '';
    const digits = String(this.#total + this.#current);
    this.#total = 0;
    this.#current = 0;
    this.#last = undefined;
    return digits;
  }

  #start(value: number, last: NumberKind | 'end'): string {
    const before = this.flush();
    this.#current = value;
    this.#last = last;
    return before;
  }

  #join(value: number, last: NumberKind | 'end'): string {
    this.#current += value;
    this.#last = last;
    return '';
  }

  add(kind: NumberKind, value: number): string {
    const last = this.#last;
    const open = last === 'hundred' || last === 'thousand';
    switch (kind) {
      case 'unit':
        // A zero stands alone ("twenty oh" is 2, 0, not 20), except "one hundred oh five" (105).
        if (value === 0) return open ? '' : this.flush() + '0';
        if (last === 'tens') return this.#join(value, 'tens_unit');
        if (open) return this.#join(value, last === 'hundred' ? 'end' : 'unit');
        return this.#start(value, 'unit');
      case 'teen':
        if (open) return this.#join(value, last === 'hundred' ? 'end' : 'teen');
        return this.#start(value, 'teen');
      case 'tens':
        if (open) return this.#join(value, 'tens');
        return this.#start(value, 'tens');
      case 'tens_unit':
        if (open) return this.#join(value, 'end');
        return this.#start(value, 'tens_unit');
      case 'hundreds':
        if (last === 'thousand') return this.#join(value, 'hundred');
        return this.#start(value, 'hundred');
      case 'hundred':
        if ((last === 'unit' || last === 'teen' || last === 'tens' || last === 'tens_unit') && this.#current < 100) {
          this.#current *= 100;
          this.#last = 'hundred';
          return '';
        }
        return this.#start(100, 'hundred');
      case 'thousand':
        if (last !== undefined && last !== 'thousand' && this.#total === 0 && this.#current < 1000) {
          this.#total = (this.#current || 1) * 1000;
          this.#current = 0;
          this.#last = 'thousand';
          return '';
        }
        return this.#start(1000, 'thousand');
    }
  }
}

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
  // Words, and the separators between them: a comma or a full stop (a pause, as the recognizer writes it) ends a
  // number said in words ("twenty, one" is 20 then 1; "twenty one" is 21).
  const parts = text.split(/([^a-z0-9]+)/);
  let out = '';
  let repeat = 1;
  const number = new SpokenNumber();
  for (const [index, token] of parts.entries()) {
    if (index % 2 === 1) {
      if (/[,.;:!?]/.test(token)) out += number.flush();
      continue;
    }
    if (!token) continue;
    let chars: string | undefined;
    if (REPEAT[token] !== undefined) {
      out += number.flush();
      repeat = REPEAT[token]!;
      continue;
    }
    // "and", "y" inside a number ("one hundred and five", "noventa y ocho") keep it going.
    if (number.started && FILLER.has(token)) continue;
    const word =
      out.length < 3 && (token === 'oh' || token === 'o')
        ? undefined
        : DIGITS[token] !== undefined
          ? { kind: 'unit' as const, value: Number(DIGITS[token]) }
          : NUMBER_WORDS[token];
    if (word && !(repeat > 1 && word.kind === 'unit')) {
      repeat = 1;
      out += number.add(word.kind, word.value);
      continue;
    }
    out += number.flush();
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
  out += number.flush();
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
