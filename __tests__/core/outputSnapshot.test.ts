import assert from 'node:assert/strict';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { resolveDeclaredPath } from '../../src/core/declaredPath.js';
import { snapshotOutput } from '../../src/core/outputSnapshot.js';
import { treeHash } from '../../src/core/treeHash.js';
import { withTemporaryDirectory, writeFiles } from './temporaryDirectory.js';

const emptySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const foxSha256 = 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592';
const fox = 'The quick brown fox jumps over the lazy dog';

describe('snapshotOutput', () => {
  test('a file output is one entry named by its base name', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'training/model.bin': fox });
      await chmod(join(directory, 'training/model.bin'), 0o640);
      const snapshot = await snapshotOutput(resolveDeclaredPath(directory, './training/model.bin', 'output'));
      const entry = { path: 'model.bin', absolute: join(directory, 'training/model.bin'), size: 43, sha256: foxSha256, mode: 0o640 };
      assert.deepEqual(snapshot, { output: 'training/model.bin', kind: 'file', files: [entry], tree: treeHash([entry]), bytes: 43 });
      // [["model.bin",43,"d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",0]] hashed with python3
      // hashlib.sha256(json.dumps(rows, separators=(',', ':')).encode()).hexdigest()
      assert.equal(snapshot.tree, '675fb6010742bcd066b1d2b7af435365ef9b1a0b8e95466636e773cb6208f732');
    });
  });

  test('a directory output lists every file sorted, with sizes, modes and the tree hash of its entries', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, {
        'model/b.txt': fox,
        'model/a/x.bin': '',
        'model/a-b': 'ab',
        'model/B': 'capital',
        'model/é': 'é',
      });
      await chmod(join(directory, 'model/a/x.bin'), 0o755);
      await chmod(join(directory, 'model/a-b'), 0o744);
      await chmod(join(directory, 'model/b.txt'), 0o600);
      await chmod(join(directory, 'model/B'), 0o644);
      await chmod(join(directory, 'model/é'), 0o644);
      const snapshot = await snapshotOutput(resolveDeclaredPath(directory, 'model/', 'output'));
      assert.equal(snapshot.output, 'model');
      assert.equal(snapshot.kind, 'dir');
      // Content digests from `printf '%s' <content> | sha256sum`.
      assert.deepEqual(
        snapshot.files.map(({ path, size, sha256, mode }) => [path, size, sha256, mode]),
        [
          ['B', 7, 'bd08022e8fb80701512cd13c5f36b2ee06065bcde73329f41423dbd086c27281', 0o644],
          ['a-b', 2, 'fb8e20fc2e4c3f248c60c39bd652f3c1347298bb977b8b4d5903b85055620603', 0o744],
          ['a/x.bin', 0, emptySha256, 0o755],
          ['b.txt', 43, foxSha256, 0o600],
          ['é', 2, '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c', 0o644],
        ],
      );
      assert.deepEqual(snapshot.files.map((file) => file.absolute), ['B', 'a-b', 'a/x.bin', 'b.txt', 'é'].map((path) => join(directory, 'model', path)));
      assert.equal(snapshot.tree, treeHash(snapshot.files));
      assert.equal(snapshot.bytes, 7 + 2 + 0 + 43 + 2);
    });
  });

  test('an empty directory output has no files', async () => {
    await withTemporaryDirectory(async (directory) => {
      await mkdir(join(directory, 'empty'));
      const snapshot = await snapshotOutput(resolveDeclaredPath(directory, 'empty', 'output'));
      // printf '%s' '[]' | sha256sum
      assert.deepEqual(snapshot, { output: 'empty', kind: 'dir', files: [], tree: '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945', bytes: 0 });
    });
  });

  test('the execute bit changes the tree hash', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'bin/tool': '#!/bin/sh\n' });
      const declared = resolveDeclaredPath(directory, 'bin', 'output');
      await chmod(join(directory, 'bin/tool'), 0o644);
      const plain = await snapshotOutput(declared);
      await chmod(join(directory, 'bin/tool'), 0o744);
      const executable = await snapshotOutput(declared);
      assert.equal(plain.files[0]!.mode, 0o644);
      assert.equal(executable.files[0]!.mode, 0o744);
      assert.notEqual(plain.tree, executable.tree);
    });
  });

  test('a missing output is an error naming it', async () => {
    await withTemporaryDirectory(async (directory) => {
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'training/model', 'output')), /output "training\/model" was not produced/);
    });
  });

  test('an output containing a symbolic link is an error naming the link', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'model/real.bin': 'r' });
      await mkdir(join(directory, 'model/sub'));
      await symlink('../real.bin', join(directory, 'model/sub/link.bin'));
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'model', 'output')), /output "model" contains a symbolic link at sub\/link\.bin/);
    });
  });

  test('an output that is itself a symbolic link is an error naming it', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'real.bin': 'r' });
      await symlink('real.bin', join(directory, 'model.bin'));
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'model.bin', 'output')), /output "model\.bin" is not a regular file or directory/);
    });
  });
});
