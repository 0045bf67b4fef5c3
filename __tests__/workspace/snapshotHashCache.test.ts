import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { hashInputs } from '../../src/engine/hashInputs.js';
import { saveOnly } from '../../src/engine/saveOnly.js';
import { verifyOutput } from '../../src/engine/verifyOutput.js';
import { closeHashCache, closeHashPool, stampOfPath, useHashCache } from '../../src/hashing/index.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { expandDependencies } from '../../src/workspace/dependencies.js';
import { snapshotOutput } from '../../src/workspace/outputSnapshot.js';
import { withTemporaryDirectory } from '../core/temporaryDirectory.js';
import { filesOpenedBy, writeOldFile } from '../hashing/hashCacheHelpers.js';

afterEach(() => closeHashCache());
afterAll(closeHashPool);

const sha256 = (content: string): string => createHash('sha256').update(content).digest('hex');


/** An output folder of old files, as one a command wrote in an earlier run. */
async function oldOutput(directory: string): Promise<{ absolute: string; relative: string; files: Record<string, string> }> {
  const files = { 'model.bin': 'weights\n'.repeat(1000), 'config/cfg.json': '{"seed": 1}\n', 'vocab.txt': 'a\nb\nc\n' };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(directory, 'out', path, '..'), { recursive: true });
    await writeOldFile(join(directory, 'out', path), content);
  }
  return { absolute: join(directory, 'out'), relative: 'out', files };
}

describe('output snapshots through the hash cache', () => {
  test('an unchanged output is not read again; a file changed at its size with its mtime set back is', async () => {
    await withTemporaryDirectory(async (directory) => {
      useHashCache(join(directory, 'cache'));
      const output = await oldOutput(directory);
      let first: Awaited<ReturnType<typeof snapshotOutput>> | undefined;
      assert.equal(await filesOpenedBy(async () => (first = await snapshotOutput(output))), 3);
      let second: Awaited<ReturnType<typeof snapshotOutput>> | undefined;
      assert.equal(await filesOpenedBy(async () => (second = await snapshotOutput(output))), 0);
      assert.deepEqual(second, first);
      closeHashCache();
      useHashCache(join(directory, 'cache'));
      assert.equal(await filesOpenedBy(() => snapshotOutput(output)), 0, 'the next process knows them too');

      await writeOldFile(join(output.absolute, 'vocab.txt'), 'x\ny\nz\n');
      let changed: Awaited<ReturnType<typeof snapshotOutput>> | undefined;
      assert.equal(await filesOpenedBy(async () => (changed = await snapshotOutput(output))), 1);
      assert.equal(changed!.files.find((file) => file.path === 'vocab.txt')!.sha256, sha256('x\ny\nz\n'));
      assert.notEqual(changed!.tree, first!.tree);
    });
  });

  test('deps: the input report of unchanged files reads none of them, and gives the same three digests', async () => {
    await withTemporaryDirectory(async (directory) => {
      useHashCache(join(directory, 'cache'));
      await oldOutput(directory);
      const first = await hashInputs(directory, ['out']);
      let second: typeof first = [];
      assert.equal(await filesOpenedBy(async () => (second = await hashInputs(directory, ['out']))), 0);
      assert.deepEqual(second, first);
      assert.equal(first.find((input) => input.path === 'out/vocab.txt')!.md5, createHash('md5').update('a\nb\nc\n').digest('hex'));
    });
  });

  test('expanding deps stamps each file as the hashing would read it: a link by its target', async () => {
    await withTemporaryDirectory(async (directory) => {
      await oldOutput(directory);
      await symlink(join(directory, 'out', 'vocab.txt'), join(directory, 'out', 'config', 'linked.txt'));
      const files = await expandDependencies(directory, ['out', 'out/vocab.txt']);
      for (const file of files) assert.deepEqual(file.stamp, stampOfPath(file.absolute), file.path);
      assert.deepEqual(files.find((file) => file.path === 'out/config/linked.txt')!.stamp, stampOfPath(join(directory, 'out', 'vocab.txt')));
    });
  });

  test('stoat verify reads every file: a wrong digest remembered for a file\'s exact stamp does not fool it', async () => {
    await withTemporaryDirectory(async (directory) => {
      const cache = useHashCache(join(directory, 'cache'))!;
      const output = await oldOutput(directory);
      const truth = await snapshotOutput(output, { readEveryFile: true });
      const definition = { workingDirectory: directory, command: ['make out'], deps: [], outputs: ['out'], env: [], keyExtra: '' };
      const context = { remote: new FileRemote(join(directory, 'remote')), scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: false, environment: process.env };
      const saved = await saveOnly(definition, context, { policy: 'always', runMs: null });
      const manifestPath = saved.outputs[0]!.manifest!;

      // Poison the cache: the exact stamp of vocab.txt, with the digest of other bytes.
      cache.remember(stampOfPath(join(output.absolute, 'vocab.txt'))!, { sha256: sha256('poison') }, Date.now());
      const trusting = await snapshotOutput(output);
      assert.equal(trusting.files.find((file) => file.path === 'vocab.txt')!.sha256, sha256('poison'), 'a snapshot trusts the cache');

      let verification: Awaited<ReturnType<typeof verifyOutput>> | undefined;
      assert.equal(await filesOpenedBy(async () => (verification = await verifyOutput(output.absolute, manifestPath))), 3);
      assert.deepEqual({ added: verification!.added, removed: verification!.removed, modified: verification!.modified }, { added: [], removed: [], modified: [] });
      assert.equal(verification!.tree, truth.tree);
    });
  });
});
