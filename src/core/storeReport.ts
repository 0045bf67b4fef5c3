/**
 * What `stoat du` and `stoat prune` report, as their JSON is printed (`--json`): the store fills
 * it in, the faces render it. Every location is as the remote shows it (`s3://…`, a path).
 */

export interface Amount {
  objects: number;
  bytes: number;
}

/** A result at one end of a group's history. */
export interface ResultMoment {
  created: string;
  output: string;
  scope: string;
  key: string;
}

/** The results of one output, or of one scope. */
export interface GroupUsage {
  name: string;
  results: number;
  /** How many scopes (for an output) or outputs (for a scope) its results are in. */
  spread: number;
  /** What restoring every one of its results would write. */
  restored_bytes: number;
  /** The objects its results use, each counted once. */
  stored: Amount;
  /** The objects no other group's results use: what removing all of its results would free. */
  own: Amount;
  oldest: ResultMoment;
  newest: ResultMoment;
}

/** What a walk found wrong, each named by where it is. A prune leaves all of it alone. */
export interface StoreProblems {
  unusable_manifests: { manifest: string; reason: string }[];
  /** Objects some manifest points into that are not there: those results cannot restore. */
  missing_objects: { object: string; results: number; example: string }[];
  /** Objects of another size than the manifests that use them say: they cannot hold those bytes. */
  damaged_objects: { object: string; size: number; expected: string; results: number; example: string }[];
  /** Keys under the layout's prefixes that the layout does not name. */
  unknown_keys: string[];
  unreadable_records: string[];
}

export interface StoreUsage {
  remote: string;
  results: number;
  /** Every object under the layout: blobs, packs, manifests and bookkeeping. */
  total: Amount;
  blobs: Amount;
  packs: Amount;
  manifests: Amount;
  /** The index of saves, prune's records of unused objects, and keys the layout does not name. */
  bookkeeping: Amount;
  /** What restoring every result would write, against the `used` bytes that hold it. */
  restored_bytes: number;
  used: Amount;
  /** Objects that more than one result uses. */
  shared: Amount;
  /** Objects no result uses: `recent` written within the grace period (a save may be under way), `held` named by a prune's record. */
  unused: Amount & { recent: Amount; held: Amount };
  grace_ms: number;
  outputs: GroupUsage[];
  scopes: GroupUsage[];
  problems: StoreProblems;
}

export interface RemovedResult {
  output: string;
  scope: string;
  key: string;
  tree: string;
  created: string;
  manifest: string;
  reason: string;
}

export interface PruneOutcome {
  remote: string;
  dry_run: boolean;
  grace_ms: number;
  removed: RemovedResult[];
  /** Results the rules chose that were saved within the grace period: they stay this time. */
  held_by_grace: number;
  kept: number;
  /** Unused objects deleted: written longer ago than the grace period, and held by no record. */
  deleted: Amount;
  /** Objects only the removed results used: recorded, and deleted by a prune once the grace period has passed. */
  freed: Amount & { deletable_after: string | null };
  /** Other unused objects that stay this time: written within the grace period, or held by an earlier prune's record. */
  waiting: Amount;
  /** Results saved while this prune ran that point at an object it deleted: their next save writes it again. */
  lost: { manifest: string; object: string }[];
  problems: StoreProblems;
  /** Why nothing was changed where the remote cannot delete. */
  note?: string;
}
