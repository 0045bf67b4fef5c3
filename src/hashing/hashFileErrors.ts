import { type Stats } from 'node:fs';
import { HashFileError } from '../core/errors.js';

const advice: Record<string, string> = {
  ENOENT: 'it does not exist: check the path, or create the file before this step',
  EACCES: 'permission denied: make it readable by this user',
  EPERM: 'operation not permitted: make it readable by this user',
  EISDIR: 'it is a directory: name the files inside it instead',
};

/** An error from opening or reading `path`, rewritten to name the path and say what to do. */
export function unreadableFileError(path: string, cause: unknown): HashFileError {
  if (cause instanceof HashFileError) return cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code !== undefined ? advice[code] : undefined) ?? (cause instanceof Error ? cause.message : String(cause));
  return new HashFileError(`cannot hash ${JSON.stringify(path)}: ${reason}${code !== undefined ? ` (${code})` : ''}`, path, code, { cause });
}

export function notRegularFileError(path: string, status: Stats): HashFileError {
  if (status.isDirectory()) return unreadableFileError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
  const kind = status.isFIFO() ? 'a named pipe' : status.isSocket() ? 'a socket' : 'a device';
  return new HashFileError(`cannot hash ${JSON.stringify(path)}: it is ${kind}, not a regular file`, path, undefined);
}

/** A file that got shorter between being opened and being read: its digests would describe no version of it. */
export function changedWhileHashingError(path: string, expectedSize: number): HashFileError {
  return new HashFileError(
    `cannot hash ${JSON.stringify(path)}: it changed while being read (it had ${expectedSize} bytes when opened, then fewer): hash it once nothing is writing to it`,
    path,
    undefined,
  );
}
