import { endianness } from 'node:os';
import { resolve } from 'node:path';
import { HashCache } from './hashCache.js';

/**
 * The hash cache this process uses, chosen by the face (a folder, or none) when it sets a step up.
 * The layers that hash files ask here rather than having a cache handed down through every call:
 * one process runs under one choice. Whatever it learned is written when it is switched or closed,
 * and at the latest as the process exits.
 */
let current: HashCache | undefined;

/**
 * Uses the cache in `directory`, or none when undefined; the one in use before is flushed first.
 * Records are read through typed arrays in the machine's byte order and written little-endian, so a
 * big-endian machine (none that Node's releases build for) uses none.
 */
export function useHashCache(directory: string | undefined): HashCache | undefined {
  const wanted = directory === undefined || endianness() !== 'LE' ? undefined : resolve(directory);
  if (current?.directory === wanted) return current;
  closeHashCache();
  if (wanted !== undefined) {
    current = new HashCache(wanted);
    process.once('exit', flushAtExit);
  }
  return current;
}

/** The cache in use, or undefined when hashing reads every file. */
export function currentHashCache(): HashCache | undefined {
  return current;
}

/** Writes what the cache in use learned and stops using it. */
export function closeHashCache(): void {
  const closing = current;
  current = undefined;
  process.removeListener('exit', flushAtExit);
  closing?.flush();
}

function flushAtExit(): void {
  current?.flush();
}
