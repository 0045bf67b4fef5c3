import { compareStrings } from './commandKey.js';
import { type KeyDifference } from './keyDifference.js';

/** Changed deps summed under one directory (`corpus/train/`), or at the top (`""`). */
export interface DirectoryChanges {
  directory: string;
  changed: number;
  added: number;
  removed: number;
}

/** Deeper than this, a directory is as good a name as any of its files. */
const deepestLevel = 4;

/**
 * The dep changes summed by directory, largest first: by top-level directory, or one level deeper
 * while every change falls in one directory, so 120 new files under `corpus/train/` are summed as
 * `corpus/train/` and not only as `corpus/`.
 */
export function changesByDirectory(deps: KeyDifference['deps']): DirectoryChanges[] {
  const changes = [
    ...deps.changed.map((change) => ({ path: change.path, kind: 'changed' as const })),
    ...deps.added.map((path) => ({ path, kind: 'added' as const })),
    ...deps.removed.map((path) => ({ path, kind: 'removed' as const })),
  ];
  let level = 1;
  let groups = groupAt(changes, level);
  while (level < deepestLevel && groups.size === 1 && [...groups.keys()][0] !== '') {
    const deeper = groupAt(changes, level + 1);
    // Deeper only where it splits nothing off as loose files of the directory above.
    if (deeper.size !== 1) break;
    groups = deeper;
    level++;
  }
  return [...groups.values()].sort((a, b) => total(b) - total(a) || compareStrings(a.directory, b.directory));
}

function groupAt(changes: readonly { path: string; kind: 'changed' | 'added' | 'removed' }[], level: number): Map<string, DirectoryChanges> {
  const groups = new Map<string, DirectoryChanges>();
  for (const { path, kind } of changes) {
    const segments = path.split('/');
    const directory = segments.length === 1 ? '' : `${segments.slice(0, Math.min(level, segments.length - 1)).join('/')}/`;
    let group = groups.get(directory);
    if (group === undefined) {
      group = { directory, changed: 0, added: 0, removed: 0 };
      groups.set(directory, group);
    }
    group[kind]++;
  }
  return groups;
}

function total(group: DirectoryChanges): number {
  return group.changed + group.added + group.removed;
}
