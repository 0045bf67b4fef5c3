import { type Manifest } from '../core/manifest.js';
import { objectsUnder, type Remote } from '../remote/remote.js';
import { outputPrefix, parseManifestKey } from './layout.js';
import { readManifest } from './readManifest.js';

/** The newest saved manifest of an output under any command key, and where it is. */
export interface NewestManifest {
  manifest: Manifest;
  location: string;
}

/** Manifests tried, newest first, before giving up: a few unusable ones must not cost a read each of hundreds. */
const manifestsTried = 3;

/**
 * The newest manifest of `output` under any command key, in the given scopes (the ones a run
 * reads): what an earlier save of the same step holds. Newest by when the remote says it was
 * written, which costs one listing and no read per manifest. A manifest that cannot be used is
 * passed over; none at all is undefined, not an error.
 */
export async function findNewestManifest(remote: Remote, output: string, scopes: readonly string[]): Promise<NewestManifest | undefined> {
  const candidates = (await objectsUnder(remote, outputPrefix(output)))
    .map((object) => ({ object, parsed: parseManifestKey(output, object.key) }))
    .filter(({ parsed }) => parsed !== undefined && scopes.includes(parsed.scope))
    .sort((a, b) => b.object.modified - a.object.modified)
    .slice(0, manifestsTried);
  for (const { object, parsed } of candidates) {
    const reading = await readManifest(remote, object, { output, ...parsed! });
    if ('manifest' in reading) return { manifest: reading.manifest, location: remote.locate(object.key) };
  }
  return undefined;
}
