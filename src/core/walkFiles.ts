import { lstatSync, realpathSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compareStrings } from './commandKey.js';
import { UsageError } from './errors.js';

export interface WalkedFile {
  /** Relative to the walked directory, `/`-separated. */
  path: string;
  absolute: string;
  size: number;
  mode: number;
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
  await walkInto(directory, '', options, visited, files);
  return files.sort((a, b) => compareStrings(a.path, b.path));
}

/**
 * The status of each entry is taken synchronously: a lookup the kernel answers from its caches
 * costs a few microseconds, where a round trip through the thread pool for each of 100,000 files
 * costs seconds. Reading a directory may wait on a disk, so that stays asynchronous.
 */
async function walkInto(directory: string, prefix: string, options: WalkOptions, visited: Set<string>, files: WalkedFile[]): Promise<void> {
  const entries = await readdir(directory);
  for (const name of entries) {
    const absolute = join(directory, name);
    const path = prefix === '' ? name : `${prefix}/${name}`;
    let status = lstatSync(absolute);
    if (status.isSymbolicLink()) {
      if (!options.followSymbolicLinks) {
        throw new UsageError(`${options.what} contains a symbolic link at ${path}: outputs must be regular files and directories; copy the target instead`);
      }
      try {
        status = statSync(absolute);
      } catch {
        throw new UsageError(`${options.what} contains a broken symbolic link at ${path}: remove it or fix its target`);
      }
      if (status.isDirectory()) {
        const real = realpathSync.native(absolute);
        if (visited.has(real)) continue;
        visited.add(real);
      }
    }
    if (status.isDirectory()) await walkInto(absolute, path, options, visited, files);
    // Permission bits only: setuid, setgid and sticky bits are not part of what an output is.
    else if (status.isFile()) files.push({ path, absolute, size: status.size, mode: status.mode & 0o777 });
    else throw new UsageError(`${options.what} contains ${path}, which is not a regular file (a socket, device or pipe): remove it`);
  }
}
