import { closeSync, constants, fstatSync, openSync, read, readSync } from 'node:fs';
import { changedWhileHashingError, notRegularFileError, unreadableFileError } from './hashFileErrors.js';

/** An open file and the size it had then, or why it could not be opened. */
export type OpenedFile = { descriptor: number; size: number } | { error: Error };

// Non-blocking so that a named pipe among the inputs is refused instead of waiting forever for a
// writer; it changes nothing for regular files.
const openFlags = constants.O_RDONLY | constants.O_NONBLOCK;

let filesOpened = 0;

/**
 * How many files this process has opened to hash them. A cache hit opens none: this count is how
 * the hash cache's tests tell a file taken from the cache from one read again.
 */
export function filesOpenedForHashing(): number {
  return filesOpened;
}

export function countFileOpened(): void {
  filesOpened++;
}

/**
 * Opens a regular file and takes its size, on this thread. Opening only looks a path up, which for
 * the files a step reads costs microseconds, while handing it to the thread pool costs more than
 * that in round trips and wakes one more thread to compete with the hashing workers for the cores.
 */
export function openForHashing(path: string): OpenedFile {
  let descriptor: number;
  try {
    descriptor = openSyncForReading(path);
  } catch (error) {
    return { error: unreadableFileError(path, error) };
  }
  countFileOpened();
  try {
    const status = fstatSync(descriptor);
    if (status.isFile()) return { descriptor, size: status.size };
    closeDescriptor(descriptor);
    return { error: notRegularFileError(path, status) };
  } catch (error) {
    closeDescriptor(descriptor);
    return { error: unreadableFileError(path, error) };
  }
}

/**
 * Fills `target` from `position` on. Reaching the end of the file first means it shrank since it
 * was opened, which is an error: hashing the stale rest of the target would describe no version of it.
 */
export function readFully(file: { descriptor: number; path: string; size: number }, target: Uint8Array, position: number, done: (error: Error | undefined) => void): void {
  let filled = 0;
  const readMore = (): void => {
    read(file.descriptor, target, filled, target.length - filled, position + filled, (error, count) => {
      if (error !== null) return done(unreadableFileError(file.path, error));
      if (count === 0) return done(changedWhileHashingError(file.path, file.size));
      filled += count;
      if (filled === target.length) done(undefined);
      else readMore();
    });
  };
  readMore();
}

/** Opens a file for reading on this thread. Non-blocking: a named pipe is refused, not waited on. */
export function openSyncForReading(path: string): number {
  return openSync(path, openFlags);
}

/** Fills `target` from `position` in the file (its start by default); false when the file ends first. */
export function fillSync(descriptor: number, target: Uint8Array, position = 0): boolean {
  let filled = 0;
  while (filled < target.length) {
    const count = readSync(descriptor, target, filled, target.length - filled, position + filled);
    if (count === 0) return false;
    filled += count;
  }
  return true;
}

export function closeDescriptor(descriptor: number): void {
  try {
    closeSync(descriptor);
  } catch {
    // A failed close of a file opened for reading loses nothing: there is nothing to report.
  }
}
