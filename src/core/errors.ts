/**
 * Errors a user can meet. Each names the thing it is about and says what to do, so that an
 * entrypoint only has to print `message` and exit non-zero.
 */

/** Bad input: an option, a path, a URL. The run stops before it changes anything. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The remote could not be reached or answered with an error. By default this never fails a job:
 * the step runs as on a miss and the problem is reported loudly.
 */
export class RemoteError extends Error {
  override name = 'RemoteError';
  constructor(
    message: string,
    readonly remote: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A file's bytes are not those it was hashed as: something wrote to it between hashing and sending.
 * Nothing is stored under the hash's name, so no object can hold bytes other than its name says.
 */
export class SourceChangedError extends UsageError {
  override name = 'SourceChangedError';
  constructor(readonly file: string) {
    super(`${file} changed while it was being sent`);
  }
}

/**
 * This machine's disk refused a write while restoring (full, read-only, no permission, a name too
 * long for this file system): neither the remote's failure nor damage in what it holds.
 */
export class LocalFileError extends Error {
  override name = 'LocalFileError';
}

/** The remote is set up wrongly (a bucket that does not exist): no retry or fallback can help. */
export class RemoteConfigurationError extends UsageError {
  override name = 'RemoteConfigurationError';
}

/** An object that should be in the remote is not there. */
export class ObjectMissingError extends Error {
  override name = 'ObjectMissingError';
  constructor(readonly key: string) {
    super(`object ${key} is missing from the remote`);
  }
}

/** A saved entry cannot be trusted: bad manifest, bad hash, unsafe path. Restoring it is a miss. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
  constructor(
    message: string,
    /** The remote key of an object whose bytes do not match its name: the next save may replace it. */
    readonly damagedObject?: string,
  ) {
    super(message);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
