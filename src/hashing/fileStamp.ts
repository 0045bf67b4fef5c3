import { type BigIntStats, lstatSync, statSync } from 'node:fs';

/**
 * What the hash cache knows a file by: the device and inode it lives on, its size, and when its
 * content (mtime) and its status (ctime) last changed, in nanoseconds. Any write changes mtime and
 * ctime; replacing the file changes the inode; setting mtime back by hand changes ctime. These are
 * the keys of git's index and of DVC's state database.
 */
export interface FileStamp {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export function stampOf(status: BigIntStats): FileStamp {
  return { dev: status.dev, ino: status.ino, size: status.size, mtimeNs: status.mtimeNs, ctimeNs: status.ctimeNs };
}

/**
 * The stamp of the regular file at `path` (a link followed, as reading it would), or undefined when
 * there is none or it cannot be looked at: the hashing that follows then says why.
 */
export function stampOfPath(path: string): FileStamp | undefined {
  return stampOfStatus(() => statSync(path, { bigint: true, throwIfNoEntry: false }));
}

/** Like stampOfPath, but the link itself is looked at, never followed. */
export function stampOfEntry(path: string): FileStamp | undefined {
  return stampOfStatus(() => lstatSync(path, { bigint: true, throwIfNoEntry: false }));
}

function stampOfStatus(look: () => BigIntStats | undefined): FileStamp | undefined {
  try {
    const status = look();
    return status?.isFile() ? stampOf(status) : undefined;
  } catch {
    return undefined;
  }
}

/** The same file in the same state: every key equal. */
export function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** The same file with the same content, whatever happened to its status since (a link, a chmod). */
export function sameContentStamp(a: FileStamp, b: FileStamp): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** A key for maps of files by identity: device and inode. */
export function fileIdentity(stamp: FileStamp): string {
  return `${stamp.dev}:${stamp.ino}`;
}
