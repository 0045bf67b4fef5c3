import { firstObjectsUnder, type Remote } from '../remote/remote.js';
import { indexEntryKey, indexPrefix, parseIndexEntry } from './layout.js';

/** A save as the index names it: enough to find its manifest without listing every manifest. */
export interface IndexedSave {
  output: string;
  scope: string;
  key: string;
  tree: string;
  /** Milliseconds since the epoch, as the save recorded it. */
  created: number;
}

/**
 * Entries read per scope. More than one, so that a save whose manifest was pruned, or an entry
 * from a machine whose clock runs ahead, still leaves the next one; and the listing that stops
 * early costs one request whatever this is.
 */
const entriesPerScope = 5;
/** An entry claiming a time further ahead of this clock than this is passed over, as findResult passes over such manifests. */
const largestClockSkewMs = 24 * 60 * 60 * 1000;

/**
 * The newest saves of `output` in each of `scopes`, the scopes in the order given and each newest
 * first: one short listing per scope, made at once. A remote saved to before the index existed has
 * none, which the caller tells from an answer by listing the manifests themselves.
 */
export async function indexedSaves(remote: Remote, output: string, scopes: readonly string[]): Promise<IndexedSave[]> {
  const latest = Date.now() + largestClockSkewMs;
  const listings = await Promise.all(
    scopes.map(async (scope) => {
      const prefix = indexPrefix(output, scope);
      const listed = await firstObjectsUnder(remote, prefix, entriesPerScope);
      return listed.flatMap((object) => {
        const entry = parseIndexEntry(prefix, object.key);
        return entry === undefined || entry.created > latest ? [] : [{ output, scope, ...entry }];
      });
    }),
  );
  return listings.flat();
}

/**
 * Adds a committed save to the index: written after its manifest, put only where absent and never
 * replaced, and empty, since its name says all there is to say.
 */
export async function writeIndexEntry(remote: Remote, save: IndexedSave): Promise<void> {
  await remote.writeIfAbsent(indexEntryKey(save.output, save.scope, save.created, save.key, save.tree), { bytes: new Uint8Array(0) }, false);
}
