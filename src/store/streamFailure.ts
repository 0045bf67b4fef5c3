import { IntegrityError, LocalFileError, ObjectMissingError, RemoteError } from '../core/errors.js';
import { type Remote } from '../remote/remote.js';

/**
 * Whether an error broke off a body in transit (a reset, a stall, a read error on a directory
 * remote's disk). Everything else that can fail while a body is taken in says what it is where it
 * arises: damage and missing objects, failures the backend already reported for the request, and
 * this machine's disk (LocalFileError, from the writers).
 */
function isInterruption(error: unknown): boolean {
  return !(error instanceof IntegrityError || error instanceof ObjectMissingError || error instanceof RemoteError || error instanceof LocalFileError);
}

/**
 * An error while reading an object's body (a reset connection, a stalled server) comes from the
 * stream, not from the backend's request: it is the remote failing, and must be reported as such,
 * not as a crash or as damage.
 */
export function asStreamFailure(error: unknown, remote: Remote, key: string): unknown {
  if (!isInterruption(error)) return error;
  return new RemoteError(`reading ${remote.locate(key)} failed: ${(error as Error).message}`, remote.display, { cause: error });
}
