/** A remote error under `fail-on-cache-error`: the step fails instead of running as on a miss. */
export class CacheFailure extends Error {
  override name = 'CacheFailure';
}
