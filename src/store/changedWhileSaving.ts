import { UsageError } from '../core/errors.js';

/** A file of an output changed between hashing and sending: the save stops and writes no manifest. */
export function changedWhileSaving(output: string, path: string): UsageError {
  return new UsageError(`output "${output}" changed while it was being saved (${path}): run the step again once nothing writes to it`);
}
