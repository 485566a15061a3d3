/**
 * The delivery benchmark's baseline (bench/delivery/run.ts starts it as its own process): a plain nodemailer loop.
 * It reads the first BASELINE_COUNT stored messages (recipient, subject, body) from the bench database and sends
 * them through a pooled nodemailer transport with the same number of connections as the worker, keeping up to
 * BASELINE_IN_FLIGHT sends queued, with no database writes, no jobs and no status. Prints one JSON line.
 * BASELINE_NODELAY=1: its connections are made by the app's `noDelaySocket` (Nagle's algorithm off, as the app's);
 * otherwise nodemailer makes them itself (its default).
 */
import nodemailer from 'nodemailer';
import pg from 'pg';
import { noDelaySocket } from '../../src/modules/notifications/transports.js';

async function main(): Promise<void> {
  const count = Number(process.env.BASELINE_COUNT);
  const inFlight = Number(process.env.BASELINE_IN_FLIGHT ?? 100);
  const maxConnections = Number(process.env.BASELINE_MAX_CONNECTIONS ?? 5);
  const client = new pg.Client({ connectionString: process.env.BASELINE_DATABASE_URL });
  await client.connect();
  const rows = (
    await client.query<{ id: string; recipient: string; subject: string; body: string }>(
      `SELECT id, recipient, subject, body FROM notification_messages WHERE template = 'case_status_changed' ORDER BY created_at, id LIMIT $1`,
      [count],
    )
  ).rows;
  await client.end();
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: Number(process.env.BASELINE_SMTP_PORT),
    secure: false,
    pool: true,
    maxConnections,
    ...(process.env.BASELINE_NODELAY === '1' ? { getSocket: noDelaySocket } : {}),
  } as nodemailer.TransportOptions);
  const from = 'Casedesk <no-reply@casedesk.localhost>';
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let errors = 0;
  const lane = async () => {
    while (next < rows.length) {
      const m = rows[next++]!;
      try {
        // The same headers the app sets, a baseline- prefix so the sink can tell the two apart.
        await transport.sendMail({
          from,
          to: m.recipient,
          subject: m.subject,
          text: m.body,
          messageId: `<baseline-${m.id}@casedesk>`,
        });
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  transport.close();
  process.stdout.write(
    `${JSON.stringify({ sent: rows.length - errors, errors, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
