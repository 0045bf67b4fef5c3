import { stat } from 'node:fs/promises';
import { glob, isDynamicPattern } from 'tinyglobby';
import { compareStrings } from './commandKey.js';
import { resolveDeclaredPath, toPosix } from './declaredPath.js';
import { printable } from './printable.js';
import { UsageError } from './errors.js';
import { walkFiles } from './walkFiles.js';
import { isAbsolute, relative } from 'node:path';

/** One expanded dependency file. */
export interface DependencyFile {
  /** Relative to the working directory, `/`-separated. */
  path: string;
  absolute: string;
}

/**
 * Expands `deps` entries (files, directories recursively, globs) into the sorted list of files the
 * key covers. An entry that matches nothing is an error: a typo would otherwise make a key that
 * ignores the file the user meant.
 */
export async function expandDependencies(workingDirectory: string, entries: readonly string[]): Promise<DependencyFile[]> {
  const found = new Map<string, string>();
  for (const entry of entries) {
    for (const file of await expandEntry(workingDirectory, entry)) found.set(file.path, file.absolute);
  }
  return [...found.keys()].sort(compareStrings).map((path) => ({ path, absolute: found.get(path)! }));
}

/**
 * Paths are checked as written: a dep must be named inside the working directory. Links are
 * followed, because a dataset linked in from a mounted volume is common and its content is what
 * the key covers.
 */
async function expandEntry(workingDirectory: string, entry: string): Promise<DependencyFile[]> {
  const what = `dep "${printable(entry)}"`;
  const declared = resolveDeclaredPath(workingDirectory, entry, 'dep');
  const status = await stat(declared.absolute).catch(() => undefined);
  if (status?.isFile()) return [{ path: declared.relative, absolute: declared.absolute }];
  if (status?.isDirectory()) {
    const files = await walkFiles(declared.absolute, { followSymbolicLinks: true, what });
    if (files.length === 0) throw new UsageError(`${what} is an empty directory: remove it from deps or put the files it should cover in it`);
    return files.map((file) => ({ path: `${declared.relative}/${file.path}`, absolute: file.absolute }));
  }
  if (status !== undefined) {
    throw new UsageError(`${what} is neither a file nor a directory: deps must be regular files, directories or globs`);
  }
  if (isDynamicPattern(entry)) return expandGlob(workingDirectory, entry, what);
  throw new UsageError(`${what} does not exist in ${workingDirectory}: check the path, or create it before this step`);
}

async function expandGlob(workingDirectory: string, pattern: string, what: string): Promise<DependencyFile[]> {
  const matches = await glob(pattern, { cwd: workingDirectory, dot: true, onlyFiles: true, followSymbolicLinks: true, absolute: true, expandDirectories: false });
  const files: DependencyFile[] = [];
  for (const absolute of matches) {
    const path = toPosix(relative(workingDirectory, absolute));
    if (path === '..' || path.startsWith('../') || isAbsolute(path)) {
      throw new UsageError(`${what} matches ${printable(absolute)}, outside the working directory ${workingDirectory}: narrow the pattern`);
    }
    files.push({ path, absolute });
  }
  if (files.length === 0) throw new UsageError(`${what} matches no file in ${workingDirectory}: check the pattern, or create the files before this step`);
  return files;
}
