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

/**
 * A file that could not be hashed: a dep that is missing, unreadable, not a regular file, or that
 * changed while it was read. `code` is the system error code (ENOENT, EACCES, EISDIR, ...) when there
 * is one. It is bad input like any other: the step stops before it changes anything.
 */
export class HashFileError extends UsageError {
  override name = 'HashFileError';
  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A remote error under `fail-on-cache-error`: the step fails instead of running as on a miss. */
export class CacheFailure extends Error {
  override name = 'CacheFailure';
}

/**
 * The remote failed so many requests in a row that the rest of the run does not ask it again: each
 * later request would only wait out its timeouts. The run goes on as on a miss, without saving.
 */
export class RemoteGaveUpError extends RemoteError {
  override name = 'RemoteGaveUpError';
}

/**
 * The remote answered and refused the request for a reason that lasts the run (a read-only token,
 * a storage budget used up): an error like any other RemoteError, but no sign that the remote is
 * down, so the outage breaker does not count it and other requests go on being made.
 */
export class RemoteRefusedError extends RemoteError {
  override name = 'RemoteRefusedError';
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

/**
 * What a failure while restoring or saving means for the step, decided by the error's class alone
 * (each error is made where it arises, so no message or path is ever read to tell them apart):
 * - `damaged`: what the remote holds cannot be used (a missing or damaged object, a bad manifest):
 *   a miss with the reason; `object` names what the next save writes again;
 * - `local`: this machine's disk refused a write: a miss with the reason;
 * - `remote`: the remote failed: an error (the step still runs), a failure under fail-on-cache-error;
 * - `other`: bad input or a fault of stoat's own, which the face reports.
 */
export type FailureKind = { kind: 'damaged'; message: string; object: string | undefined } | { kind: 'local'; message: string } | { kind: 'remote'; message: string } | { kind: 'other' };

export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof IntegrityError) return { kind: 'damaged', message: error.message, object: error.damagedObject };
  if (error instanceof ObjectMissingError) return { kind: 'damaged', message: error.message, object: error.key };
  if (error instanceof LocalFileError) return { kind: 'local', message: error.message };
  if (error instanceof RemoteError) return { kind: 'remote', message: error.message };
  return { kind: 'other' };
}
