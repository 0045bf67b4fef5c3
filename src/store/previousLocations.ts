import { mapConcurrently } from '../core/mapConcurrently.js';
import { type Remote } from '../remote/remote.js';
import { blobKey, packKey } from './layout.js';
import { findNewestManifest } from './newestManifest.js';

/** Where a file's bytes already are in the remote: a blob, or a member of a pack. */
export type StoredLocation = { blob: string } | { pack: string; offset: number };

export function objectKeyOf(location: StoredLocation): string {
  return 'blob' in location ? blobKey(location.blob) : packKey(location.pack);
}

/**
 * Reads the newest manifest of the same output (under any key) in the scopes this run reads, so a
 * save after a small change uploads only the changed files: the others point at the packs they are
 * already in. Only scopes the run trusts are used, damaged objects are skipped, and every pack that
 * will be pointed at is checked to exist. Nothing found is not an error: the save uploads everything.
 */
export async function findPreviousLocations(remote: Remote, output: string, scopes: readonly string[], damaged: ReadonlySet<string>, concurrency: number): Promise<Map<string, StoredLocation>> {
  const locations = new Map<string, StoredLocation>();
  const newest = await findNewestManifest(remote, output, scopes);
  if (newest === undefined) return locations;
  for (const file of newest.manifest.files) {
    const location: StoredLocation = 'blob' in file ? { blob: file.blob } : { pack: file.pack, offset: file.offset };
    if (!damaged.has(objectKeyOf(location))) locations.set(file.sha256, location);
  }
  const packs = [...new Set([...locations.values()].filter((location) => 'pack' in location).map(objectKeyOf))];
  const present = await mapConcurrently(packs, concurrency, (key) => remote.exists(key));
  const missing = new Set(packs.filter((_, index) => !present[index]));
  for (const [sha256, location] of locations) {
    if (missing.has(objectKeyOf(location))) locations.delete(sha256);
  }
  return locations;
}
