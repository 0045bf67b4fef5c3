import { checkNamesPresent, type PruneRules, selectRemovals } from '../core/pruneRules.js';
import { type Amount, type PruneOutcome, type RemovedResult } from '../core/storeReport.js';
import { silentWalk, type WalkProgress } from '../core/walkProgress.js';
import { deleteObjects, type ListedObject, type Remote } from '../remote/remote.js';
import { lostResults, manifestIdentity, relist, sweepObjects, type SweepState } from './pruneSweep.js';
import { type ListedResultKey } from './storeListing.js';
import { findProblems } from './storeProblems.js';
import { type StoredResult } from './storedResults.js';
import { writeRecord } from './unusedRecord.js';
import { type StoreWalk, walkStore } from './walkStore.js';

export interface PruneRequest {
  remote: Remote;
  rules: PruneRules;
  /** List what would go, and change nothing. */
  dryRun: boolean;
  concurrency: number;
  progress?: WalkProgress;
}

/**
 * Removes the results the rules choose, then deletes the objects no manifest uses, safely beside
 * saves that run meanwhile (a save writes its objects first and its manifest last):
 * - nothing written within the grace period goes, result or object;
 * - the objects the removed results alone used are recorded before the results go, and stay for
 *   the grace period: a save that started from a removed result may still point at them;
 * - the manifests are listed again, and new ones read, after marking and before deleting (and again
 *   during a long sweep); an object any manifest uses is never deleted;
 * - damaged and missing objects, unusable manifests and keys the layout does not name are reported
 *   and left alone.
 */
export async function pruneStore(request: PruneRequest): Promise<PruneOutcome> {
  const { remote, rules, concurrency } = request;
  const walk = await walkStore(remote, { concurrency, graceMs: rules.graceMs, progress: request.progress });
  checkNamesPresent(rules, walk.read.results, remote.display);
  const { problems, damaged } = await findProblems(remote, walk, concurrency);
  const selection = selectRemovals(walk.read.results, rules, walk.now);
  const removed = new Set(selection.remove.map((removal) => removal.result));
  const { table } = walk.read;
  const used = usedObjects(walk, removed);
  const freed = table.keysOf(numbersOf([...removed]).filter((number) => !used.has(number))).flatMap((key) => present(walk, key));
  // With no grace period no save is running: what the removals leave unused goes at once.
  const held = new Set(rules.graceMs === 0 ? [] : freed);
  const isUsed = (key: string): boolean => used.has(table.find(key) ?? -1);
  const unused = [...walk.listing.objects.values()].filter((object) => !isUsed(object.key) && !damaged.has(object.key) && !held.has(object));
  const deletable = (object: ListedObject): boolean => !walk.records.held.has(object.key) && walk.now - object.modified >= rules.graceMs;
  const candidates = walk.records.unreadable.length > 0 ? [] : unused.filter(deletable);
  const outcome: PruneOutcome = {
    remote: remote.display,
    dry_run: request.dryRun,
    grace_ms: rules.graceMs,
    removed: selection.remove.map(({ result, reason }) => removedResult(remote, result, reason)),
    held_by_grace: selection.heldByGrace.length,
    kept: walk.read.results.length - removed.size,
    deleted: amount(candidates),
    freed: { ...amount([...held]), deletable_after: held.size === 0 ? null : new Date(Date.now() + rules.graceMs).toISOString() },
    waiting: { objects: unused.length - candidates.length, bytes: amount(unused).bytes - amount(candidates).bytes },
    lost: [],
    problems,
  };
  if (request.dryRun) return outcome;
  const progress = request.progress ?? silentWalk;
  const state: SweepState = { remote, concurrency, graceMs: rules.graceMs, table, used, seen: seenManifests(walk, removed), records: walk.records, appeared: [], progress };
  if (held.size > 0) await writeRecord(remote, [...held].map((object) => object.key), Date.now());
  await deleteObjects(remote, removalKeys(walk, removed));
  const deleted = await sweepObjects(state, candidates);
  const final = await relist(state);
  outcome.deleted = amount(deleted);
  outcome.lost = lostResults(state, deleted);
  await deleteObjects(remote, [...walk.records.expired.map((record) => record.key), ...danglingEntries(final, walk.now, rules.graceMs)]);
  return outcome;
}

/** Objects that stay used, by number: by every manifest read but the removed ones, and by whatever unusable manifests name. */
function usedObjects(walk: StoreWalk, removed: ReadonlySet<StoredResult>): Set<number> {
  const used = new Set<number>();
  for (const result of walk.read.results) if (!removed.has(result)) for (const number of result.objects) used.add(number);
  for (const entry of walk.read.unusable) for (const number of entry.objects) used.add(number);
  return used;
}

/** The objects the results use, each once. */
function numbersOf(results: readonly StoredResult[]): number[] {
  const numbers = new Set<number>();
  for (const result of results) for (const number of result.objects) numbers.add(number);
  return [...numbers];
}

/** The manifests the walk read and that stay: a later listing reads only the others. */
function seenManifests(walk: StoreWalk, removed: ReadonlySet<StoredResult>): Set<string> {
  const seen = new Set<string>();
  for (const result of walk.read.results) if (!removed.has(result)) seen.add(manifestIdentity(result.listed.object));
  for (const entry of walk.read.unusable) seen.add(manifestIdentity(entry.listed.object));
  return seen;
}

/** The removed manifests and their entries in the index of saves. */
function removalKeys(walk: StoreWalk, removed: ReadonlySet<StoredResult>): string[] {
  const identity = (entry: ListedResultKey): string => JSON.stringify([entry.output, entry.scope, entry.key, entry.tree]);
  const removedIdentities = new Set([...removed].map((result) => identity(result.listed)));
  const entries = walk.listing.indexEntries.filter((entry) => removedIdentities.has(identity(entry)));
  return [...[...removed].map((result) => result.listed.object.key), ...entries.map((entry) => entry.object.key)];
}

/** Index entries older than the grace period whose manifest is no longer there. */
function danglingEntries(listed: { manifests: readonly ListedResultKey[]; indexEntries: readonly ListedResultKey[] }, now: number, graceMs: number): string[] {
  const manifests = new Set(listed.manifests.map((manifest) => JSON.stringify([manifest.output, manifest.scope, manifest.key, manifest.tree])));
  return listed.indexEntries
    .filter((entry) => now - entry.object.modified >= graceMs && !manifests.has(JSON.stringify([entry.output, entry.scope, entry.key, entry.tree])))
    .map((entry) => entry.object.key);
}

function present(walk: StoreWalk, key: string): ListedObject[] {
  const listed = walk.listing.objects.get(key);
  return listed === undefined ? [] : [listed];
}

function amount(objects: readonly ListedObject[]): Amount {
  return { objects: objects.length, bytes: objects.reduce((sum, object) => sum + object.size, 0) };
}

function removedResult(remote: Remote, result: StoredResult, reason: string): RemovedResult {
  return { output: result.output, scope: result.scope, key: result.key, tree: result.tree, created: new Date(result.created).toISOString(), manifest: remote.locate(result.listed.object.key), reason };
}
