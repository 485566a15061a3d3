import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Files (notices as PDF, evidence uploads) behind one interface: the local disk by default, an S3-compatible
 * store (`storage-s3.ts`) in production. Keys are chosen by the application, never by users.
 */
export interface FileStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  /**
   * Writes the bytes of `source` as they come (an upload is never held whole in memory) and answers how many were
   * written. When the source fails (a file over its limit, a client that went away) nothing is left under the key,
   * not even part of a file, and the source's error is thrown.
   */
  putStream(key: string, source: AsyncIterable<Uint8Array>): Promise<number>;
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the file; a key with no file is fine (deleting twice is safe). */
  delete(key: string): Promise<void>;
  /** The files whose keys start with `prefix` (a folder such as `evidence/`), with when each was last written. */
  list(prefix: string): AsyncIterable<StoredFile>;
}

export interface StoredFile {
  key: string;
  modifiedAt: Date;
}

const KEY = /^[a-z0-9][a-z0-9/_-]{0,200}\.[a-z0-9]{1,8}$/;
const PREFIX = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*\/$/;

/**
 * Every store checks keys here, before any I/O: lower case, relative, no `..` or empty segment, an extension.
 * Returns the key; throws when it is not one.
 */
export function checkStorageKey(key: string): string {
  if (!KEY.test(key) || key.includes('..') || key.includes('//')) throw new Error(`not a storage key: ${key}`);
  return key;
}

/** A folder of keys for `list`: lower-case segments ending with a slash (`evidence/`). */
export function checkStoragePrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) throw new Error(`not a storage prefix: ${prefix}`);
  return prefix;
}

/** Whether a name is one of the keys a store hands out (files of other shapes, e.g. temporary ones, are not). */
export function isStorageKey(key: string): boolean {
  return KEY.test(key) && !key.includes('..') && !key.includes('//');
}

export class LocalDiskStorage implements FileStorage {
  constructor(private readonly root: string) {}

  #path(key: string): string {
    return path.join(this.root, checkStorageKey(key));
  }

  /**
   * A temporary file beside the key's (two writers of one key never share it). Its name is itself a key under the
   * same folder, so one left by a crash is listed like any file that no record points at (the evidence sweep).
   */
  #temporary(file: string): string {
    return path.join(path.dirname(file), `tmp-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  }

  /** Written to a temporary name, then renamed: a reader never sees half a file. */
  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.#path(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = this.#temporary(file);
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  }

  /** Streamed to a temporary name, renamed when complete; removed when the source fails. */
  async putStream(key: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    const file = this.#path(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = this.#temporary(file);
    let written = 0;
    try {
      await pipeline(
        source,
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            written += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(temporary, { flags: 'wx' }),
      );
      await rename(temporary, file);
      return written;
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<StoredFile> {
    const top = path.join(this.root, checkStoragePrefix(prefix));
    const folders = [top];
    while (folders.length) {
      const folder = folders.pop()!;
      let entries;
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) folders.push(full);
        else if (entry.isFile()) {
          const key = path.relative(this.root, full).split(path.sep).join('/');
          if (!isStorageKey(key)) continue;
          try {
            yield { key, modifiedAt: (await stat(full)).mtime };
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted meanwhile
          }
        }
      }
    }
  }
}
