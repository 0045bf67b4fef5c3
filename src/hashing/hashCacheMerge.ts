import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { headerSize, isFileHeader, recordSize, usedAt } from './hashCacheRecord.js';
import { HashCacheTable } from './hashCacheTable.js';
import { baseName, listFolder, publish, readInto, recordsIn, removeQuietly } from './hashCacheFolder.js';

/** A claimed base still empty after this long belongs to a merge that died: it is passed over. */
const mergeInProgressMs = 60_000;
/** A temporary file this old belongs to a process that died while writing it. */
const abandonedTemporaryMs = 3_600_000;

/**
 * Folds the newest readable base and every journal into a new base of at most `limit` records
 * (the most recently used kept), then removes what it folded in. Damaged records are dropped on the
 * way, so a damaged file is rebuilt without them.
 *
 * Merges never overwrite one another: the new base's generation is claimed first by creating its
 * name exclusively, and a process that loses that race leaves everything as it was. A claimed
 * generation is empty until its base is renamed onto it, so a reader passes over it to the newest
 * readable base. A merger that did not read the newest base leaves the merge to a later flush
 * rather than build on an older one and remove journals only the newer one holds. Returns whether
 * this process merged.
 */
export function mergeFolder(directory: string, limit: number, nowMs = Date.now()): boolean {
  const listing = listFolder(directory);
  const highest = listing.bases[0] ?? 0;
  const table = new HashCacheTable(recordsIn(directory, [...listing.bases.slice(0, 1).map(baseName), ...listing.journals]));
  let merged: number | undefined;
  for (const generation of listing.bases) {
    if (readInto(join(directory, baseName(generation)), table).usable) {
      merged = generation;
      break;
    }
  }
  if (listing.bases.length > 0 && merged !== highest && !isAbandoned(join(directory, baseName(highest)), nowMs)) return false;
  for (const journal of listing.journals) readInto(join(directory, journal), table);
  const next = highest + 1;
  if (!claim(join(directory, baseName(next)))) return false;
  publish(directory, baseName(next), keptRecords(table, limit));
  for (const journal of listing.journals) removeQuietly(join(directory, journal));
  for (const generation of listing.bases) removeQuietly(join(directory, baseName(generation)));
  for (const name of listing.temporary) {
    if (ageMs(join(directory, name), nowMs) > abandonedTemporaryMs) removeQuietly(join(directory, name));
  }
  return true;
}

/** The intact record of each file, at most `limit` of them, the most recently used first. */
function keptRecords(table: HashCacheTable, limit: number): Buffer {
  let kept = [...table.indexed()].filter((index) => table.intact(index));
  if (kept.length > limit) {
    kept = kept.sort((a, b) => usedAt(table.bytes, b * recordSize) - usedAt(table.bytes, a * recordSize)).slice(0, limit);
  }
  const records = Buffer.allocUnsafe(kept.length * recordSize);
  kept.forEach((index, position) => table.bytes.copy(records, position * recordSize, index * recordSize, (index + 1) * recordSize));
  return records;
}

/** Creates `path` if nobody has: the right to write that generation. */
function claim(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', 0o600));
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a base newer than the one read may be passed over: a claim left empty longer than any
 * merge takes, or a file that is not a base. A claim still being written, or one that became a
 * base since it was looked at, is another merge's work: merging now would drop what it holds.
 */
function isAbandoned(path: string, nowMs: number): boolean {
  try {
    const status = statSync(path);
    if (status.size === 0) return nowMs - status.mtimeMs >= mergeInProgressMs;
    return !isFileHeader(readHeader(path));
  } catch {
    // Gone: another merge has written a newer base meanwhile.
    return false;
  }
}

function readHeader(path: string): Buffer {
  const header = Buffer.alloc(headerSize);
  const descriptor = openSync(path, 'r');
  try {
    readSync(descriptor, header, 0, headerSize, 0);
  } finally {
    closeSync(descriptor);
  }
  return header;
}

function ageMs(path: string, nowMs: number): number {
  try {
    return nowMs - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}
