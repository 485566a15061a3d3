import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files (notices as PDF today; evidence uploads next) behind one interface: the local disk by default, an
 * S3-compatible store for production later. Keys are chosen by the application, never by users.
 */
export interface FileStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
}

const KEY = /^[a-z0-9][a-z0-9/_-]{0,200}\.[a-z0-9]{1,8}$/;

export class LocalDiskStorage implements FileStorage {
  constructor(private readonly root: string) {}

  #path(key: string): string {
    if (!KEY.test(key) || key.includes('..') || key.includes('//')) throw new Error(`not a storage key: ${key}`);
    return path.join(this.root, key);
  }

  /** Written to a temporary name, then renamed: a reader never sees half a file. */
  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.#path(key);
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
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
