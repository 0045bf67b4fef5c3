import { lstatSync, realpathSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type FileStamp, stampOf } from '../hashing/index.js';
import { compareStrings } from '../core/commandKey.js';
import { toPosix } from '../core/declaredPath.js';
import { UsageError } from '../core/errors.js';
import { isNameTooLong, pathLimitExplanation, shortenedPath } from '../core/pathLimit.js';
import { printable } from '../core/printable.js';
import { isStagingName } from '../core/stagingName.js';
import { findUndecodableName, replacementCharacter, undecodableNameError } from './undecodableNames.js';

export interface WalkedFile {
  /** Relative to the walked directory, `/`-separated. */
  path: string;
  absolute: string;
  size: number;
  mode: number;
  /** For the hash cache: the walk looks at every file anyway. */
  stamp: FileStamp;
}

export interface WalkOptions {
  /** Deps follow links (their content is what the command reads); outputs refuse them. */
  followSymbolicLinks: boolean;
  /** Names the declared path in errors. */
  what: string;
}

/** Lists every regular file below a directory, sorted by path. */
export async function walkFiles(directory: string, options: WalkOptions): Promise<WalkedFile[]> {
  const files: WalkedFile[] = [];
  const visited = new Set<string>([realpathSync.native(directory)]);
  try {
    await walkInto(directory, '', options, visited, files);
  } catch (error) {
    if (!isNameTooLong(error)) throw error;
    // A tree nested deeper than the system can name: refused by name instead of failing half-way.
    const absolute = (error as NodeJS.ErrnoException).path ?? directory;
    const path = printable(shortenedPath(toPosix(relative(directory, absolute))));
    throw new UsageError(`${options.what} contains ${path}, whose path is too long: ${pathLimitExplanation(absolute)}`);
  }
  return files.sort((a, b) => compareStrings(a.path, b.path));
}

/**
 * The status of each entry is taken synchronously: a lookup the kernel answers from its caches
 * costs a few microseconds, where a round trip through the thread pool for each of 100,000 files
 * costs seconds. Reading a directory may wait on a disk, so that stays asynchronous.
 */
async function walkInto(directory: string, prefix: string, options: WalkOptions, visited: Set<string>, files: WalkedFile[]): Promise<void> {
  const entries = await readdir(directory);
  let namesChecked = false;
  for (const name of entries) {
    if (!namesChecked && name.includes(replacementCharacter)) {
      namesChecked = true;
      refuseUndecodableNames(directory, prefix, options);
    }
    // A restore in progress (or one killed) builds an output there: none of it is the workspace's.
    if (isStagingName(name)) continue;
    const absolute = join(directory, name);
    const path = prefix === '' ? name : `${prefix}/${name}`;
    let status = lstatSync(absolute, { bigint: true });
    if (status.isSymbolicLink()) {
      if (!options.followSymbolicLinks) {
        throw new UsageError(`${options.what} contains a symbolic link at ${printable(path)}: outputs must be regular files and directories; copy the target instead`);
      }
      try {
        status = statSync(absolute, { bigint: true });
      } catch {
        throw new UsageError(`${options.what} contains a broken symbolic link at ${printable(path)}: remove it or fix its target`);
      }
      if (status.isDirectory()) {
        const real = realpathSync.native(absolute);
        if (visited.has(real)) continue;
        visited.add(real);
      }
    }
    if (status.isDirectory()) await walkInto(absolute, path, options, visited, files);
    // Permission bits only: setuid, setgid and sticky bits are not part of what an output is.
    else if (status.isFile()) files.push({ path, absolute, size: Number(status.size), mode: Number(status.mode) & 0o777, stamp: stampOf(status) });
    else throw new UsageError(`${options.what} contains ${printable(path)}, which is not a regular file (a socket, device or pipe): remove it`);
  }
}

/** A name read as text holds U+FFFD: read the folder again as bytes to tell a name that is not UTF-8 from one that holds U+FFFD. */
function refuseUndecodableNames(directory: string, prefix: string, options: WalkOptions): void {
  const undecodable = findUndecodableName(directory);
  if (undecodable === undefined) return;
  throw undecodableNameError(`${options.what} contains`, prefix === '' ? undecodable : `${printable(prefix)}/${undecodable}`);
}
