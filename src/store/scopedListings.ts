import { mapConcurrently } from '../core/mapConcurrently.js';
import { type ListedObject, objectsUnder, type Remote } from '../remote/remote.js';

type FirstFound = { index: number; object: ListedObject } | undefined;

/**
 * What each output holds in each read scope, asked the way the remote answers best. A remote that
 * lists (or looks up one prefix at a time) is asked per output and scope, as findResult reaches
 * each scope. One that looks up several prefixes at once (newestAmong) is asked once per output
 * for all the read scopes, own scope first: the answer names the first scope holding anything, so
 * the scopes before it hold nothing and that scope's newest is known. Only a scope after an answer
 * is asked about on its own, which a restore reaches only when its own scope was incomplete.
 */
export class ScopedListings {
  private firstFound: Promise<FirstFound[]> | undefined;

  /** `prefixes[output][scope]`: the manifest prefix of each output in each read scope, in order. */
  constructor(
    private readonly remote: Remote,
    private readonly prefixes: readonly (readonly string[])[],
    private readonly concurrency: number,
  ) {}

  /** The objects of every output under its prefix of scope number `scope`. */
  async inScope(scope: number): Promise<ListedObject[][]> {
    const { remote } = this;
    const newestAmong = remote.newestAmong;
    if (newestAmong === undefined || (this.prefixes[0]?.length ?? 0) < 2) {
      return mapConcurrently(this.prefixes, this.concurrency, (prefixes) => objectsUnder(remote, prefixes[scope]!));
    }
    this.firstFound ??= mapConcurrently(this.prefixes, this.concurrency, (prefixes) => newestAmong.call(remote, prefixes));
    const firstFound = await this.firstFound;
    return mapConcurrently(this.prefixes, this.concurrency, async (prefixes, output) => {
      const found = firstFound[output];
      if (found === undefined || found.index > scope) return [];
      if (found.index === scope) return [found.object];
      return objectsUnder(remote, prefixes[scope]!);
    });
  }
}
