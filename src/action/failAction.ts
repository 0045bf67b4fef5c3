import * as core from '@actions/core';
import { UsageError } from '../core/errors.js';
import { CacheFailure } from '../engine/cacheFailure.js';
import { publishFailure } from './publishReport.js';

/** Fails the step with a message a user can act on; unexpected errors keep their stack in the debug log. */
export function failAction(error: unknown): void {
  publishFailure();
  if (error instanceof UsageError || error instanceof CacheFailure) {
    core.setFailed(error.message);
    return;
  }
  core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error));
  core.setFailed(`stoat failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
}
