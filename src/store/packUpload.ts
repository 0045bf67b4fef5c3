import { createHash, hash } from 'node:crypto';
import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { closeDescriptor, fillSync, openSyncForReading } from '../hashing/index.js';
import { bytesBetweenTurns, readHereLimit } from '../core/smallFiles.js';
import { type SnapshotFile } from '../workspace/outputSnapshot.js';
import { type Remote, writeOrRepair } from '../remote/remote.js';
import { changedWhileSaving } from './changedWhileSaving.js';
import { packKey } from './layout.js';

export interface UploadedPack {
  sha256: string;
  /** Each member's offset in the pack, in member order. */
  offsets: number[];
  written: boolean;
}


/**
 * Assembles a pack in `buffer` (members are small and a pack is bounded, so one buffer can serve
 * pack after pack), checks each member against the sha256 it was snapshot with, names the pack by
 * its sha256 and writes it where absent. A file that changed since it was hashed stops the save: a
 * manifest must never describe bytes it does not point to.
 */
export async function uploadPack(remote: Remote, output: string, members: readonly SnapshotFile[], damaged: ReadonlySet<string>, buffer: Buffer): Promise<UploadedPack> {
  const total = members.reduce((sum, member) => sum + member.size, 0);
  const bytes = buffer.subarray(0, total);
  const offsets: number[] = [];
  let offset = 0;
  let sinceTurn = 0;
  for (const member of members) {
    offsets.push(offset);
    const target = bytes.subarray(offset, offset + member.size);
    const complete = member.size > readHereLimit ? await readLarge(member, target) : readSmall(member, target);
    // One-shot hashing: no hash object per member for the garbage collector to find later.
    if (!complete || hash('sha256', target) !== member.sha256) {
      throw changedWhileSaving(output, member.path);
    }
    sinceTurn += member.size;
    if (sinceTurn >= bytesBetweenTurns) {
      sinceTurn = 0;
      await nextTurn();
    }
    offset += member.size;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const key = packKey(sha256);
  const written = await writeOrRepair(remote, key, { bytes, sha256 }, damaged.has(key));
  return { sha256, offsets, written };
}

/**
 * Fills `target` with the member's bytes and tells whether they were all there and no more: a file
 * of another size changed since it was hashed. Opened without blocking, so a file swapped for a
 * named pipe since then is refused instead of waited on forever.
 */
function readSmall(member: SnapshotFile, target: Buffer): boolean {
  const descriptor = openSyncForReading(member.absolute);
  try {
    return fillSync(descriptor, target) && readSync(descriptor, Buffer.alloc(1), 0, 1, target.length) === 0;
  } finally {
    closeDescriptor(descriptor);
  }
}

async function readLarge(member: SnapshotFile, target: Buffer): Promise<boolean> {
  const handle = await open(member.absolute, 'r');
  try {
    let filled = 0;
    while (filled < target.length) {
      const { bytesRead } = await handle.read(target, filled, target.length - filled, filled);
      if (bytesRead === 0) return false;
      filled += bytesRead;
    }
    return (await handle.read(Buffer.alloc(1), 0, 1, target.length)).bytesRead === 0;
  } finally {
    await handle.close();
  }
}
