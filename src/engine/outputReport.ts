import { type OutputReport, type OutputStatus } from '../core/stepReport.js';
import { type StoredOutput } from '../store/storedOutput.js';

/** The report's line for an output a restore or a save moved. */
export function outputReport(stored: StoredOutput, status: OutputStatus): OutputReport {
  return {
    path: stored.output,
    status,
    tree: stored.tree,
    files: stored.files,
    bytes: stored.bytes,
    transferred_bytes: stored.transferredBytes,
    manifest: stored.manifest,
  };
}
