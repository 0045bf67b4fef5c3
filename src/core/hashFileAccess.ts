import { closeSync, constants, fstatSync, open, openSync, read, readSync } from 'node:fs';
import { changedWhileHashingError, notRegularFileError, unreadableFileError } from './hashFileErrors.js';

/** An open file and the size it had then, or why it could not be opened. Never a rejection, so it can wait unobserved. */
export type OpenedFile = { descriptor: number; size: number } | { error: Error };

// Non-blocking so that a named pipe among the inputs is refused instead of waiting forever for a
// writer; it changes nothing for regular files.
const openFlags = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * Opens a regular file and takes its size. Ten thousand small files make the per-file round trips to
 * the thread pool cost more than their bytes, so only the calls that can wait on a disk or a network
 * go there: opening (the path lookup) and reading. Taking the size of an open descriptor (and closing
 * it, in closeDescriptor) only looks at what the kernel already holds, so those run right here.
 */
export function openForHashing(path: string): Promise<OpenedFile> {
  return new Promise((resolve) => {
    open(path, openFlags, (openError, descriptor) => {
      if (openError !== null) return resolve({ error: unreadableFileError(path, openError) });
      try {
        const status = fstatSync(descriptor);
        if (status.isFile()) return resolve({ descriptor, size: status.size });
        closeDescriptor(descriptor);
        resolve({ error: notRegularFileError(path, status) });
      } catch (error) {
        closeDescriptor(descriptor);
        resolve({ error: unreadableFileError(path, error) });
      }
    });
  });
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

/**
 * Opens a file for reading on this thread, for small files whose bytes cost less than a round trip
 * to the thread pool. Non-blocking for the same reason as openForHashing.
 */
export function openSyncForReading(path: string): number {
  return openSync(path, openFlags);
}

/** Fills `target` from the start of the file; false when the file ends first. */
export function fillSync(descriptor: number, target: Uint8Array): boolean {
  let filled = 0;
  while (filled < target.length) {
    const count = readSync(descriptor, target, filled, target.length - filled, filled);
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
