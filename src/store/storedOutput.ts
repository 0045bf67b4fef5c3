/** One output as a restore or a save moved it: what the report says of it. */
export interface StoredOutput {
  output: string;
  tree: string;
  files: number;
  bytes: number;
  /** Bytes of objects that came over the network (a restore) or were written (a save), manifests aside. */
  transferredBytes: number;
  /** Where the manifest is. */
  manifest: string;
}

/** A saved output; `written` is false when an identical result was already saved under this key and scope. */
export interface SavedOutput extends StoredOutput {
  written: boolean;
  /** Why the save could not be added to the index of saves, when it could not: it is saved all the same. */
  indexProblem?: string;
}
