import { type ListedObject, type Remote } from '../../src/remote/remote.js';
import { requiredOperations } from '../helpers/requiredOperations.js';

/**
 * A directory remote that offers only what every backend must, plus a lookup of the newest object
 * under a prefix instead of a listing: no listing, no ranged reads into a sink, no replacing. What a
 * backend like the GitHub Actions cache offers, on real files, so that the store is tested working
 * without each capability.
 */
export function lookupOnly(inner: Remote): Remote {
  return {
    ...requiredOperations(inner),
    async newest(prefix: string): Promise<ListedObject | undefined> {
      const objects = await inner.list!(prefix);
      return objects.sort((a, b) => b.modified - a.modified)[0];
    },
  };
}
