import { createHash } from 'node:crypto';
import { type PackSizes } from '../remote/remote.js';

/**
 * Sizes that decide how files travel. Small files go in packs, because one request per small file
 * is what makes other tools slow on image sets and shards; large files are blobs of their own,
 * deduplicated across outputs and runs, and moved in parallel parts.
 */
export const packMemberLimit = 4 * 1024 * 1024;
/** A pack is closed at a boundary once it holds this much… */
export const packMinimumBytes = 24 * 1024 * 1024;
/** …and always at this much. Packs are assembled in memory, so this bounds memory per pack. */
export const packMaximumBytes = 32 * 1024 * 1024;
/** Blobs at least this large are downloaded in parallel ranged parts. */
export const rangedDownloadThreshold = 64 * 1024 * 1024;
const mebibyte = 1024 * 1024;
/** Ranged parts of a large blob are at least this large (S3's advice for ranged GETs is 8–16 MB)… */
const minimumDownloadPart = 8 * mebibyte;
/** …and at most this large, so a part lost to a broken connection costs little to fetch again. */
const maximumDownloadPart = 32 * mebibyte;
/** Parts per blob to aim for: enough that the parts in flight stay busy until the blob's end. */
const downloadPartsPerBlob = 32;

/**
 * The size of each ranged part of a blob of `size` bytes: a thirty-second of it, in whole MiB, within
 * 8–32 MiB. Each request has a cost of its own on both ends: restoring 1 GiB from s3rver in 8 MiB
 * parts (128 requests) took 4.1 s of client CPU and 3.5 s of server CPU, in 32 MiB parts 3.6 s and 2.9 s.
 */
export function downloadPartSize(size: number): number {
  const share = Math.ceil(size / downloadPartsPerBlob / mebibyte) * mebibyte;
  return Math.min(maximumDownloadPart, Math.max(minimumDownloadPart, share));
}
/** The pack sizes of a backend that does not choose its own (Remote.packing). */
export const defaultPacking: PackSizes = { memberLimit: packMemberLimit, minimumBytes: packMinimumBytes, maximumBytes: packMaximumBytes };
/** Packs assembled at once: each holds up to its maximum size in memory. */
export const packsInFlight = 2;

export interface PackCandidate {
  path: string;
  size: number;
}

/**
 * Groups small files into packs in path order. Where a pack ends depends on the paths (a pack may
 * end after a file whose path hash has its low bits clear, once it holds packMinimumBytes), not on
 * running offsets alone, so a file that changes size shifts the boundaries of at most its own pack
 * and the next, not of every pack after it.
 */
export function planPacks<T extends PackCandidate>(files: readonly T[], sizes: PackSizes = defaultPacking): T[][] {
  const packs: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  const close = (): void => {
    packs.push(current);
    current = [];
    bytes = 0;
  };
  for (const file of files) {
    if (current.length > 0 && bytes + file.size > sizes.maximumBytes) close();
    current.push(file);
    bytes += file.size;
    if (bytes >= sizes.minimumBytes && isBoundary(file.path)) close();
  }
  if (current.length > 0) packs.push(current);
  return packs;
}

function isBoundary(path: string): boolean {
  return (createHash('sha256').update(path).digest()[0]! & 0x1f) === 0;
}
