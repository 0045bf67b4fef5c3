import { chmod } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { type FileStamp, stampOfEntry } from './fileStamp.js';
import { isSettledBy } from './settledStamp.js';

/**
 * A file this large costs more to hash again than the moments spent below to have its stamp
 * settle as it is written: a restored model or dataset is trusted by the next run at once.
 */
const settleLargerThan = 32 * 1024 * 1024;
const settleAttempts = 25;
const settlePauseMs = 2;

/**
 * The stamp of a file just written and given its mode, for the hash cache. A large one's status is
 * changed again, to the mode it already has, until its ctime shows the file system's clock past its
 * mtime (settledStamp.ts): the last write and the mode usually land within one tick of that clock.
 * Looking at the status between the two also makes file systems with fine-grained stamps on demand
 * (Linux 6.13 and later) stamp the change finely. Gives up quietly after about 50 ms.
 */
export async function stampAfterWriting(path: string, mode: number): Promise<FileStamp | undefined> {
  let stamp = stampOfEntry(path);
  if (stamp === undefined || stamp.size <= BigInt(settleLargerThan)) return stamp;
  for (let attempt = 0; attempt < settleAttempts && !isSettledBy(stamp.mtimeNs, stamp.ctimeNs); attempt++) {
    if (attempt > 0) await delay(settlePauseMs);
    await chmod(path, mode);
    stamp = stampOfEntry(path);
    if (stamp === undefined) return undefined;
  }
  return stamp;
}
