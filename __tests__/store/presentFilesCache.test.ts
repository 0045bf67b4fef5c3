import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { restoreOnly } from '../../src/engine/restoreOnly.js';
import { saveOnly } from '../../src/engine/saveOnly.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { closeHashCache, closeHashPool, rememberRestoredFrom, stampOfPath, useHashCache } from '../../src/hashing/index.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { describeTree } from '../helpers/workspace.js';
import { withTemporaryDirectory } from '../core/temporaryDirectory.js';
import { filesOpenedBy, writeOldFile } from '../hashing/hashCacheHelpers.js';

afterEach(() => closeHashCache());
afterAll(closeHashPool);

function context(remoteRoot: string): StepContext {
  return { remote: new FileRemote(remoteRoot), scope: planExplicitScope('local', 'tests'), concurrency: 8, failOnCacheError: false, environment: process.env };
}

function step(workspace: string, output: string): StepDefinition {
  return { workingDirectory: workspace, command: ['make data'], deps: [], outputs: [output], env: [], keyExtra: '' };
}


/** A new process: what the last one learned is written, and read back by the next. */
function nextProcess(folder: string): void {
  closeHashCache();
  useHashCache(folder);
}

async function oldFolder(root: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeOldFile(join(root, path), content);
  }
}

describe('restore with the hash cache', () => {
  test('files already present that the cache knows are not read, restore after restore; small ones are read', async () => {
    await withTemporaryDirectory(async (directory) => {
      const cacheFolder = join(directory, 'cache');
      useHashCache(cacheFolder);
      // Small files are cheaper to read than to remember anew after every restore (its links change their ctime).
      const sizes = Array.from({ length: 40 }, (_, index) => (index < 30 ? rememberRestoredFrom + index * 997 : 100 + index));
      const files = Object.fromEntries(sizes.map((size, index) => [`part-${index % 3}/item-${index}.bin`, randomBytes(size)]));
      await oldFolder(join(directory, 'work', 'data'), files);
      const definition = step(join(directory, 'work'), 'data');
      const saved = await saveOnly(definition, context(join(directory, 'remote')), { policy: 'always', runMs: null });
      assert.equal(saved.outputs[0]!.status, 'saved');
      const expected = await describeTree(join(directory, 'work', 'data'));
      for (const round of [1, 2, 3]) {
        nextProcess(cacheFolder);
        let report: Awaited<ReturnType<typeof restoreOnly>> | undefined;
        assert.equal(await filesOpenedBy(async () => (report = await restoreOnly(definition, context(join(directory, 'remote'))))), 10, `restore ${round}: the ten small files`);
        assert.equal(report!.status, 'hit', report!.reason);
        assert.equal(report!.outputs[0]!.transferred_bytes, 0);
        assert.deepEqual(await describeTree(join(directory, 'work', 'data')), expected);
      }
    });
  });

  test('a large file a restore wrote is trusted by the next restore without being read', async () => {
    await withTemporaryDirectory(async (directory) => {
      const cacheFolder = join(directory, 'cache');
      useHashCache(cacheFolder);
      const weights = randomBytes(32 * 1024 * 1024 + 4096);
      await oldFolder(join(directory, 'source'), { 'weights.bin': weights });
      const remote = join(directory, 'remote');
      await saveOnly(step(join(directory, 'source'), 'weights.bin'), context(remote), { policy: 'always', runMs: null });

      nextProcess(cacheFolder);
      const target = join(directory, 'target');
      await mkdir(target);
      const restored = await restoreOnly(step(target, 'weights.bin'), context(remote));
      assert.equal(restored.status, 'hit', restored.reason);
      assert.equal(restored.outputs[0]!.transferred_bytes, weights.length);

      nextProcess(cacheFolder);
      let again: Awaited<ReturnType<typeof restoreOnly>> | undefined;
      assert.equal(await filesOpenedBy(async () => (again = await restoreOnly(step(target, 'weights.bin'), context(remote)))), 0);
      assert.equal(again!.outputs[0]!.transferred_bytes, 0);
      assert.ok((await readFile(join(target, 'weights.bin'))).equals(weights));
    });
  });

  test('a present file changed at its size, its mtime set back, is read, found different and fetched again', async () => {
    await withTemporaryDirectory(async (directory) => {
      const cacheFolder = join(directory, 'cache');
      useHashCache(cacheFolder);
      const files = { 'a.txt': 'alpha\n'.repeat(2000), 'b.txt': 'bravo\n'.repeat(2000) };
      await oldFolder(join(directory, 'work', 'data'), files);
      const definition = step(join(directory, 'work'), 'data');
      await saveOnly(definition, context(join(directory, 'remote')), { policy: 'always', runMs: null });
      const tampered = join(directory, 'work', 'data', 'b.txt');
      const before = stampOfPath(tampered)!;
      await writeFile(tampered, 'BRAVO\n'.repeat(2000));
      const mtime = new Date(Number(before.mtimeNs / 1_000_000n));
      await utimes(tampered, mtime, mtime);

      nextProcess(cacheFolder);
      let report: Awaited<ReturnType<typeof restoreOnly>> | undefined;
      assert.equal(await filesOpenedBy(async () => (report = await restoreOnly(definition, context(join(directory, 'remote'))))), 1);
      assert.equal(report!.outputs[0]!.transferred_bytes, files['b.txt'].length);
      assert.equal(await readFile(tampered, 'utf8'), files['b.txt']);
    });
  });

  test('without the cache every present file is read', async () => {
    await withTemporaryDirectory(async (directory) => {
      useHashCache(undefined);
      const files = { 'a.txt': 'alpha\n', 'b.txt': 'bravo\n', 'c/d.txt': 'delta\n' };
      await oldFolder(join(directory, 'work', 'data'), files);
      const definition = step(join(directory, 'work'), 'data');
      await saveOnly(definition, context(join(directory, 'remote')), { policy: 'always', runMs: null });
      await rm(join(directory, 'work', 'data', 'a.txt'));
      for (const expected of [2, 3]) {
        assert.equal(await filesOpenedBy(() => restoreOnly(definition, context(join(directory, 'remote')))), expected);
      }
    });
  });
});
