import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { chooseRemote } from '../../../src/action/remoteChoice.js';
import { UsageError } from '../../../src/core/errors.js';
import { cacheMode, cacheServiceProblem } from '../../../src/remote/gha/cacheService.js';
import { GhaRemote } from '../../../src/remote/gha/ghaRemote.js';
import { openRemote } from '../../../src/remote/openRemote.js';
import { type Remote } from '../../../src/remote/remote.js';
import { actionsCacheKeys } from '../../../src/store/layout.js';
import { withEnvironment } from '../../helpers/environment.js';
import { makeTemporaryDirectory } from '../../helpers/workspace.js';

const reachable = { ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RESULTS_URL: 'https://results-receiver.actions.githubusercontent.com/', ACTIONS_RUNTIME_TOKEN: 'token' };

describe('where the GitHub Actions cache can be reached', () => {
  test('as @actions/cache decides: the service version, its URL and the token', () => {
    assert.equal(cacheServiceProblem(reachable), undefined);
    assert.equal(cacheServiceProblem({}), 'ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN are not set');
    assert.equal(cacheServiceProblem({ ...reachable, ACTIONS_RUNTIME_TOKEN: '' }), 'ACTIONS_RUNTIME_TOKEN is not set');
    assert.equal(cacheServiceProblem({ ...reachable, ACTIONS_CACHE_SERVICE_V2: undefined }), 'ACTIONS_CACHE_SERVICE_V2 is not set');
    assert.equal(cacheServiceProblem({ ACTIONS_CACHE_URL: 'https://artifactcache.example/', ACTIONS_RUNTIME_TOKEN: 't' }), undefined, 'the first service, as on GitHub Enterprise Server');
    // On GitHub Enterprise Server @actions/cache uses the first service whatever ACTIONS_CACHE_SERVICE_V2 says.
    assert.equal(cacheServiceProblem({ ...reachable, GITHUB_SERVER_URL: 'https://github.example.com' }), 'ACTIONS_CACHE_URL is not set');
  });

  test('ACTIONS_CACHE_MODE: unset and unknown allow both, the four modes as @actions/cache reads them', () => {
    const modes = Object.fromEntries(['', 'bogus', 'none', 'read', 'write', 'WRITE-ONLY'].map((value) => [value, cacheMode({ ACTIONS_CACHE_MODE: value })]));
    assert.deepEqual(Object.values(modes).map(({ readable, writable }) => [readable, writable]), [[true, true], [true, true], [false, false], [true, false], [true, true], [false, true]]);
  });
});

describe('the default remote of the Action', () => {
  let root: string;
  beforeAll(async () => {
    root = await makeTemporaryDirectory('remote-choice');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('a remote given is used as given', () => {
    assert.deepEqual(chooseRemote('s3://bucket/x', reachable), { remote: 's3://bucket/x', reason: undefined, warning: undefined });
  });

  test('gha where the job can reach the cache, saying why', () => {
    const choice = chooseRemote('', { ...reachable, RUNNER_TOOL_CACHE: root });
    assert.equal(choice.remote, 'gha');
    assert.match(choice.reason!, /the input "remote" is not set, and this job can reach the GitHub Actions cache/);
    assert.equal(choice.warning, undefined);
  });

  test("the runner's disk elsewhere, with a warning on the first run only", async () => {
    const first = chooseRemote('', { RUNNER_TOOL_CACHE: root });
    assert.equal(first.remote, join(root, 'stoat'));
    assert.match(first.reason!, /cannot reach the GitHub Actions cache \(ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN are not set\), so results are kept on this runner's disk/);
    assert.match(first.warning!, /outlive this job only where the runner keeps its disk/);
    await mkdir(join(root, 'stoat'));
    assert.equal(chooseRemote('', { RUNNER_TOOL_CACHE: root }).warning, undefined);
    assert.equal(chooseRemote('', { ...reachable, ACTIONS_CACHE_MODE: 'none', RUNNER_TOOL_CACHE: root }).remote, join(root, 'stoat'), 'a job whose cache is off gets the disk');
  });

  test('neither the cache nor a runner folder: an error that says what to give', () => {
    assert.throws(() => chooseRemote('', {}), (error: Error) => error instanceof UsageError && /give a remote \(s3:\/\/bucket\/prefix or a directory\)/.test(error.message));
  });
});

describe('openRemote("gha")', () => {
  test('opens the GitHub Actions cache where its variables are set, in any case', async () => {
    await withEnvironment(reachable, async () => {
      for (const name of ['gha', 'GHA', ' gha ']) {
        const remote: Remote = await openRemote(name, '/work', {}, actionsCacheKeys);
        assert.ok(remote instanceof GhaRemote);
        assert.equal(remote.display, 'gha');
        assert.ok(!('replace' in remote) && !('list' in remote) && remote.newestAmong !== undefined, 'looks up, never lists or replaces');
        // Larger packs than other remotes (24–32 MiB): D2's 335 MiB in at most 6 packs, 8 entries with the manifest and its index.
        assert.ok((remote.packing?.minimumBytes ?? 0) >= 335 * 1024 * 1024 / 6, 'asks for large packs');
      }
    });
  });

  test('elsewhere, a usage error naming what is missing and what to do', async () => {
    await withEnvironment({ ACTIONS_RESULTS_URL: undefined, ACTIONS_RUNTIME_TOKEN: undefined, ACTIONS_CACHE_SERVICE_V2: undefined }, async () => {
      await assert.rejects(openRemote('gha', '/work', {}, actionsCacheKeys), (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /^remote "gha": the GitHub Actions cache can be reached only from a job on GitHub Actions, and here ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN are not set\. .*export-runtime: true/);
        return true;
      });
    });
  });
});
