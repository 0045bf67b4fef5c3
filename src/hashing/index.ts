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
export { openSyncForReading, fillSync, closeDescriptor } from './hashFileAccess.js';
