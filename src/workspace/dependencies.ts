import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { compareStrings } from '../core/commandKey.js';
import { type DeclaredPath, resolveDeclaredPath, toPosix } from '../core/declaredPath.js';
import { UsageError } from '../core/errors.js';
import { type FileStamp, stampOf } from '../hashing/index.js';
import { GlobWatch } from './globWatch.js';
import { isNameTooLong, pathLimitExplanation, shortenedPath } from '../core/pathLimit.js';
import { printable } from '../core/printable.js';
import { stagingPrefix } from '../core/stagingName.js';
import { findUndecodablePath, replacementCharacter, undecodableNameError } from './undecodableNames.js';
import { walkFiles } from './walkFiles.js';

/** One expanded dependency file. */
export interface DependencyFile {
  /** Relative to the working directory, `/`-separated. */
  path: string;
  absolute: string;
  /** For the hash cache, where expanding looked at the file anyway (a file or a folder, not a glob). */
  stamp?: FileStamp;
}

/**
 * Expands `deps` entries (files, directories recursively, globs) into the sorted list of files the
 * key covers. An entry that matches nothing is an error: a typo would otherwise make a key that
 * ignores the file the user meant.
 */
export async function expandDependencies(workingDirectory: string, entries: readonly string[]): Promise<DependencyFile[]> {
  const found = new Map<string, DependencyFile>();
  for (const entry of entries) {
    for (const file of await expandEntry(workingDirectory, entry)) found.set(file.path, file);
  }
  return [...found.keys()].sort(compareStrings).map((path) => found.get(path)!);
}

/**
 * Paths are checked as written: a dep must be named inside the working directory. Links are
 * followed, because a dataset linked in from a mounted volume is common and its content is what
 * the key covers.
 */
async function expandEntry(workingDirectory: string, entry: string): Promise<DependencyFile[]> {
  const what = `dep "${printable(entry)}"`;
  const declared = resolveDeclaredPath(workingDirectory, entry, 'dep');
  const status = await stat(declared.absolute, { bigint: true }).catch((error: unknown) => {
    if (isNameTooLong(error)) throw new UsageError(`${what} is too long: ${pathLimitExplanation(declared.absolute)}`);
    return undefined;
  });
  if (status?.isFile()) return [{ path: declared.relative, absolute: declared.absolute, stamp: stampOf(status) }];
  if (status?.isDirectory()) {
    const files = await walkFiles(declared.absolute, { followSymbolicLinks: true, what });
    if (files.length === 0) throw new UsageError(`${what} is an empty directory: remove it from deps or put the files it should cover in it`);
    return files.map((file) => ({ path: `${declared.relative}/${file.path}`, absolute: file.absolute, stamp: file.stamp }));
  }
  if (status !== undefined) {
    throw new UsageError(`${what} is neither a file nor a directory: deps must be regular files, directories or globs`);
  }
  if (isDynamicPattern(entry)) return expandGlob(workingDirectory, entry, what);
  refuseUndecodable(workingDirectory, declared, what);
  throw new UsageError(`${what} does not exist in ${workingDirectory}: check the path, or create it before this step`);
}

/** A path given with a name that is not valid UTF-8 (from the command line) reads as U+FFFD and names nothing. */
function refuseUndecodable(workingDirectory: string, declared: DeclaredPath, what: string): void {
  const undecodable = findUndecodablePath(workingDirectory, declared.relative);
  if (undecodable !== undefined) throw undecodableNameError(`${what} names`, undecodable);
}

async function expandGlob(workingDirectory: string, pattern: string, what: string): Promise<DependencyFile[]> {
  const watch = new GlobWatch();
  const matches = await glob(pattern, {
    cwd: workingDirectory,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: true,
    absolute: true,
    expandDirectories: false,
    fs: watch.fileSystem,
    // What a restore builds beside an output is none of the workspace's files, as in walkFiles.
    ignore: [`**/${stagingPrefix}*/**`],
  });
  refuseUnreachable(workingDirectory, watch, what);
  const files: DependencyFile[] = [];
  for (const absolute of matches) {
    const path = toPosix(relative(workingDirectory, absolute));
    if (path === '..' || path.startsWith('../') || isAbsolute(path)) {
      throw new UsageError(`${what} matches ${printable(absolute)}, outside the working directory ${workingDirectory}: narrow the pattern`);
    }
    if (path.includes(replacementCharacter)) {
      const undecodable = findUndecodablePath(workingDirectory, path);
      if (undecodable !== undefined) throw undecodableNameError(`${what} matches`, undecodable);
    }
    files.push({ path, absolute });
  }
  if (files.length === 0) throw new UsageError(`${what} matches no file in ${workingDirectory}: check the pattern, or create the files before this step`);
  if (watch.specialTargets.size > 0) refuseSpecialTargets(files, watch.specialTargets, what);
  return files;
}

/** A folder or link the glob could not read: the files below it would be left out of the key without a word. */
function refuseUnreachable(workingDirectory: string, watch: GlobWatch, what: string): void {
  const [first] = watch.unreachable;
  if (first === undefined) return;
  const path = toPosix(relative(workingDirectory, first.path));
  if (first.code === 'ENAMETOOLONG') {
    throw new UsageError(`${what} reaches ${printable(shortenedPath(path))}, whose path is too long: ${pathLimitExplanation(first.path)}`);
  }
  const undecodable = findUndecodablePath(workingDirectory, path);
  if (undecodable !== undefined) throw undecodableNameError(`${what} reaches`, undecodable);
}

/** The glob lists a link to a device as a file; hashing it would read a device. Only matched links are refused. */
function refuseSpecialTargets(files: readonly DependencyFile[], specialTargets: ReadonlySet<string>, what: string): void {
  for (const file of files) {
    // The same resolution the glob used for the link (fs.realpath, not the native one).
    const target = realTarget(file.absolute);
    if (target !== undefined && specialTargets.has(target)) {
      throw new UsageError(
        `${what} matches ${printable(file.path)}, a link to ${printable(target)}, which is not a regular file (a device, socket or pipe): ` +
          'deps must be regular files; remove the link or narrow the pattern',
      );
    }
  }
}

function realTarget(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
