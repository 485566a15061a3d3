import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';
import { callbackOf, FakeControl, phoneItem, textAheadWith } from '../../../test/text-ahead-support.js';
import type { ServiceItemRow } from '../service-items/index.js';
import type { Answer } from './replies.js';
import { ASK_TTL_MS, type TextAheadService } from './service.js';

/**
 * Issue 16 point 3: a reply is always tied to the exact ask it answers. Several items and asks per number, replies
 * in any order and case, with and without item numbers, with time passing (asks lapse after their hour). The
 * invariant, checked after every reply against a model: the reply affects exactly the open ask it names, or (naming
 * none) the latest open ask of its number, or none, and then the sender gets a clarifying text; the callbacks
 * module hears exactly that one answer, for that ask's callback.
 */

const PHONES = ['+12025550601', '+12025550602'];
const WORDS: Record<Answer | 'junk', string[]> = {
  Y: ['y', 'yes', 'si', 'sí', 's', 'yes please', 'yes!', 'yeah', 'sí, por favor', 'y, thank you'],
  N: ['n', 'no', 'no thanks', 'no gracias', 'no, thank you', 'nope'],
  // "quit" alone is the carriers' opt-out at the inbound hook; here (the service, after the hook) it is Q.
  Q: ['q', 'salir', 'quit', 'q gracias'],
  junk: ['maybe', 'call me later', '?', 'hello', 'y n', 'ok', '👍', 'yes no', 'please', 'thanks', 'no, yes please'],
};
const METHOD = { Y: 'confirmed', N: 'declined', Q: 'quit' } as const;
const YES = { en: 'Thank you for confirming.', es: 'Gracias por confirmar.' };
const NO = { en: 'Your "No" response has been received.', es: 'Recibimos su respuesta "No".' };

let t: TestApp;
let control: FakeControl;
let ta: TextAheadService;
const items: ServiceItemRow[] = [];

beforeAll(async () => {
  t = await createTestApp();
  control = new FakeControl();
  ta = textAheadWith(t, control);
  for (const language of ['en', 'es', 'en', 'es'] as const) {
    const item = await phoneItem(t, { language });
    items.push(item);
    for (const phone of PHONES)
      expect((await ta.consent({ itemId: item.id, phone, language, channel: 'agent' })).ok).toBe(true);
  }
});
afterAll(async () => t?.close());

const askCommand = fc.record({
  kind: fc.constant('ask' as const),
  item: fc.nat(3),
  phone: fc.nat(PHONES.length - 1),
  wait: fc.integer({ min: 0, max: 25 }),
});
const replyCommand = fc.record({
  kind: fc.constant('reply' as const),
  phone: fc.nat(PHONES.length - 1),
  answer: fc.constantFrom<Answer | 'junk'>('Y', 'N', 'Q', 'junk'),
  word: fc.nat(20),
  letterCase: fc.constantFrom('lower', 'upper', 'title'),
  // none; the item number of the n-th ask sent so far (open, answered or lapsed); a number no ask has
  number: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.record({ kind: fc.constant('ask' as const), index: fc.nat(20) }),
    fc.constant({ kind: 'other' as const }),
  ),
  numberFirst: fc.boolean(),
  separator: fc.constantFrom(' ', ' #', '#', ', ', '-', '\n'),
  prefix: fc.constantFrom('', ' ', '¡', '"', '> '),
  suffix: fc.constantFrom('', '!', '.', ' 👍', '\n', '?!', ' 🙂🙂'),
  wait: fc.integer({ min: 0, max: 25 }),
});

interface ModelAsk {
  id: string;
  callbackId: string;
  phone: string;
  itemNumber: number;
  language: 'en' | 'es';
  sentAt: number;
  expiresAt: number;
  answer?: Answer;
}

function caseOf(word: string, letterCase: string): string {
  if (letterCase === 'upper') return word.toUpperCase();
  if (letterCase === 'title') return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}

describe('Text Ahead correlation (property, fast-check)', () => {
  it('ties every reply to the ask it names, else the latest open ask of the number, else none with a clarifying text', async () => {
    const db = t.deps.database.db;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ arbitrary: askCommand, weight: 2 }, { arbitrary: replyCommand, weight: 3 }), {
          minLength: 1,
          maxLength: 14,
        }),
        async (commands) => {
          await db.deleteFrom('text_ahead_asks').execute();
          control.calls = [];
          // Each run starts a day later: the last run's asks are long gone.
          t.clock.advance(48 * 3600_000);
          const model: ModelAsk[] = [];
          for (const command of commands) {
            t.clock.advance(command.wait * 60_000);
            const now = t.clock.now().getTime();
            const phone = PHONES[command.phone]!;
            if (command.kind === 'ask') {
              const item = items[command.item % items.length]!;
              const cb = callbackOf(item, [phone], item.language);
              expect(await ta.askBeforeCall(cb)).toBeInstanceOf(Date);
              const row = await db
                .selectFrom('text_ahead_asks')
                .select('id')
                .where('callback_id', '=', cb.callbackId)
                .executeTakeFirstOrThrow();
              model.push({
                id: row.id,
                callbackId: cb.callbackId,
                phone,
                itemNumber: Number(item.number),
                language: item.language,
                sentAt: now,
                expiresAt: now + ASK_TTL_MS,
              });
              continue;
            }
            // The reply as a person might type it.
            const words = WORDS[command.answer];
            const word = caseOf(words[command.word % words.length]!, command.letterCase);
            const named =
              command.number.kind === 'none'
                ? undefined
                : command.number.kind === 'other'
                  ? 99999999
                  : model.length
                    ? model[command.number.index % model.length]!.itemNumber
                    : undefined;
            const core =
              named === undefined
                ? word
                : command.numberFirst
                  ? `${String(named)}${command.separator}${word}`
                  : `${word}${command.separator}${String(named)}`;
            const body = `${command.prefix}${core}${command.suffix}`;

            // What the model expects.
            const open = model
              .filter((a) => a.phone === phone && !a.answer && a.expiresAt > now)
              .sort((a, b) => model.indexOf(b) - model.indexOf(a));
            const recent = model.some((a) => a.phone === phone && a.sentAt >= now - 24 * 3600_000);
            const isAnswer = command.answer !== 'junk';
            let expected: 'answered' | 'unclear' | 'unknown_item' | 'nothing_waiting' | undefined;
            let target: ModelAsk | undefined;
            if (!open.length) expected = isAnswer && recent ? 'nothing_waiting' : undefined;
            else if (!isAnswer) expected = 'unclear';
            else {
              target = named === undefined ? open[0] : open.find((a) => a.itemNumber === named);
              expected = target ? 'answered' : 'unknown_item';
            }

            const before = control.calls.length;
            const result = await ta.handleReply(phone, body);
            const heard = control.calls.slice(before);
            expect(result?.outcome.kind, `reply ${JSON.stringify(body)}`).toBe(expected);
            if (target && command.answer !== 'junk') {
              const answer = command.answer;
              expect(result?.outcome).toEqual({ kind: 'answered', askId: target.id, answer });
              expect(heard.map((c) => [c.method, c.callbackId])).toEqual([[METHOD[answer], target.callbackId]]);
              if (answer === 'Y') expect(result!.text.startsWith(YES[target.language])).toBe(true);
              if (answer === 'N') expect(result!.text.startsWith(NO[target.language])).toBe(true);
              if (answer === 'Q') expect(result!.text).toContain(String(target.itemNumber));
              target.answer = answer;
            } else {
              expect(heard).toEqual([]);
              // A clarifying text lists what is waiting (or says nothing is).
              if (expected === 'unclear' || expected === 'unknown_item')
                for (const a of open) expect(result!.text).toContain(`#${String(a.itemNumber)}`);
            }
            // The stored answers are exactly the model's: no other ask changed.
            const stored = await db.selectFrom('text_ahead_asks').select(['id', 'answer']).execute();
            expect(new Map(stored.map((s) => [s.id, s.answer ?? undefined]))).toEqual(
              new Map(model.map((a) => [a.id, a.answer])),
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
