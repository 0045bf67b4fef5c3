/**
 * What `stoat du` and `stoat prune` show of a store that cannot list what it holds (the GitHub
 * Actions cache), as their JSON is printed: for each output asked about, the newest result this
 * job can read and whether every object it needs is still there.
 */

/** The newest result of one output that a lookup finds. */
export interface NewestResultView {
  scope: string;
  /** The command key. */
  key: string;
  tree: string;
  created: string;
  manifest: string;
  files: number;
  /** What restoring it writes. */
  bytes: number;
  /** The blobs and packs it needs, each once. */
  objects: number;
  /** Those the store no longer holds (evicted): a restore of this result is a miss naming them. */
  missing: string[];
}

export interface OutputLookup {
  output: string;
  /** Null when no result of the output is within this job's reach. */
  newest: NewestResultView | null;
  /** Why the newest manifest found cannot be used, when it cannot. */
  unusable?: string;
}

export interface UnlistedStoreReport {
  remote: string;
  /** Always false: told apart from a listing store's report by this. */
  listed: false;
  /** Why there is no more to show, and what trims the store instead. */
  note: string;
  outputs: OutputLookup[];
}

/** A `stoat du` or `stoat prune` report of a store that could not be listed. */
export function isUnlistedStoreReport(report: object): report is UnlistedStoreReport {
  return 'listed' in report && report.listed === false;
}
