import { createHash } from 'node:crypto';
import { compareStrings } from './commandKey.js';

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

/** Text is handed to the hash in pieces of about this many characters. */
const pieceLength = 64 * 1024;

/**
 * The tree hash (layout v1): identifies an output's content independently of where it is stored.
 * It is the sha256 of `JSON.stringify(rows)`, fed to the hash a piece at a time: for 100,000 files
 * the whole text and its rows would be tens of megabytes made only to be thrown away.
 */
export function treeHash(entries: readonly TreeEntry[]): string {
  const sorted = isSorted(entries) ? entries : [...entries].sort((a, b) => compareStrings(a.path, b.path));
  const hash = createHash('sha256');
  let piece = '[';
  sorted.forEach((entry, index) => {
    piece += `${index === 0 ? '' : ','}${JSON.stringify([entry.path, entry.size, entry.sha256, isExecutable(entry.mode) ? 1 : 0])}`;
    if (piece.length >= pieceLength) {
      hash.update(piece);
      piece = '';
    }
  });
  return hash.update(`${piece}]`).digest('hex');
}

/** Snapshots and manifests list their files sorted already: no need to copy and sort them again. */
function isSorted(entries: readonly TreeEntry[]): boolean {
  for (let index = 1; index < entries.length; index++) if (compareStrings(entries[index - 1]!.path, entries[index]!.path) > 0) return false;
  return true;
}
