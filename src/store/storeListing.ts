import { UsageError } from '../core/errors.js';
import { type ListedObject, type Remote } from '../remote/remote.js';
import { selfEvictionNote } from './unlistedStore.js';
import { blobsRoot, classifyStoredKey, outputsRoot, packsRoot, unusedRoot } from './layout.js';

/** A manifest or index entry as listed, with what its key names. */
export interface ListedResultKey {
  object: ListedObject;
  output: string;
  key: string;
  scope: string;
  tree: string;
}

/** Everything under the layout's top prefixes, sorted by what it is. */
export interface StoreListing {
  manifests: ListedResultKey[];
  /** The index of saves (resultIndex.ts): an empty object per save, beside the manifests. */
  indexEntries: ListedResultKey[];
  /** Blobs and packs, by key. */
  objects: Map<string, ListedObject>;
  /** Records of objects an earlier prune left unused (unusedRecord.ts). */
  records: ListedObject[];
  /** Keys under the layout's prefixes that the layout does not name: reported, never deleted. */
  unknown: ListedObject[];
}

/**
 * The remote's listing, for a whole-store walk. A backend that can only look objects up cannot be
 * measured or pruned: what it holds is not there to be seen, and a service without listing is one
 * that evicts by itself.
 */
export function listingOf(remote: Remote): (prefix: string) => Promise<ListedObject[]> {
  const list = remote.list;
  if (list === undefined) {
    throw new UsageError(selfEvictionNote(remote.display));
  }
  return (prefix) => list.call(remote, prefix);
}

/** Lists the four top prefixes at once and sorts every key by what the layout says it is. */
export async function listStore(remote: Remote): Promise<StoreListing> {
  const list = listingOf(remote);
  const [outputs, blobs, packs, records] = await Promise.all([list(outputsRoot), list(blobsRoot), list(packsRoot), list(unusedRoot)]);
  const listing: StoreListing = { ...sortOutputKeys(outputs), objects: new Map(), records: [] };
  for (const object of [...blobs, ...packs, ...records]) {
    const kind = classifyStoredKey(object.key).kind;
    if (kind === 'blob' || kind === 'pack') listing.objects.set(object.key, object);
    else if (kind === 'record') listing.records.push(object);
    else listing.unknown.push(object);
  }
  return listing;
}

/** The manifests and index entries as they are now: what a prune lists again before it deletes. */
export async function listResultKeys(remote: Remote): Promise<Pick<StoreListing, 'manifests' | 'indexEntries'>> {
  const { manifests, indexEntries } = sortOutputKeys(await listingOf(remote)(outputsRoot));
  return { manifests, indexEntries };
}

function sortOutputKeys(objects: readonly ListedObject[]): Pick<StoreListing, 'manifests' | 'indexEntries' | 'unknown'> {
  const sorted: Pick<StoreListing, 'manifests' | 'indexEntries' | 'unknown'> = { manifests: [], indexEntries: [], unknown: [] };
  for (const object of objects) {
    const stored = classifyStoredKey(object.key);
    if (stored.kind === 'manifest') sorted.manifests.push({ object, output: stored.output, key: stored.key, scope: stored.scope, tree: stored.tree });
    else if (stored.kind === 'index') sorted.indexEntries.push({ object, output: stored.output, key: stored.key, scope: stored.scope, tree: stored.tree });
    else sorted.unknown.push(object);
  }
  return sorted;
}
