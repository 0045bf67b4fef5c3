import { createReadStream } from 'node:fs';
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { mapConcurrently } from '../core/mapConcurrently.js';

/** Files at least this large go up in parts, several at once: one stream cannot fill the link. */
export const multipartThreshold = 64 * 1024 * 1024;
const minimumPartSize = 16 * 1024 * 1024;
/** S3 allows at most this many parts, so very large files need larger parts. */
const maximumParts = 10_000;
const partsInFlight = 8;

export interface MultipartTarget {
  client: S3Client;
  bucket: string;
  key: string;
}

/**
 * Uploads a file in parts read straight from disk (never buffered whole), then completes the upload
 * with `If-None-Match: *` so that S3 refuses to replace an object that appeared meanwhile. A failed
 * upload is aborted so its parts do not linger in the bucket.
 */
export async function uploadInParts(target: MultipartTarget, file: string, size: number, ifAbsent: boolean): Promise<void> {
  const { client, bucket, key } = target;
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId!;
  try {
    const partSize = Math.max(minimumPartSize, Math.ceil(size / maximumParts));
    const count = Math.ceil(size / partSize);
    const parts = await mapConcurrently(
      Array.from({ length: count }, (_, index) => index),
      partsInFlight,
      async (index) => {
        const start = index * partSize;
        const length = Math.min(partSize, size - start);
        const body = createReadStream(file, { start, end: start + length - 1, highWaterMark: 1 << 20 });
        try {
          const answer = await client.send(
            new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: index + 1, Body: body, ContentLength: length }),
          );
          return { PartNumber: index + 1, ETag: answer.ETag };
        } finally {
          body.destroy();
        }
      },
    );
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...(ifAbsent ? { IfNoneMatch: '*' } : {}) }),
    );
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw error;
  }
}
