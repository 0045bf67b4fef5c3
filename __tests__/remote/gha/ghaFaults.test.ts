import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { ObjectMissingError, RemoteError, RemoteRefusedError } from '../../../src/core/errors.js';
import { sha256Hex } from '../../../src/core/fileDigests.js';
import { blobKey, manifestKey, manifestPrefix } from '../../../src/store/layout.js';
import { closedPort } from '../../helpers/s3Server.js';
import { useActionsCache } from '../../helpers/useActionsCache.js';

const content = Buffer.from('entry bytes');
const key = blobKey(sha256Hex(content));
const source = { bytes: content, sha256: sha256Hex(content) };
const commandKey = 'e'.repeat(64);

/** A rejection's error, checked to be of `type` and to say `message`. */
async function failure<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T, message: RegExp): Promise<T> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
    assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a ${type.name} saying ${message}`);
}

describe('GhaRemote names each failure of the cache service as what it is', () => {
  const cache = useActionsCache();
  let scopeCount = 0;
  const ownScope = (): { scope: string; write: boolean }[] => [{ scope: `refs/heads/fault-${++scopeCount}`, write: true }];

  test('a rate limit on saving is an error that says so, never "already exists"', async () => {
    const remote = cache.remote(ownScope());
    cache.fake().failNext('CreateCacheEntry', { status: 429, code: 'resource_exhausted', msg: 'rate limited', retryAfter: 30 });
    await failure(remote.writeIfAbsent(key, source, true), RemoteError, /rate limiting this repository \(HTTP 429.*it resets in 30 s\), so saving stoat\/v1\/blobs/);
    assert.equal(await remote.writeIfAbsent(key, source, true), true, 'the next save goes through');
  });

  test('a rate limit on looking up is an error, not a miss', async () => {
    const remote = cache.remote(ownScope());
    cache.fake().failNext('GetCacheEntryDownloadURL', { status: 429, msg: 'rate limited' });
    await failure(remote.exists(key), RemoteError, /rate limiting this repository/);
  });

  test('a read-only token (pull_request_target) refuses saves by name, and later saves fail without archiving', async () => {
    const remote = cache.remote([{ scope: 'refs/heads/main', write: false }]);
    const refusal = await failure(remote.writeIfAbsent(manifestKey('out', commandKey, 'trusted', 'f'.repeat(64)), { bytes: content }), RemoteRefusedError, /cache token may only read \("cache write denied: .*pull_request_target/);
    const creates = cache.fake().calls.CreateCacheEntry;
    const again = await failure(remote.writeIfAbsent(key, source, true), RemoteRefusedError, /may only read/);
    assert.equal(again, refusal);
    assert.equal(cache.fake().calls.CreateCacheEntry, creates, 'no second reservation was tried');
    assert.equal(await remote.exists(key), false, 'reads still work');
  });

  test('a token that may not read makes lookups refusals, not misses', async () => {
    const remote = cache.remote([]);
    await failure(remote.exists(key), RemoteRefusedError, /may not read the cache \(".*cache read denied: token has no readable cache scope/);
  });

  test('a storage budget used up refuses saves by name', async () => {
    const remote = cache.remote(ownScope());
    cache.fake().failNext('CreateCacheEntry', { status: 403, msg: 'insufficient usage to create cache entry' });
    await failure(remote.writeIfAbsent(key, source, true), RemoteRefusedError, /storage budget is used up/);
  });

  test('a service error is retried by @actions/cache, then answered', async () => {
    const remote = cache.remote(ownScope());
    await remote.writeIfAbsent(key, source, true);
    cache.fake().failNext('GetCacheEntryDownloadURL', { status: 500, msg: 'internal error' });
    assert.equal(await remote.exists(key), true, 'one 500 is retried and then answered');
  });

  test('a service that cannot be reached is an error naming the reason', async () => {
    const remote = cache.remote(undefined, { extra: { ACTIONS_RESULTS_URL: `http://127.0.0.1:${await closedPort()}/` } });
    await failure(remote.exists(key), RemoteError, /cannot be reached \(ECONNREFUSED\) while looking up or restoring stoat\/v1\/blobs/);
  });

  test('a call that hangs is stopped, and the next call is served by a new process', async () => {
    const remote = cache.remote(ownScope(), { silenceLimitMs: 2000 });
    cache.fake().failNext('GetCacheEntryDownloadURL', 'hang');
    await failure(remote.exists(key), RemoteError, /gave no sign of progress for 2 s while looking up stoat\/v1\/blobs\/.*: the call was stopped/);
    assert.equal(await remote.exists(key), false);
  });

  test('an evicted entry is a missing object', async () => {
    const remote = cache.remote(ownScope());
    const evicted = blobKey(sha256Hex('evicted'));
    await remote.writeIfAbsent(evicted, { bytes: Buffer.from('evicted') }, true);
    await cache.fake().evict(cache.fake().entries.find((entry) => entry.key.endsWith(sha256Hex('evicted')))!.key);
    assert.equal(await remote.exists(evicted), false);
    await failure(remote.read(evicted), ObjectMissingError, /object stoat\/v1\/blobs\/.* is missing/);
  });

  test('an object another job is reserving right now is not taken as saved', async () => {
    const scopes = ownScope();
    const remote = cache.remote(scopes);
    const racing = blobKey(sha256Hex('racing'));
    const version = cache.fake().entries[0]!.version;
    cache.fake().entries.push({ key: `stoat/v1/blobs/${sha256Hex('racing')}`, version, scope: scopes[0]!.scope, blob: 'pending', finalized: false, size: 0, created: 0 });
    await failure(remote.writeIfAbsent(racing, { bytes: Buffer.from('racing') }, true), RemoteError, /another job is saving stoat\/v1\/blobs\/.* at this moment/);
  });
});

describe('ACTIONS_CACHE_MODE is honoured before any request', () => {
  const cache = useActionsCache();

  test('read: saves are refused by name, lookups are made', async () => {
    const remote = cache.remote(undefined, { extra: { ACTIONS_CACHE_MODE: 'read' } });
    const creates = cache.fake().calls.CreateCacheEntry;
    await failure(remote.writeIfAbsent(key, source, true), RemoteRefusedError, /ACTIONS_CACHE_MODE is "read", which does not permit writes/);
    assert.equal(cache.fake().calls.CreateCacheEntry, creates);
    assert.equal(await remote.exists(key), false);
  });

  test('none: lookups are refused too', async () => {
    const remote = cache.remote(undefined, { extra: { ACTIONS_CACHE_MODE: 'none' } });
    const lookups = cache.fake().calls.GetCacheEntryDownloadURL;
    await failure(remote.exists(key), RemoteRefusedError, /ACTIONS_CACHE_MODE is "none", which does not permit reads/);
    assert.equal(cache.fake().calls.GetCacheEntryDownloadURL, lookups);
  });

  test('write-only: a save works and finds nothing to reuse; a restore\'s lookup is refused by name', async () => {
    const remote = cache.remote(undefined, { extra: { ACTIONS_CACHE_MODE: 'write-only' } });
    assert.equal(await remote.exists(key), false);
    assert.equal(await remote.newest(manifestPrefix('out', commandKey, 'trusted')), undefined);
    assert.equal(await remote.writeIfAbsent(key, source, true), true);
    await failure(remote.newestAmong([manifestPrefix('out', commandKey, 'trusted')]), RemoteRefusedError, /"write-only", which does not permit reads/);
  });
});
