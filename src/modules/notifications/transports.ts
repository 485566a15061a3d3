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
    this.#transporter ??= import('nodemailer').then(({ default: mailer }) => mailer.createTransport(smtpPoolUrl(this.url, this.options.maxConnections ?? 5)));
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
      if (e.responseCode && e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 521 && e.responseCode !== 554) {
        throw new PermanentDeliveryError(`SMTP ${e.responseCode}: ${e.message}`);
      }
      throw error;
    }
  }
  close(): void {
    void this.#transporter?.then((t) => t.close(), () => undefined);
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
    if (response.status >= 400 && response.status < 500 && response.status !== 429) throw new PermanentDeliveryError(reason);
    throw new Error(reason);
  }
}
