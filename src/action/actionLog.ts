import * as core from '@actions/core';
import { printable } from '../core/printable.js';
import { stackFrames } from '../core/stackFrames.js';

/**
 * The one way the Action writes to the job log. The runner obeys any log line that starts with
 * `::` (after leading spaces), so every text goes through printable(): a line break or an escape
 * code in a message from a remote, or in a file name, is shown and never obeyed.
 */

/** Lines of the log, one `core.info` each. */
export function logLines(lines: readonly string[]): void {
  for (const line of lines) core.info(printable(line));
}

/** A warning annotation. */
export function logWarning(message: string): void {
  core.warning(printable(message));
}

/** Fails the step with an error annotation. */
export function logFailure(message: string): void {
  core.setFailed(printable(message));
}

/** An unexpected error's stack, for the debug log only. */
export function logStack(error: unknown): void {
  if (!(error instanceof Error)) return;
  for (const frame of stackFrames(error)) core.debug(printable(frame));
}
