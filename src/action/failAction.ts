import { errorMessage, UsageError } from '../core/errors.js';
import { CacheFailure } from '../engine/cacheFailure.js';
import { logFailure, logStack } from './actionLog.js';
import { publishFailure } from './publishReport.js';

/** Fails the step with a message a user can act on; unexpected errors keep their stack in the debug log. */
export function failAction(error: unknown): void {
  publishFailure();
  if (error instanceof UsageError || error instanceof CacheFailure) {
    logFailure(error.message);
    return;
  }
  logStack(error);
  logFailure(`stoat failed unexpectedly: ${errorMessage(error)}`);
}
