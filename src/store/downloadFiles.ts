import { mapConcurrently } from '../core/mapConcurrently.js';
import { silentProgress, type TransferProgress } from '../core/transferProgress.js';
import { type Remote } from '../remote/remote.js';
import { downloadInParts } from './downloadInParts.js';
import { blobKey, packKey } from './layout.js';
import { type DownloadTask, MemberWriter } from './memberWriter.js';
import { asStreamFailure } from './streamFailure.js';
import { rangedDownloadThreshold } from './transferPlan.js';

/** Members closer than this are fetched in one request: a small gap costs less than a request. */
const largestGapBytes = 1024 * 1024;

/** A run of bytes of one object to fetch in one GET, and the files it holds. */
interface RangeRead {
  objectKey: string;
  offset: number;
  length: number;
  /** Members in offset order, with their offsets. */
  members: { offset: number; writer: MemberWriter }[];
  /** A whole blob is read without a range, so bytes past its size show. */
  whole: boolean;
}

/**
 * Downloads files in as few requests as it can: each blob once (large ones in parallel ranged
 * parts), each pack in ranges that cover its wanted members, skipping gaps only where they are
 * large. Files with the same content are fetched once and copied.
 */
export async function downloadFiles(remote: Remote, tasks: readonly DownloadTask[], concurrency: number, progress: TransferProgress = silentProgress): Promise<void> {
  const blobs = new Map<string, DownloadTask[]>();
  // Each pack's members by offset. An empty file shares its offset with the next member, so the
  // files at one offset are grouped again by size and content; a string key for that costs tens of
  // megabytes on a restore of 100,000 files.
  const packs = new Map<string, Map<number, DownloadTask[][]>>();
  for (const task of tasks) {
    const file = task.file;
    if ('blob' in file) append(blobs, file.blob, task);
    else {
      let members = packs.get(file.pack);
      if (members === undefined) packs.set(file.pack, (members = new Map()));
      const atOffset = members.get(file.offset);
      const same = atOffset?.find((group) => group[0]!.file.size === file.size && group[0]!.file.sha256 === file.sha256);
      if (same !== undefined) same.push(task);
      else if (atOffset !== undefined) atOffset.push([task]);
      else members.set(file.offset, [[task]]);
    }
  }
  const reads: RangeRead[] = [];
  const large: { key: string; writer: MemberWriter }[] = [];
  for (const [sha256, group] of blobs) {
    const key = blobKey(sha256);
    const writer = new MemberWriter(group, key, remote.locate(key));
    if (writer.size >= rangedDownloadThreshold) large.push({ key, writer });
    else reads.push({ objectKey: key, offset: 0, length: writer.size, members: [{ offset: 0, writer }], whole: true });
  }
  for (const [sha256, members] of packs) reads.push(...packRanges(packKey(sha256), members, remote));
  // The bytes that will come over the network: each content once, and the small gaps read through.
  const bytes = large.reduce((sum, { writer }) => sum + writer.size, 0) + reads.reduce((sum, read) => sum + read.length, 0);
  progress.begin('restoring', bytes, tasks.length);
  try {
    // Large blobs first: each runs its own parallel parts, and the small reads fill the gaps.
    for (const { key, writer } of large) await downloadInParts(remote, key, writer, concurrency, progress);
    await mapConcurrently(reads, concurrency, (read) => readRange(remote, read, progress));
  } finally {
    progress.end();
  }
}

function append<K>(map: Map<K, DownloadTask[]>, key: K, task: DownloadTask): void {
  const group = map.get(key);
  if (group === undefined) map.set(key, [task]);
  else group.push(task);
}

function packRanges(objectKey: string, members: Map<number, DownloadTask[][]>, remote: Remote): RangeRead[] {
  const ordered = [...members.values()]
    .flat()
    .map((group) => ({ offset: (group[0]!.file as { offset: number }).offset, writer: new MemberWriter(group, objectKey, remote.locate(objectKey)) }))
    .sort((a, b) => a.offset - b.offset || a.writer.size - b.writer.size);
  const reads: RangeRead[] = [];
  for (const member of ordered) {
    const last = reads[reads.length - 1];
    const end = last === undefined ? 0 : last.offset + last.length;
    if (last !== undefined && member.offset - end <= largestGapBytes && member.offset >= end) {
      last.members.push(member);
      last.length = member.offset + member.writer.size - last.offset;
    } else {
      reads.push({ objectKey, offset: member.offset, length: member.writer.size, members: [member], whole: false });
    }
  }
  return reads;
}

/** Streams one range and splits it into its members, skipping the gaps between them. */
async function readRange(remote: Remote, read: RangeRead, progress: TransferProgress): Promise<void> {
  const stream = await remote.read(read.objectKey, read.whole ? undefined : { offset: read.offset, length: read.length });
  let position = read.offset;
  let index = 0;
  const current = (): { offset: number; writer: MemberWriter } | undefined => read.members[index];
  const finishDone = async (): Promise<void> => {
    while (current() !== undefined && current()!.offset + current()!.writer.size === position && current()!.offset <= position) {
      await current()!.writer.finish();
      progress.advance(0, current()!.writer.tasks.length);
      index++;
    }
  };
  try {
    await finishDone();
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let used = 0;
      while (used < chunk.length) {
        const member = current();
        if (member === undefined) {
          // Bytes after the last member: only a whole blob can have them, and then it is too long.
          await read.members[read.members.length - 1]!.writer.write(chunk.subarray(used));
          break;
        }
        const take = position < member.offset ? Math.min(member.offset - position, chunk.length - used) : Math.min(member.writer.remaining, chunk.length - used);
        if (position >= member.offset) await member.writer.write(chunk.subarray(used, used + take));
        used += take;
        position += take;
        progress.advance(take, 0);
        await finishDone();
      }
    }
    if (current() !== undefined) await current()!.writer.finish();
  } catch (error) {
    stream.destroy();
    await Promise.all(read.members.map((member) => member.writer.abandon()));
    throw asStreamFailure(error, remote, read.objectKey);
  }
}
