import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files (notices as PDF, evidence uploads) behind one interface: the local disk by default, an S3-compatible
 * store (`storage-s3.ts`) in production. Keys are chosen by the application, never by users.
 */
export interface FileStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
}

const KEY = /^[a-z0-9][a-z0-9/_-]{0,200}\.[a-z0-9]{1,8}$/;

/**
 * Every store checks keys here, before any I/O: lower case, relative, no `..` or empty segment, an extension.
 * Returns the key; throws when it is not one.
 */
export function checkStorageKey(key: string): string {
  if (!KEY.test(key) || key.includes('..') || key.includes('//')) throw new Error(`not a storage key: ${key}`);
  return key;
}

export class LocalDiskStorage implements FileStorage {
  constructor(private readonly root: string) {}

  #path(key: string): string {
    return path.join(this.root, checkStorageKey(key));
  }

  /** Written to a temporary name, then renamed: a reader never sees half a file. */
  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.#path(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`; // two writers of one key never share it
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
