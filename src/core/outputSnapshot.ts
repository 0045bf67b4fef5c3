import { basename } from 'node:path';
import { lstat } from 'node:fs/promises';
import { type DeclaredPath } from './declaredPath.js';
import { UsageError } from './errors.js';
import { sha256OfFiles } from './sha256OfFiles.js';
import { treeHash, type TreeEntry } from './treeHash.js';
import { walkFiles } from './walkFiles.js';

export interface SnapshotFile extends TreeEntry {
  absolute: string;
}

/** An output as it is on disk: what a manifest will describe. */
export interface OutputSnapshot {
  output: string;
  kind: 'dir' | 'file';
  files: SnapshotFile[];
  tree: string;
  bytes: number;
}

export async function snapshotOutput(declared: DeclaredPath): Promise<OutputSnapshot> {
  const what = `output "${declared.relative}"`;
  const status = await lstat(declared.absolute).catch(() => undefined);
  if (status === undefined) {
    throw new UsageError(`${what} was not produced: the command must create it, or remove it from outputs`);
  }
  let kind: 'dir' | 'file';
  let found: { path: string; absolute: string; mode: number }[];
  if (status.isFile()) {
    kind = 'file';
    found = [{ path: basename(declared.absolute), absolute: declared.absolute, mode: status.mode & 0o777 }];
  } else if (status.isDirectory()) {
    kind = 'dir';
    found = await walkFiles(declared.absolute, { followSymbolicLinks: false, what });
  } else {
    throw new UsageError(`${what} is not a regular file or directory (a symbolic link, socket or device): outputs must be files or directories`);
  }
  const digests = await sha256OfFiles(found.map((file) => file.absolute));
  const files = found.map((file, index) => ({ path: file.path, absolute: file.absolute, size: digests[index]!.size, sha256: digests[index]!.sha256, mode: file.mode }));
  return {
    output: declared.relative,
    kind,
    files,
    tree: treeHash(files),
    bytes: files.reduce((total, file) => total + file.size, 0),
  };
}
