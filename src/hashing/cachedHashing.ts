import { setImmediate as nextTurn } from 'node:timers/promises';
import { type FileDigests, type FileSha256 } from '../core/fileDigests.js';
import { filesBetweenTurns } from '../core/smallFiles.js';
import { type HashCache } from './hashCache.js';
import { type CachedDigests } from './hashCacheRecord.js';
import { hashFiles } from './hashPool.js';
import { type FileStamp, stampOfPath } from './fileStamp.js';
import { isSettled } from './settledStamp.js';
import { sha256OfFiles } from './sha256OfFiles.js';

/**
 * A file to hash and its stamp, taken before any of its bytes are read by whoever listed it (a walk
 * looks at every file anyway); without one, it is taken here.
 */
export interface StampedFile {
  path: string;
  stamp?: FileStamp | undefined;
}

/** A file's sha256, and whether it may be trusted for its stamp from now on (from the cache, or hashed with a settled stamp). */
export interface StampedSha256 extends FileSha256 {
  settled: boolean;
}

/**
 * The sha256 of each file, like sha256OfFiles, taken from the cache where it knows the file in its
 * present state; the others are hashed, and remembered. Without a cache, every file is read.
 */
export async function sha256OfFilesCached(paths: readonly string[], cache: HashCache | undefined): Promise<FileSha256[]> {
  return sha256OfStampedFiles(paths.map((path) => ({ path })), cache, Date.now());
}

/** md5, sha1 and sha256 of each file, like hashFiles, through the cache as above. */
export async function digestsOfFilesCached(paths: readonly string[], cache: HashCache | undefined): Promise<FileDigests[]> {
  return digestsOfStampedFiles(paths.map((path) => ({ path })), cache, Date.now());
}

/** As sha256OfFilesCached, for files whose stamps, where given, were all taken after `stampedFromMs`. */
export async function sha256OfStampedFiles(files: readonly StampedFile[], cache: HashCache | undefined, stampedFromMs: number): Promise<StampedSha256[]> {
  if (cache === undefined) return (await sha256OfFiles(files.map((file) => file.path))).map((digest) => ({ ...digest, settled: false }));
  const settled = new Set<number>();
  const results = await throughCache(await stampAll(files), cache, stampedFromMs, false, sha256OfFiles, (digests, size) => ({ size, sha256: digests.sha256 }), settled);
  // The results are this call's own objects: marked in place, rather than copied, for 100,000 files.
  results.forEach((result, index) => ((result as StampedSha256).settled = settled.has(index)));
  return results as StampedSha256[];
}

/** As digestsOfFilesCached, for files stamped as above. */
export async function digestsOfStampedFiles(files: readonly StampedFile[], cache: HashCache | undefined, stampedFromMs: number): Promise<FileDigests[]> {
  if (cache === undefined) return hashFiles(files.map((file) => file.path));
  return throughCache(await stampAll(files), cache, stampedFromMs, true, hashFiles, (digests, size) => ({ size, md5: digests.md5!, sha1: digests.sha1!, sha256: digests.sha256 }));
}

/**
 * Takes each file's digests from the cache or, in one batch for the rest, from `hash`; remembers
 * what hashing found under the stamp taken before. A file whose size is not its stamp's changed in
 * between and is not remembered. `settled` collects the files trusted for their stamps.
 */
async function throughCache<T extends FileSha256>(
  files: readonly StampedFile[],
  cache: HashCache,
  stampedFromMs: number,
  wantAll: boolean,
  hash: (paths: readonly string[]) => Promise<T[]>,
  fromCache: (digests: CachedDigests, size: number) => T,
  settled = new Set<number>(),
): Promise<T[]> {
  const results = new Array<T>(files.length);
  const missed: number[] = [];
  files.forEach(({ stamp }, index) => {
    const cached = stamp === undefined ? undefined : cache.lookup(stamp, wantAll);
    if (cached === undefined) return missed.push(index);
    results[index] = fromCache(cached, Number(stamp!.size));
    settled.add(index);
  });
  const hashed = await hash(missed.map((index) => files[index]!.path));
  missed.forEach((index, position) => {
    const result = (results[index] = hashed[position]!);
    const stamp = files[index]!.stamp;
    if (stamp === undefined || BigInt(result.size) !== stamp.size) return;
    cache.remember(stamp, result, stampedFromMs);
    if (isSettled(stamp, stampedFromMs)) settled.add(index);
  });
  return results;
}

/** Each file with its stamp, taken now where the caller had none, giving the event loop a turn now and then. */
async function stampAll(files: readonly StampedFile[]): Promise<StampedFile[]> {
  const stamped: StampedFile[] = [];
  for (const file of files) {
    stamped.push(file.stamp !== undefined ? file : { path: file.path, stamp: stampOfPath(file.path) });
    if (file.stamp === undefined && stamped.length % filesBetweenTurns === 0) await nextTurn();
  }
  return stamped;
}
