import { CacheFailure, errorMessage, UsageError } from '../core/errors.js';
import { closeHashPool } from '../hashing/index.js';
import { logFailure, logStack } from './actionLog.js';
import { publishFailure } from './publishReport.js';

/**
 * Runs the body of one of the Action's entrypoints. A failure fails the step with a message a user
 * can act on (unexpected errors keep their stack in the debug log), and the hashing threads are
 * shut down however the body ended: they would otherwise keep the process alive until idle.
 */
export async function runActionStep(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    failAction(error);
  } finally {
    await closeHashPool();
  }
}

function failAction(error: unknown): void {
  publishFailure();
  if (error instanceof UsageError || error instanceof CacheFailure) {
    logFailure(error.message);
    return;
  }
  logStack(error);
  logFailure(`stoat failed unexpectedly: ${errorMessage(error)}`);
}
