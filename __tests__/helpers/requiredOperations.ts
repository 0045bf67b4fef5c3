import { type Remote } from '../../src/remote/remote.js';

/**
 * The operations every backend must offer, taken from `inner` as a plain object: a test adds the
 * capabilities it wants on top, or changes one operation, and the store is tested with exactly that.
 */
export function requiredOperations(inner: Remote): Remote {
  return {
    display: inner.display,
    locate: (key) => inner.locate(key),
    exists: (key) => inner.exists(key),
    read: (key, range) => inner.read(key, range),
    writeIfAbsent: (key, source, contentAddressed) => inner.writeIfAbsent(key, source, contentAddressed),
  };
}
