import { sha256Hex } from '../../core/fileDigests.js';

/**
 * Entries fetched whole, kept on local disk for the rest of the run. The GitHub Actions cache hands
 * out an entry only whole (an archive, downloaded and unpacked), while the store reads objects in
 * ranges: a pack's members, a large blob's parts. Each entry is fetched once however many ranges
 * are read from it, and requests for it while it is being fetched wait for that one fetch. A fetch
 * that fails is forgotten, so a later read tries again.
 */
export class LocalObjectCache {
  private readonly entries = new Map<string, Promise<string>>();

  /** `folder` gives where the copies go, made when the first is fetched. */
  constructor(private readonly folder: () => string) {}

  /** The local file holding the object `key`, fetched by `fill` (which writes it to the path it is given) unless it was already. */
  fetch(key: string, fill: (destination: string) => Promise<void>): Promise<string> {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const destination = `${this.folder()}/${sha256Hex(key)}`;
      entry = fill(destination).then(() => destination);
      this.entries.set(key, entry);
      entry.catch(() => this.entries.delete(key));
    }
    return entry;
  }

  /** Forgets every copy: their folder is being removed. */
  clear(): void {
    this.entries.clear();
  }
}
