import { type Amount, type GroupUsage, type ResultMoment, type StoreProblems, type StoreUsage } from '../core/storeReport.js';
import { type ListedObject } from '../remote/remote.js';
import { classifyStoredKey } from './layout.js';
import { type StoredResult } from './storedResults.js';
import { type StoreWalk } from './walkStore.js';

/** Sums a walk up by output and by scope. Shared objects count once in every group that uses them. */
export function storeUsage(remote: string, walk: StoreWalk, problems: StoreProblems, graceMs: number): StoreUsage {
  const { listing, read, records, now } = walk;
  const users = objectUsers(read.results);
  for (const entry of read.unusable) for (const number of entry.objects) users[number] ??= { results: 0, output: undefined, scope: undefined };
  const usersOf = (key: string): ObjectUsers | undefined => {
    const number = read.table.find(key);
    return number === undefined ? undefined : users[number];
  };
  const sizeOf = (number: number): number => listing.objects.get(read.table.keys[number]!)?.size ?? 0;
  const amount = (objects: Iterable<ListedObject>): Amount => [...objects].reduce((sum, object) => ({ objects: sum.objects + 1, bytes: sum.bytes + object.size }), { objects: 0, bytes: 0 });
  const objects = [...listing.objects.values()];
  const unusedObjects = objects.filter((object) => usersOf(object.key) === undefined);
  const bookkeeping = amount([...listing.indexEntries.map((entry) => entry.object), ...listing.records, ...listing.unknown]);
  const manifests = amount([...listing.manifests.map((entry) => entry.object)]);
  const stored = amount(objects);
  return {
    remote,
    results: read.results.length,
    total: { objects: stored.objects + manifests.objects + bookkeeping.objects, bytes: stored.bytes + manifests.bytes + bookkeeping.bytes },
    blobs: amount(objects.filter((object) => classifyStoredKey(object.key).kind === 'blob')),
    packs: amount(objects.filter((object) => classifyStoredKey(object.key).kind === 'pack')),
    manifests,
    bookkeeping,
    restored_bytes: read.results.reduce((sum, result) => sum + result.bytes, 0),
    used: amount(objects.filter((object) => usersOf(object.key) !== undefined)),
    shared: amount(objects.filter((object) => (usersOf(object.key)?.results ?? 0) > 1)),
    unused: {
      ...amount(unusedObjects),
      recent: amount(unusedObjects.filter((object) => now - object.modified < graceMs)),
      held: amount(unusedObjects.filter((object) => records.held.has(object.key))),
    },
    grace_ms: graceMs,
    outputs: groupUsage(read.results, users, sizeOf, 'output'),
    scopes: groupUsage(read.results, users, sizeOf, 'scope'),
    problems,
  };
}

/** For each used object: how many results use it, and the one output and scope they share (undefined when several). */
interface ObjectUsers {
  results: number;
  output: string | undefined;
  scope: string | undefined;
}

/** By object number: how many results use it, and the one output and scope they are in (undefined when several). */
function objectUsers(results: readonly StoredResult[]): (ObjectUsers | undefined)[] {
  const users: (ObjectUsers | undefined)[] = [];
  for (const result of results) {
    for (const number of result.objects) {
      const entry = users[number];
      if (entry === undefined) users[number] = { results: 1, output: result.output, scope: result.scope };
      else {
        entry.results++;
        if (entry.output !== result.output) entry.output = undefined;
        if (entry.scope !== result.scope) entry.scope = undefined;
      }
    }
  }
  return users;
}

function groupUsage(results: readonly StoredResult[], users: readonly (ObjectUsers | undefined)[], sizeOf: (number: number) => number, by: 'output' | 'scope'): GroupUsage[] {
  const groups = new Map<string, StoredResult[]>();
  for (const result of results) {
    const name = result[by];
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name)!.push(result);
  }
  const other = by === 'output' ? 'scope' : 'output';
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, members]) => {
    const used = new Set<number>();
    for (const result of members) for (const number of result.objects) used.add(number);
    const sum = (numbers: Iterable<number>): Amount => [...numbers].reduce((total, number) => ({ objects: total.objects + 1, bytes: total.bytes + sizeOf(number) }), { objects: 0, bytes: 0 });
    const byAge = [...members].sort((a, b) => a.created - b.created);
    return {
      name,
      results: members.length,
      spread: new Set(members.map((result) => result[other])).size,
      restored_bytes: members.reduce((total, result) => total + result.bytes, 0),
      stored: sum(used),
      own: sum([...used].filter((number) => users[number]![by] === name)),
      oldest: moment(byAge[0]!),
      newest: moment(byAge[byAge.length - 1]!),
    };
  });
}

function moment(result: StoredResult): ResultMoment {
  return { created: new Date(result.created).toISOString(), output: result.output, scope: result.scope, key: result.key };
}
