import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { SourceChangedError } from '../../../src/core/errors.js';
import { sha256Hex } from '../../../src/core/fileDigests.js';
import { blobKey, manifestKey, manifestPrefix, outputPrefix } from '../../../src/store/layout.js';
import { useActionsCache } from '../../helpers/useActionsCache.js';
import { makeTemporaryDirectory } from '../../helpers/workspace.js';
import { defineRemoteContract, readAll } from '../remoteContract.js';

const commandKey = 'c'.repeat(64);
const tree = (seed: string): string => sha256Hex(seed);

describe('GhaRemote', () => {
  const cache = useActionsCache();
  let contractCount = 0;
  // Each remote writes a branch scope of its own: a fresh, empty store, as the contract expects.
  defineRemoteContract(() => cache.remote([{ scope: `refs/heads/contract-${++contractCount}`, write: true }]));

  let directory: string;
  beforeAll(async () => {
    directory = await makeTemporaryDirectory('gha-remote');
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('every entry has one version, and an existing content-addressed object costs a lookup, not a reservation', async () => {
    const remote = cache.remote([{ scope: 'refs/heads/versions', write: true }]);
    const content = randomBytes(1000);
    const key = blobKey(sha256Hex(content));
    const creates = cache.fake().calls.CreateCacheEntry;
    assert.equal(await remote.writeIfAbsent(key, { bytes: content, sha256: sha256Hex(content) }, true), true);
    assert.equal(await remote.writeIfAbsent(key, { bytes: content, sha256: sha256Hex(content) }, true), false);
    assert.equal(cache.fake().calls.CreateCacheEntry, creates + 1, 'the second write found the entry and reserved nothing');
    await remote.writeIfAbsent(manifestKey('model', commandKey, 'trusted', tree('a')), { bytes: Buffer.from('{}') });
    const versions = new Set(cache.fake().entries.filter((entry) => entry.scope === 'refs/heads/versions').map((entry) => entry.version));
    assert.equal(versions.size, 1, 'blobs and manifests share one cache version, so one lookup sees them all');
  });

  test('keys follow the layout made case-safe and short: outputs that differ in case or are very long stay apart', async () => {
    const remote = cache.remote([{ scope: 'refs/heads/names', write: true }]);
    const long = `${'deep/'.repeat(150)}model.bin`;
    const outputs = ['Model.bin', 'model.bin', long, 'a,b.txt'];
    for (const [index, output] of outputs.entries()) {
      await remote.writeIfAbsent(manifestKey(output, commandKey, 'ref-Feature', tree(String(index))), { bytes: Buffer.from(`manifest ${index}`) });
    }
    for (const [index, output] of outputs.entries()) {
      const found = await remote.newest(manifestPrefix(output, commandKey, 'ref-Feature'));
      assert.equal(found?.key, manifestKey(output, commandKey, 'ref-Feature', tree(String(index))), output);
      assert.equal(await readAll(await remote.read(found!.key)), `manifest ${index}`);
      assert.equal(await remote.newest(manifestPrefix(output, commandKey, 'ref-feature')), undefined, 'a scope differing in case is another scope');
    }
    const stored = cache.fake().entries.filter((entry) => entry.scope === 'refs/heads/names').map((entry) => entry.key);
    assert.ok(stored.every((key) => key.length <= 512 && !key.includes(',') && key === key.toLowerCase()), stored.join('\n'));
    assert.equal((await remote.newest(outputPrefix(long)))?.key, manifestKey(long, commandKey, 'ref-Feature', tree('2')));
  });

  test('newestAmong answers for the own scope and trusted in one lookup, and says which held the newest', async () => {
    const remote = cache.remote([{ scope: 'refs/heads/among', write: true }]);
    const prefixes = ['pr-7', 'trusted'].map((scope) => manifestPrefix('out', commandKey, scope));
    assert.equal(await remote.newestAmong(prefixes), undefined);
    await remote.writeIfAbsent(manifestKey('out', commandKey, 'trusted', tree('t')), { bytes: Buffer.from('t') });
    const lookups = cache.fake().calls.GetCacheEntryDownloadURL;
    assert.deepEqual(await remote.newestAmong(prefixes), { index: 1, object: { key: manifestKey('out', commandKey, 'trusted', tree('t')), size: 0, modified: 0 } });
    assert.equal(cache.fake().calls.GetCacheEntryDownloadURL, lookups + 1);
    await remote.writeIfAbsent(manifestKey('out', commandKey, 'pr-7', tree('p')), { bytes: Buffer.from('p') });
    assert.equal((await remote.newestAmong(prefixes))?.index, 0);
    // pr-7's prefix ends in "/": pr-70 is no part of pr-7.
    assert.equal(await remote.newestAmong([manifestPrefix('out', commandKey, 'pr-70')]), undefined);
  });

  test('a file that changed after it was hashed is refused, and nothing is stored', async () => {
    const remote = cache.remote([{ scope: 'refs/heads/changed', write: true }]);
    const file = join(directory, 'changed.bin');
    await writeFile(file, 'the bytes as they are now');
    const creates = cache.fake().calls.CreateCacheEntry;
    await assert.rejects(remote.writeIfAbsent(blobKey('d'.repeat(64)), { file, size: 25, sha256: 'd'.repeat(64) }, true), SourceChangedError);
    assert.equal(cache.fake().calls.CreateCacheEntry, creates);
  });

  test('a large object is read in ranges from one download', async () => {
    const remote = cache.remote([{ scope: 'refs/heads/large', write: true }]);
    const content = randomBytes(24 * 1024 * 1024 + 5);
    const file = join(directory, 'large.bin');
    await writeFile(file, content);
    const key = blobKey(sha256Hex(content));
    assert.equal(await remote.writeIfAbsent(key, { file, size: content.length, sha256: sha256Hex(content) }, true), true);
    const downloads = cache.fake().calls.GetCacheEntryDownloadURL;
    const part = 8 * 1024 * 1024;
    const ranges = [0, 1, 2].map((index) => ({ offset: index * part, length: index === 2 ? content.length - 2 * part : part }));
    const read = await Promise.all(ranges.map(async (range) => readBytes(await remote.read(key, range))));
    assert.ok(Buffer.concat(read).equals(content));
    assert.equal(cache.fake().calls.GetCacheEntryDownloadURL, downloads + 1, 'one download served every range');
  });
});

async function readBytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
