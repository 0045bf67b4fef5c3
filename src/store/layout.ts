/**
 * The remote layout, version 1: the only place that decides which key holds what.
 *
 *   stoat/v1/
 *   ├── outputs/<encodeURIComponent(output path)>/<command key>/<scope>/<tree hash>.json   manifests
 *   ├── outputs/<encodeURIComponent(output path)>/index/<scope>/<descending time>-<command key>-<tree hash>
 *   │                                                                            the index of saves (empty)
 *   ├── blobs/<sha256[0..2]>/<sha256>                                                       one file's bytes
 *   ├── packs/<sha256[0..2]>/<sha256>                                                       small files, concatenated
 *   └── unused/<time written>-<id>.json                       objects a prune left unused, kept for its grace period
 *
 * Changing any of this changes what existing remotes mean: it needs `stoat/v2/`. In the GitHub
 * Actions cache, whose keys are short and matched regardless of case, the same layout is named as
 * actionsCacheKeys.ts says: nothing else names keys.
 */
export const layoutRoot = 'stoat/v1';

export { actionsCacheKeys } from './actionsCacheKeys.js';

/** All manifests of one output, under every key: listed to find what a new save can reuse. */
export function outputPrefix(output: string): string {
  return `${layoutRoot}/outputs/${encodeURIComponent(output)}/`;
}

/**
 * The command key, scope and tree hash named by a key listed under `outputPrefix(output)`, or
 * undefined for anything else. The match is exact, segment by segment: a key with extra segments
 * (`…/<key>/trusted/pr-1/<tree>.json`, which a policy written for `pr-*` might let an untrusted
 * job write) is no manifest of the trusted scope.
 */
export function parseManifestKey(output: string, key: string): { key: string; scope: string; tree: string } | undefined {
  const prefix = outputPrefix(output);
  if (!key.startsWith(prefix)) return undefined;
  const match = /^([0-9a-f]{64})\/([^/]+)\/([0-9a-f]{64})\.json$/.exec(key.slice(prefix.length));
  return match === null ? undefined : { key: match[1]!, scope: match[2]!, tree: match[3]! };
}

/** All manifests of one output, command key and scope. */
export function manifestPrefix(output: string, key: string, scope: string): string {
  return `${layoutRoot}/outputs/${encodeURIComponent(output)}/${key}/${scope}/`;
}

export function manifestKey(output: string, key: string, scope: string, tree: string): string {
  return `${manifestPrefix(output, key, scope)}${tree}.json`;
}

/** The tree hash named by a key listed under `manifestPrefix(output, key, scope)`: exactly `<tree>.json`. */
export function treeOfManifestKey(prefix: string, key: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  return /^([0-9a-f]{64})\.json$/.exec(key.slice(prefix.length))?.[1];
}

export function blobKey(sha256: string): string {
  return `${layoutRoot}/blobs/${sha256.slice(0, 2)}/${sha256}`;
}

export function packKey(sha256: string): string {
  return `${layoutRoot}/packs/${sha256.slice(0, 2)}/${sha256}`;
}

/**
 * The index of an output's saves in one scope: an empty object per save, written after its manifest
 * and never replaced, named so that a listing in key order starts with the newest save. It only
 * adds to the layout: `index` is no command key, so readers of manifests pass it by, and a remote
 * written before it simply has no index.
 */
export function indexPrefix(output: string, scope: string): string {
  return `${outputPrefix(output)}index/${scope}/`;
}

/** Milliseconds are written as this minus the time, in 13 digits: later saves sort first until the year 2286. */
const latestTime = 9_999_999_999_999;

export function indexEntryKey(output: string, scope: string, created: number, key: string, tree: string): string {
  const descending = String(latestTime - Math.min(Math.max(Math.round(created), 0), latestTime)).padStart(13, '0');
  return `${indexPrefix(output, scope)}${descending}-${key}-${tree}`;
}

/** The save an entry listed under `indexPrefix(output, scope)` names, or undefined for anything else. */
export function parseIndexEntry(prefix: string, key: string): { created: number; key: string; tree: string } | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const match = /^(\d{13})-([0-9a-f]{64})-([0-9a-f]{64})$/.exec(key.slice(prefix.length));
  return match === null ? undefined : { created: latestTime - Number(match[1]), key: match[2]!, tree: match[3]! };
}

/** The layout's top prefixes: `stoat du` and `stoat prune` list each of them whole. */
export const outputsRoot = `${layoutRoot}/outputs/`;
export const blobsRoot = `${layoutRoot}/blobs/`;
export const packsRoot = `${layoutRoot}/packs/`;
/**
 * Records that `stoat prune` writes of the objects its removals left unused: a save that started
 * from a removed result before it was removed may still point at them, so they stay for the grace
 * period. Named by when they were written; they only add to the layout.
 */
export const unusedRoot = `${layoutRoot}/unused/`;

export function unusedRecordKey(written: number, id: string): string {
  return `${unusedRoot}${String(Math.max(Math.round(written), 0)).padStart(13, '0')}-${id}.json`;
}

/** What a key found under the top prefixes is; anything the layout does not name is `unknown`. */
export type StoredKey =
  | { kind: 'manifest' | 'index'; output: string; key: string; scope: string; tree: string }
  | { kind: 'blob' | 'pack'; sha256: string }
  | { kind: 'record' }
  | { kind: 'unknown' };

export function classifyStoredKey(key: string): StoredKey {
  if (key.startsWith(outputsRoot)) return classifyOutputKey(key);
  for (const [root, kind] of [[blobsRoot, 'blob'], [packsRoot, 'pack']] as const) {
    if (!key.startsWith(root)) continue;
    const match = /^([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(key.slice(root.length));
    // The folder must be the hash's own first two characters: blobKey and packKey put it nowhere else.
    return match !== null && match[2]!.startsWith(match[1]!) ? { kind, sha256: match[2]! } : { kind: 'unknown' };
  }
  if (key.startsWith(unusedRoot) && /^\d{13}-[0-9a-f]{16}\.json$/.test(key.slice(unusedRoot.length))) return { kind: 'record' };
  return { kind: 'unknown' };
}

/** A manifest or an index entry, only where the output's folder name is exactly what outputPrefix makes of it. */
function classifyOutputKey(key: string): StoredKey {
  const folder = key.slice(outputsRoot.length).split('/', 1)[0]!;
  let output: string;
  try {
    output = decodeURIComponent(folder);
  } catch {
    return { kind: 'unknown' };
  }
  if (output === '' || encodeURIComponent(output) !== folder) return { kind: 'unknown' };
  const manifest = parseManifestKey(output, key);
  if (manifest !== undefined) return { kind: 'manifest', output, ...manifest };
  const scope = /^index\/([^/]+)\//.exec(key.slice(outputPrefix(output).length))?.[1];
  const entry = scope === undefined ? undefined : parseIndexEntry(indexPrefix(output, scope), key);
  return entry === undefined ? { kind: 'unknown' } : { kind: 'index', output, scope: scope!, key: entry.key, tree: entry.tree };
}
