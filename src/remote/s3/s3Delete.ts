import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { mapConcurrently } from '../../core/mapConcurrently.js';

/** S3 deletes at most this many keys in one DeleteObjects request. */
export const keysPerDeleteRequest = 1000;
/** Requests at once: a prune of millions of objects is bounded by requests, not bytes. */
const requestsInFlight = 4;

export interface DeleteTarget {
  client: S3Client;
  bucket: string;
  /** The remote's key prefix inside the bucket, empty or ending in `/`. */
  prefix: string;
}

/** A key S3 did not delete, and its answer for it. */
export interface RefusedDelete {
  key: string;
  reason: string;
}

/**
 * Deletes keys (relative to the remote) in DeleteObjects requests of up to 1,000. Quiet mode: S3
 * answers only with the keys it refused, each with its own code (AccessDenied for one key need not
 * stop the others). A key that is already gone counts as deleted, as S3 itself counts it.
 */
export async function deleteInBatches(target: DeleteTarget, keys: readonly string[]): Promise<RefusedDelete[]> {
  const batches: string[][] = [];
  for (let start = 0; start < keys.length; start += keysPerDeleteRequest) batches.push(keys.slice(start, start + keysPerDeleteRequest));
  const answers = await mapConcurrently(batches, requestsInFlight, async (batch) => {
    const answer = await target.client.send(
      new DeleteObjectsCommand({ Bucket: target.bucket, Delete: { Objects: batch.map((key) => ({ Key: target.prefix + key })), Quiet: true } }),
    );
    return (answer.Errors ?? []).map((error) => ({
      key: (error.Key ?? '').slice(target.prefix.length),
      reason: [error.Code, error.Message].filter(Boolean).join(': ') || 'no reason given',
    }));
  });
  return answers.flat();
}
