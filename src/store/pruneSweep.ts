import { type WalkProgress } from '../core/walkProgress.js';
import { deleteObjects, type ListedObject, type Remote } from '../remote/remote.js';
import { unusedRoot } from './layout.js';
import { type ObjectTable } from './objectTable.js';
import { listingOf, listResultKeys, type StoreListing } from './storeListing.js';
import { emptyReadResults, readResults, type StoredResult } from './storedResults.js';
import { readRecords, type RecordReading } from './unusedRecord.js';

/** Objects deleted in one request: S3's largest DeleteObjects. */
export const objectsPerBatch = 1000;
/**
 * The manifests are listed again before a batch once this long has passed since the last time:
 * a save that commits in between uses what it finds, and the less time between a listing and a
 * delete, the less chance that it finds an object about to go.
 */
const relistAfterMs = 2000;

/** What a sweep knows of the store while it deletes. */
export interface SweepState {
  remote: Remote;
  concurrency: number;
  graceMs: number;
  /** Numbers every manifest read in this prune gives its objects. */
  table: ObjectTable;
  /** Every object some manifest uses, by number, as of the latest listing, whoever wrote it. */
  used: Set<number>;
  /** Manifests read so far, by key and time written: one written again is read again. */
  seen: Set<string>;
  records: RecordReading;
  /** Manifests that appeared after the walk, read while sweeping. */
  appeared: StoredResult[];
  progress: WalkProgress;
}

export function manifestIdentity(object: ListedObject): string {
  return `${object.key}@${object.modified}`;
}

/**
 * Lists the manifests and records again and reads the new ones: their objects join `used`, and a
 * new record's objects join the held ones. Returns the listing, for what is decided from it last.
 */
export async function relist(state: SweepState): Promise<Pick<StoreListing, 'manifests' | 'indexEntries'>> {
  const [listed, records] = await Promise.all([listResultKeys(state.remote), listingOf(state.remote)(unusedRoot)]);
  const fresh = listed.manifests.filter((manifest) => !state.seen.has(manifestIdentity(manifest.object)));
  for (const manifest of fresh) state.seen.add(manifestIdentity(manifest.object));
  const read = emptyReadResults(state.table);
  await readResults(state.remote, fresh, state.concurrency, read);
  for (const result of read.results) for (const number of result.objects) state.used.add(number);
  for (const entry of read.unusable) for (const number of entry.objects) state.used.add(number);
  state.appeared.push(...read.results);
  await readRecords(state.remote, records, Date.now(), state.graceMs, state.concurrency, state.records);
  return listed;
}

/**
 * Deletes the candidates in batches, listing the manifests again before the first and then at
 * least every relistAfterMs: an object that a manifest written meanwhile uses is kept. Stops
 * deleting once a record of unused objects that cannot be read appears. Returns what it deleted.
 */
export async function sweepObjects(state: SweepState, candidates: readonly ListedObject[]): Promise<ListedObject[]> {
  const deleted: ListedObject[] = [];
  let listedAt = Number.NEGATIVE_INFINITY;
  for (let start = 0; start < candidates.length; start += objectsPerBatch) {
    if (Date.now() - listedAt >= relistAfterMs) {
      await relist(state);
      listedAt = Date.now();
    }
    if (state.records.unreadable.length > 0) break;
    const batch = candidates.slice(start, start + objectsPerBatch).filter((object) => !state.used.has(state.table.find(object.key) ?? -1) && !state.records.held.has(object.key));
    await deleteObjects(state.remote, batch.map((object) => object.key));
    deleted.push(...batch);
    state.progress.step('deleting unused objects', Math.min(start + objectsPerBatch, candidates.length), candidates.length);
  }
  state.progress.end();
  return deleted;
}

/** Results that appeared while sweeping and point at an object the sweep deleted: each with one such object. */
export function lostResults(state: SweepState, deleted: readonly ListedObject[]): { manifest: string; object: string }[] {
  const gone = new Set(deleted.map((object) => state.table.find(object.key) ?? -1));
  return state.appeared.flatMap((result) => {
    const number = result.objects.find((candidate) => gone.has(candidate));
    return number === undefined ? [] : [{ manifest: state.remote.locate(result.listed.object.key), object: state.remote.locate(state.table.keys[number]!) }];
  });
}
