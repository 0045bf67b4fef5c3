import { hash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { closeDescriptor, fillSync, openForHashing } from './hashFileAccess.js';
import { changedWhileHashingError, unreadableFileError } from './hashFileErrors.js';
import { type FileSha256 } from '../core/fileDigests.js';
import { filesBetweenTurns, readHereLimit } from '../core/smallFiles.js';
import { hashFilesSha256 } from './hashPool.js';


/**
 * The sha256 and size of each file, in the order given, like hashFilesSha256. For a file of a few
 * kilobytes, the round trips through the thread pool and the messages to the hashing workers cost
 * many times what hashing its bytes does, and an output of 100,000 such files kept that many tasks
 * alive at once: small files are read and hashed right here, synchronously, in microseconds each,
 * and only larger ones go to the pool. Rejects with a HashFileError naming a file that cannot be
 * read, that is not a regular file, or that shrinks while being read.
 */
export async function sha256OfFiles(paths: readonly string[]): Promise<FileSha256[]> {
  const results = new Array<FileSha256>(paths.length);
  const large: number[] = [];
  const scratch = Buffer.allocUnsafe(readHereLimit);
  for (let index = 0; index < paths.length; index++) {
    const small = sha256IfSmall(paths[index]!, scratch);
    if (small === undefined) large.push(index);
    else results[index] = small;
    if ((index + 1) % filesBetweenTurns === 0) await nextTurn();
  }
  const digests = await hashFilesSha256(large.map((index) => paths[index]!));
  large.forEach((index, position) => (results[index] = digests[position]!));
  return results;
}

/** The file's sha256 if it is small, undefined if it is not. A file that grows while being read is hashed as the size it had when opened. */
function sha256IfSmall(path: string, scratch: Buffer): FileSha256 | undefined {
  const opened = openForHashing(path);
  if ('error' in opened) throw opened.error;
  try {
    if (opened.size > scratch.length) return undefined;
    const bytes = scratch.subarray(0, opened.size);
    if (!fillSync(opened.descriptor, bytes)) throw changedWhileHashingError(path, opened.size);
    return { size: opened.size, sha256: hash('sha256', bytes) };
  } catch (error) {
    throw unreadableFileError(path, error);
  } finally {
    closeDescriptor(opened.descriptor);
  }
}
