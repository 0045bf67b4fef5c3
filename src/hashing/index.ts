/**
 * Hashing, the one door into it: md5, sha1 and sha256 of files in one read each (the input-hash
 * report), the sha256 of files (outputs), the sha256 of a file as it is being written, and the pool
 * of worker threads behind them. Nothing outside this folder imports its other modules.
 */
export { hashFiles, closeHashPool } from './hashPool.js';
export { sha256OfFiles } from './sha256OfFiles.js';
export { TrailingHash } from './trailingHash.js';
/**
 * Reading a file into memory on this thread, opened without blocking so that a named pipe put where
 * a file was is refused instead of waited on: what a pack's members are read with.
 */
export { openSyncForReading, fillSync, closeDescriptor, filesOpenedForHashing } from './hashFileAccess.js';
/**
 * The hash cache: digests remembered by file stamp across runs, so that a file whose stamp has not
 * changed is not read again. The face chooses the folder (or none) for the process; hashing through
 * the *Cached functions uses it.
 */
export { HashCache, type HashCacheOptions, type HashCacheStatistics, rememberRestoredFrom } from './hashCache.js';
export { useHashCache, currentHashCache, closeHashCache } from './processHashCache.js';
export { sha256OfFilesCached, digestsOfFilesCached, sha256OfStampedFiles, digestsOfStampedFiles, type StampedFile, type StampedSha256 } from './cachedHashing.js';
export { type FileStamp, stampOf, stampOfEntry, stampOfPath } from './fileStamp.js';
export { stampAfterWriting } from './writtenStamp.js';
