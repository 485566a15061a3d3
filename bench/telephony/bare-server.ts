/**
 * The baseline of the telephony benchmark (run by bench/telephony/run.ts in its own process): a bare node:http
 * handler that reads the request body and answers every POST with one fixed TwiML Say + Gather, no database, no
 * signature check, no framework. Prints `listening <port>`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const FIXED =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf speech" action="/hooks/voice/twilio/gather" method="POST" language="en-US" numDigits="1"><Say voice="Polly.Joanna" language="en-US">Main menu. For the status of your case, press 1.</Say></Gather><Redirect method="POST">/hooks/voice/twilio/gather</Redirect></Response>';

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () =>
    res
      .writeHead(200, { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(FIXED) })
      .end(FIXED),
  );
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  console.log(`listening ${(server.address() as AddressInfo).port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
