import { compareStrings } from './commandKey.js';
import { sha256Hex } from './fileHash.js';

export interface TreeEntry {
  path: string;
  size: number;
  sha256: string;
  mode: number;
}

/** Any execute bit makes a file executable; other mode bits do not change what an output is. */
export function isExecutable(mode: number): boolean {
  return (mode & 0o111) !== 0;
}

/** The tree hash (layout v1): identifies an output's content independently of where it is stored. */
export function treeHash(entries: readonly TreeEntry[]): string {
  const rows = [...entries]
    .sort((a, b) => compareStrings(a.path, b.path))
    .map((entry) => [entry.path, entry.size, entry.sha256, isExecutable(entry.mode) ? 1 : 0]);
  return sha256Hex(JSON.stringify(rows));
}
