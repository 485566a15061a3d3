import type { TestApp } from './harness.js';
import { isOptedOut } from '../src/modules/case-subscriptions/index.js';
import type { RoutedItemInput, ServiceItemRow } from '../src/modules/service-items/index.js';
import type { CallbackControl, CallbackSummary } from '../src/modules/text-ahead/ports.js';
import { TextAheadService } from '../src/modules/text-ahead/service.js';

/** What the fake callbacks module heard: each call with its callback id. */
export interface ControlCall {
  method: 'confirmed' | 'declined' | 'quit' | 'noReply';
  callbackId: string;
  at: Date;
}

/** A fake of the callbacks module's `CallbackControl` (issue 16's contract) that records what it is told. */
export class FakeControl implements CallbackControl {
  calls: ControlCall[] = [];
  known = new Map<string, CallbackSummary>();
  failNext = false;
  byId(callbackId: string) {
    return Promise.resolve(this.known.get(callbackId));
  }
  #record(method: ControlCall['method'], callbackId: string, at: Date) {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('callbacks refused'));
    }
    this.calls.push({ method, callbackId, at });
    return Promise.resolve();
  }
  confirmed(id: string, at: Date) {
    return this.#record('confirmed', id, at);
  }
  declined(id: string, at: Date) {
    return this.#record('declined', id, at);
  }
  quit(id: string, at: Date) {
    return this.#record('quit', id, at);
  }
  noReply(id: string, at: Date) {
    return this.#record('noReply', id, at);
  }
}

/** A Text Ahead service over the test app's database, clock, jobs and notifications, with a fake callbacks module. */
export function textAheadWith(t: TestApp, control: CallbackControl): TextAheadService {
  return new TextAheadService({
    db: t.deps.database.db,
    clock: t.clock,
    random: t.deps.random,
    jobs: t.deps.jobs,
    i18n: t.deps.i18n,
    notifications: t.services.notifications,
    control,
    isOptedOut,
  });
}

/** A phone call's service item. */
export async function phoneItem(t: TestApp, over: Partial<RoutedItemInput> = {}): Promise<ServiceItemRow> {
  const { item } = await t.services.serviceItems.createRouted({
    channel: 'phone',
    type: 'case_inquiry',
    contact: { name: 'Ana Caller', email: 'ana.caller@example.com', phone: '+12025550143' },
    language: 'en',
    subject: 'Where is my card?',
    description: 'Wants a call back about a lost card.',
    ...over,
  });
  return item;
}

let serial = 0;
/** A callback of an item as the callbacks module describes it. */
export function callbackOf(item: ServiceItemRow, phones: string[], language: 'en' | 'es' = 'en'): CallbackSummary {
  serial += 1;
  return {
    callbackId: `cb-${String(serial)}-${String(item.number)}`,
    itemId: item.id,
    itemNumber: Number(item.number),
    status: 'pending',
    language,
    phones,
    attempts: 0,
  };
}
