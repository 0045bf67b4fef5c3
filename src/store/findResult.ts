import { type Manifest } from '../core/manifest.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { type Remote } from '../remote/remote.js';
import { manifestPrefix, treeOfManifestKey } from './layout.js';
import { readManifest } from './readManifest.js';
import { ScopedListings } from './scopedListings.js';

export interface FoundManifest {
  manifest: Manifest;
  location: string;
}

/** One saved result: a manifest for every output, all written by the same save. */
export interface FoundResult {
  scope: string;
  manifests: Map<string, FoundManifest>;
}

export interface FindOutcome {
  found: FoundResult | undefined;
  /** Why nothing was found, when nothing was. */
  reason: string;
  /** Manifests that were there but could not be used, with the reason: these become warnings. */
  unusable: string[];
}

/**
 * Looks for a saved result in the read scopes in order, newest first. The outputs of one result
 * must come from one save: a non-deterministic command's model from one run and metrics from
 * another would be a result that never happened.
 */
export async function findResult(remote: Remote, key: string, outputs: readonly string[], scopes: readonly string[], concurrency: number): Promise<FindOutcome> {
  const unusable: string[] = [];
  const notes: string[] = [];
  const lookups = new ScopedListings(remote, outputs.map((output) => scopes.map((scope) => manifestPrefix(output, key, scope))), concurrency);
  for (const [scopeIndex, scope] of scopes.entries()) {
    const prefixes = outputs.map((output) => manifestPrefix(output, key, scope));
    const listings = await lookups.inScope(scopeIndex);
    const absent = outputs.filter((_, index) => listings[index]!.length === 0);
    if (absent.length === outputs.length) {
      notes.push(`nothing saved in scope "${scope}"`);
      continue;
    }
    if (absent.length > 0) {
      notes.push(`scope "${scope}" has nothing for ${absent.join(', ')}`);
      continue;
    }
    const candidates = outputs.flatMap((output, index) =>
      listings[index]!
        .filter((object) => treeOfManifestKey(prefixes[index]!, object.key) !== undefined)
        .map((object) => ({ output, object, tree: treeOfManifestKey(prefixes[index]!, object.key)! })),
    );
    const unusableBefore = unusable.length;
    const read = await mapConcurrently(candidates, concurrency, async ({ output, object, tree }) => {
      const reading = await readManifest(remote, object, { output, key, scope, tree });
      if ('unusable' in reading) {
        unusable.push(reading.unusable);
        return undefined;
      }
      return { manifest: reading.manifest, location: remote.locate(object.key) };
    });
    const found = newestComplete(read.filter((entry) => entry !== undefined), outputs, unusable);
    if (found !== undefined) return { found: { scope, manifests: found }, reason: '', unusable };
    const refused = unusable.slice(unusableBefore);
    // Why a manifest was refused is the reason a user needs, not only a warning beside it.
    notes.push(refused.length > 0 ? `scope "${scope}": ${refused.join('; ')}` : `scope "${scope}" holds no single save with every output`);
  }
  return { found: undefined, reason: `no saved result for this key: ${notes.join('; ')}`, unusable };
}

/** A save claiming a time further ahead of this clock than this is not believed to be the newest. */
const largestClockSkewMs = 24 * 60 * 60 * 1000;

function newestComplete(entries: FoundManifest[], outputs: readonly string[], warnings: string[]): Map<string, FoundManifest> | undefined {
  const saves = new Map<string, Map<string, FoundManifest>>();
  for (const entry of entries) {
    // Every manifest of one save carries the same provenance, so it identifies the save.
    const identity = JSON.stringify(entry.manifest.provenance);
    if (!saves.has(identity)) saves.set(identity, new Map());
    saves.get(identity)!.set(entry.manifest.output, entry);
  }
  const complete = [...saves.values()].filter((save) => outputs.every((output) => save.has(output)));
  const latest = Date.now() + largestClockSkewMs;
  const ranked = complete.map((save) => {
    const first = save.values().next().value!;
    const created = Date.parse(first.manifest.provenance.created);
    if (created <= latest) return { save, created };
    // A time in the future would keep that result the newest for ever, whatever is saved after it.
    warnings.push(`manifest ${first.location} says it was made at ${first.manifest.provenance.created}, more than a day ahead of this machine's clock: it is used only when no other result is`);
    return { save, created: Number.NEGATIVE_INFINITY };
  });
  ranked.sort((a, b) => b.created - a.created);
  return ranked[0]?.save;
}
