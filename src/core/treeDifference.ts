import { compareStrings } from './commandKey.js';
import { isExecutable, type TreeEntry } from './treeHash.js';

export interface TreeDifference {
  added: string[];
  removed: string[];
  /** Content or executable bit differ; other mode bits are not part of an output's identity. */
  modified: string[];
}

/** How `actual` (what is on disk) differs from `expected` (what a manifest describes). */
export function treeDifference(expected: readonly TreeEntry[], actual: readonly TreeEntry[]): TreeDifference {
  const wanted = new Map(expected.map((entry) => [entry.path, entry]));
  const present = new Map(actual.map((entry) => [entry.path, entry]));
  const added = [...present.keys()].filter((path) => !wanted.has(path));
  const removed = [...wanted.keys()].filter((path) => !present.has(path));
  const modified = [...present.values()]
    .filter((entry) => {
      const other = wanted.get(entry.path);
      return other !== undefined && (other.sha256 !== entry.sha256 || other.size !== entry.size || isExecutable(other.mode) !== isExecutable(entry.mode));
    })
    .map((entry) => entry.path);
  return { added: added.sort(compareStrings), removed: removed.sort(compareStrings), modified: modified.sort(compareStrings) };
}

export function isSameTree(difference: TreeDifference): boolean {
  return difference.added.length + difference.removed.length + difference.modified.length === 0;
}
