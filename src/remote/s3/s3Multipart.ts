import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { type ByteBudget } from '../../core/byteBudget.js';
import { type FileSource } from '../remote.js';
import { readSentBytes, SentContent } from '../sentContent.js';

/** Files at least this large go up in parts, several at once: one stream cannot fill the link. */
export const multipartThreshold = 64 * 1024 * 1024;
const minimumPartSize = 16 * 1024 * 1024;
/** S3 allows at most this many parts, so very large files need larger parts. */
const maximumParts = 10_000;

export interface MultipartTarget {
  client: S3Client;
  bucket: string;
  key: string;
  /** Bounds the part bytes held in memory by every upload in flight together. */
  budget: ByteBudget;
}

/**
 * Uploads a file in parts. The file is read front to back, each part into memory taken from the
 * budget, hashed and sent while the next part is read: so the sha256 is of exactly the bytes sent,
 * and a file that changed since it was hashed is caught before the upload is completed. Completion
 * sends `If-None-Match: *` so that S3 refuses to replace an object that appeared meanwhile. A failed
 * or refused upload is aborted, so nothing is stored and its parts do not linger in the bucket.
 */
export async function uploadInParts(target: MultipartTarget, source: FileSource, ifAbsent: boolean): Promise<void> {
  const { client, bucket, key, budget } = target;
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId!;
  const uploads: Promise<{ PartNumber: number; ETag: string | undefined }>[] = [];
  try {
    const partSize = Math.max(minimumPartSize, Math.ceil(source.size / maximumParts));
    const sent = new SentContent(source);
    const spare: Buffer[] = [];
    let failed = false;
    for (let start = 0, number = 1; start < source.size && !failed; start += partSize, number++) {
      const length = Math.min(partSize, source.size - start);
      await budget.acquire(length);
      if (failed) {
        budget.release(length);
        break;
      }
      const buffer = spare.pop() ?? Buffer.allocUnsafeSlow(partSize);
      const body = buffer.subarray(0, length);
      try {
        await readSentBytes(source, start, body, sent);
      } catch (error) {
        budget.release(length);
        throw error;
      }
      const upload = client
        .send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: number, Body: body, ContentLength: length }))
        .then((answer) => ({ PartNumber: number, ETag: answer.ETag }))
        .catch((error: unknown) => {
          failed = true;
          throw error;
        })
        .finally(() => {
          spare.push(buffer);
          budget.release(length);
        });
      // Seen by Promise.all below; a failure before then must not count as unhandled.
      upload.catch(() => undefined);
      uploads.push(upload);
    }
    const parts = await Promise.all(uploads);
    sent.check();
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts }, ...(ifAbsent ? { IfNoneMatch: '*' } : {}) }),
    );
  } catch (error) {
    await Promise.allSettled(uploads);
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw error;
  }
}
