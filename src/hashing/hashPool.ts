import { availableParallelism } from 'node:os';
import { type FileDigests, type FileSha256 } from '../core/fileDigests.js';
import { hashFile, sha256File } from './fileHash.js';
import { unreadableFileError } from './hashFileErrors.js';
import { HashWorkerPool } from './hashWorkerPool.js';
import { mapConcurrently } from '../core/mapConcurrently.js';



/** Files hashed at once by the single-threaded fallback, as the engine did before the pool. */
const mainThreadConcurrency = 16;

let sharedPool: HashWorkerPool | undefined;

/**
 * md5, sha1 and sha256 of each file, in the order given, reading each file once. On a machine with
 * two cores or more, the bytes are read once into shared memory and the digests are computed by two
 * worker threads: md5 on one and sha1 + sha256 on the other for a large file (they cost about the
 * same), whole small files on whichever is less busy. Rejects with a HashFileError naming the first
 * file that cannot be read, that is not a regular file, or that shrinks while being read; a file
 * that grows is hashed as the size it had when opened.
 */
export async function hashFiles(paths: readonly string[]): Promise<FileDigests[]> {
  // Starting workers for nothing would keep the process alive until they first went idle.
  if (paths.length === 0) return [];
  if (hashingWorkerCount() < 2) return mapConcurrently(paths, mainThreadConcurrency, (path) => hashFile(path).catch(rethrowNaming(path)));
  const results = await pool().hash(paths, ['md5', 'sha1', 'sha256']);
  return results.map(({ size, digests }) => ({ size, md5: digests.md5!, sha1: digests.sha1!, sha256: digests.sha256! }));
}

/** The sha256 and size of each file, in the order given; the files are spread over the workers, a large one hashed on one. */
export async function hashFilesSha256(paths: readonly string[]): Promise<FileSha256[]> {
  if (paths.length === 0) return [];
  if (hashingWorkerCount() < 2) return mapConcurrently(paths, mainThreadConcurrency, (path) => sha256File(path).catch(rethrowNaming(path)));
  const results = await pool().hash(paths, ['sha256']);
  return results.map(({ size, digests }) => ({ size, sha256: digests.sha256! }));
}

/**
 * Stops the worker threads now instead of after their idle delay, failing calls still in progress.
 * Never required for the process to exit: idle workers do not keep it alive. The next call starts
 * a new pool.
 */
export async function closeHashPool(): Promise<void> {
  const closing = sharedPool;
  sharedPool = undefined;
  await closing?.close();
}

/** Two workers at most: the design splits one file's digests in two halves of about equal cost. */
function hashingWorkerCount(): number {
  return Math.min(2, availableParallelism());
}

function pool(): HashWorkerPool {
  if (sharedPool === undefined || sharedPool.closed) {
    // A pool closed when idle would otherwise hold its 32 MiB ring until the next hashing.
    const created: HashWorkerPool = new HashWorkerPool(hashingWorkerCount(), () => {
      if (sharedPool === created) sharedPool = undefined;
    });
    sharedPool = created;
  }
  return sharedPool;
}

function rethrowNaming(path: string): (error: unknown) => never {
  return (error) => {
    throw unreadableFileError(path, error);
  };
}

