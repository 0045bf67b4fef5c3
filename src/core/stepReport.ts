import { type FileDigests } from './fileDigests.js';

/** The result objects every face renders: the JSON report, the job summary, the CLI's output. */

export type StepStatus = 'hit' | 'miss' | 'error';

/** restored: from the remote; saved: written now; already-saved: an identical result was there. */
export type OutputStatus = 'restored' | 'saved' | 'already-saved' | 'not-saved';

export interface InputReport extends FileDigests {
  path: string;
}

export interface OutputReport {
  path: string;
  status: OutputStatus;
  tree: string | null;
  files: number;
  bytes: number;
  transferred_bytes: number;
  /** Where the manifest is in the remote. */
  manifest: string | null;
}

export interface Durations {
  hash: number;
  restore: number;
  run: number;
  save: number;
}

export interface StepReport {
  status: StepStatus;
  /** Why: where a hit came from, why a miss missed, what the error was. */
  reason: string;
  key: string;
  /** The scope this run writes. */
  scope: string;
  /** The scopes it reads, in order, and the one a hit came from. */
  read_scopes: string[];
  restored_scope: string | null;
  remote: string;
  command: string[];
  /** Whether the command ran in this step, and how it ended. */
  ran: boolean;
  exit_code: number | null;
  /** Whether this run saved, and if not, why not. */
  save: string;
  inputs: InputReport[];
  outputs: OutputReport[];
  durations_ms: Durations;
  warnings: string[];
  /** Remote keys of objects the restore found damaged; the next save of this step replaces them. */
  damaged_objects: string[];
}
