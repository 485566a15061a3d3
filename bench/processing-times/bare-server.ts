/**
 * The baseline of the processing-times benchmark (run by bench/processing-times/run.ts in its own process): a bare
 * node:http handler serving the same JSON bodies as the app, from memory (BENCH_BODIES: a JSON file mapping each
 * path to its body, fetched from the app by the benchmark). No framework, no cache logic, no headers beyond the
 * content type and length. Prints `listening <port>`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const bodies = new Map(
  Object.entries(JSON.parse(readFileSync(process.env.BENCH_BODIES!, 'utf8')) as Record<string, string>).map(
    ([path, body]) => [path, Buffer.from(body)],
  ),
);
const NOT_FOUND = Buffer.from('{"data":null,"message":"Not found"}');

const server = http.createServer((req, res) => {
  const body = bodies.get(req.url ?? '/');
  res
    .writeHead(body ? 200 : 404, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': (body ?? NOT_FOUND).length,
    })
    .end(body ?? NOT_FOUND);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () =>
  console.log(`listening ${(server.address() as AddressInfo).port}`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
