import type { Clock } from '../../platform/clock.js';
import type { DbHandle } from '../../platform/db/database.js';
import { auditStaffAction, type StaffActor } from '../../platform/audit.js';
import { inTransaction } from '../../platform/db/database.js';
import { longDate } from '../../platform/format.js';
import type { I18n, Language, Translate } from '../../platform/i18n/index.js';
import type { Logger } from '../../platform/logging.js';
import type { Random } from '../../platform/random.js';
import {
  RECEIPT_PREFIXES,
  caseSummaryByReceiptNumber,
  parseReceiptNumber,
  statusDescriptionText,
  type CaseStatusService,
} from '../cases/index.js';
import type { NotificationService } from '../notifications/index.js';
import { queueLoad, recentHandlingMinutes, type ServiceItemService } from '../service-items/index.js';
import { CallStateCodec } from './call-state.js';
import { DEFAULT_MENU, menuSchema, nodeOf, type Menu, type MenuAction, type MenuNode } from './menu.js';
import type { CallbackRequester, LiveAgents, TextAheadConsents } from './ports.js';
import * as repo from './repository.js';
import { maskReceipt, maskReceiptsIn, matchesKeyword, normalizeSpokenReceipt, spokenYesNo } from './speech.js';
import type { CallOutcome, VoiceCallRow } from './tables.js';
import type { TwimlVerb, VoiceLanguage } from './twiml.js';
import { estimatedWaitMinutes, HANDLING_SAMPLE, isOpen, type LiveHours } from './wait.js';

/**
 * The voice assistant (IVR, issue 16 point 1; CC-1, CC-2, CC-6, CC-9, CC-10, CC-13): answers the voice provider's
 * webhooks with TwiML verbs. Language first, then the published menu tree (data, menu.ts), self-service first
 * (case status by receipt number, links by text), live routes only for what self-service cannot do, Section 1367
 * callers to Tier 3 only, an estimated wait and a callback that keeps the place in line when no agent is free or the
 * lines are closed. Every call leaves a service item with its path, its inputs (receipt numbers masked), its outcome
 * and (from the status callback) its duration.
 */

export const GATHER_PATH = '/hooks/voice/twilio/gather';
/** Tries at one question before the call ends (with a sentence that says what to do next). */
const MAX_TRIES = 3;

export type Purpose = 'status' | 'outside_time';
export type InfoTopic = 'address' | 'biometrics' | 'processing_times';
export type LiveReason = 'biometrics' | 'emergency' | 'expedite' | 'outside_time' | 'section_1367';

export type CallState =
  | { step: 'language'; tries: number }
  | { step: 'menu'; node: string; tries: number }
  | { step: 'receipt'; purpose: Purpose; tries: number }
  | { step: 'prefix'; purpose: Purpose; page: 1 | 2; tries: number }
  | { step: 'digits'; purpose: Purpose; prefix: string; tries: number }
  | { step: 'after_status'; tries: number }
  | { step: 'info'; topic: InfoTopic; tries: number }
  | { step: 'callback_offer'; reason: LiveReason; receipt?: string; tries: number }
  | { step: 'text_ahead_offer'; reason: LiveReason; receipt?: string; tries: number }
  | { step: 'ended' };

/** What the call knows beyond its step: the caller is (or their case is) a Section 1367 matter (CC-6). */
interface StoredState {
  s: CallState;
  protected1367?: boolean;
}

interface CallInput {
  step: string;
  kind: 'digits' | 'speech' | 'none';
  value: string;
}

export interface VoiceParams {
  CallSid?: string;
  From?: string;
  Digits?: string;
  SpeechResult?: string;
  CallStatus?: string;
  CallDuration?: string;
}

export interface VoiceAssistantDeps {
  db: DbHandle;
  clock: Clock;
  random: Random;
  /** The server's secret: the key of the call state carried in the answers' URLs (call-state.ts) derives from it. */
  stateSecret: string;
  i18n: I18n;
  log: Logger;
  items: ServiceItemService;
  caseStatus: CaseStatusService;
  /** CC-10, asked of the e-Request module (its ERequestService.inquiryRule). */
  inquiryRule: (receiptNumber: string) => Promise<'outside' | 'within_normal' | 'not_open' | 'not_found'>;
  notifications: NotificationService;
  /** The callbacks module (wired in services.ts); absent: no callback is offered. */
  callbacks?: CallbackRequester;
  /** Text Ahead's consent (CB-5; wired in services.ts); absent: no text is offered with a callback. */
  textAhead?: TextAheadConsents;
  agents: LiveAgents;
  timeZone: string;
  publicUrl: string;
  hours: LiveHours;
}

/** What the self-service links point to: this service's own pages. */
export const INFO_LINKS: Record<InfoTopic, string> = {
  address: '/account/address',
  biometrics: '/account',
  processing_times: '/processing-times',
};

const ITEM_TYPE: Record<LiveReason, string> = {
  biometrics: 'biometrics_reschedule',
  emergency: 'emergency',
  expedite: 'expedite_request',
  outside_time: 'case_inquiry',
  section_1367: 'case_inquiry',
};

const INFO_TYPE: Record<InfoTopic, string> = {
  address: 'address_change',
  biometrics: 'biometrics_reschedule',
  processing_times: 'general_question',
};

const voiceOf = (lang: Language): VoiceLanguage => (lang === 'es' ? 'es-US' : 'en-US');
const isE164 = (phone: string) => /^\+[1-9]\d{7,14}$/.test(phone);

/** The live line a caller waits in: Tier 3 for Section 1367 matters (CC-6), Tier 1 otherwise. */
export function liveQueueFor(section1367: boolean): 'tier1' | 'tier3' {
  return section1367 ? 'tier3' : 'tier1';
}

/** What an answer needs to know of its call (from the carried state and the request, or from the call's row). */
interface CallContext {
  call_sid: string;
  menu_version: number;
  from_number: string;
  /** The call's item, when known to exist (from the row). */
  item_id: string | null;
  /** The outcome stored on the row, when the row was read. */
  outcome: CallOutcome | null;
}

/** A call's path and inputs: what the item records. */
interface History {
  path: string[];
  inputs: CallInput[];
}

const initialState = (): StoredState => ({ s: { step: 'language', tries: 0 } });

/** One call's turn: what it knew, what it learns, what it answers. */
class Turn {
  /** The path steps of this answer (appended to the call's). */
  readonly path: string[] = [];
  /** The inputs of this answer (appended to the call's). */
  readonly inputs: CallInput[] = [];
  outcome?: CallOutcome;
  liveQueue?: string;
  itemId?: string;
  /**
   * The call had its item already when this answer wanted to make one (a provider's retry of an answer, or the status
   * callback at the same time): this answer changes nothing on the row.
   */
  itemMadeBefore = false;
  readonly verbs: TwimlVerb[] = [];

  constructor(
    readonly call: CallContext,
    readonly menu: Menu,
    readonly t: (lang: Language) => Translate,
    public language: Language,
    public state: StoredState,
  ) {}

  static fromRow(call: VoiceCallRow, menu: Menu, t: (lang: Language) => Translate): Turn {
    const stored = call.state as StoredState | null;
    return new Turn(
      {
        call_sid: call.call_sid,
        menu_version: call.menu_version,
        from_number: call.from_number,
        item_id: call.item_id,
        outcome: call.outcome,
      },
      menu,
      t,
      call.language ?? 'en',
      stored?.s ? stored : initialState(),
    );
  }

  tr(key: string, values?: Record<string, unknown>): string {
    return this.t(this.language)(`voice_assistant:${key}`, values);
  }

  say(text: string): void {
    this.verbs.push({ verb: 'Say', text, language: voiceOf(this.language) });
  }

  /** Asks, then (no answer in time) comes back to the same step with no input. */
  ask(texts: string[], opts: { hints?: string[]; numDigits?: number; dtmfOnly?: boolean; finishOnKey?: string } = {}) {
    this.verbs.push({
      verb: 'Gather',
      action: GATHER_PATH,
      language: voiceOf(this.language),
      input: opts.dtmfOnly ? 'dtmf' : 'dtmf speech',
      hints: opts.hints,
      numDigits: opts.numDigits,
      finishOnKey: opts.finishOnKey,
      timeout: 6,
      says: texts.map((text) => ({ text, language: voiceOf(this.language) })),
    });
    this.verbs.push({ verb: 'Redirect', url: GATHER_PATH });
  }

  go(s: CallState): void {
    this.state = { ...this.state, s };
  }
}

export class VoiceAssistantService {
  /** Menu versions by number: a version never changes once published (a publication adds one). */
  readonly #menus = new Map<number, Menu>();
  /** At least one menu version is stored (true once this process has seen one). */
  #menuStored = false;
  readonly #states: CallStateCodec;

  constructor(readonly deps: VoiceAssistantDeps) {
    this.#states = new CallStateCodec(deps.stateSecret);
  }

  // ---- The menu (versions) ------------------------------------------------------------------------------------

  /** The published menu (the highest version); the default tree is stored as version 1 the first time. */
  async publishedMenu(): Promise<{ version: number; menu: Menu }> {
    let row = await repo.latestMenuVersion(this.deps.db);
    if (!row) {
      await repo.insertMenuVersion(this.deps.db, {
        version: 1,
        tree: DEFAULT_MENU,
        published_at: this.deps.clock.now(),
        published_by: null,
        note: 'default',
      });
      row = await repo.latestMenuVersion(this.deps.db);
    }
    return { version: row!.version, menu: await this.#menuOf(row!.version, row!.tree) };
  }

  async #menuOf(version: number, tree?: unknown): Promise<Menu> {
    const cached = this.#menus.get(version);
    if (cached) return cached;
    const stored = tree ?? (await repo.menuVersion(this.deps.db, version))?.tree;
    const parsed = menuSchema.safeParse(typeof stored === 'string' ? JSON.parse(stored) : stored);
    const menu = parsed.success ? parsed.data : DEFAULT_MENU;
    this.#menus.set(version, menu);
    return menu;
  }

  async versions() {
    return repo.menuVersions(this.deps.db);
  }

  /**
   * Publishes a new version: the published tree with the node texts given (`texts[nodeId][lang]`), validated by the
   * menu schema; answers the problems by field (`node.<id>.<lang>`) when it is not valid. Audited.
   */
  async publishTexts(
    actor: StaffActor,
    texts: Record<string, { en: string; es: string }>,
    note: string,
  ): Promise<{ ok: true; version: number } | { ok: false; problems: { field: string; code: string }[] }> {
    const { version, menu } = await this.publishedMenu();
    const tree: Menu = {
      ...menu,
      nodes: menu.nodes.map((n) => ({ ...n, prompt: texts[n.id] ? { ...texts[n.id]! } : n.prompt })),
    };
    const parsed = menuSchema.safeParse(tree);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => {
        const [, index, key, lang] = issue.path;
        const nodeId = typeof index === 'number' ? tree.nodes[index]?.id : undefined;
        const field = key === 'prompt' && nodeId && typeof lang === 'string' ? `node-${nodeId}-${lang}` : 'menu';
        return { field, code: issue.message };
      });
      return { ok: false, problems };
    }
    const next = version + 1;
    return inTransaction(this.deps.db, async (trx) => {
      const inserted = await repo.insertMenuVersion(trx, {
        version: next,
        tree: parsed.data,
        published_at: this.deps.clock.now(),
        published_by: actor.accountId,
        note: note.trim().slice(0, 500),
      });
      if (!inserted) return { ok: false as const, problems: [{ field: 'menu', code: 'stale' }] };
      await auditStaffAction(
        trx,
        this.deps.clock,
        actor,
        'voice_menu.published',
        {
          type: 'voice_menu',
          id: String(next),
        },
        { from: version, note: note.trim().slice(0, 500) },
      );
      return { ok: true as const, version: next };
    });
  }

  // ---- Webhooks -----------------------------------------------------------------------------------------------

  /** A new call: the language question (CC-2), asked in both languages. */
  async incoming(params: VoiceParams): Promise<TwimlVerb[]> {
    // The call's row takes the published version in its own statement; the default tree is stored once first.
    if (!this.#menuStored) {
      await this.publishedMenu();
      this.#menuStored = true;
    }
    const sid = params.CallSid ?? '';
    const state = initialState();
    const version = await repo.startCall(this.deps.db, {
      call_sid: sid,
      from_number: params.From ?? '',
      started_at: this.deps.clock.now(),
      state,
    });
    // A retried webhook (the call exists): its next answer reads the row.
    if (version === undefined) return this.#languageQuestion();
    return this.#carry(this.#languageQuestion(), sid, { version, language: null, state });
  }

  /**
   * The answer's Gather and Redirect URLs carry the call's state after it (call-state.ts), unless that state holds a
   * receipt number (a callback offer on the outside-time route) or says the call is a Section 1367 matter (the call
   * is protected, or its live route is the VAWA, T or U one): the token is signed, not encrypted, URLs end up in the
   * provider's logs, and neither may (CC-6). The next answer reads the row instead.
   */
  #carry(verbs: TwimlVerb[], sid: string, carried: { version: number; language: Language | null; state: StoredState }) {
    const s = carried.state.s;
    if ('receipt' in s && s.receipt !== undefined) return verbs;
    if (carried.state.protected1367 || ('reason' in s && s.reason === 'section_1367')) return verbs;
    let url: string | undefined;
    const next = () => (url ??= this.#states.url(GATHER_PATH, sid, carried));
    for (const v of verbs) {
      if (v.verb === 'Gather' && v.action === GATHER_PATH) v.action = next();
      if (v.verb === 'Redirect' && v.url === GATHER_PATH) v.url = next();
    }
    return verbs;
  }

  #languageQuestion(): TwimlVerb[] {
    const en = this.deps.i18n.t('en');
    const es = this.deps.i18n.t('es');
    return [
      {
        verb: 'Gather',
        action: GATHER_PATH,
        language: 'en-US',
        input: 'dtmf speech',
        hints: ['English', 'Español', 'Spanish', 'Inglés'],
        numDigits: 1,
        timeout: 6,
        says: [
          { text: en('voice_assistant:say.welcome'), language: 'en-US' },
          { text: es('voice_assistant:say.welcome_es'), language: 'es-US' },
        ],
      },
      { verb: 'Redirect', url: GATHER_PATH },
    ];
  }

  /**
   * An answer to a question (keys, speech, or nothing when the question timed out). `stateToken` is the state the
   * previous answer gave the call (its URL's `state`): with a valid one the call's row is not read; without, it is.
   */
  async gather(params: VoiceParams, stateToken?: unknown): Promise<TwimlVerb[]> {
    const sid = params.CallSid ?? '';
    const t = (lang: Language) => this.deps.i18n.t(lang);
    const carried = this.#states.decode<StoredState>(sid, stateToken);
    let turn: Turn;
    if (carried?.state.s) {
      const context = {
        call_sid: sid,
        menu_version: carried.version,
        from_number: params.From ?? '',
        item_id: null,
        outcome: null,
      };
      turn = new Turn(context, await this.#menuOf(carried.version), t, carried.language ?? 'en', carried.state);
    } else {
      let call = await repo.findCall(this.deps.db, sid);
      if (!call) {
        await this.incoming(params);
        call = await repo.findCall(this.deps.db, sid);
        if (!call) return this.#languageQuestion();
      }
      turn = Turn.fromRow(call, await this.#menuOf(call.menu_version), t);
    }
    const digits = (params.Digits ?? '').trim();
    const speech = (params.SpeechResult ?? '').trim().slice(0, 300);
    await this.#step(turn, digits, speech);
    this.#carry(turn.verbs, sid, { version: turn.call.menu_version, language: turn.language, state: turn.state });
    // A replayed answer (or one behind the status callback): the call's item and its row are as the other one left them.
    if (turn.itemMadeBefore) return turn.verbs;
    const ends = turn.verbs.some((v) => v.verb === 'Hangup' || v.verb === 'Enqueue');
    // A call that ends here without an item leaves it now, with this answer's state, in one transaction.
    if (ends && !turn.call.item_id && turn.itemId === undefined && (await this.#finish(turn, 'abandoned', true)))
      return turn.verbs;
    await repo.appendTurn(this.deps.db, sid, {
      language: turn.language,
      state: turn.state,
      path: turn.path,
      inputs: turn.inputs,
      ...(turn.outcome ? { outcome: turn.outcome } : {}),
      ...(turn.liveQueue ? { live_queue: turn.liveQueue } : {}),
      ...(turn.itemId ? { item_id: turn.itemId } : {}),
    });
    return turn.verbs;
  }

  /** The provider's status callback: recorded; a call that ended leaves its item (with its duration). */
  async status(params: VoiceParams): Promise<void> {
    const sid = params.CallSid ?? '';
    const status = (params.CallStatus ?? '').slice(0, 40);
    const duration = /^\d{1,7}$/.test(params.CallDuration ?? '') ? Number(params.CallDuration) : null;
    const ended = ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(status);
    const call = await repo.recordStatus(this.deps.db, {
      call_sid: sid,
      status,
      duration,
      received_at: this.deps.clock.now(),
      ended,
    });
    if (!call || !ended) return;
    let after: Pick<VoiceCallRow, 'item_id' | 'outcome'> | undefined = call;
    if (!call.item_id) {
      const turn = Turn.fromRow(call, await this.#menuOf(call.menu_version), (lang) => this.deps.i18n.t(lang));
      after =
        (await this.#bookOnHangUp(turn)) ??
        (await this.#finish(turn, 'abandoned', false)) ??
        (await repo.findCall(this.deps.db, sid));
    }
    if (after?.item_id)
      await this.deps.items.record(after.item_id, {
        kind: 'call_ended',
        details: { status, durationSeconds: duration, outcome: after.outcome },
      });
  }

  /**
   * A caller who asked for a callback and hung up at the question about a text first: the callback is booked (without
   * a text: no consent was given), as asked. Undefined when the call was elsewhere.
   */
  async #bookOnHangUp(turn: Turn): Promise<{ item_id: string; outcome: CallOutcome } | undefined> {
    const s = turn.state.s;
    if (s.step !== 'text_ahead_offer' || !this.deps.callbacks) return undefined;
    turn.inputs.push({ step: s.step, kind: 'none', value: 'hung_up' });
    await this.#bookCallback(turn, s.reason, s.receipt, false);
    // The last answer booked it meanwhile (the call's row had its item): nothing more.
    if (turn.itemId === undefined) return undefined;
    await repo.appendTurn(this.deps.db, turn.call.call_sid, {
      language: turn.language,
      state: turn.state,
      path: turn.path,
      inputs: turn.inputs,
      outcome: 'callback',
      item_id: turn.itemId,
    });
    return { item_id: turn.itemId, outcome: 'callback' };
  }

  // ---- The flow -----------------------------------------------------------------------------------------------

  async #step(turn: Turn, digits: string, speech: string): Promise<void> {
    const s = turn.state.s;
    const kind = digits ? 'digits' : speech ? 'speech' : 'none';
    // What the caller gave, receipt numbers masked (digits of a receipt number are masked where they are read).
    if (s.step !== 'receipt' && s.step !== 'digits')
      turn.inputs.push({ step: s.step, kind, value: maskReceiptsIn(digits || speech) });
    switch (s.step) {
      case 'language':
        return this.#language(turn, s, digits, speech);
      case 'menu':
        return this.#menuStep(turn, s, digits, speech);
      case 'receipt':
        return this.#receiptStep(turn, s, digits, speech);
      case 'prefix':
        return this.#prefixStep(turn, s, digits, speech);
      case 'digits':
        return this.#digitsStep(turn, s, digits);
      case 'after_status':
        return this.#afterStatus(turn, s, digits, speech);
      case 'info':
        return this.#infoStep(turn, s, digits, speech);
      case 'callback_offer':
        return this.#callbackStep(turn, s, digits, speech);
      case 'text_ahead_offer':
        return this.#textAheadStep(turn, s, digits, speech);
      case 'ended':
        turn.say(turn.tr('say.goodbye'));
        turn.verbs.push({ verb: 'Hangup' });
    }
  }

  /** No usable answer: try again (the question once more), or end the call saying what to do. */
  #retry(turn: Turn, s: Exclude<CallState, { step: 'ended' }>, again: () => void | Promise<void>) {
    const tries = s.tries + 1;
    if (tries >= MAX_TRIES) return this.#end(turn, 'say.no_choice_goodbye', turn.outcome ?? 'no_input');
    turn.go({ ...s, tries });
    turn.say(turn.tr('say.not_understood'));
    return again();
  }

  #end(turn: Turn, key: string, outcome: CallOutcome, values?: Record<string, unknown>) {
    turn.say(turn.tr(key, values));
    turn.verbs.push({ verb: 'Hangup' });
    turn.outcome = outcome;
    turn.path.push(`end:${outcome}`);
    turn.go({ step: 'ended' });
  }

  #language(turn: Turn, s: CallState & { step: 'language' }, digits: string, speech: string) {
    const lang: Language | undefined =
      digits === '1' || (!digits && matchesKeyword(speech, ['english', 'ingles']))
        ? 'en'
        : digits === '2' || (!digits && matchesKeyword(speech, ['spanish', 'espanol']))
          ? 'es'
          : undefined;
    if (!lang) {
      if (s.tries + 1 >= MAX_TRIES) return this.#end(turn, 'say.no_choice_goodbye', 'no_input');
      turn.go({ ...s, tries: s.tries + 1 });
      turn.verbs.push(...this.#languageQuestion());
      return;
    }
    turn.language = lang;
    turn.path.push(`language:${lang}`);
    this.#openNode(turn, turn.menu.root);
  }

  #openNode(turn: Turn, id: string, tries = 0) {
    const node = nodeOf(turn.menu, id) ?? nodeOf(turn.menu, turn.menu.root)!;
    turn.path.push(node.id);
    turn.go({ step: 'menu', node: node.id, tries });
    this.#askNode(turn, node);
  }

  #askNode(turn: Turn, node: MenuNode) {
    turn.ask([node.prompt[turn.language]], {
      numDigits: 1,
      hints: node.options.flatMap((o) => o.keywords[turn.language]).slice(0, 50),
    });
  }

  async #menuStep(turn: Turn, s: CallState & { step: 'menu' }, digits: string, speech: string) {
    const node = nodeOf(turn.menu, s.node) ?? nodeOf(turn.menu, turn.menu.root)!;
    const option = digits
      ? node.options.find((o) => o.digit === digits)
      : speech
        ? node.options.find((o) => matchesKeyword(speech, o.keywords[turn.language]))
        : undefined;
    if (!option) return this.#retry(turn, s, () => this.#askNode(turn, node));
    if (option.target) return this.#openNode(turn, option.target);
    turn.path.push(`action:${option.action}`);
    return this.#action(turn, option.action!);
  }

  async #action(turn: Turn, action: MenuAction) {
    switch (action) {
      case 'case_status':
        return this.#askReceipt(turn, 'status');
      case 'live_outside_time':
        return this.#askReceipt(turn, 'outside_time');
      case 'info_address':
        return this.#offerInfo(turn, 'address');
      case 'info_biometrics':
        return this.#offerInfo(turn, 'biometrics');
      case 'info_processing_times':
        return this.#offerInfo(turn, 'processing_times');
      case 'live_biometrics':
        return this.#goLive(turn, 'biometrics');
      case 'live_emergency':
        return this.#goLive(turn, 'emergency');
      case 'live_expedite':
        return this.#goLive(turn, 'expedite');
      case 'live_section_1367':
        // CC-6: the caller says it is a VAWA, T or U matter: Tier 3 only, for the rest of the call.
        turn.state = { ...turn.state, protected1367: true };
        return this.#goLive(turn, 'section_1367');
    }
  }

  // ---- Receipt numbers (speech or keypad) ---------------------------------------------------------------------

  #askReceipt(turn: Turn, purpose: Purpose, tries = 0) {
    turn.go({ step: 'receipt', purpose, tries });
    turn.ask([turn.tr('say.receipt_prompt')], {
      hints: [...RECEIPT_PREFIXES, 'as in', 'double', 'oh', 'cero', 'doble'],
    });
  }

  async #receiptStep(turn: Turn, s: CallState & { step: 'receipt' }, digits: string, speech: string) {
    if (digits) {
      turn.inputs.push({ step: 'receipt', kind: 'digits', value: digits.length > 4 ? maskReceiptsIn(digits) : digits });
      return this.#askPrefix(turn, s.purpose, 1);
    }
    if (!speech) {
      turn.inputs.push({ step: 'receipt', kind: 'none', value: '' });
      return this.#retry(turn, s, () => this.#askReceiptAgain(turn));
    }
    const candidate = normalizeSpokenReceipt(speech);
    const parsed = parseReceiptNumber(candidate);
    turn.inputs.push({
      step: 'receipt',
      kind: 'speech',
      value: parsed.ok ? maskReceipt(parsed.value) : maskReceiptsIn(candidate),
    });
    if (!parsed.ok) {
      // Twice not understood: the keypad is easier.
      if (s.tries + 1 >= 2) {
        turn.say(turn.tr('say.receipt_not_understood'));
        return this.#askPrefix(turn, s.purpose, 1);
      }
      turn.go({ ...s, tries: s.tries + 1 });
      turn.say(turn.tr('say.receipt_not_understood'));
      return this.#askReceiptAgain(turn);
    }
    return this.#withReceipt(turn, s.purpose, parsed.value);
  }

  #askReceiptAgain(turn: Turn) {
    turn.ask([turn.tr('say.receipt_prompt')], { hints: [...RECEIPT_PREFIXES] });
  }

  /** The prefixes by key: the first eight on page 1 (9: more), the rest on page 2. */
  static prefixPage(page: 1 | 2): string[] {
    return page === 1 ? RECEIPT_PREFIXES.slice(0, 8) : RECEIPT_PREFIXES.slice(8);
  }

  #askPrefix(turn: Turn, purpose: Purpose, page: 1 | 2, tries = 0) {
    turn.go({ step: 'prefix', purpose, page, tries });
    const spell = (p: string) => p.split('').join(' ');
    const list = VoiceAssistantService.prefixPage(page)
      .map((p, i) => turn.tr('say.prefix_item', { prefix: spell(p), key: i + 1 }))
      .join(' ');
    turn.ask([turn.tr(page === 1 ? 'say.prefix_prompt' : 'say.prefix_prompt_more', { list })], {
      numDigits: 1,
      hints: VoiceAssistantService.prefixPage(page),
    });
  }

  async #prefixStep(turn: Turn, s: CallState & { step: 'prefix' }, digits: string, speech: string) {
    const page = VoiceAssistantService.prefixPage(s.page);
    if (s.page === 1 && digits === '9') return this.#askPrefix(turn, s.purpose, 2);
    let prefix = /^[1-9]$/.test(digits) ? page[Number(digits) - 1] : undefined;
    if (!prefix && speech) {
      const said = normalizeSpokenReceipt(speech).slice(0, 3);
      prefix = (RECEIPT_PREFIXES as readonly string[]).includes(said) ? said : undefined;
    }
    if (!prefix) return this.#retry(turn, s, () => this.#askPrefix(turn, s.purpose, s.page, s.tries + 1));
    turn.go({ step: 'digits', purpose: s.purpose, prefix, tries: 0 });
    turn.ask([turn.tr('say.digits_prompt')], { dtmfOnly: true, numDigits: 10, finishOnKey: '#' });
  }

  async #digitsStep(turn: Turn, s: CallState & { step: 'digits' }, digits: string) {
    const parsed = parseReceiptNumber(`${s.prefix}${digits}`);
    turn.inputs.push({
      step: 'digits',
      kind: digits ? 'digits' : 'none',
      value: parsed.ok ? maskReceipt(parsed.value) : digits.length > 4 ? maskReceiptsIn(digits) : digits,
    });
    if (!parsed.ok)
      return this.#retry(turn, s, () => {
        turn.say(turn.tr('say.digits_wrong'));
        turn.ask([turn.tr('say.digits_prompt')], { dtmfOnly: true, numDigits: 10, finishOnKey: '#' });
      });
    return this.#withReceipt(turn, s.purpose, parsed.value);
  }

  /** A receipt number was given: its status (the public rules, CC-13), or the inquiry date rule (CC-10). */
  async #withReceipt(turn: Turn, purpose: Purpose, receipt: string) {
    if (purpose === 'outside_time') {
      const summary = await caseSummaryByReceiptNumber(this.deps.db, receipt);
      if (summary?.section_1367) turn.state = { ...turn.state, protected1367: true };
      // A Section 1367 case is answered as an unknown number is, as case status answers it: putting it through would
      // tell a caller which numbers are protected (CC-6). Its callers reach Tier 3 by the menu's VAWA, T or U choice,
      // and any later live route of this call waits in the Tier 3 line (`protected1367`).
      if (summary?.section_1367) return this.#notFound(turn);
      const rule = await this.deps.inquiryRule(receipt);
      turn.path.push(`inquiry:${rule}`);
      if (rule === 'outside') return this.#goLive(turn, 'outside_time', receipt);
      if (rule === 'not_found') return this.#notFound(turn);
      // CC-9/CC-10: not yet outside normal processing time: no live route; the processing times instead.
      turn.say(turn.tr('say.within_normal'));
      return this.#offerInfo(turn, 'processing_times');
    }
    // One query: the public answer, and whether the number is a protected case (CC-6: answered as unknown, and the
    // call is a Section 1367 matter for the rest of it).
    const found = await this.deps.caseStatus.lookupForCall(receipt);
    const view = found.view;
    if (!view) {
      if (found.section1367) turn.state = { ...turn.state, protected1367: true };
      return this.#notFound(turn);
    }
    turn.path.push('status:found');
    turn.outcome = 'self_served';
    turn.say(
      turn.tr('say.status_result', {
        title: view.current.title[turn.language],
        date: longDate(view.current.at, turn.language, this.deps.timeZone),
        // The agency's addresses this service replaces (e-Request, change of address) are said as ours (issue 15).
        description: statusDescriptionText(view.current.description[turn.language], this.deps.publicUrl),
      }),
    );
    turn.go({ step: 'after_status', tries: 0 });
    turn.ask([turn.tr('say.status_next')], { numDigits: 1, hints: ['another', 'menu', 'otro', 'menú'] });
  }

  #notFound(turn: Turn) {
    turn.path.push('status:not_found');
    turn.say(turn.tr('say.not_found'));
    turn.go({ step: 'after_status', tries: 0 });
    turn.ask([turn.tr('say.status_next')], { numDigits: 1 });
  }

  async #afterStatus(turn: Turn, s: CallState & { step: 'after_status' }, digits: string, speech: string) {
    if (digits === '1' || matchesKeyword(speech, ['another', 'otro'])) return this.#askReceipt(turn, 'status');
    if (digits === '2' || matchesKeyword(speech, ['menu'])) return this.#openNode(turn, turn.menu.root);
    if (!digits && !speech) return this.#end(turn, 'say.goodbye_status', turn.outcome ?? 'self_served');
    return this.#retry(turn, s, () => turn.ask([turn.tr('say.status_next')], { numDigits: 1 }));
  }

  // ---- Self-service answers with a link by text ---------------------------------------------------------------

  #offerInfo(turn: Turn, topic: InfoTopic) {
    turn.path.push(`info:${topic}`);
    turn.outcome = 'self_served';
    turn.go({ step: 'info', topic, tries: 0 });
    turn.say(turn.tr(`info.${topic}`));
    const canText = isE164(turn.call.from_number);
    turn.ask([turn.tr(canText ? 'say.info_next' : 'say.info_next_no_text')], { numDigits: 1 });
  }

  async #infoStep(turn: Turn, s: CallState & { step: 'info' }, digits: string, speech: string) {
    const link = `${this.deps.publicUrl.replace(/\/$/, '')}${INFO_LINKS[s.topic]}`;
    const canText = isE164(turn.call.from_number);
    if (canText && (digits === '1' || matchesKeyword(speech, ['text', 'texto', 'mensaje']))) {
      // Consent: the caller pressed 1 for this text (recorded with the call); a STOP'd number gets none
      // (notifications asks before sending).
      turn.inputs.push({ step: 'info', kind: 'digits', value: 'sms_consent' });
      turn.path.push(`text:${s.topic}`);
      await this.deps.notifications.queueSms(this.deps.db, {
        to: turn.call.from_number,
        template: 'voice_assistant_link',
        language: turn.language,
        params: { topic: turn.tr(`topics.${s.topic}`), link },
      });
      return this.#end(turn, 'say.text_sent', 'self_served');
    }
    if (digits === '2' || matchesKeyword(speech, ['menu'])) return this.#openNode(turn, turn.menu.root);
    if (!digits && !speech) return this.#end(turn, 'say.goodbye_info', 'self_served', { link });
    return this.#retry(turn, s, () =>
      turn.ask([turn.tr(canText ? 'say.info_next' : 'say.info_next_no_text')], { numDigits: 1 }),
    );
  }

  // ---- Live routes (CC-9) -------------------------------------------------------------------------------------

  async #goLive(turn: Turn, reason: LiveReason, receipt?: string) {
    const protect = Boolean(turn.state.protected1367) || reason === 'section_1367';
    const queue = liveQueueFor(protect);
    turn.path.push(`live:${reason}`);
    const now = this.deps.clock.now();
    const open = isOpen(now, this.deps.timeZone, this.deps.hours);
    const free = open ? await this.deps.agents.free(queue) : 0;
    if (open && free > 0) {
      const item = await this.#liveItem(turn, reason, receipt, 'queued');
      if (!item) return this.#itemMadeBefore(turn, queue);
      turn.outcome = 'queued';
      turn.liveQueue = queue;
      turn.path.push(`queue:${queue}`);
      turn.say(turn.tr('say.connecting', { number: item.number }));
      turn.verbs.push({ verb: 'Enqueue', queue: `live-${queue}` });
      turn.go({ step: 'ended' });
      return;
    }
    if (open) {
      const minutes = await this.estimatedWait(queue);
      turn.path.push(`wait:${minutes}`);
      turn.say(turn.tr('say.wait', { count: minutes }));
    } else {
      turn.path.push('closed');
      turn.say(turn.tr('say.closed', this.#hoursParams(turn)));
    }
    if (this.deps.callbacks && isE164(turn.call.from_number)) {
      turn.go({ step: 'callback_offer', reason, receipt, tries: 0 });
      turn.ask([turn.tr(open ? 'say.callback_offer' : 'say.callback_offer_closed')], { numDigits: 1 });
      return;
    }
    // No callback possible (no number to call): the caller holds in line.
    if (open) return this.#hold(turn, reason, receipt);
    return this.#end(turn, 'say.call_again', 'abandoned', this.#hoursParams(turn));
  }

  /** The caller waits in the live line of the route (Tier 3 for Section 1367). */
  async #hold(turn: Turn, reason: LiveReason, receipt?: string) {
    const queue = liveQueueFor(Boolean(turn.state.protected1367) || reason === 'section_1367');
    const item = await this.#liveItem(turn, reason, receipt, 'queued');
    if (!item) return this.#itemMadeBefore(turn, queue);
    turn.outcome = 'queued';
    turn.liveQueue = queue;
    turn.path.push(`queue:${queue}`);
    turn.say(turn.tr('say.holding', { number: item.number }));
    turn.verbs.push({ verb: 'Enqueue', queue: `live-${queue}` });
    turn.go({ step: 'ended' });
  }

  /** The lines' hours and the agency's time zone by name, in the caller's language ("Eastern Time"). */
  #hoursParams(turn: Turn) {
    const zone =
      new Intl.DateTimeFormat(turn.language === 'es' ? 'es-US' : 'en-US', {
        timeZone: this.deps.timeZone,
        timeZoneName: 'longGeneric',
      })
        .formatToParts(this.deps.clock.now())
        .find((p) => p.type === 'timeZoneName')?.value ?? this.deps.timeZone;
    return { open: this.deps.hours.open, close: this.deps.hours.close, zone };
  }

  /** Estimated wait of a live queue, in minutes (formula in wait.ts). */
  async estimatedWait(queue: string): Promise<number> {
    const [handling, load, agents] = await Promise.all([
      recentHandlingMinutes(this.deps.db, queue, 'phone', HANDLING_SAMPLE),
      queueLoad(this.deps.db, queue, 'phone'),
      this.deps.agents.staffed(queue),
    ]);
    return estimatedWaitMinutes({ handlingMinutes: handling, waiting: load.waiting, agents });
  }

  async #callbackStep(turn: Turn, s: CallState & { step: 'callback_offer' }, digits: string, speech: string) {
    if (digits === '1' || matchesKeyword(speech, ['callback', 'call back', 'call me', 'llamada', 'llamenme'])) {
      // CB-5: a text before the call, if the caller agrees (never for a Section 1367 matter: the number may not be
      // the protected person's alone, and the callbacks module never texts about such items).
      if (this.deps.textAhead && !(turn.state.protected1367 || s.reason === 'section_1367')) {
        turn.go({ step: 'text_ahead_offer', reason: s.reason, receipt: s.receipt, tries: 0 });
        turn.ask([turn.tr('say.text_ahead_offer')], { numDigits: 1, hints: ['yes', 'no', 'sí'] });
        return;
      }
      return this.#bookCallback(turn, s.reason, s.receipt, false);
    }
    if (digits === '2' || matchesKeyword(speech, ['menu'])) return this.#openNode(turn, turn.menu.root);
    // While the lines are open, the caller may hold instead (3, or staying on the line): never sent away.
    const open = isOpen(this.deps.clock.now(), this.deps.timeZone, this.deps.hours);
    if (open && (digits === '3' || (!digits && !speech) || matchesKeyword(speech, ['hold', 'wait', 'esperar'])))
      return this.#hold(turn, s.reason, s.receipt);
    if (!digits && !speech) return this.#end(turn, 'say.call_again', 'abandoned', this.#hoursParams(turn));
    return this.#retry(turn, s, () =>
      turn.ask([turn.tr(open ? 'say.callback_offer' : 'say.callback_offer_closed')], { numDigits: 1 }),
    );
  }

  /**
   * The answer to "a text before we call?" (CB-5): 1 or yes records the consent for the item and the number, 2 or no
   * does not; not understood, it is asked again, and the third time the callback is booked without a text (the caller
   * asked for it already).
   */
  async #textAheadStep(turn: Turn, s: CallState & { step: 'text_ahead_offer' }, digits: string, speech: string) {
    const answer = digits === '1' ? 'yes' : digits === '2' ? 'no' : digits ? undefined : spokenYesNo(speech);
    if (answer) return this.#bookCallback(turn, s.reason, s.receipt, answer === 'yes');
    if (s.tries + 1 >= MAX_TRIES) return this.#bookCallback(turn, s.reason, s.receipt, false);
    turn.go({ ...s, tries: s.tries + 1 });
    turn.say(turn.tr('say.not_understood'));
    turn.ask([turn.tr('say.text_ahead_offer')], { numDigits: 1, hints: ['yes', 'no', 'sí'] });
  }

  /**
   * Books the callback of a live route (its item made now), with the caller's consent to a text first when
   * `wantsText` (recorded by Text Ahead for this item and number before the request, so that the callbacks module
   * finds it when the callback nears the head of its line); says when, the place in line and what comes next.
   */
  async #bookCallback(turn: Turn, reason: LiveReason, receipt: string | undefined, wantsText: boolean) {
    const item = await this.#liveItem(turn, reason, receipt, 'callback');
    const queue = liveQueueFor(Boolean(turn.state.protected1367) || reason === 'section_1367');
    if (!item) return this.#itemMadeBefore(turn, queue);
    let text: 'agreed' | 'declined' | 'opted_out' | 'not_textable' | undefined;
    if (turn.state.s.step === 'text_ahead_offer') text = 'declined';
    if (wantsText && this.deps.textAhead) {
      const consent = await this.deps.textAhead.consent({
        itemId: item.id,
        phone: turn.call.from_number,
        language: turn.language,
        channel: 'voice_assistant',
      });
      text =
        consent.ok || consent.problem === 'already'
          ? 'agreed'
          : consent.problem === 'opted_out'
            ? 'opted_out'
            : 'not_textable';
    }
    if (text) turn.path.push(`text_ahead:${text}`);
    const place = await this.deps.callbacks!.request({
      itemId: item.id,
      phones: [turn.call.from_number],
      language: turn.language,
      source: 'voice_assistant',
      textAhead: text === 'agreed',
    });
    const when = new Intl.DateTimeFormat(turn.language === 'es' ? 'es-US' : 'en-US', {
      weekday: 'long',
      hour: 'numeric',
      minute: '2-digit',
      timeZone: place.timeZone,
      timeZoneName: 'long',
    }).format(place.earliestAt);
    turn.path.push('callback');
    turn.say(turn.tr('say.callback_placed', { position: place.position, time: when, number: item.number }));
    if (text) turn.say(turn.tr(`say.text_ahead_${text}`));
    return this.#end(turn, 'say.callback_goodbye', 'callback');
  }

  /**
   * The phone item of a call that reached a queue (routed by the rules; Section 1367 to Tier 3). As #finish does, the
   * transaction first claims the call's row for the item (only while the call has none; the row stays locked until
   * the item is in), so the same answer posted twice (a provider's retry), or the status callback of a hang-up at the
   * same time, makes one item and one callback: the request that does not get the row answers undefined.
   */
  async #liveItem(turn: Turn, reason: LiveReason, receipt: string | undefined, outcome: CallOutcome) {
    const t = turn.t(turn.language);
    const summary = receipt ? await caseSummaryByReceiptNumber(this.deps.db, receipt) : undefined;
    const item = await inTransaction(this.deps.db, async (trx) => {
      const claimed = await repo.claimCallForItem(trx, turn.call.call_sid, {
        itemId: this.deps.random.uuid(),
        outcome,
        fallback: outcome,
      });
      if (!claimed?.item_id) throw new ItemMadeMeanwhile();
      const history: History = {
        path: [...((claimed.path as string[] | null) ?? []), ...turn.path],
        inputs: [...((claimed.inputs as CallInput[] | null) ?? []), ...turn.inputs],
      };
      const routed = await this.deps.items.createRouted(
        {
          id: claimed.item_id,
          channel: 'phone',
          type: ITEM_TYPE[reason],
          urgent: reason === 'emergency',
          contact: { name: t('voice_assistant:item.caller'), email: '', phone: turn.call.from_number || null },
          language: turn.language,
          subject: t('voice_assistant:item.live_subject', { reason: t(`voice_assistant:reasons.${reason}`) }),
          description: this.#describe(turn, history, outcome),
          caseId: summary?.id ?? null,
          section1367: Boolean(turn.state.protected1367) || reason === 'section_1367',
          details: this.#details(turn, history, outcome),
        },
        trx,
      );
      return routed.item;
    }).catch((error: unknown) => {
      if (error instanceof ItemMadeMeanwhile) return undefined;
      throw error;
    });
    if (!item) {
      turn.itemMadeBefore = true;
      return undefined;
    }
    turn.itemId = item.id;
    return item;
  }

  /**
   * The answer of a request that found the call's item made by another (the same answer posted again by the provider,
   * or the hang-up's status callback first): what the call has, said again, and what happens next; never a second
   * item or callback. A call put through to an agent waits in its line again (the same call).
   */
  async #itemMadeBefore(turn: Turn, queue: 'tier1' | 'tier3') {
    const call = await repo.findCall(this.deps.db, turn.call.call_sid);
    const item = call?.item_id ? await this.deps.items.byId(call.item_id) : undefined;
    turn.go({ step: 'ended' });
    if (item && call?.outcome === 'queued') {
      turn.say(turn.tr('say.holding', { number: item.number }));
      turn.verbs.push({ verb: 'Enqueue', queue: `live-${call.live_queue ?? queue}` });
      return;
    }
    if (item && call?.outcome === 'callback') {
      turn.say(turn.tr('say.callback_already', { number: item.number }));
      turn.say(turn.tr('say.callback_goodbye'));
    } else turn.say(turn.tr('say.goodbye'));
    turn.verbs.push({ verb: 'Hangup' });
  }

  #describe(turn: Turn, history: History, outcome: CallOutcome): string {
    const t = turn.t(turn.language);
    return t('voice_assistant:item.description', {
      path: history.path.join(' > '),
      inputs: history.inputs.map((i) => `${i.step}: ${i.value || '-'}`).join('; ') || '-',
      outcome: t(`voice_assistant:outcomes.${outcome}`),
    });
  }

  #details(turn: Turn, history: History, outcome: CallOutcome): Record<string, unknown> {
    return {
      source: 'voice_assistant',
      ivr: {
        callSid: turn.call.call_sid,
        menuVersion: turn.call.menu_version,
        path: history.path,
        inputs: history.inputs,
        outcome,
      },
    };
  }

  /**
   * A call that ended without reaching a queue: a resolved item of the channel `voice_assistant` (self-served, or
   * left before anything was done), with the call's path, masked inputs and outcome. With `saveTurn`, the turn's
   * state, path steps and inputs are saved with it. Made once per call: answers undefined (and changes nothing) when
   * the call has an item already (a status callback and the last answer at the same time).
   *
   * The transaction first claims the call's row for an item whose id is chosen here (the guarded update that also
   * appends this answer and answers the whole path: no read of the row before), then inserts the item.
   */
  async #finish(
    turn: Turn,
    fallback: CallOutcome,
    saveTurn: boolean,
  ): Promise<{ item_id: string; outcome: CallOutcome; path: string[] } | undefined> {
    const sid = turn.call.call_sid;
    const t = turn.t(turn.language);
    const made = await inTransaction(this.deps.db, async (trx) => {
      const claimed = await repo.claimCallForItem(trx, sid, {
        itemId: this.deps.random.uuid(),
        outcome: turn.outcome ?? null,
        fallback,
        turn: saveTurn
          ? {
              language: turn.language,
              state: turn.state,
              path: turn.path,
              inputs: turn.inputs,
              ...(turn.liveQueue ? { live_queue: turn.liveQueue } : {}),
            }
          : undefined,
      });
      // The call has its item already (another request made it), or is not known: nothing is made.
      if (!claimed?.item_id || !claimed.outcome) throw new ItemMadeMeanwhile();
      const outcome = claimed.outcome;
      const history: History = {
        path: (claimed.path as string[] | null) ?? [],
        inputs: (claimed.inputs as CallInput[] | null) ?? [],
      };
      const info = history.path.find((p) => p.startsWith('info:'))?.slice(5) as InfoTopic | undefined;
      const type =
        history.path.includes('status:found') || history.path.includes('action:case_status')
          ? 'case_status'
          : info
            ? INFO_TYPE[info]
            : 'general_question';
      const contact = { name: t('voice_assistant:item.caller'), email: '', phone: claimed.from_number || null };
      const subject = t('voice_assistant:item.self_subject', { outcome: t(`voice_assistant:outcomes.${outcome}`) });
      const description = this.#describe(turn, history, outcome);
      const closing = {
        entry: { kind: 'voice_assistant_call', details: this.#details(turn, history, outcome) },
        resolution: outcome === 'self_served' ? 'answered' : 'no_action_needed',
      };
      // A call about a Section 1367 matter (said, or a protected case's receipt number) leaves a protected item:
      // Tier 3 only, even closed (CC-6).
      if (turn.state.protected1367) {
        const { item } = await this.deps.items.createRouted(
          {
            id: claimed.item_id,
            channel: 'voice_assistant',
            type,
            contact,
            language: turn.language,
            subject,
            description,
            section1367: true,
          },
          trx,
        );
        await this.deps.items.record(item.id, closing.entry, { status: 'closed', resolution: closing.resolution }, trx);
      } else {
        // Made closed as it is made: one insert of the item, one of its two entries.
        await this.deps.items.create(
          {
            id: claimed.item_id,
            channel: 'voice_assistant',
            type,
            queue: 'tier1',
            contact,
            language: turn.language,
            subject,
            description,
            dueInMs: 0,
          },
          trx,
          closing,
        );
      }
      return { item_id: claimed.item_id, outcome, path: history.path };
    }).catch((error: unknown) => {
      if (error instanceof ItemMadeMeanwhile) return undefined;
      throw error;
    });
    if (made)
      this.deps.log.info(
        { callSid: sid, outcome: made.outcome, path: made.path.join('>') },
        'voice assistant call ended',
      );
    return made;
  }
}

/** Rolls back the item of a call that got one from another request meanwhile. */
class ItemMadeMeanwhile extends Error {}

/** A default LiveAgents from configuration: `agents` per live queue, minus the phone calls they are working now. */
export function configuredAgents(db: DbHandle, agents: number): LiveAgents {
  return {
    staffed: () => Promise.resolve(agents),
    free: async (queue) => agents - (await queueLoad(db, queue, 'phone')).inProgress,
  };
}
