import { errorMessage, IntegrityError, ObjectMissingError } from '../core/errors.js';
import { type Manifest, parseManifest } from '../core/manifest.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { readText, type Remote } from '../remote/remote.js';
import { manifestPrefix, treeOfManifestKey } from './layout.js';

/** A manifest larger than this is refused unread: no honest output needs one. */
export const maximumManifestBytes = 64 * 1024 * 1024;

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
  for (const scope of scopes) {
    const prefixes = outputs.map((output) => manifestPrefix(output, key, scope));
    const listings = await mapConcurrently(prefixes, concurrency, (prefix) => remote.list(prefix));
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
        .map((object) => ({ output, object: object.key, size: object.size, tree: treeOfManifestKey(prefixes[index]!, object.key)! })),
    );
    const unusableBefore = unusable.length;
    const read = await mapConcurrently(candidates, concurrency, async ({ output, object, size, tree }) => {
      try {
        // The listing already says how large it is: no need to read a huge one to refuse it.
        if (size > maximumManifestBytes) throw new RangeError(`it is ${size} bytes, more than the ${maximumManifestBytes} a manifest may have`);
        const text = await readText(remote, object, maximumManifestBytes);
        const manifest = parseManifest(text, { output, key, scope });
        if (tree !== manifest.tree) throw new IntegrityError(`its name does not match its tree hash ${manifest.tree}`);
        return { manifest, location: remote.locate(object) };
      } catch (error) {
        if (!(error instanceof IntegrityError || error instanceof ObjectMissingError || error instanceof RangeError)) throw error;
        unusable.push(`manifest ${remote.locate(object)} is unusable: ${errorMessage(error)}`);
        return undefined;
      }
    });
    const found = newestComplete(read.filter((entry) => entry !== undefined), outputs);
    if (found !== undefined) return { found: { scope, manifests: found }, reason: '', unusable };
    const refused = unusable.slice(unusableBefore);
    // Why a manifest was refused is the reason a user needs, not only a warning beside it.
    notes.push(refused.length > 0 ? `scope "${scope}": ${refused.join('; ')}` : `scope "${scope}" holds no single save with every output`);
  }
  return { found: undefined, reason: `no saved result for this key: ${notes.join('; ')}`, unusable };
}

function newestComplete(entries: FoundManifest[], outputs: readonly string[]): Map<string, FoundManifest> | undefined {
  const saves = new Map<string, Map<string, FoundManifest>>();
  for (const entry of entries) {
    // Every manifest of one save carries the same provenance, so it identifies the save.
    const identity = JSON.stringify(entry.manifest.provenance);
    if (!saves.has(identity)) saves.set(identity, new Map());
    saves.get(identity)!.set(entry.manifest.output, entry);
  }
  const complete = [...saves.values()].filter((save) => outputs.every((output) => save.has(output)));
  complete.sort((a, b) => createdOf(b) - createdOf(a));
  return complete[0];
}

function createdOf(save: Map<string, FoundManifest>): number {
  return Date.parse(save.values().next().value!.manifest.provenance.created);
}
