/**
 * Reading a text reply to a Text Ahead ask (CB-6): which answer it gives, and which service item it names.
 *
 * Answers, in any case, with or without accents, punctuation, whitespace or emoji around them:
 * - yes: `Y`, `YES`, `YEAH`, `YEP`, `YUP` (English), `S`, `SI`, `SÍ` (Spanish)
 * - no: `N`, `NO`, `NOPE` (both)
 * - quit: `Q` (both; the CB-5 text says "Q" for "Quit"), `QUIT`, `SALIR` (Spanish). A text whose first word is
 *   `QUIT` ("quit", "QUIT", "Quit please") never gets here: it is one of the carriers' opt-out words, which the
 *   inbound hook (case-subscriptions) hears first as STOP and which stops all texts to the number. Only a QUIT the
 *   hook let through ("quit.", "Quit!", "please quit") is read here, as the Q it means.
 * Courtesy words around the answer are what people really send and say nothing more: "Yes please", "yes!", "No
 * thanks", "no thank you", "Sí, por favor", "no gracias", "Q, gracias".
 * An item number may stand anywhere in the reply ("Y 27775186", "#27775186 N", "27775186-q"). A reply is an answer
 * only when its other words are one answer (repeated at most: "y y") and at most one number; anything else ("yes but
 * later", "Y N", "ok", two numbers) is unclear, and the sender gets a clarifying text instead of a guess.
 */

export type Answer = 'Y' | 'N' | 'Q';

const WORDS: Record<string, Answer> = {
  Y: 'Y',
  YES: 'Y',
  YEAH: 'Y',
  YEP: 'Y',
  YUP: 'Y',
  S: 'Y',
  SI: 'Y',
  N: 'N',
  NO: 'N',
  NOPE: 'N',
  Q: 'Q',
  QUIT: 'Q',
  SALIR: 'Q',
};

/** Courtesy words, ignored around an answer ("yes please", "no gracias"); alone they are no answer. */
const COURTESY = new Set(['PLEASE', 'PLS', 'THANKS', 'THANK', 'YOU', 'THX', 'POR', 'FAVOR', 'GRACIAS', 'MUCHAS']);

/** Words that only a Spanish speaker would send (the answer then comes in Spanish when nothing else says). */
const SPANISH = new Set(['S', 'SI', 'SALIR', 'POR', 'FAVOR', 'GRACIAS', 'MUCHAS']);

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
  const said = all.filter((w) => !/^[0-9]/.test(w));
  const words = said.filter((w) => !COURTESY.has(w));
  const itemNumber = numbers.length === 1 && numbers[0]!.length <= 15 ? Number(numbers[0]) : undefined;
  const answers = new Set(words.map((w) => WORDS[w]));
  const answer = answers.size === 1 ? [...answers][0] : undefined;
  if (!answer || numbers.length > 1 || (numbers.length === 1 && itemNumber === undefined)) {
    return { kind: 'unclear', itemNumber };
  }
  return { kind: 'answer', answer, itemNumber, spanish: said.some((w) => SPANISH.has(w)) };
}
