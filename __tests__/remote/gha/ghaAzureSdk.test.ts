import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { RemoteError } from '../../../src/core/errors.js';
import { sha256Hex } from '../../../src/core/fileDigests.js';
import { GhaRemote } from '../../../src/remote/gha/ghaRemote.js';
import { actionsCacheKeys, blobKey } from '../../../src/store/layout.js';
import { useActionsCache } from '../../helpers/useActionsCache.js';
import { makeTemporaryDirectory } from '../../helpers/workspace.js';
import { defineRemoteContract } from '../remoteContract.js';

/**
 * The path GitHub's runners take: archive URLs on *.blob.core.windows.net, which @actions/cache
 * downloads through the Azure SDK (a HEAD, then ranged GETs of 4 MiB in segments), where any other
 * host gets one plain GET. The processes running @actions/cache resolve that host to Azurite.
 */
describe('GhaRemote on the Azure SDK path', () => {
  const cache = useActionsCache({ productionHost: true });
  let contractCount = 0;
  defineRemoteContract(() => cache.remote([{ scope: `refs/heads/sdk-contract-${++contractCount}`, write: true }]));

  let directory: string;
  beforeAll(async () => {
    directory = await makeTemporaryDirectory('gha-sdk');
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('an object of many 4 MiB parts goes up and comes back byte for byte', async () => {
    const remote = cache.remote([{ scope: 'refs/heads/sdk-large', write: true }]);
    const content = randomBytes(40 * 1024 * 1024 + 3);
    const file = join(directory, 'large.bin');
    await writeFile(file, content);
    const key = blobKey(sha256Hex(content));
    assert.equal(await remote.writeIfAbsent(key, { file, size: content.length, sha256: sha256Hex(content) }, true), true);
    const chunks: Buffer[] = [];
    for await (const chunk of (await remote.read(key)) as AsyncIterable<Buffer>) chunks.push(chunk);
    assert.ok(Buffer.concat(chunks).equals(content));
  });

  test('the archives really are on the Azure host: a process that cannot resolve it cannot download them', async () => {
    const remote = cache.remote([{ scope: 'refs/heads/sdk-host', write: true }]);
    const key = blobKey(sha256Hex('on the azure host'));
    await remote.writeIfAbsent(key, { bytes: Buffer.from('on the azure host') }, true);
    const environment = cache.environment([{ scope: 'refs/heads/sdk-host', write: true }]);
    delete environment.NODE_OPTIONS;
    const unresolved = new GhaRemote(actionsCacheKeys, { environment, workers: 1 });
    try {
      assert.equal(await unresolved.exists(key), true, 'the lookup goes to the cache service, which it reaches');
      await assert.rejects(unresolved.read(key), (error: Error) => error instanceof RemoteError && /blob\.core\.windows\.net|ENOTFOUND|EAI_AGAIN/.test(error.message));
    } finally {
      unresolved.close();
    }
  });
});
