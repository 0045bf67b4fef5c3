import { type FileDigests } from './fileDigests.js';
import { type MissExplanation } from './missExplanation.js';

/** The result objects every face renders: the JSON report, the job summary, the CLI's output. */

export type StepStatus = 'hit' | 'miss' | 'error';

/** restored: from the remote; saved: written now; already-saved: an identical result was there. */
export type OutputStatus = 'restored' | 'saved' | 'already-saved' | 'not-saved';

/** An input compared with the nearest earlier result: `changed` content, or `new` (not an input then). */
export type InputChange = 'changed' | 'new';

export interface InputReport extends FileDigests {
  path: string;
  /** Present only on a miss with an earlier result, and only for inputs that differ from its inputs. */
  since_last_use?: InputChange;
}

/** Where a restored result came from: its scope and the provenance its manifest records. */
export interface RestoredFrom {
  scope: string;
  commit: string | null;
  ref: string | null;
  run: string | null;
  repository: string | null;
  created: string;
  /** How long the command ran when the result was made; null where that was not timed. */
  duration_ms: number | null;
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

/** What a report says of the save before one is tried. */
export const saveNotAttempted = 'not attempted';

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
  /** On a hit, where the result came from. */
  restored_from: RestoredFrom | null;
  /** On a miss, why: what differs from the nearest earlier result. Null on a hit, an error, or a save alone. */
  explanation: MissExplanation | null;
}
