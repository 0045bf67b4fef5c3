import { type FileStamp } from './fileStamp.js';

/**
 * git's "racy" rule. A write stamps a file's mtime with the file system's clock, which moves in
 * steps (2 s on FAT, 1 s on ext3 and HFS+, a scheduler tick elsewhere). A file written again within
 * the same step as the version that was hashed keeps its size and mtime: its stamp cannot tell the
 * two versions apart. So a hash is remembered only when the file's mtime is older than any step:
 * 2 s before hashing began covers FAT, the coarsest in use.
 */
export const racyWindowMs = 2000;

/**
 * The stamp proves itself when the file system's own clock has visibly moved past its mtime: its
 * ctime, stamped by the same clock at the same precision, is later. Any later write stamps mtime at
 * least that late, so it cannot leave mtime as it is. That holds only where ctime is the change time
 * at mtime's precision; FAT's ctime is the creation time, finer than its 2 s mtime. An mtime with
 * detail below the millisecond comes from a file system that stamps both finely (ext4, XFS, btrfs,
 * APFS, NTFS), never from FAT, exFAT, ext3 or HFS+.
 */
export function isSettled(stamp: FileStamp, hashStartedMs: number): boolean {
  return stamp.mtimeNs < BigInt(Math.floor(hashStartedMs) - racyWindowMs) * 1_000_000n || isSettledBy(stamp.mtimeNs, stamp.ctimeNs);
}

/**
 * Whether a time that the file's own file system stamped later (its ctime, or the ctime of a file
 * written beside it) shows the clock past `mtimeNs`, by the rule above.
 */
export function isSettledBy(mtimeNs: bigint, laterStampNs: bigint): boolean {
  return mtimeNs % 1_000_000n !== 0n && laterStampNs > mtimeNs;
}
