import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { checkStorageKey, checkStoragePrefix, isStorageKey, type FileStorage, type StoredFile } from './storage.js';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** Another S3-compatible service (MinIO, Ceph...); AWS S3 when absent. */
  endpoint?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (MinIO and most other services). */
  forcePathStyle?: boolean;
  /** Objects are kept under `<prefix>/<key>`. */
  prefix?: string;
  /** Sent with every upload (`x-amz-server-side-encryption`). */
  serverSideEncryption?: 'AES256' | 'aws:kms';
  /**
   * More client options, over ours (tests: credentials, `maxAttempts`, `requestHandler` timeouts). Credentials
   * otherwise come from the SDK's standard chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web
   * identity, container or instance roles.
   */
  client?: S3ClientConfig;
}

type Sdk = Pick<
  typeof import('@aws-sdk/client-s3'),
  | 'GetObjectCommand'
  | 'PutObjectCommand'
  | 'DeleteObjectCommand'
  | 'ListObjectsV2Command'
  | 'CreateMultipartUploadCommand'
  | 'UploadPartCommand'
  | 'CompleteMultipartUploadCommand'
  | 'AbortMultipartUploadCommand'
> & { client: S3Client };

/** A streamed upload is sent in parts of this size (S3's smallest part): at most one part is held in memory. */
export const S3_PART_BYTES = 5 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};

export function contentTypeOf(key: string): string {
  return CONTENT_TYPES[key.slice(key.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}

/**
 * Files in a bucket of an S3-compatible store. The SDK is loaded on first use, never by the embedded default
 * (it is large, and warns about the Node version when a client is made).
 */
export class S3Storage implements FileStorage {
  readonly #prefix: string;
  #sdk: Promise<Sdk> | undefined;

  constructor(private readonly options: S3StorageOptions) {
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.#prefix = prefix ? `${prefix}/` : '';
  }

  /** The object key of a storage key (checked: a bad key never reaches the network). */
  objectKey(key: string): string {
    return this.#prefix + checkStorageKey(key);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const objectKey = this.objectKey(key);
    const { client, PutObjectCommand } = await this.#load();
    await client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: objectKey,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: contentTypeOf(key),
        ServerSideEncryption: this.options.serverSideEncryption,
      }),
    );
  }

  /**
   * Streamed in parts of S3_PART_BYTES: a source that ends within the first part is one PutObject; a longer one is
   * a multipart upload, aborted (its parts discarded by the store) when the source fails.
   */
  async putStream(key: string, source: AsyncIterable<Uint8Array>): Promise<number> {
    const objectKey = this.objectKey(key);
    const sdk = await this.#load();
    const { Bucket, ContentType, ServerSideEncryption } = {
      Bucket: this.options.bucket,
      ContentType: contentTypeOf(key),
      ServerSideEncryption: this.options.serverSideEncryption,
    };
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let written = 0;
    let uploadId: string | undefined;
    const parts: { ETag: string | undefined; PartNumber: number }[] = [];
    const sendPart = async (body: Buffer) => {
      if (!uploadId) {
        uploadId = (
          await sdk.client.send(
            new sdk.CreateMultipartUploadCommand({ Bucket, Key: objectKey, ContentType, ServerSideEncryption }),
          )
        ).UploadId;
        if (!uploadId) throw new Error('the store gave no upload id');
      }
      const PartNumber = parts.length + 1;
      const { ETag } = await sdk.client.send(
        new sdk.UploadPartCommand({
          Bucket,
          Key: objectKey,
          UploadId: uploadId,
          PartNumber,
          Body: body,
          ContentLength: body.length,
        }),
      );
      parts.push({ ETag, PartNumber });
    };
    try {
      for await (const chunk of source) {
        pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        pendingBytes += chunk.byteLength;
        written += chunk.byteLength;
        while (pendingBytes >= S3_PART_BYTES) {
          const all = Buffer.concat(pending);
          await sendPart(all.subarray(0, S3_PART_BYTES));
          const rest = all.subarray(S3_PART_BYTES);
          pending = rest.length ? [rest] : [];
          pendingBytes = rest.length;
        }
      }
      if (!uploadId) {
        const body = Buffer.concat(pending);
        await sdk.client.send(
          new sdk.PutObjectCommand({
            Bucket,
            Key: objectKey,
            Body: body,
            ContentLength: body.length,
            ContentType,
            ServerSideEncryption,
          }),
        );
        return written;
      }
      if (pendingBytes) await sendPart(Buffer.concat(pending));
      await sdk.client.send(
        new sdk.CompleteMultipartUploadCommand({
          Bucket,
          Key: objectKey,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      return written;
    } catch (error) {
      if (uploadId)
        await sdk.client
          .send(new sdk.AbortMultipartUploadCommand({ Bucket, Key: objectKey, UploadId: uploadId }))
          .catch(() => undefined);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    const { client, DeleteObjectCommand } = await this.#load();
    await client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: objectKey }));
  }

  async *list(prefix: string): AsyncIterable<StoredFile> {
    const from = this.#prefix + checkStoragePrefix(prefix);
    const { client, ListObjectsV2Command } = await this.#load();
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: from, ContinuationToken }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.#prefix.length);
        if (key && isStorageKey(key)) yield { key, modifiedAt: object.LastModified ?? new Date(0) };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async get(key: string): Promise<Buffer | undefined> {
    const objectKey = this.objectKey(key);
    const { client, GetObjectCommand } = await this.#load();
    try {
      const object = await client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: objectKey }));
      if (!object.Body) return Buffer.alloc(0);
      const bytes = await object.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  /** Closes the client's connections (tests; a process that ends needs nothing). */
  async close(): Promise<void> {
    const sdk = this.#sdk;
    this.#sdk = undefined;
    if (sdk) (await sdk.catch(() => undefined))?.client.destroy();
  }

  #load(): Promise<Sdk> {
    this.#sdk ??= import('@aws-sdk/client-s3').then(
      (s3) => {
        const { region, endpoint, forcePathStyle = false } = this.options;
        const client = new s3.S3Client({
          region,
          endpoint,
          forcePathStyle,
          // Without timeouts a store that stops answering would hold requests and jobs forever.
          requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
          // The SDK adds CRC32 checksums to every request by default (since 3.729); some S3-compatible services
          // refuse them, so against another endpoint checksums are sent only where the API requires one.
          ...(endpoint
            ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
            : {}),
          ...this.options.client,
        });
        return { ...s3, client };
      },
      (error: unknown) => {
        this.#sdk = undefined;
        throw error;
      },
    );
    return this.#sdk;
  }
}

/** NoSuchKey, or a 404 without a body naming it; a missing bucket is a configuration error, not a missing file. */
function isMissingObject(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e?.name === 'NoSuchKey') return true;
  return e?.$metadata?.httpStatusCode === 404 && e.name !== 'NoSuchBucket';
}
