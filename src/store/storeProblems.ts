import { mapConcurrently } from '../core/mapConcurrently.js';
import { type StoreProblems } from '../core/storeReport.js';
import { type Remote } from '../remote/remote.js';
import { type StoreWalk } from './walkStore.js';

export interface ProblemsFound {
  problems: StoreProblems;
  /** Keys of the missing and damaged objects, which a prune leaves alone. */
  damaged: Set<string>;
}

/**
 * Checks every used object against the listing: there, and of a size that can hold what the
 * manifests say. A save writes its objects before its manifest, so an object absent from a
 * listing made a moment before its manifest's is asked for once more before it is called missing.
 */
export async function findProblems(remote: Remote, walk: StoreWalk, concurrency: number): Promise<ProblemsFound> {
  const { listing, read } = walk;
  const { table } = read;
  const flagged = new Map<number, { results: number; example: string }>();
  const absent: number[] = [];
  table.needs.forEach((need, number) => {
    if (need === undefined) return;
    const listed = listing.objects.get(table.keys[number]!);
    if (listed === undefined) absent.push(number);
    else if ((need.exact !== undefined && listed.size !== need.exact) || listed.size < need.atLeast) flagged.set(number, { results: 0, example: '' });
  });
  const present = await mapConcurrently(absent, concurrency, (number) => remote.exists(table.keys[number]!));
  const missing = new Set(absent.filter((_, index) => !present[index]));
  for (const number of missing) flagged.set(number, { results: 0, example: '' });
  for (const result of read.results) {
    for (const number of result.objects) {
      const entry = flagged.get(number);
      if (entry === undefined) continue;
      entry.results++;
      if (entry.example === '') entry.example = remote.locate(result.listed.object.key);
    }
  }
  const problems: StoreProblems = {
    unusable_manifests: read.unusable.map((entry) => ({ manifest: remote.locate(entry.listed.object.key), reason: entry.reason })),
    missing_objects: [],
    damaged_objects: [],
    unknown_keys: listing.unknown.map((object) => remote.locate(object.key)),
    unreadable_records: [...walk.records.unreadable],
  };
  for (const [number, entry] of flagged) {
    const key = table.keys[number]!;
    if (missing.has(number)) {
      problems.missing_objects.push({ object: remote.locate(key), ...entry });
      continue;
    }
    const need = table.needs[number]!;
    const expected = need.exact !== undefined ? `${need.exact} bytes` : `at least ${need.atLeast} bytes`;
    problems.damaged_objects.push({ object: remote.locate(key), size: listing.objects.get(key)!.size, expected, ...entry });
  }
  return { problems, damaged: new Set(table.keysOf(flagged.keys())) };
}

export function problemCount(problems: StoreProblems): number {
  return Object.values(problems).reduce((sum: number, list: unknown[]) => sum + list.length, 0);
}
