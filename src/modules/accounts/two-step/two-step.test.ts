import { createHash, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, lastMessage, PASSWORD, totpAt } from '../../../../test/accounts-support.js';
import { TestAgent } from '../../../../test/agent.js';
import { createTestApp, type TestApp } from '../../../../test/harness.js';
import { nextCodeAllowedAt } from './one-time-codes.js';
import { parsePhone } from './two-step.js';

/**
 * Two-step methods beyond the authenticator app: text-message and email codes (life, single use, resend limits,
 * the shared lockout, another account's code), phones, passkeys (verified by @simplewebauthn/server against a
 * software authenticator below that signs like a real one), managing methods and backup codes.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

let ipCounter = 0;
const nextIp = () => `10.77.${Math.floor(++ipCounter / 200)}.${ipCounter % 200}`;

/** The bodies of every message of a template to an address. */
async function bodiesOf(to: string, template: string): Promise<string[]> {
  const rows = await t.deps.database.db
    .selectFrom('notification_messages')
    .select('body')
    .where('recipient', '=', to)
    .where('template', '=', template)
    .execute();
  return rows.map((r) => r.body);
}

/** Every message of a template to an address, as text (several can share a fake-clock instant). */
const allBodies = async (to: string, template: string) => (await bodiesOf(to, template)).join('\n---\n');
const countMessages = async (to: string, template: string) => (await bodiesOf(to, template)).length;

/** The 6-digit code of the latest one-time-code message to an address or number. */
async function codeSentTo(to: string): Promise<string> {
  const message = await lastMessage(t, to, 'one_time_code');
  return /\b(\d{6})\b/.exec(message!.body)![1]!;
}

/** Email verified and password set: the agent is at "Set up two-step verification". */
async function startSignUp(email: string): Promise<TestAgent> {
  const agent = new TestAgent(t.app, nextIp());
  await agent.get('/account/sign-up');
  await agent.post('/account/sign-up', { email, kind: 'applicant' });
  const link = /\/account\/sign-up\/confirm\?token=\S+/.exec((await lastMessage(t, email, 'verify_email'))!.body)![0];
  await agent.get(link);
  await agent.post('/account/sign-up/confirm', { token: agent.$('input[name=token]').val() as string });
  await agent.get('/account/sign-up/password');
  const res = await agent.post('/account/sign-up/password', { password: PASSWORD, password_confirmation: PASSWORD });
  expect(res.headers.location).toBe('/account/sign-up/authenticator');
  return agent;
}

async function finishSignUp(agent: TestAgent): Promise<string[]> {
  const codes = agent
    .$('.casedesk-codes code')
    .map((_, c) => agent.$(c).text())
    .get();
  expect(codes).toHaveLength(10);
  const res = await agent.post('/account/sign-up/backup-codes', {});
  expect(res.headers.location).toBe('/account?welcome=1');
  return codes;
}

interface Person {
  agent: TestAgent;
  email: string;
  secret: string;
  backupCodes: string[];
  id: string;
}

async function signUpWithApp(email: string): Promise<Person> {
  const agent = await startSignUp(email);
  await agent.get('/account/sign-up/authenticator');
  const secret = agent.$('.casedesk-secret').text().replace(/\s/g, '');
  await agent.post('/account/sign-up/authenticator', { code: totpAt(t, secret) });
  const backupCodes = await finishSignUp(agent);
  const id = await accountIdOf(t, email);
  t.clock.advance(30_000); // the next TOTP step (a step is never accepted twice)
  return { agent, email, secret, backupCodes, id };
}

async function signUpWithPhone(email: string, phone: string): Promise<Person & { e164: string }> {
  const agent = await startSignUp(email);
  await agent.get('/account/sign-up/phone');
  const res = await agent.post('/account/sign-up/phone', { phone, label: 'Cell' });
  expect(res.statusCode).toBe(303);
  await agent.get(res.headers.location as string);
  const e164 = parsePhone(phone).ok ? (parsePhone(phone) as { e164: string }).e164 : '';
  const confirm = await agent.post('/account/sign-up/phone/confirm', {
    phone: agent.$('input[name=phone]').val() as string,
    code: await codeSentTo(e164),
  });
  expect(confirm.statusCode).toBe(200);
  const backupCodes = await finishSignUp(agent);
  const id = await accountIdOf(t, email);
  t.clock.advance(30_000); // past the resend interval of the sign-up's code
  return { agent, email, secret: '', backupCodes, id, e164 };
}

async function signIn(agent: TestAgent, email: string) {
  await agent.get('/account/sign-in');
  const res = await agent.post('/account/sign-in', { email, password: PASSWORD });
  expect(res.headers.location).toBe('/account/sign-in/code');
  return res;
}

/** From the second-step page: ask for a text-message code, answer the code's redirect. */
async function askForSmsCode(agent: TestAgent, base = '/account/sign-in') {
  await agent.get(`${base}/code?method=sms`);
  return agent.post(`${base}/code/send`, { method: 'sms', phone: agent.$('input[name=phone]').val() as string });
}

describe('phone numbers', () => {
  it('parses what people type into E.164 (US by default) and refuses what cannot be a number', () => {
    expect(parsePhone('(202) 555-0143')).toEqual({ ok: true, e164: '+12025550143' });
    expect(parsePhone('+52 55 1234 5678')).toEqual({ ok: true, e164: '+525512345678' });
    expect(parsePhone('')).toEqual({ ok: false, problem: 'required' });
    for (const bad of ['123', '555-1234', '+1 555', 'call me', '202-555-0143 ext', '١٢٣٤٥٦٧٨٩٠', '+'.padEnd(60, '9')])
      expect(parsePhone(bad).ok, bad).toBe(false);
  });

  it('answers a bad number with a clear error (never 5xx) and stores nothing', async () => {
    const agent = await startSignUp('badphone@example.com');
    for (const phone of ['', 'abc', '123', '+1 555', '<script>', 'x'.repeat(500), '+999 1234 5678']) {
      await agent.get('/account/sign-up/phone');
      const res = await agent.post('/account/sign-up/phone', { phone, label: '' });
      expect(res.statusCode, phone).toBe(400);
      expect(agent.errorSummary()[0], phone).toMatch(/Enter a phone number/);
    }
    const rows = await t.deps.database.db
      .selectFrom('account_phones')
      .innerJoin('accounts', 'accounts.id', 'account_phones.account_id')
      .select('e164')
      .where('email', '=', 'badphone@example.com')
      .execute();
    expect(rows).toEqual([]);
  });
});

describe('text-message codes', () => {
  it('sets up a phone at sign-up and signs in with a texted code; the number is stored verified in E.164', async () => {
    const person = await signUpWithPhone('texter@example.com', '(202) 555-0143');
    const phone = await t.deps.database.db
      .selectFrom('account_phones')
      .selectAll()
      .where('account_id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(phone).toMatchObject({ e164: '+12025550143', label: 'Cell' });
    expect(phone.verified_at).not.toBeNull();
    const codeRow = await t.deps.database.db
      .selectFrom('account_one_time_codes')
      .selectAll()
      .where('account_id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(codeRow.code_hash).toMatch(/^[0-9a-f]{64}$/); // only a hash is stored

    const agent = new TestAgent(t.app, nextIp());
    await signIn(agent, person.email);
    // Only a text-message method: that is what the second step offers, sending only on a POST.
    await agent.get('/account/sign-in/code');
    expect(agent.$('h1').text()).toBe('Get a code by text message');
    expect(agent.$('main').text()).toContain('***-***-0143');
    expect(agent.$('input[name=code]').length).toBe(0);
    const before = await countMessages('+12025550143', 'one_time_code');
    const sent = await askForSmsCode(agent);
    expect(sent.statusCode).toBe(303);
    expect(await countMessages('+12025550143', 'one_time_code')).toBe(before + 1);
    await agent.get(sent.headers.location as string);
    expect(agent.$('input[name=code]').length).toBe(1);
    const res = await agent.post('/account/sign-in/code', { method: 'sms', code: await codeSentTo('+12025550143') });
    expect(res.headers.location).toBe('/account');
  });

  it('expires a code after 10 minutes, uses it once, and replaces it with a resend', async () => {
    const person = await signUpWithPhone('expiry@example.com', '202-555-0144');
    const agent = new TestAgent(t.app, nextIp());
    await signIn(agent, person.email);
    await askForSmsCode(agent);
    const first = await codeSentTo(person.e164);
    t.clock.advance(10 * 60_000);
    await agent.get('/account/sign-in/code?method=sms');
    expect((await agent.post('/account/sign-in/code', { method: 'sms', code: first })).statusCode).toBe(400);
    expect(agent.errorSummary()[0]).toMatch(/not correct or has expired/);

    // A new code replaces the old one (a minute later: within the resend limits).
    await signIn(agent, person.email);
    await askForSmsCode(agent);
    const second = await codeSentTo(person.e164);
    t.clock.advance(31_000);
    await askForSmsCode(agent);
    const third = await codeSentTo(person.e164);
    if (second !== third) {
      await agent.get('/account/sign-in/code?method=sms');
      expect((await agent.post('/account/sign-in/code', { method: 'sms', code: second })).statusCode).toBe(400);
    }
    await agent.get('/account/sign-in/code?method=sms');
    expect((await agent.post('/account/sign-in/code', { method: 'sms', code: third })).headers.location).toBe(
      '/account',
    );

    // Single use: the same code in another sign-in is refused.
    const other = new TestAgent(t.app, nextIp());
    await signIn(other, person.email);
    await other.get('/account/sign-in/code?method=sms');
    expect((await other.post('/account/sign-in/code', { method: 'sms', code: third })).statusCode).toBe(400);
  });

  it('limits resends to one every 30 seconds and 5 an hour, saying when the next one may be asked for', async () => {
    const person = await signUpWithPhone('limits@example.com', '202-555-0145');
    t.clock.advance(3600_000); // the sign-up's own code is out of the hour
    const agent = new TestAgent(t.app, nextIp());
    await signIn(agent, person.email);
    const start = t.clock.now().getTime();
    expect((await askForSmsCode(agent)).statusCode).toBe(303);
    let res = await askForSmsCode(agent);
    expect(res.statusCode).toBe(429);
    expect(agent.errorSummary()[0]).toMatch(/You can ask for another code at \d{1,2}:\d{2} [AP]M/);
    expect(agent.$('input[name=code]').length).toBe(1); // the code already sent can still be entered
    for (let i = 0; i < 4; i++) {
      t.clock.advance(30_000);
      expect((await askForSmsCode(agent)).statusCode, `send ${i + 2}`).toBe(303);
    }
    t.clock.advance(30_000);
    res = await askForSmsCode(agent);
    expect(res.statusCode).toBe(429); // the sixth within the hour
    expect(nextCodeAllowedAt([new Date(start)], new Date(start + 1000))?.getTime()).toBe(start + 30_000);
    t.clock.set(new Date(start + 3600_000 + 1));
    await signIn(agent, person.email);
    expect((await askForSmsCode(agent)).statusCode).toBe(303);
  });

  it('never accepts the code of another account', async () => {
    const a = await signUpWithPhone('owner-a@example.com', '202-555-0146');
    const b = await signUpWithPhone('owner-b@example.com', '202-555-0147');
    const agentA = new TestAgent(t.app, nextIp());
    const agentB = new TestAgent(t.app, nextIp());
    await signIn(agentA, a.email);
    await signIn(agentB, b.email);
    await askForSmsCode(agentA);
    await askForSmsCode(agentB);
    const codeOfA = await codeSentTo(a.e164);
    const codeOfB = await codeSentTo(b.e164);
    await agentB.get('/account/sign-in/code?method=sms');
    if (codeOfA !== codeOfB)
      expect((await agentB.post('/account/sign-in/code', { method: 'sms', code: codeOfA })).statusCode).toBe(400);
    await agentA.get('/account/sign-in/code?method=sms');
    expect((await agentA.post('/account/sign-in/code', { method: 'sms', code: codeOfA })).headers.location).toBe(
      '/account',
    );
  });
});

describe('the shared lockout', () => {
  it('locks every method for 10 minutes after 10 wrong codes across methods, then accepts a code again', async () => {
    const person = await signUpWithApp('lockout@example.com');
    // A phone added from the account (re-authentication is fresh right after sign-up).
    await person.agent.get('/account/two-step/phone');
    const added = await person.agent.post('/account/two-step/phone', { phone: '202-555-0148', label: '' });
    expect(added.statusCode).toBe(303);
    await person.agent.get(added.headers.location as string);
    await person.agent.post('/account/two-step/phone/confirm', {
      phone: person.agent.$('input[name=phone]').val() as string,
      code: await codeSentTo('+12025550148'),
    });
    t.clock.advance(60_000);

    const agent = new TestAgent(t.app, nextIp());
    await signIn(agent, person.email);
    await askForSmsCode(agent);
    const good = await codeSentTo('+12025550148');
    const wrong = good === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await agent.get('/account/sign-in/code?method=sms');
      expect((await agent.post('/account/sign-in/code', { method: 'sms', code: wrong })).statusCode).toBe(400);
    }
    for (let i = 0; i < 5; i++) {
      await agent.get('/account/sign-in/code?method=totp');
      const res = await agent.post('/account/sign-in/code', { method: 'totp', code: String(100000 + i) });
      expect(res.statusCode).toBe(i < 4 ? 400 : 429);
    }
    await agent.get('/account/sign-in/code?method=sms');
    let res = await agent.post('/account/sign-in/code', { method: 'sms', code: good });
    expect(res.statusCode).toBe(429);
    expect(agent.errorSummary()[0]).toMatch(/locked until/);
    // Sending a code is refused too while locked.
    expect((await askForSmsCode(agent)).statusCode).toBe(429);
    t.clock.advance(10 * 60_000);
    await signIn(agent, person.email);
    await agent.get('/account/sign-in/code?method=totp');
    res = await agent.post('/account/sign-in/code', { method: 'totp', code: totpAt(t, person.secret) });
    expect(res.headers.location).toBe('/account');
  });
});

describe('email codes', () => {
  it('turns on email codes at sign-up (the weakest choice) and signs in with an emailed code', async () => {
    const email = 'mailer@example.com';
    const agent = await startSignUp(email);
    await agent.get('/account/sign-up/authenticator');
    expect(agent.$('a[href="/account/sign-up/email"]').length).toBe(1);
    await agent.get('/account/sign-up/email');
    let res = await agent.post('/account/sign-up/email', {});
    expect(res.headers.location).toBe('/account/sign-up/email/confirm');
    await agent.get('/account/sign-up/email/confirm');
    expect((await agent.post('/account/sign-up/email/confirm', { code: 'abcdef' })).statusCode).toBe(400);
    res = await agent.post('/account/sign-up/email/confirm', { code: await codeSentTo(email) });
    expect(res.statusCode).toBe(200);
    await finishSignUp(agent);
    t.clock.advance(30_000);

    const again = new TestAgent(t.app, nextIp());
    await signIn(again, email);
    await again.get('/account/sign-in/code');
    expect(again.$('h1').text()).toBe('Get a code by email');
    expect(again.$('main').text()).toContain('m•••@example.com');
    res = await again.post('/account/sign-in/code/send', { method: 'email' });
    expect(res.statusCode).toBe(303);
    await again.get(res.headers.location as string);
    res = await again.post('/account/sign-in/code', { method: 'email', code: await codeSentTo(email) });
    expect(res.headers.location).toBe('/account');
  });

  it('does not finish a sign-up without a confirmed method', async () => {
    const agent = await startSignUp('skipper@example.com');
    await agent.get('/account/sign-up/authenticator');
    const res = await agent.post('/account/sign-up/backup-codes', {});
    expect(res.headers.location).toBe('/account/sign-up/authenticator');
    const row = await t.deps.database.db
      .selectFrom('accounts')
      .select('activated_at')
      .where('email', '=', 'skipper@example.com')
      .executeTakeFirstOrThrow();
    expect(row.activated_at).toBeNull();
  });
});

describe('managing methods (/account/two-step)', () => {
  it('never removes the last method; removes one of two with a security event and an email notice', async () => {
    const person = await signUpWithApp('manager@example.com');
    let page = await person.agent.get('/account/two-step');
    expect(page.statusCode).toBe(200);
    expect(person.agent.$('h1').text()).toBe('Two-step verification');
    expect(person.agent.$('form[action="/account/two-step/remove"]').length).toBe(0);
    let res = await person.agent.post('/account/two-step/remove', { method: 'totp' });
    expect(res.statusCode).toBe(409);
    expect(person.agent.errorSummary()[0]).toMatch(/only method/);
    expect(
      await t.deps.database.db
        .selectFrom('account_totp')
        .select('confirmed_at')
        .where('account_id', '=', person.id)
        .executeTakeFirst(),
    ).toBeTruthy();

    await person.agent.get('/account/two-step/email');
    await person.agent.post('/account/two-step/email', {});
    await person.agent.get('/account/two-step/email/confirm');
    res = await person.agent.post('/account/two-step/email/confirm', { code: await codeSentTo(person.email) });
    expect(res.headers.location).toBe('/account/two-step?done=added');
    expect(await allBodies(person.email, 'two_step_changed')).toContain('Codes by email were turned on.');

    page = await person.agent.get('/account/two-step');
    expect(person.agent.$('form[action="/account/two-step/remove"]').length).toBe(2);
    res = await person.agent.post('/account/two-step/remove', { method: 'totp' });
    expect(res.headers.location).toBe('/account/two-step?done=removed');
    expect(await allBodies(person.email, 'two_step_changed')).toContain('The authentication app was removed.');
    const events = await t.deps.database.db
      .selectFrom('account_security_events')
      .select('kind')
      .where('account_id', '=', person.id)
      .where('kind', '=', 'two_step_method_removed')
      .execute();
    expect(events).toHaveLength(1);
    // Now email codes are the only method: they stay.
    await person.agent.get('/account/two-step');
    expect((await person.agent.post('/account/two-step/remove', { method: 'email' })).statusCode).toBe(409);
  });

  it('makes a new set of backup codes, shown once; every old code stops working', async () => {
    const person = await signUpWithApp('regen@example.com');
    await person.agent.get('/account/two-step');
    expect(person.agent.$('main').text()).toContain('You have 10 unused backup codes.');
    const res = await person.agent.post('/account/two-step/backup-codes', {});
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const fresh = person.agent
      .$('.casedesk-codes code')
      .map((_, c) => person.agent.$(c).text())
      .get();
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(person.backupCodes[0]);
    expect(await allBodies(person.email, 'two_step_changed')).toContain('new set of backup codes');

    const agent = new TestAgent(t.app, nextIp());
    await signIn(agent, person.email);
    await agent.get('/account/sign-in/code?method=backup');
    expect(
      (await agent.post('/account/sign-in/code', { method: 'backup', code: person.backupCodes[0]! })).statusCode,
    ).toBe(400);
    const ok = await agent.post('/account/sign-in/code', { method: 'backup', code: fresh[0]! });
    expect(ok.headers.location).toBe('/account?backup_codes_left=9');
  });

  it('needs a recent authentication for changes, and refuses forged forms', async () => {
    const person = await signUpWithApp('stale@example.com');
    // Active but 16 minutes since the sign-up's full authentication.
    for (let i = 0; i < 4; i++) {
      t.clock.advance(4 * 60_000);
      await person.agent.get('/account');
    }
    const res = await person.agent.post('/account/two-step/backup-codes', {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account/reauthenticate?next=%2Faccount%2Ftwo-step%2Fbackup-codes&again=1');
    expect((await person.agent.get('/account/two-step/phone')).headers.location).toBe(
      '/account/reauthenticate?next=%2Faccount%2Ftwo-step%2Fphone',
    );
    await person.agent.get('/account/two-step');
    expect((await person.agent.post('/account/two-step/backup-codes', { _csrf: null })).statusCode).toBe(403);
  });

  it('keeps another person out of the pages and methods', async () => {
    const anonymous = new TestAgent(t.app, nextIp());
    expect((await anonymous.get('/account/two-step')).headers.location).toBe('/account/sign-in');
    const a = await signUpWithApp('keeper-a@example.com');
    const b = await signUpWithPhone('keeper-b@example.com', '202-555-0149');
    const phoneOfB = await t.deps.database.db
      .selectFrom('account_phones')
      .select('id')
      .where('account_id', '=', b.id)
      .executeTakeFirstOrThrow();
    await a.agent.get('/account/two-step');
    const res = await a.agent.post('/account/two-step/remove', { method: 'sms', id: phoneOfB.id });
    expect(res.statusCode).toBe(400);
    expect(
      await t.deps.database.db
        .selectFrom('account_phones')
        .select('id')
        .where('id', '=', phoneOfB.id)
        .executeTakeFirst(),
    ).toBeTruthy();
  });
});

// -------------------------------------------------------------------------------------------------------------
// Passkeys, with a software authenticator: a P-256 key, "none" attestation, signatures over authData + clientData.
// -------------------------------------------------------------------------------------------------------------

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  readonly keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  counter = 0;
  constructor(
    readonly origin: string,
    readonly rpId: string,
  ) {}

  #authData(flags: number, attested?: Uint8Array): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts: Uint8Array[] = [
      new Uint8Array(createHash('sha256').update(this.rpId).digest()),
      Uint8Array.from([flags]),
      new Uint8Array(counter),
    ];
    if (attested) parts.push(new Uint8Array(attested));
    return Buffer.concat(parts);
  }

  #clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  register(options: { challenge: string }, origin?: string): string {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, isoBase64URL.toBuffer(jwk.x!)],
        [-3, isoBase64URL.toBuffer(jwk.y!)],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, Buffer.from(cose)]);
    const authData = this.#authData(0x45, attested); // user present, user verified, attested credential data
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', new Uint8Array(authData)],
      ]) as never,
    );
    const id = b64url(this.credentialId);
    return JSON.stringify({
      id,
      rawId: id,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(this.#clientData('webauthn.create', options.challenge, origin)),
        attestationObject: isoBase64URL.fromBuffer(attestationObject),
        transports: ['internal'],
      },
    });
  }

  assert(options: { challenge: string }, opts: { counterStep?: number } = {}): string {
    this.counter += opts.counterStep ?? 1;
    const authData = this.#authData(0x05);
    const clientData = this.#clientData('webauthn.get', options.challenge);
    const signature = createSign('SHA256')
      .update(Buffer.concat([authData, createHash('sha256').update(clientData).digest()]))
      .sign(this.keys.privateKey);
    const id = b64url(this.credentialId);
    return JSON.stringify({
      id,
      rawId: id,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
      },
    });
  }
}

async function postJson(agent: TestAgent, url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const token = agent.$('input[name=_csrf]').first().val() as string;
  const res = await t.app.inject({
    method: 'POST',
    url,
    headers: { cookie: agent.cookieHeader, 'x-csrf-token': token },
    remoteAddress: '10.77.250.1',
  });
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
}

describe('passkeys (WebAuthn)', () => {
  const rp = () => new URL(t.config.publicUrl);

  async function signUpWithPasskey(email: string): Promise<{ agent: TestAgent; key: SoftAuthenticator }> {
    const key = new SoftAuthenticator(rp().origin, rp().hostname);
    const agent = await startSignUp(email);
    await agent.get('/account/sign-up/authenticator');
    expect(agent.$('form[data-passkey=register]').attr('hidden')).toBeDefined(); // shown by passkeys.js only
    const options = await postJson(agent, '/account/sign-up/passkey/options');
    expect(options.status).toBe(200);
    expect(options.body.rp).toEqual({ name: 'Casedesk', id: rp().hostname });
    expect(options.body.authenticatorSelection).toMatchObject({
      residentKey: 'preferred',
      userVerification: 'preferred',
    });
    const res = await agent.post('/account/sign-up/passkey', {
      response: key.register(options.body as { challenge: string }),
    });
    expect(res.statusCode).toBe(200);
    await finishSignUp(agent);
    return { agent, key };
  }

  it('registers a passkey at sign-up and signs in with it, offered first; a replayed or stale assertion fails', async () => {
    const { key } = await signUpWithPasskey('passkey@example.com');
    const stored = await t.deps.database.db
      .selectFrom('account_passkeys')
      .innerJoin('accounts', 'accounts.id', 'account_passkeys.account_id')
      .selectAll('account_passkeys')
      .where('email', '=', 'passkey@example.com')
      .executeTakeFirstOrThrow();
    expect(stored.credential_id).toBe(b64url(key.credentialId));
    expect(stored.transports).toEqual(['internal']);

    const agent = new TestAgent(t.app, nextIp());
    await signIn(agent, 'passkey@example.com');
    await agent.get('/account/sign-in/code');
    expect(agent.$('h1').text()).toBe('Use your passkey');
    expect(agent.$('[data-passkey-nojs]').text()).toContain('JavaScript');
    expect(agent.$('script[src="/assets/webauthn/index.umd.min.js"]').length).toBe(1);
    const options = await postJson(agent, '/account/sign-in/passkey/options');
    expect((options.body.allowCredentials as { id: string }[]).map((c) => c.id)).toEqual([stored.credential_id]);
    const assertion = key.assert(options.body as { challenge: string });
    const res = await agent.post('/account/sign-in/passkey', { response: assertion });
    expect(res.headers.location).toBe('/account');
    const used = await t.deps.database.db
      .selectFrom('account_passkeys')
      .select(['counter', 'last_used_at'])
      .where('id', '=', stored.id)
      .executeTakeFirstOrThrow();
    expect(used.counter).toBe(1);
    expect(used.last_used_at).not.toBeNull();

    // Replay: the challenge was used up, and the counter would not move.
    const replay = new TestAgent(t.app, nextIp());
    await signIn(replay, 'passkey@example.com');
    await replay.get('/account/sign-in/code');
    await postJson(replay, '/account/sign-in/passkey/options');
    expect((await replay.post('/account/sign-in/passkey', { response: assertion })).statusCode).toBe(400);
    // A challenge lives 5 minutes.
    const late = await postJson(replay, '/account/sign-in/passkey/options');
    t.clock.advance(5 * 60_000 + 1000);
    await replay.get('/account/sign-in/code');
    expect(
      (await replay.post('/account/sign-in/passkey', { response: key.assert(late.body as { challenge: string }) }))
        .statusCode,
    ).toBe(400);
    expect(replay.errorSummary()[0]).toMatch(/took too long/);
  });

  it('refuses a passkey of another account, a wrong origin, and garbage (never 5xx)', async () => {
    const { key: keyOfA } = await signUpWithPasskey('passkey-a@example.com');
    const b = await signUpWithPasskey('passkey-b@example.com');
    const agent = new TestAgent(t.app, nextIp());
    await signIn(agent, 'passkey-b@example.com');
    await agent.get('/account/sign-in/code');
    let options = await postJson(agent, '/account/sign-in/passkey/options');
    expect(
      (await agent.post('/account/sign-in/passkey', { response: keyOfA.assert(options.body as { challenge: string }) }))
        .statusCode,
    ).toBe(400);
    for (const garbage of [
      '',
      'null',
      '{"id":"x"}',
      '{',
      '[]',
      JSON.stringify({ id: 'a', rawId: 'a', type: 'public-key', response: {} }),
    ]) {
      options = await postJson(agent, '/account/sign-in/passkey/options');
      expect((await agent.post('/account/sign-in/passkey', { response: garbage })).statusCode, garbage).toBe(400);
    }
    // Registration from another origin is refused.
    const evil = new SoftAuthenticator('https://evil.example', rp().hostname);
    const setup = await startSignUp('passkey-evil@example.com');
    await setup.get('/account/sign-up/authenticator');
    const reg = await postJson(setup, '/account/sign-up/passkey/options');
    expect(
      (
        await setup.post('/account/sign-up/passkey', {
          response: evil.register(reg.body as { challenge: string }, 'https://evil.example'),
        })
      ).statusCode,
    ).toBe(400);
    expect(b.key.counter).toBe(0);
  });

  it('adds, renames and removes a passkey from the account, each with a notice', async () => {
    const person = await signUpWithApp('passkey-manage@example.com');
    const key = new SoftAuthenticator(rp().origin, rp().hostname);
    await person.agent.get('/account/two-step');
    const options = await postJson(person.agent, '/account/two-step/passkey/options');
    let res = await person.agent.post('/account/two-step/passkey', {
      response: key.register(options.body as { challenge: string }),
    });
    expect(res.headers.location).toBe('/account/two-step?done=added');
    expect(await allBodies(person.email, 'two_step_changed')).toContain('A passkey was added');
    const { id } = await t.deps.database.db
      .selectFrom('account_passkeys')
      .select('id')
      .where('account_id', '=', person.id)
      .executeTakeFirstOrThrow();
    await person.agent.get(`/account/two-step/passkeys/${id}/rename`);
    expect((await person.agent.post(`/account/two-step/passkeys/${id}/rename`, { name: ' ' })).statusCode).toBe(400);
    expect(
      (await person.agent.post(`/account/two-step/passkeys/${id}/rename`, { name: 'x'.repeat(61) })).statusCode,
    ).toBe(400);
    res = await person.agent.post(`/account/two-step/passkeys/${id}/rename`, { name: 'My laptop' });
    expect(res.headers.location).toBe('/account/two-step?done=renamed');
    await person.agent.get('/account/two-step');
    expect(person.agent.$('table').text()).toContain('My laptop');
    res = await person.agent.post('/account/two-step/remove', { method: 'passkey', id });
    expect(res.headers.location).toBe('/account/two-step?done=removed');
    expect(await allBodies(person.email, 'two_step_changed')).toContain('A passkey was removed: My laptop.');
  });
});
