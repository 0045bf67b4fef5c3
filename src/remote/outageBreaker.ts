import { errorMessage, RemoteConfigurationError, RemoteError, RemoteGaveUpError, RemoteRefusedError } from '../core/errors.js';
import { type Remote } from './remote.js';

/**
 * Requests that fail in a row (each after the backend's own retries) before the rest of the run
 * stops asking: by then the remote is down, and every further request would only wait out its
 * timeouts, for every object of every step left.
 */
export const failuresBeforeGivingUp = 3;

/**
 * The remote with a breaker at its boundary: once `limit` requests in a row have failed, every
 * later request fails at once with a RemoteGaveUpError that names the first failure. A request the
 * remote answers (a missing object included) resets the count. The wrapper has exactly the
 * capabilities the remote has.
 */
export function withOutageBreaker(remote: Remote, limit = failuresBeforeGivingUp): Remote {
  let failures = 0;
  let first: string | undefined;
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    if (failures >= limit) {
      throw new RemoteGaveUpError(`stoat stopped asking ${remote.display} for the rest of this run after ${limit} requests in a row failed; the first: ${first}`, remote.display);
    }
    try {
      const result = await call();
      failures = 0;
      return result;
    } catch (error) {
      // A remote set up wrongly fails the same way at once, and is reported as such: no count.
      // A refusal (a read-only token) is an answer, not an outage: reads may still be served.
      if (error instanceof RemoteError && !(error instanceof RemoteGaveUpError) && !(error instanceof RemoteConfigurationError) && !(error instanceof RemoteRefusedError)) {
        if (failures === 0) first = errorMessage(error);
        failures++;
      } else if (!(error instanceof RemoteError)) {
        failures = 0;
      }
      throw error;
    }
  };
  const guarded: Remote = {
    display: remote.display,
    locate: (key) => remote.locate(key),
    exists: (key) => guard(() => remote.exists(key)),
    read: (key, range) => guard(() => remote.read(key, range)),
    writeIfAbsent: (key, source, contentAddressed) => guard(() => remote.writeIfAbsent(key, source, contentAddressed)),
  };
  const { list, newest, readInto, replace, listFirst } = remote;
  if (list !== undefined) guarded.list = (prefix) => guard(() => list.call(remote, prefix));
  if (listFirst !== undefined) guarded.listFirst = (prefix, count) => guard(() => listFirst.call(remote, prefix, count));
  if (newest !== undefined) guarded.newest = (prefix) => guard(() => newest.call(remote, prefix));
  if (readInto !== undefined) guarded.readInto = (key, range, sink) => guard(() => readInto.call(remote, key, range, sink));
  if (replace !== undefined) guarded.replace = (key, source) => guard(() => replace.call(remote, key, source));
  const { newestAmong } = remote;
  if (newestAmong !== undefined) guarded.newestAmong = (prefixes) => guard(() => newestAmong.call(remote, prefixes));
  const { delete: remove } = remote;
  if (remove !== undefined) guarded.delete = (keys) => guard(() => remove.call(remote, keys));
  // A property, not a request: passed on as it is.
  return remote.packing === undefined ? guarded : { ...guarded, packing: remote.packing };
}
