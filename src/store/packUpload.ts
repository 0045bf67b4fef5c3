import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import { type SnapshotFile } from '../core/outputSnapshot.js';
import { type Remote } from '../remote/remote.js';
import { packKey } from './layout.js';

export interface UploadedPack {
  sha256: string;
  /** Each member's offset in the pack, in member order. */
  offsets: number[];
  written: boolean;
}

/**
 * Assembles a pack in memory (members are small and a pack is bounded), checks each member against
 * the sha256 it was snapshot with, names the pack by its sha256 and writes it where absent. A file
 * that changed since it was hashed stops the save: a manifest must never describe bytes it does
 * not point to.
 */
export async function uploadPack(remote: Remote, output: string, members: readonly SnapshotFile[], damaged: ReadonlySet<string>): Promise<UploadedPack> {
  const total = members.reduce((sum, member) => sum + member.size, 0);
  const bytes = Buffer.allocUnsafe(total);
  const offsets: number[] = [];
  let offset = 0;
  for (const member of members) {
    offsets.push(offset);
    await readExactly(member, bytes.subarray(offset, offset + member.size), output);
    offset += member.size;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const key = packKey(sha256);
  let written = true;
  if (damaged.has(key)) await remote.replace(key, { bytes });
  else written = await remote.writeIfAbsent(key, { bytes }, true);
  return { sha256, offsets, written };
}

async function readExactly(member: SnapshotFile, target: Buffer, output: string): Promise<void> {
  const handle = await open(member.absolute, 'r');
  try {
    let filled = 0;
    while (filled < target.length) {
      const { bytesRead } = await handle.read(target, filled, target.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const extra = await handle.read(Buffer.alloc(1), 0, 1, target.length);
    if (filled !== target.length || extra.bytesRead !== 0 || createHash('sha256').update(target).digest('hex') !== member.sha256) {
      throw new UsageError(`output "${output}" changed while it was being saved (${member.path}): run the step again once nothing writes to it`);
    }
  } finally {
    await handle.close();
  }
}
