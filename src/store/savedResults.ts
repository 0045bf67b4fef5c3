import { type Manifest } from '../core/manifest.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { objectsUnder, type Remote } from '../remote/remote.js';
import { outputPrefix, parseManifestKey } from './layout.js';
import { readManifest } from './readManifest.js';

export interface SavedResult {
  manifest: Manifest;
  location: string;
}

export interface SavedResultsQuery {
  output: string;
  /** The scopes to list, or undefined for every scope. */
  scopes: readonly string[] | undefined;
  /** Only the saves whose manifests pass this (their command, say). */
  accept: (manifest: Manifest) => boolean;
  /** How many to give at most. */
  limit: number;
  /** Manifests read at most in looking for them, so a filter that matches little cannot read a remote whole. */
  readLimit: number;
  concurrency: number;
}

/**
 * The saved results of one output, newest first by the time each save recorded: every manifest of
 * the output is listed (under every key), the newest read a batch at a time until `limit` pass
 * the filter. A manifest that cannot be used is passed over, as a restore passes it over.
 */
export async function savedResults(remote: Remote, query: SavedResultsQuery): Promise<SavedResult[]> {
  const candidates = (await objectsUnder(remote, outputPrefix(query.output)))
    .map((object) => ({ object, parsed: parseManifestKey(query.output, object.key) }))
    .filter(({ parsed }) => parsed !== undefined && (query.scopes === undefined || query.scopes.includes(parsed.scope)))
    .sort((a, b) => b.object.modified - a.object.modified)
    .slice(0, query.readLimit);
  const found: SavedResult[] = [];
  for (let start = 0; start < candidates.length && found.length < query.limit; start += query.concurrency) {
    const batch = candidates.slice(start, start + query.concurrency);
    const read = await mapConcurrently(batch, query.concurrency, async ({ object, parsed }) => {
      const reading = await readManifest(remote, object, { output: query.output, ...parsed! });
      return 'manifest' in reading && query.accept(reading.manifest) ? { manifest: reading.manifest, location: remote.locate(object.key) } : undefined;
    });
    found.push(...read.filter((entry) => entry !== undefined));
  }
  // The remote's clock orders the listing; the saves' own times order what is shown.
  found.sort((a, b) => Date.parse(b.manifest.provenance.created) - Date.parse(a.manifest.provenance.created));
  return found.slice(0, query.limit);
}
