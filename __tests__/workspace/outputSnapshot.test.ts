import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { resolveDeclaredPath } from '../../src/core/declaredPath.js';
import { UsageError } from '../../src/core/errors.js';
import { snapshotOutput } from '../../src/workspace/outputSnapshot.js';
import { treeHash } from '../../src/core/treeHash.js';
import { withTemporaryDirectory, writeFiles } from '../core/temporaryDirectory.js';

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

  test('an output holding a name with a tab or a control character is refused before it is saved, naming the file', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'out/fine.txt': 'a', 'out/sub/tab\there.txt': 'b', 'bell/ring\u0007': 'c' });
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'out', 'output')), (error: Error) => {
        assert.ok(error instanceof UsageError, error.message);
        assert.match(error.message, /^output "out" cannot be saved: file path "sub\/tab\\u0009here\.txt" contains a NUL or control character, which no restore accepts: rename it$/);
        return true;
      });
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'bell', 'output')), /output "bell" cannot be saved: file path "ring\\u0007"/);
    });
  });

  test('an output holding two names that differ only in case is refused, naming both', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'docs/README': 'upper', 'docs/readme': 'lower' });
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'docs', 'output')), (error: Error) => {
        assert.ok(error instanceof UsageError, error.message);
        assert.match(error.message, /output "docs" cannot be saved: it holds both "README" and "readme", one name on a file system that ignores case/);
        return true;
      });
    });
  });

  test('an output holding one name in two Unicode normalizations is refused, showing the code points that differ', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'docs/caf\u00e9.txt': 'composed', 'docs/cafe\u0301.txt': 'decomposed' });
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'docs', 'output')), (error: Error) => {
        assert.ok(error instanceof UsageError, error.message);
        assert.ok(error.message.includes('(U+0065 U+0301)') && error.message.includes('(U+00E9)'), error.message);
        return true;
      });
    });
  });

  test('an output holding a name that is not valid UTF-8 is refused with the name escaped', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'out/data/fine.txt': 'a' });
      writeFileSync(Buffer.concat([Buffer.from(join(directory, 'out/data/caf')), Buffer.from([0xe9]), Buffer.from('.txt')]), 'x');
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'out', 'output')), (error: Error) => {
        assert.ok(error instanceof UsageError, error.message);
        assert.ok(error.message.startsWith('output "out" contains data/caf\\xe9.txt, a file name that is not valid UTF-8'), error.message);
        return true;
      });
    });
  });

  test('a name holding U+FFFD itself is valid UTF-8 and is saved', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'out/odd\ufffd.txt': 'a' });
      const snapshot = await snapshotOutput(resolveDeclaredPath(directory, 'out', 'output'));
      assert.deepEqual(snapshot.files.map((file) => file.path), ['odd\ufffd.txt']);
    });
  });

  test('a declared output whose name on disk is not valid UTF-8 is refused with the name escaped', async () => {
    await withTemporaryDirectory(async (directory) => {
      writeFileSync(Buffer.concat([Buffer.from(join(directory, 'caf')), Buffer.from([0xe9])]), 'x');
      // How the name reads once it has passed through text (a command line decoded as UTF-8).
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'caf\ufffd', 'output')), /output "caf\ufffd" names caf\\xe9, a file name that is not valid UTF-8/);
    });
  });

  test('an output nested deeper than the system can name is refused, naming the output and the limit', async () => {
    await withTemporaryDirectory(async (directory) => {
      const level = 'd'.repeat(200);
      // Made one folder at a time from inside the previous one: the whole path is too long to name at once.
      const script = `const fs = require('node:fs'); for (const name of ['deep', ...Array(22).fill('${level}')]) { fs.mkdirSync(name); process.chdir(name); } fs.writeFileSync('file', 'x');`;
      execFileSync(process.execPath, ['-e', script], { cwd: directory });
      try {
        await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, 'deep', 'output')), (error: Error) => {
          assert.ok(error instanceof UsageError, error.message);
          assert.match(error.message, /^output "deep" contains d+…d+(\/d+)*, whose path is too long: it is \d+ bytes long as an absolute path, and this system allows less than 4096 bytes in a path/);
          assert.ok(error.message.length < 600, error.message);
          return true;
        });
      } finally {
        execFileSync('rm', ['-rf', join(directory, 'deep')]);
      }
    });
  });

  test('a declared output longer than the system allows is refused, shortened, naming the limit', async () => {
    await withTemporaryDirectory(async (directory) => {
      await mkdir(join(directory, 'out'));
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, `out/${'x'.repeat(300)}`, 'output')), (error: Error) => {
        assert.ok(error instanceof UsageError, error.message);
        assert.match(error.message, /^output "out\/x+…x+" is too long: it has a name of 300 bytes, and this system allows at most 255 bytes in one name/);
        return true;
      });
    });
  });

  test('a glob given as an output is explained: outputs are paths, and the folder is suggested', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'out/a.txt': 'a' });
      await assert.rejects(
        snapshotOutput(resolveDeclaredPath(directory, 'out/*.txt', 'output')),
        /output "out\/\*\.txt" does not exist, and outputs are paths of files or folders, not globs: declare the folder "out" instead$/,
      );
      await assert.rejects(snapshotOutput(resolveDeclaredPath(directory, '*.txt', 'output')), /not globs: declare each file, or have the command write them into a folder/);
    });
  });
});

