/**
 * A small typed TwiML builder (the voice provider's answer format): `Say`, `Gather`, `Redirect`, `Enqueue`, `Dial`,
 * `Hangup`, and a parser of the same subset for the call simulator and /dev/phone. Text and attributes are escaped.
 */

export type VoiceLanguage = 'en-US' | 'es-US';

export type TwimlVerb =
  | { verb: 'Say'; text: string; language: VoiceLanguage }
  | {
      verb: 'Gather';
      action: string;
      language: VoiceLanguage;
      input?: 'dtmf' | 'speech' | 'dtmf speech';
      hints?: string[];
      timeout?: number;
      numDigits?: number;
      finishOnKey?: string;
      says: { text: string; language: VoiceLanguage }[];
    }
  | { verb: 'Redirect'; url: string }
  | { verb: 'Enqueue'; queue: string; waitUrl?: string }
  | { verb: 'Dial'; number: string }
  | { verb: 'Hangup' };

/** Polly voices of the provider for each language (CC-2: the same service in both). */
export const VOICES: Record<VoiceLanguage, string> = { 'en-US': 'Polly.Joanna', 'es-US': 'Polly.Lupe' };

export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

function say(text: string, language: VoiceLanguage): string {
  return `<Say${attrs({ voice: VOICES[language], language })}>${escapeXml(text)}</Say>`;
}

function verbXml(v: TwimlVerb): string {
  switch (v.verb) {
    case 'Say':
      return say(v.text, v.language);
    case 'Gather':
      return `<Gather${attrs({
        input: v.input ?? 'dtmf speech',
        action: v.action,
        method: 'POST',
        language: v.language,
        hints: v.hints?.join(', '),
        timeout: v.timeout ?? 6,
        numDigits: v.numDigits,
        finishOnKey: v.finishOnKey,
        speechTimeout: 'auto',
      })}>${v.says.map((s) => say(s.text, s.language)).join('')}</Gather>`;
    case 'Redirect':
      return `<Redirect method="POST">${escapeXml(v.url)}</Redirect>`;
    case 'Enqueue':
      return `<Enqueue${attrs({ waitUrl: v.waitUrl })}>${escapeXml(v.queue)}</Enqueue>`;
    case 'Dial':
      return `<Dial>${escapeXml(v.number)}</Dial>`;
    case 'Hangup':
      return '<Hangup/>';
  }
}

export function twiml(verbs: readonly TwimlVerb[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs.map(verbXml).join('')}</Response>`;
}

// ---- Parsing (the simulator and /dev/phone read answers back) ---------------------------------------------------

export function unescapeXml(value: string): string {
  return value.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === 'quot' ? '"' : "'",
  );
}

function readAttrs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Za-z]+)="([^"]*)"/g)) out[m[1]!] = unescapeXml(m[2]!);
  return out;
}

/** Reads back the TwiML this module writes (the subset above, in order); anything else throws. */
export function parseTwiml(xml: string): TwimlVerb[] {
  const body = /<Response>([\s\S]*)<\/Response>/.exec(xml)?.[1];
  if (body === undefined) throw new Error(`not TwiML: ${xml.slice(0, 200)}`);
  const verbs: TwimlVerb[] = [];
  const re = /<(Say|Gather|Redirect|Enqueue|Dial|Hangup)([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(body))) {
    if (m.index !== at) throw new Error(`unexpected TwiML at ${at}: ${body.slice(at, m.index)}`);
    at = m.index + m[0].length;
    const a = readAttrs(m[2]!);
    const inner = m[4] ?? '';
    const language: VoiceLanguage = a.language === 'es-US' ? 'es-US' : 'en-US';
    switch (m[1]) {
      case 'Say':
        verbs.push({ verb: 'Say', text: unescapeXml(inner), language });
        break;
      case 'Gather':
        verbs.push({
          verb: 'Gather',
          action: a.action ?? '',
          language,
          input: (a.input as 'dtmf speech') ?? 'dtmf speech',
          hints: a.hints ? a.hints.split(', ') : undefined,
          timeout: a.timeout ? Number(a.timeout) : undefined,
          numDigits: a.numDigits ? Number(a.numDigits) : undefined,
          finishOnKey: a.finishOnKey,
          says: parseTwiml(`<Response>${inner}</Response>`).map((v) =>
            v.verb === 'Say' ? { text: v.text, language: v.language } : { text: '', language },
          ),
        });
        break;
      case 'Redirect':
        verbs.push({ verb: 'Redirect', url: unescapeXml(inner) });
        break;
      case 'Enqueue':
        verbs.push({ verb: 'Enqueue', queue: unescapeXml(inner), waitUrl: a.waitUrl });
        break;
      case 'Dial':
        verbs.push({ verb: 'Dial', number: unescapeXml(inner) });
        break;
      default:
        verbs.push({ verb: 'Hangup' });
    }
  }
  if (at !== body.length) throw new Error(`unexpected TwiML at ${at}: ${body.slice(at)}`);
  return verbs;
}

/** Every Say of an answer, the ones inside a Gather included, in order. */
export function spokenTexts(verbs: readonly TwimlVerb[]): string[] {
  return verbs.flatMap((v) => (v.verb === 'Say' ? [v.text] : v.verb === 'Gather' ? v.says.map((s) => s.text) : []));
}
