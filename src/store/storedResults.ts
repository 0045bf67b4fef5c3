import { ObjectMissingError } from '../core/errors.js';
import { type Manifest } from '../core/manifest.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { type DatedResult } from '../core/pruneRules.js';
import { type WalkProgress } from '../core/walkProgress.js';
import { readText, type Remote } from '../remote/remote.js';
import { blobKey, packKey } from './layout.js';
import { ObjectTable } from './objectTable.js';
import { maximumManifestBytes, readManifest } from './readManifest.js';
import { type ListedResultKey } from './storeListing.js';

/** One usable manifest: what it restores and which objects it needs. */
export interface StoredResult extends DatedResult {
  key: string;
  tree: string;
  listed: ListedResultKey;
  files: number;
  /** What restoring it writes: the sum of its files' sizes. */
  bytes: number;
  /** The blobs and packs it points into, each once, by their numbers in the walk's ObjectTable. */
  objects: Uint32Array;
}

/**
 * A manifest that no restore accepts. It is never removed and the objects it names are never
 * deleted: it may be a newer stoat's, or damage someone should see.
 */
export interface UnusableManifest {
  listed: ListedResultKey;
  reason: string;
  /** The objects it names, by number. */
  objects: number[];
}

/** What reading a set of listed manifests found. */
export interface ReadResults {
  results: StoredResult[];
  unusable: UnusableManifest[];
  /** Manifests gone between the listing and the read: another prune removed them. */
  vanished: ListedResultKey[];
  /** Every object the manifests name, numbered: shared by every reading of one walk. */
  table: ObjectTable;
}

export function emptyReadResults(table = new ObjectTable()): ReadResults {
  return { results: [], unusable: [], vanished: [], table };
}

/**
 * Reads manifests with the parser every restore uses, a few at a time, into `into`. Only what a
 * walk needs of each is kept (its dates, sizes and object numbers), so a store of many thousands
 * of results fits in little memory.
 */
export async function readResults(remote: Remote, manifests: readonly ListedResultKey[], concurrency: number, into: ReadResults, progress?: WalkProgress): Promise<void> {
  let done = 0;
  await mapConcurrently(manifests, concurrency, async (listed) => {
    const reading = await readManifest(remote, listed.object, listed);
    if ('manifest' in reading) into.results.push(summarize(listed, reading.manifest, into.table));
    else {
      const objects = await salvageObjects(remote, listed);
      if (objects === undefined) into.vanished.push(listed);
      else into.unusable.push({ listed, reason: reading.unusable, objects: objects.map((key) => into.table.numberOf(key)) });
    }
    progress?.step('reading manifests', ++done, manifests.length);
  });
}

/** What a walk keeps of a manifest, and what it learns of the sizes of the objects the manifest needs. */
function summarize(listed: ListedResultKey, manifest: Manifest, table: ObjectTable): StoredResult {
  const objects = new Set<number>();
  let bytes = 0;
  for (const file of manifest.files) {
    bytes += file.size;
    const number = table.numberOf('blob' in file ? blobKey(file.blob) : packKey(file.pack));
    objects.add(number);
    table.need(number, 'blob' in file ? { exact: file.size, atLeast: file.size } : { atLeast: file.offset + file.size });
  }
  const created = Date.parse(manifest.provenance.created);
  return { output: listed.output, scope: listed.scope, key: listed.key, tree: listed.tree, created, modified: listed.object.modified, listed, files: manifest.files.length, bytes, objects: Uint32Array.from(objects) };
}

/**
 * The objects an unusable manifest names, read from its text as far as it goes, or undefined when
 * it is gone. The parser refused it, so nothing of it is trusted beyond the hashes it spells out:
 * keeping them costs a little space, deleting them could break a result a newer stoat can restore.
 */
async function salvageObjects(remote: Remote, listed: ListedResultKey): Promise<string[] | undefined> {
  let text: string;
  try {
    text = listed.object.size > maximumManifestBytes ? '' : await readText(remote, listed.object.key, maximumManifestBytes);
  } catch (error) {
    if (error instanceof ObjectMissingError) return undefined;
    if (error instanceof RangeError) return [];
    throw error;
  }
  const objects = new Set<string>();
  for (const match of text.matchAll(/"(blob|pack)"\s*:\s*"([0-9a-f]{64})"/g)) objects.add(match[1] === 'blob' ? blobKey(match[2]!) : packKey(match[2]!));
  return [...objects];
}
