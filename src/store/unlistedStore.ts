import { type NewestResultView, type OutputLookup, type UnlistedStoreReport } from '../core/unlistedStoreReport.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { objectsUnder, type Remote } from '../remote/remote.js';
import { blobKey, classifyStoredKey, outputPrefix, packKey } from './layout.js';
import { readManifest } from './readManifest.js';

/** Why a store that cannot list cannot be measured or pruned, and what trims it instead. */
export function selfEvictionNote(display: string): string {
  return (
    `${display} cannot list what it holds, so stoat can neither measure nor prune it. A store without listing evicts entries by itself: ` +
    "the GitHub Actions cache drops entries not used for 7 days, and the oldest once a repository's entries pass its size limit " +
    '(the repository\'s Actions → Caches page lists them, and `gh cache list --key stoat/v1/` and `gh cache delete` list and remove them)'
  );
}

/**
 * What can be seen of a store that can only look objects up: for each output named, the newest
 * result within this job's reach (its own branch, then the default branch, on the GitHub Actions
 * cache) and which of the objects it needs are gone. An output's path is needed to find it: the
 * cache keys hold its hash only, so nothing can be found without it.
 */
export async function viewUnlistedStore(remote: Remote, outputs: readonly string[], concurrency: number): Promise<UnlistedStoreReport> {
  const found: OutputLookup[] = [];
  for (const output of outputs) found.push(await newestResultOf(remote, output, concurrency));
  return { remote: remote.display, listed: false, note: selfEvictionNote(remote.display), outputs: found };
}

async function newestResultOf(remote: Remote, output: string, concurrency: number): Promise<OutputLookup> {
  const [listed] = await objectsUnder(remote, outputPrefix(output));
  const stored = listed === undefined ? undefined : classifyStoredKey(listed.key);
  if (listed === undefined || stored?.kind !== 'manifest') return { output, newest: null };
  const reading = await readManifest(remote, listed, { output, key: stored.key, scope: stored.scope, tree: stored.tree });
  if ('unusable' in reading) return { output, newest: null, unusable: reading.unusable };
  const { manifest } = reading;
  const objects = [...new Set(manifest.files.map((file) => ('blob' in file ? blobKey(file.blob) : packKey(file.pack))))];
  const present = await mapConcurrently(objects, concurrency, (key) => remote.exists(key));
  const newest: NewestResultView = {
    scope: stored.scope,
    key: stored.key,
    tree: stored.tree,
    created: manifest.provenance.created,
    manifest: remote.locate(listed.key),
    files: manifest.files.length,
    bytes: manifest.files.reduce((sum, file) => sum + file.size, 0),
    objects: objects.length,
    missing: objects.filter((_, index) => !present[index]).map((key) => remote.locate(key)),
  };
  return { output, newest };
}
