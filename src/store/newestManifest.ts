import { type Manifest } from '../core/manifest.js';
import { objectsUnder, type Remote } from '../remote/remote.js';
import { manifestKey, outputPrefix, parseManifestKey } from './layout.js';
import { readManifest } from './readManifest.js';
import { indexedSaves } from './resultIndex.js';

/** The newest saved manifest of an output under any command key, and where it is. */
export interface NewestManifest {
  manifest: Manifest;
  location: string;
}

/** Manifests tried, newest first, before giving up: a few unusable ones must not cost a read each of hundreds. */
const manifestsTried = 3;

/**
 * The nearest earlier result of an output, for explaining a miss: the newest manifest under any
 * command key in the scopes given (the ones a run reads), preferring them in their order. The index
 * finds it in one short listing per scope and one read, however many saves there are; where it
 * names nothing usable (saves made before the index existed), findNewestManifest lists them all.
 * The index does not give a manifest's size, so an oversized one is read up to the cap and refused
 * there (a save, which reads the listed size first, never reads it at all).
 */
export async function findNearestManifest(remote: Remote, output: string, scopes: readonly string[]): Promise<NewestManifest | undefined> {
  const indexed = await indexedSaves(remote, output, scopes);
  for (const save of indexed.slice(0, manifestsTried)) {
    const key = manifestKey(output, save.key, save.scope, save.tree);
    const found = await readCandidate(remote, { key, size: 0, modified: save.created }, save);
    if (found !== undefined) return found;
  }
  return findNewestManifest(remote, output, scopes);
}

/**
 * The newest manifest of `output` under any command key, in the given scopes (the ones a run
 * reads): what an earlier save of the same step holds. Newest by when the remote says it was
 * written, which costs one listing of every manifest of the output and no read per manifest. A
 * manifest that cannot be used is passed over; none at all is undefined, not an error.
 */
export async function findNewestManifest(remote: Remote, output: string, scopes: readonly string[]): Promise<NewestManifest | undefined> {
  const candidates = (await objectsUnder(remote, outputPrefix(output)))
    .map((object) => ({ object, parsed: parseManifestKey(output, object.key) }))
    .filter(({ parsed }) => parsed !== undefined && scopes.includes(parsed.scope))
    .sort((a, b) => b.object.modified - a.object.modified)
    .slice(0, manifestsTried);
  for (const { object, parsed } of candidates) {
    const found = await readCandidate(remote, object, { output, ...parsed! });
    if (found !== undefined) return found;
  }
  return undefined;
}

async function readCandidate(remote: Remote, object: Parameters<typeof readManifest>[1], expected: Parameters<typeof readManifest>[2]): Promise<NewestManifest | undefined> {
  const reading = await readManifest(remote, object, expected);
  return 'manifest' in reading ? { manifest: reading.manifest, location: remote.locate(object.key) } : undefined;
}
