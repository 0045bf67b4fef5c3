import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UsageError } from './errors.js';
import { printable } from './printable.js';

/** A path the user declared (a dep or an output), both as written into keys and on disk. */
export interface DeclaredPath {
  /** Relative to the working directory, `/`-separated, no trailing slash: the form keys use. */
  relative: string;
  absolute: string;
}

/**
 * Resolves a declared path against the working directory. `model/`, `./model` and `model` are one
 * output, so they give one key. A path that leaves the working directory is refused: the key would
 * otherwise depend on files the workspace does not hold.
 */
export function resolveDeclaredPath(workingDirectory: string, raw: string, kind: 'dep' | 'output'): DeclaredPath {
  const trimmed = raw.trim();
  if (trimmed === '') throw new UsageError(`${kind} is empty: give a path relative to the working directory`);
  const what = `${kind} "${printable(trimmed)}"`;
  if (trimmed.includes('\0')) throw new UsageError(`${what} contains a NUL byte`);
  const absolute = resolve(workingDirectory, trimmed);
  const relativePath = toPosix(relative(workingDirectory, absolute));
  if (relativePath === '') {
    throw new UsageError(`${what} is the working directory itself: name the files or folders inside it instead`);
  }
  if (relativePath === '..' || relativePath.startsWith('../') || isAbsolute(relativePath)) {
    throw new UsageError(
      `${what} is outside the working directory ${workingDirectory}: ` +
        'declare paths inside it, or set the working directory to a folder that holds them',
    );
  }
  return { relative: relativePath, absolute };
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
