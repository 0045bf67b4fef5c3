import { IntegrityError, LocalFileError } from '../core/errors.js';

/**
 * Runs a step of a restore that writes to this machine's disk (a staging folder, a file, a link, a
 * move into place): a system error there (a full disk, a read-only folder, a name too long for this
 * file system) is this machine's, said as such where it arises, and never taken for the remote
 * breaking off or for damage in what it holds.
 */
export async function onLocalDisk<T>(what: string, step: () => Promise<T> | T): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw asLocalFileError(what, error);
  }
}

export function asLocalFileError(what: string, error: unknown): unknown {
  if (error instanceof IntegrityError || error instanceof LocalFileError || typeof (error as NodeJS.ErrnoException).code !== 'string') return error;
  return new LocalFileError(`could not ${what}: ${(error as Error).message}`, { cause: error });
}
