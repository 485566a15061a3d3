import net from 'node:net';
import type nodemailer from 'nodemailer';

/**
 * How messages leave the machine. Email goes over SMTP; texts go through an SMS provider (Twilio-compatible
 * REST API). In the embedded default both are the developer outbox: nothing leaves, messages show at /dev/outbox.
 */

export interface OutgoingEmail {
  id: string;
  to: string;
  from: string;
  subject: string;
  text: string;
}

export interface OutgoingSms {
  id: string;
  to: string;
  body: string;
}

export interface SendResult {
  providerMessageId: string;
}

/** A failure the provider will not get over by retrying (bad address, rejected content): no retry. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export interface Mailer {
  readonly transport: string;
  send(message: OutgoingEmail): Promise<SendResult>;
  close?(): void;
}

export interface SmsProvider {
  readonly transport: string;
  send(message: OutgoingSms): Promise<SendResult>;
}

export class SmtpMailer implements Mailer {
  readonly transport = 'smtp';
  #transporter?: Promise<nodemailer.Transporter>;
  constructor(
    private readonly url: string,
    private readonly options: { maxConnections?: number } = {},
  ) {}
  /**
   * Made on the first message: nodemailer is loaded then, not at start. A pool of connections (ADR 5): each
   * message goes out on an open connection, up to `maxConnections` at once, instead of a connection per message.
   */
  #transport(): Promise<nodemailer.Transporter> {
    this.#transporter ??= Promise.all([import('nodemailer'), import('nodemailer/lib/shared/index.js')]).then(
      ([{ default: mailer }, shared]) =>
        mailer.createTransport({
          ...shared.parseConnectionUrl(smtpPoolUrl(this.url, this.options.maxConnections ?? 5)),
          getSocket: noDelaySocket,
        } as nodemailer.TransportOptions),
    );
    return this.#transporter;
  }
  async send(message: OutgoingEmail): Promise<SendResult> {
    try {
      const transporter = await this.#transport();
      const info = await transporter.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        // A stable Message-ID: receiving systems can recognize a retried message as the same one.
        messageId: `<${message.id}@casedesk>`,
      });
      return { providerMessageId: info.messageId };
    } catch (error) {
      const e = error as { responseCode?: number; message: string };
      // SMTP 5xx answers (other than 521/554 service-wide refusals) mean this message will never be accepted.
      if (
        e.responseCode &&
        e.responseCode >= 500 &&
        e.responseCode < 600 &&
        e.responseCode !== 521 &&
        e.responseCode !== 554
      ) {
        throw new PermanentDeliveryError(`SMTP ${e.responseCode}: ${e.message}`);
      }
      throw error;
    }
  }
  close(): void {
    void this.#transporter?.then(
      (t) => t.close(),
      () => undefined,
    );
  }
}

/**
 * The SMTP URL with the pool's settings as query parameters: nodemailer reads a URL's parameters as transport
 * options and ignores options passed beside a URL. Timeouts stay well under the delivery job's 120 s limit, so a
 * hung SMTP server fails the attempt instead of racing a takeover; a message whose connection closes under it is
 * tried on another connection twice at most. Parameters already in the URL win.
 */
export function smtpPoolUrl(url: string, maxConnections: number): string {
  const u = new URL(url);
  const set = (key: string, value: string) => {
    if (!u.searchParams.has(key)) u.searchParams.set(key, value);
  };
  set('pool', 'true');
  set('maxConnections', String(maxConnections));
  set('maxRequeues', '2');
  set('connectionTimeout', '15000');
  set('greetingTimeout', '15000');
  set('socketTimeout', '60000');
  return u.toString();
}

/**
 * nodemailer's `getSocket` for the pool: a connected TCP socket with Nagle's algorithm off. nodemailer writes a
 * message and its final "." separately; with Nagle's algorithm the "." waits for the server to acknowledge the
 * message, which a server delays by up to 40 ms: that capped each connection at about 20 messages a second.
 * nodemailer does TLS over this socket as over its own: at once for smtps, after STARTTLS otherwise (with the URL's
 * `tls.*` options and the host name for SNI).
 */
export function noDelaySocket(
  options: { host?: string; port?: number; secure?: boolean; connectionTimeout?: number },
  callback: (error: Error | null, socketOptions: { connection: net.Socket } | false) => void,
): void {
  let done = false;
  const finish = (error: Error | null, socket?: net.Socket) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (error) return callback(error, false);
    callback(null, { connection: socket! });
  };
  const socket = net.connect({
    host: options.host ?? 'localhost',
    port: Number(options.port) || (options.secure ? 465 : 587),
    noDelay: true,
  });
  const timer = setTimeout(() => {
    socket.destroy();
    finish(Object.assign(new Error('Connection timeout'), { code: 'ETIMEDOUT' }));
  }, options.connectionTimeout ?? 15_000);
  socket.on('error', (error) => finish(error)); // kept: nodemailer adds its own once it has the socket
  socket.once('connect', () => {
    socket.setKeepAlive(true);
    finish(null, socket);
  });
}

/** Keeps email on this machine: the message itself (already stored) is what /dev/outbox shows. */
export class OutboxMailer implements Mailer {
  readonly transport = 'outbox';
  async send(message: OutgoingEmail): Promise<SendResult> {
    return { providerMessageId: `outbox-${message.id}` };
  }
}

export class OutboxSmsProvider implements SmsProvider {
  readonly transport = 'outbox';
  async send(message: OutgoingSms): Promise<SendResult> {
    return { providerMessageId: `outbox-${message.id}` };
  }
}

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  from: string;
  baseUrl: string;
  /** Public URL of /hooks/sms/twilio/status, where the provider reports delivery. */
  statusCallbackUrl: string;
  timeoutMs?: number;
}

/** Twilio's Messages REST API (and anything that speaks it). */
export class TwilioSmsProvider implements SmsProvider {
  readonly transport = 'twilio';
  constructor(private readonly options: TwilioOptions) {}

  async send(message: OutgoingSms): Promise<SendResult> {
    const { accountSid, authToken, from, baseUrl, statusCallbackUrl } = this.options;
    const url = `${baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ To: message.to, From: from, Body: message.body, StatusCallback: statusCallbackUrl }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (response.ok && body.sid) return { providerMessageId: body.sid };
    const reason = `SMS provider ${response.status}${body.code ? ` (${body.code})` : ''}: ${body.message ?? response.statusText}`;
    if (response.status >= 400 && response.status < 500 && response.status !== 429)
      throw new PermanentDeliveryError(reason);
    throw new Error(reason);
  }
}

// ---- Voice: click-to-call through the provider's Calls API (issue 16, callbacks) --------------------------------

/** A bridged call: the provider rings the agent (`to`) and, when they answer, dials the customer. */
export interface OutgoingCall {
  id: string;
  /** The agent's phone (E.164). */
  to: string;
  /** The customer's number the agent is connected to (E.164). */
  customer: string;
  /** The caller id shown to both (the agency's number). */
  callerId: string;
}

export interface VoiceProvider {
  readonly transport: string;
  call(call: OutgoingCall): Promise<{ callId: string }>;
}

/** The TwiML the agent's leg runs when answered: dial the customer, showing the agency's number. */
export function bridgeTwiml(call: Pick<OutgoingCall, 'customer' | 'callerId'>): string {
  const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const callerId = call.callerId ? ` callerId="${esc(call.callerId)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Dial${callerId}><Number>${esc(call.customer)}</Number></Dial></Response>`;
}

/** Keeps calls on this machine (development and tests): the calls asked for, newest last. */
export class OutboxVoiceProvider implements VoiceProvider {
  readonly transport = 'outbox';
  readonly calls: (OutgoingCall & { twiml: string })[] = [];
  call(call: OutgoingCall): Promise<{ callId: string }> {
    this.calls.push({ ...call, twiml: bridgeTwiml(call) });
    if (this.calls.length > 100) this.calls.shift();
    return Promise.resolve({ callId: `outbox-call-${call.id}` });
  }
}

/** Twilio's Calls REST API (and anything that speaks it): `POST /2010-04-01/Accounts/{sid}/Calls.json`. */
export class TwilioVoiceProvider implements VoiceProvider {
  readonly transport = 'twilio';
  constructor(private readonly options: Omit<TwilioOptions, 'statusCallbackUrl'> & { statusCallbackUrl?: string }) {}

  async call(call: OutgoingCall): Promise<{ callId: string }> {
    const { accountSid, authToken, from, baseUrl } = this.options;
    const url = `${baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Calls.json`;
    const form = new URLSearchParams({ To: call.to, From: call.callerId || from, Twiml: bridgeTwiml(call) });
    if (this.options.statusCallbackUrl) form.set('StatusCallback', this.options.statusCallbackUrl);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const body = (await response.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (response.ok && body.sid) return { callId: body.sid };
    throw new Error(
      `Voice provider ${response.status}${body.code ? ` (${body.code})` : ''}: ${body.message ?? response.statusText}`,
    );
  }
}
