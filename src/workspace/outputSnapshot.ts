import { basename } from 'node:path';
import { lstat } from 'node:fs/promises';
import { isDynamicPattern } from 'tinyglobby';
import { type DeclaredPath } from '../core/declaredPath.js';
import { UsageError } from '../core/errors.js';
import { isNameTooLong, pathLimitExplanation, shortenedPath } from '../core/pathLimit.js';
import { printable } from '../core/printable.js';
import { checkSavableNames } from '../core/savableNames.js';
import { currentHashCache, type FileStamp, sha256OfStampedFiles, stampOf } from '../hashing/index.js';
import { treeHash, type TreeEntry } from '../core/treeHash.js';
import { findUndecodablePath, undecodableNameError } from './undecodableNames.js';
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

export interface SnapshotOptions {
  /** Read every file, whatever the hash cache knows: what `stoat verify` does. */
  readEveryFile?: boolean;
}

/**
 * Lists and hashes an output. Its file names are checked against the rule every restore applies
 * before any file is read: an output no restore accepts is refused instead of saved. A file the
 * hash cache knows in its present state is not read.
 */
export async function snapshotOutput(declared: DeclaredPath, options: SnapshotOptions = {}): Promise<OutputSnapshot> {
  const what = `output "${printable(shortenedPath(declared.relative))}"`;
  const stampedFrom = Date.now();
  const status = await lstat(declared.absolute, { bigint: true }).catch((error: unknown) => {
    if (isNameTooLong(error)) throw new UsageError(`${what} is too long: ${pathLimitExplanation(declared.absolute)}`);
    return undefined;
  });
  if (status === undefined) throw notProducedError(declared, what);
  let kind: 'dir' | 'file';
  let found: { path: string; absolute: string; mode: number; stamp: FileStamp }[];
  if (status.isFile()) {
    kind = 'file';
    found = [{ path: basename(declared.absolute), absolute: declared.absolute, mode: Number(status.mode) & 0o777, stamp: stampOf(status) }];
  } else if (status.isDirectory()) {
    kind = 'dir';
    found = await walkFiles(declared.absolute, { followSymbolicLinks: false, what });
  } else {
    throw new UsageError(`${what} is not a regular file or directory (a symbolic link, socket or device): outputs must be files or directories`);
  }
  checkSavableNames(what, found.map((file) => file.path));
  const cache = options.readEveryFile === true ? undefined : currentHashCache();
  const digests = await sha256OfStampedFiles(found.map((file) => ({ path: file.absolute, stamp: file.stamp })), cache, stampedFrom);
  const files = found.map((file, index) => ({ path: file.path, absolute: file.absolute, size: digests[index]!.size, sha256: digests[index]!.sha256, mode: file.mode }));
  return {
    output: declared.relative,
    kind,
    files,
    tree: treeHash(files),
    bytes: files.reduce((total, file) => total + file.size, 0),
  };
}

/** Why an output is missing, when there is more to say than that the command did not write it. */
function notProducedError(declared: DeclaredPath, what: string): UsageError {
  // The working directory the declared path was resolved against: `absolute` ends with `relative`.
  if (declared.absolute.endsWith(declared.relative)) {
    const root = declared.absolute.slice(0, declared.absolute.length - declared.relative.length);
    const undecodable = findUndecodablePath(root, declared.relative);
    if (undecodable !== undefined) return undecodableNameError(`${what} names`, undecodable);
  }
  if (isDynamicPattern(declared.relative)) return globOutputError(declared.relative, what);
  return new UsageError(`${what} was not produced: the command must create it, or remove it from outputs`);
}

/** `out/*.txt` as an output: outputs are saved and restored whole, by path, so a glob names nothing. */
function globOutputError(pattern: string, what: string): UsageError {
  const segments = pattern.split('/');
  const folder = segments.slice(0, segments.findIndex((segment) => isDynamicPattern(segment))).join('/');
  const instead = folder === '' ? 'declare each file, or have the command write them into a folder and declare that folder' : `declare the folder "${printable(folder)}" instead`;
  return new UsageError(`${what} does not exist, and outputs are paths of files or folders, not globs: ${instead}`);
}
