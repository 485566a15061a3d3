/**
 * Reading a text reply to a Text Ahead ask (CB-6): which answer it gives, and which service item it names.
 *
 * Answers, in any case, with or without accents, punctuation, whitespace or emoji around them:
 * - yes: `Y`, `YES` (English), `S`, `SI`, `SÍ` (Spanish)
 * - no: `N`, `NO` (both)
 * - quit: `Q` (both; the CB-5 text says "Q" for "Quit"), `SALIR` (Spanish). `QUIT` itself is not an answer: it is
 *   one of the carriers' opt-out words (like STOP), which the inbound hook hears first and which stops all texts.
 * An item number may stand anywhere in the reply ("Y 27775186", "#27775186 N", "27775186-q"). A reply is an answer
 * only when its words are one answer (repeated at most: "y y") and at most one number; anything else ("yes but
 * later", "Y N", two numbers) is unclear, and the sender gets a clarifying text instead of a guess.
 */

export type Answer = 'Y' | 'N' | 'Q';

const WORDS: Record<string, Answer> = {
  Y: 'Y',
  YES: 'Y',
  S: 'Y',
  SI: 'Y',
  N: 'N',
  NO: 'N',
  Q: 'Q',
  SALIR: 'Q',
};

/** Words that only a Spanish speaker would send (the answer then comes in Spanish when nothing else says). */
const SPANISH = new Set(['S', 'SI', 'SALIR']);

export type ParsedReply =
  { kind: 'answer'; answer: Answer; itemNumber?: number; spanish: boolean } | { kind: 'unclear'; itemNumber?: number };

/** Upper case, accents taken off (SÍ → SI), every run of letters or digits a token; the rest (emoji too) dropped. */
function tokens(body: string): string[] {
  const plain = body.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
  return plain.match(/[A-Z]+|[0-9]+/g) ?? [];
}

export function parseReply(body: string): ParsedReply {
  const all = tokens(body);
  const numbers = [...new Set(all.filter((w) => /^[0-9]/.test(w)).map((n) => n.replace(/^0+(?=\d)/, '')))];
  const words = all.filter((w) => !/^[0-9]/.test(w));
  const itemNumber = numbers.length === 1 && numbers[0]!.length <= 15 ? Number(numbers[0]) : undefined;
  const answers = new Set(words.map((w) => WORDS[w]));
  const answer = answers.size === 1 ? [...answers][0] : undefined;
  if (!answer || numbers.length > 1 || (numbers.length === 1 && itemNumber === undefined)) {
    return { kind: 'unclear', itemNumber };
  }
  return { kind: 'answer', answer, itemNumber, spanish: words.some((w) => SPANISH.has(w)) };
}
