import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { GetObjectCommand, HeadObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import { createFileStorage } from '../deps.js';
import { LocalDiskStorage, type FileStorage } from './storage.js';
import { S3Storage, type S3StorageOptions } from './storage-s3.js';

const BUCKET = 'casedesk-files';
const work = mkdtempSync(path.join(tmpdir(), 'casedesk-storage-'));
let s3rver: S3rver;
let endpoint: string;
const clients: { close(): Promise<void> | void }[] = [];

/** The SDK's options for s3rver: its fixed credentials, path-style addresses, one attempt and short timeouts. */
function testClient(overrides: S3ClientConfig = {}): S3ClientConfig {
  return {
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
    ...overrides,
  };
}

function s3Storage(options: Partial<S3StorageOptions> = {}): S3Storage {
  const storage = new S3Storage({
    bucket: BUCKET,
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    client: testClient(),
    ...options,
  });
  clients.push(storage);
  return storage;
}

function rawClient(): S3Client {
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, ...testClient() });
  clients.push({ close: () => client.destroy() });
  return client;
}

/** A port nothing listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  s3rver = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: path.join(work, 's3rver'),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3rver.run();
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await s3rver?.close();
  rmSync(work, { recursive: true, force: true });
});

let disks = 0;
const stores: { name: string; make: () => FileStorage }[] = [
  { name: 'LocalDiskStorage', make: () => new LocalDiskStorage(path.join(work, `disk-${++disks}`)) },
  { name: 'S3Storage (s3rver)', make: () => s3Storage({ prefix: `run-${++disks}` }) },
];

describe.each(stores)('$name', ({ make }) => {
  it('gives back the bytes it was given, binary and large', async () => {
    const storage = make();
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const large = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < large.length; i++) large[i] = (i * 7919) % 251;
    await storage.put('notices/2026/all-bytes.pdf', all);
    await storage.put('evidence/large_file-1.tiff', large);
    expect((await storage.get('notices/2026/all-bytes.pdf'))?.equals(all)).toBe(true);
    expect((await storage.get('evidence/large_file-1.tiff'))?.equals(large)).toBe(true);
  });

  it('answers undefined for a key never stored', async () => {
    expect(await make().get('notices/missing.pdf')).toBeUndefined();
  });

  it('replaces a file stored again under the same key', async () => {
    const storage = make();
    await storage.put('notices/again.pdf', Buffer.from('first version, longer'));
    await storage.put('notices/again.pdf', Buffer.from('second'));
    expect((await storage.get('notices/again.pdf'))?.toString()).toBe('second');
  });

  it('stores an empty file', async () => {
    const storage = make();
    await storage.put('notices/empty.pdf', Buffer.alloc(0));
    expect((await storage.get('notices/empty.pdf'))?.length).toBe(0);
  });

  it('streams a file in chunks (more than one S3 part), and leaves nothing when the source fails midway (issue 13 point 8)', async () => {
    const storage = make();
    const chunk = (i: number) => Buffer.alloc(1024 * 1024, i % 251);
    async function* source(chunks: number, failAt?: number) {
      for (let i = 0; i < chunks; i++) {
        if (i === failAt) throw new Error('the client went away');
        yield chunk(i);
      }
    }
    expect(await storage.putStream('evidence/streamed.pdf', source(11))).toBe(11 * 1024 * 1024);
    expect(
      (await storage.get('evidence/streamed.pdf'))?.equals(
        Buffer.concat(Array.from({ length: 11 }, (_, i) => chunk(i))),
      ),
    ).toBe(true);
    expect(await storage.putStream('evidence/small.pdf', source(1))).toBe(1024 * 1024);
    await expect(storage.putStream('evidence/cut-short.pdf', source(11, 7))).rejects.toThrow('the client went away');
    await expect(storage.putStream('evidence/cut-early.pdf', source(3, 1))).rejects.toThrow('the client went away');
    expect(await storage.get('evidence/cut-short.pdf')).toBeUndefined();
    expect(await storage.get('evidence/cut-early.pdf')).toBeUndefined();
    const keys: string[] = [];
    for await (const f of storage.list('evidence/')) keys.push(f.key);
    expect(keys.sort()).toEqual(['evidence/small.pdf', 'evidence/streamed.pdf']);
  });

  it('lists the files under a prefix with their time, and deletes (twice is fine)', async () => {
    const storage = make();
    const before = Date.now() - 60_000;
    await storage.put('evidence/2026-11-23/a.pdf', Buffer.from('a'));
    await storage.put('evidence/2026-11-24/b.png', Buffer.from('b'));
    await storage.put('notices/c.pdf', Buffer.from('c'));
    const listed: { key: string; modifiedAt: Date }[] = [];
    for await (const f of storage.list('evidence/')) listed.push(f);
    expect(listed.map((f) => f.key).sort()).toEqual(['evidence/2026-11-23/a.pdf', 'evidence/2026-11-24/b.png']);
    expect(listed.every((f) => f.modifiedAt.getTime() >= before && f.modifiedAt.getTime() <= Date.now() + 60_000)).toBe(
      true,
    );
    await storage.delete('evidence/2026-11-23/a.pdf');
    await storage.delete('evidence/2026-11-23/a.pdf');
    expect(await storage.get('evidence/2026-11-23/a.pdf')).toBeUndefined();
    expect((await storage.get('notices/c.pdf'))?.toString()).toBe('c');
    const after: string[] = [];
    for await (const f of storage.list('evidence/')) after.push(f.key);
    expect(after).toEqual(['evidence/2026-11-24/b.png']);
    const none: string[] = [];
    for await (const f of storage.list('nothing-here/')) none.push(f.key);
    expect(none).toEqual([]);
    await expect(storage.delete('../x.pdf')).rejects.toThrow(/not a storage key/);
    await expect(
      (async () => {
        for await (const _ of storage.list('../')) void _;
      })(),
    ).rejects.toThrow(/not a storage prefix/);
  });

  it.each(['../x.pdf', 'a//b.pdf', 'UPPER.pdf', 'no-extension', '/absolute.pdf', 'a/../b.pdf', ''])(
    'refuses the key %j',
    async (key) => {
      const storage = make();
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/not a storage key/);
      await expect(storage.get(key)).rejects.toThrow(/not a storage key/);
    },
  );
});

describe('bad keys are refused before any I/O', () => {
  it('LocalDiskStorage creates nothing', async () => {
    const root = path.join(work, 'untouched');
    await expect(new LocalDiskStorage(root).put('../x.pdf', Buffer.from('x'))).rejects.toThrow(/not a storage key/);
    expect(existsSync(root)).toBe(false);
  });

  it('S3Storage sends nothing (an unreachable store still answers "not a storage key")', async () => {
    const storage = s3Storage({ endpoint: `http://127.0.0.1:${await closedPort()}` });
    await expect(storage.put('UPPER.pdf', Buffer.from('x'))).rejects.toThrow(/not a storage key/);
    await expect(storage.get('a//b.pdf')).rejects.toThrow(/not a storage key/);
  });
});

describe('S3Storage', () => {
  it('keeps objects under the prefix, with a content type from the extension', async () => {
    const storage = s3Storage({ prefix: '/tenant-a/files/' });
    await storage.put('notices/n-1.pdf', Buffer.from('%PDF-1.7'));
    await storage.put('evidence/e-1.jpeg', Buffer.from('jpeg'));
    await storage.put('evidence/e-2.bin', Buffer.from('bin'));
    const client = rawClient();
    const pdf = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tenant-a/files/notices/n-1.pdf' }));
    expect(await pdf.Body?.transformToString()).toBe('%PDF-1.7');
    expect(pdf.ContentType).toBe('application/pdf');
    expect(
      (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'tenant-a/files/evidence/e-1.jpeg' })))
        .ContentType,
    ).toBe('image/jpeg');
    expect(
      (await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'tenant-a/files/evidence/e-2.bin' })))
        .ContentType,
    ).toBe('application/octet-stream');
    // Not at the bucket's root, and not visible through another prefix.
    await expect(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'notices/n-1.pdf' }))).rejects.toThrow();
    expect(await s3Storage({ prefix: 'tenant-b' }).get('notices/n-1.pdf')).toBeUndefined();
    expect((await s3Storage({ prefix: 'tenant-a/files' }).get('notices/n-1.pdf'))?.toString()).toBe('%PDF-1.7');
  });

  it('asks for server-side encryption when configured', async () => {
    const send = vi.spyOn(S3Client.prototype, 'send');
    try {
      await s3Storage({ serverSideEncryption: 'AES256' }).put('notices/sse.pdf', Buffer.from('x'));
      await s3Storage().put('notices/plain.pdf', Buffer.from('x'));
      const inputs = send.mock.calls.map(
        ([command]) => command.input as { Key: string; ServerSideEncryption?: string },
      );
      expect(inputs.find((i) => i.Key === 'notices/sse.pdf')?.ServerSideEncryption).toBe('AES256');
      expect(inputs.find((i) => i.Key === 'notices/plain.pdf')?.ServerSideEncryption).toBeUndefined();
    } finally {
      send.mockRestore();
    }
  });

  it('fails (does not answer undefined) when the store cannot be reached, within a bounded time', async () => {
    const storage = s3Storage({ endpoint: `http://127.0.0.1:${await closedPort()}` });
    const started = Date.now();
    await expect(storage.get('notices/any.pdf')).rejects.toThrow();
    await expect(storage.put('notices/any.pdf', Buffer.from('x'))).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails when the bucket does not exist (a configuration error, not a missing file)', async () => {
    const storage = s3Storage({ bucket: 'no-such-bucket' });
    await expect(storage.get('notices/any.pdf')).rejects.toThrow();
  });
});

describe('createFileStorage', () => {
  it('keeps files on local disk by default, in an S3-compatible bucket with CASEDESK_FILES_STORE=s3', () => {
    expect(createFileStorage(loadConfig({}))).toBeInstanceOf(LocalDiskStorage);
    expect(createFileStorage(loadConfig({ CASEDESK_FILES_STORE: 's3', CASEDESK_S3_BUCKET: BUCKET }))).toBeInstanceOf(
      S3Storage,
    );
  });
});
