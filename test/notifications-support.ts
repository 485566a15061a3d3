import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { TestApp } from './harness.js';
import type { NotificationMessage } from '../src/modules/notifications/tables.js';
import { findMessage, listStatusEvents } from '../src/modules/notifications/repository.js';

/** Helpers for the notifications tests: real local SMTP and HTTP servers, bounded polling, message reads. */

/** Polls `probe` until it answers something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 20_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await probe();
    if (value) return value;
    last = value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A TCP port nothing listens on (taken from the OS, then released). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ReceivedEmail {
  from: string | undefined;
  to: string[];
  raw: string;
  headers: Record<string, string>;
  subject: string;
  text: string;
}

export interface LocalSmtp {
  port: number;
  received: ReceivedEmail[];
  /** RCPT TO attempts, accepted or not. */
  recipients: string[];
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 (no TLS, no authentication). `rejectRecipient` answers RCPT TO with an SMTP error. */
export async function startSmtpServer(
  options: { port?: number; rejectRecipient?: (address: string) => { code: number; message: string } | undefined } = {},
): Promise<LocalSmtp> {
  const received: ReceivedEmail[] = [];
  const recipients: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      recipients.push(address.address);
      const rejection = options.rejectRecipient?.(address.address);
      if (rejection) {
        const error = Object.assign(new Error(rejection.message), { responseCode: rejection.code });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = parseEmail(raw);
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parsed,
        });
        callback();
      });
    },
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    recipients,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Just enough MIME for a single-part text message: unfolded headers, encoded words, QP/base64 body. */
export function parseEmail(raw: string): { headers: Record<string, string>; subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return { headers, subject: decodeWords(headers.subject ?? ''), text: text.replace(/\r\n/g, '\n').replace(/\n$/, '') };
}

function decodeQuotedPrintable(value: string): string {
  const soft = value.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const c = soft[i]!;
    if (c === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

export interface FakeTwilioRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

export interface FakeTwilio {
  baseUrl: string;
  requests: FakeTwilioRequest[];
  /** The next answers, in order; when none is left, 201 with a new sid. */
  answers: { status: number; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** A Twilio-compatible Messages endpoint on 127.0.0.1 that checks Basic auth and answers from a script. */
export async function startFakeTwilio(credentials: { accountSid: string; authToken: string }): Promise<FakeTwilio> {
  const requests: FakeTwilioRequest[] = [];
  const answers: FakeTwilio['answers'] = [];
  let next = 0;
  const expectedAuth = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
  const server: Server = createHttpServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      form,
    });
    const send = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== expectedAuth)
      return send(401, { code: 20003, message: 'Authenticate', status: 401 });
    if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${credentials.accountSid}/Messages.json`) {
      return send(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    }
    const scripted = answers.shift();
    if (scripted) return send(scripted.status, scripted.body);
    next += 1;
    return send(201, {
      sid: `SM${String(next).padStart(32, '0')}`,
      status: 'queued',
      to: form.To,
      from: form.From,
      body: form.Body,
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function readMessage(t: TestApp, id: string): Promise<NotificationMessage> {
  const message = await findMessage(t.deps.database.db, id);
  if (!message) throw new Error(`message ${id} not found`);
  return message;
}

export async function statusHistory(t: TestApp, id: string): Promise<string[]> {
  return (await listStatusEvents(t.deps.database.db, id)).map((e) => e.status);
}

/** Stops one app instance ("the process dies") and leaves its database open for the next instance. */
export async function stopAppKeepDatabase(t: TestApp): Promise<void> {
  await t.app.close();
  await t.deps.jobs.stop();
  t.deps.mailer.close?.();
}
