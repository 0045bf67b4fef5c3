import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { expandDependencies } from '../../src/workspace/dependencies.js';
import { UsageError } from '../../src/core/errors.js';
import { withTemporaryDirectory, writeFiles } from '../core/temporaryDirectory.js';

/** The relative paths only: most tests are about which files are covered, in which order. */
async function expandedPaths(workingDirectory: string, entries: readonly string[]): Promise<string[]> {
  return (await expandDependencies(workingDirectory, entries)).map((file) => file.path);
}

/** The expanded files' relative and absolute paths (their stamps are the hash cache's, tested with it). */
async function located(workingDirectory: string, entries: readonly string[]): Promise<{ path: string; absolute: string }[]> {
  return (await expandDependencies(workingDirectory, entries)).map(({ path, absolute }) => ({ path, absolute }));
}

describe('expandDependencies', () => {
  test('a file gives its relative path and absolute path', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'train.py': 'print(1)' });
      assert.deepEqual(await located(directory, ['train.py']), [{ path: 'train.py', absolute: join(directory, 'train.py') }]);
    });
  });

  test('a directory is walked recursively, dot files included', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, {
        'data/a.txt': 'a',
        'data/.hidden': 'h',
        'data/sub/b.txt': 'b',
        'data/sub/deeper/c.bin': 'c',
        'other.txt': 'not a dep',
      });
      assert.deepEqual(await located(directory, ['data']), [
        { path: 'data/.hidden', absolute: join(directory, 'data/.hidden') },
        { path: 'data/a.txt', absolute: join(directory, 'data/a.txt') },
        { path: 'data/sub/b.txt', absolute: join(directory, 'data/sub/b.txt') },
        { path: 'data/sub/deeper/c.bin', absolute: join(directory, 'data/sub/deeper/c.bin') },
      ]);
    });
  });

  test('`data`, `data/`, `./data` and the absolute path inside the working directory are one dep', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.txt': 'a' });
      for (const entry of ['data', 'data/', './data', join(directory, 'data')]) {
        assert.deepEqual(await expandedPaths(directory, [entry]), ['data/a.txt'], entry);
      }
    });
  });

  test('the glob `*.txt` matches top-level files only', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'b.txt': 'b', 'a.txt': 'a', 'c.csv': 'c', 'sub/d.txt': 'd' });
      assert.deepEqual(await located(directory, ['*.txt']), [
        { path: 'a.txt', absolute: join(directory, 'a.txt') },
        { path: 'b.txt', absolute: join(directory, 'b.txt') },
      ]);
    });
  });

  test('the glob `data/**/*.json` matches at every depth, and nothing else', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, {
        'data/top.json': '{}',
        'data/x/one.json': '{}',
        'data/x/y/two.json': '{}',
        'data/x/notes.txt': 'n',
        'elsewhere/three.json': '{}',
      });
      assert.deepEqual(await expandedPaths(directory, ['data/**/*.json']), ['data/top.json', 'data/x/one.json', 'data/x/y/two.json']);
    });
  });

  test('paths are sorted in JavaScript string order across entries', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'é': '1', 'a': '2', '_': '3', 'B': '4', 'd/a/x': '5', 'd/a-b': '6', 'd/a.b': '7', 'd/Z': '8' });
      // "-" (0x2d) < "." (0x2e) < "/" (0x2f), and uppercase before "_" before lowercase before "é".
      const expected = ['B', '_', 'a', 'd/Z', 'd/a-b', 'd/a.b', 'd/a/x', 'é'];
      assert.deepEqual(await expandedPaths(directory, ['é', 'd', 'a', '_', 'B']), expected);
      assert.deepEqual(await expandedPaths(directory, ['B', '_', 'a', 'd', 'é']), expected);
    });
  });

  test('a file covered by several entries is listed once', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.txt': 'a', 'data/sub/b.txt': 'b', 'c.txt': 'c' });
      assert.deepEqual(await expandedPaths(directory, ['data', 'data/sub/b.txt', 'data/**/*.txt', '*.txt', 'c.txt']), ['c.txt', 'data/a.txt', 'data/sub/b.txt']);
    });
  });

  test('a missing dep is an error naming it', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'present.txt': 'p' });
      await assert.rejects(expandDependencies(directory, ['present.txt', 'missing.txt']), /dep "missing\.txt" does not exist/);
    });
  });

  test('a glob that matches nothing is an error naming it', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'a.txt': 'a' });
      await assert.rejects(expandDependencies(directory, ['*.csv']), /dep "\*\.csv" matches no file/);
    });
  });

  test('a glob that matches only directories is an error naming it', async () => {
    await withTemporaryDirectory(async (directory) => {
      await mkdir(join(directory, 'logs.d'));
      await assert.rejects(expandDependencies(directory, ['*.d']), /dep "\*\.d" matches no file/);
    });
  });

  test('a relative path outside the working directory is an error naming it', async () => {
    await withTemporaryDirectory(async (root) => {
      await writeFiles(root, { 'outside.txt': 'o', 'work/a.txt': 'a' });
      await assert.rejects(expandDependencies(join(root, 'work'), ['../outside.txt']), /"\.\.\/outside\.txt" is outside the working directory/);
      await assert.rejects(expandDependencies(join(root, 'work'), ['../*.txt']), /"\.\.\/\*\.txt" is outside the working directory/);
    });
  });

  test('an absolute path outside the working directory is an error naming it', async () => {
    await withTemporaryDirectory(async (root) => {
      await writeFiles(root, { 'outside.txt': 'o', 'work/a.txt': 'a' });
      const outside = join(root, 'outside.txt');
      await assert.rejects(expandDependencies(join(root, 'work'), [outside]), (error: Error) => {
        assert.ok(error.message.includes(`"${outside}" is outside the working directory`), error.message);
        return true;
      });
    });
  });

  test('an empty directory is an error naming it', async () => {
    await withTemporaryDirectory(async (directory) => {
      await mkdir(join(directory, 'empty/nested'), { recursive: true });
      await assert.rejects(expandDependencies(directory, ['empty']), /dep "empty" is an empty directory/);
    });
  });

  test('a dep that is neither a file nor a directory is an error naming it', async () => {
    await withTemporaryDirectory(async (directory) => {
      execFileSync('mkfifo', [join(directory, 'pipe')]);
      await assert.rejects(expandDependencies(directory, ['pipe']), /dep "pipe" is neither a file nor a directory/);
    });
  });

  test('symbolic links inside a dep directory are followed, to files and to directories', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'real/file.txt': 'content', 'real/dir/inner.txt': 'inner', 'data/own.txt': 'own' });
      await symlink('../real/file.txt', join(directory, 'data/link.txt'));
      await symlink('../real/dir', join(directory, 'data/linked-dir'));
      assert.deepEqual(await located(directory, ['data']), [
        { path: 'data/link.txt', absolute: join(directory, 'data/link.txt') },
        { path: 'data/linked-dir/inner.txt', absolute: join(directory, 'data/linked-dir/inner.txt') },
        { path: 'data/own.txt', absolute: join(directory, 'data/own.txt') },
      ]);
    });
  });

  test('a symbolic link loop in a dep directory ends', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.txt': 'a', 'data/sub/b.txt': 'b' });
      await symlink('..', join(directory, 'data/sub/up'));
      await symlink('.', join(directory, 'data/self'));
      assert.deepEqual(await expandedPaths(directory, ['data']), ['data/a.txt', 'data/sub/b.txt']);
    });
  }, 10_000);

  test('a glob through a symbolic link loop ends', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.json': '{}' });
      await symlink('.', join(directory, 'data/self'));
      const paths = await expandedPaths(directory, ['data/**/*.json']);
      assert.ok(paths.includes('data/a.json'), paths.join(', '));
      assert.ok(paths.every((path) => path.endsWith('/a.json')), paths.join(', '));
    });
  }, 10_000);

  test('a broken symbolic link in a dep directory is an error naming it', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.txt': 'a' });
      await symlink('nowhere.txt', join(directory, 'data/dangling'));
      await assert.rejects(expandDependencies(directory, ['data']), /dep "data" contains a broken symbolic link at dangling/);
    });
  });

  // Deps are named inside the working directory, but links are followed: a dataset linked in from a
  // mounted volume is a normal dep, and its content is what the key covers.
  test('a linked-in file, directory or glob match is followed and named by its path inside', async () => {
    await withTemporaryDirectory(async (root) => {
      await writeFiles(root, { 'volume/shard.txt': 'shard', 'volume/label.txt': 'label', 'work/a.txt': 'a' });
      await symlink('../volume', join(root, 'work/dataset'));
      await symlink('../volume/label.txt', join(root, 'work/label.txt'));
      const work = join(root, 'work');
      assert.deepEqual((await expandDependencies(work, ['dataset'])).map((file) => file.path), ['dataset/label.txt', 'dataset/shard.txt']);
      assert.deepEqual((await expandDependencies(work, ['dataset/s*.txt'])).map((file) => file.path), ['dataset/shard.txt']);
      assert.deepEqual((await expandDependencies(work, ['label.txt'])).map((file) => [file.path, file.absolute]), [['label.txt', join(work, 'label.txt')]]);
    });
  });

  test('a glob written to reach outside the working directory is an error', async () => {
    await withTemporaryDirectory(async (root) => {
      await writeFiles(root, { 'elsewhere/secret.txt': 's', 'work/a.txt': 'a' });
      await assert.rejects(expandDependencies(join(root, 'work'), ['../elsewhere/*.txt']), /dep "\.\.\/elsewhere\/\*\.txt" is outside the working directory/);
    });
  });

  test('control characters in an entry are shown escaped in the error', async () => {
    await withTemporaryDirectory(async (directory) => {
      await assert.rejects(expandDependencies(directory, ['missing\n::error::forged']), (error: Error) => !error.message.includes('\n') && error.message.includes('\\u000a'));
    });
  });

  test('an empty list of deps gives no files', async () => {
    await withTemporaryDirectory(async (directory) => {
      assert.deepEqual(await expandDependencies(directory, []), []);
    });
  });

  test('writes nothing to the working directory', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFile(join(directory, 'a.txt'), 'a');
      await expandDependencies(directory, ['a.txt', '*.txt']);
      assert.deepEqual([...(await readdir(directory))], ['a.txt']);
    });
  });

});

/** Writes `<before><0xe9><after>` below `directory`: a Latin-1 "é", which is not valid UTF-8. */
function writeLatin1Name(directory: string, before: string, after: string): void {
  writeFileSync(Buffer.concat([Buffer.from(join(directory, before)), Buffer.from([0xe9]), Buffer.from(after)]), 'x');
}

/** Rejects with a UsageError whose message matches, and no internal error. */
async function assertUsageError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.ok(error instanceof UsageError, `${error.name}: ${error.message}`);
    assert.match(error.message, message);
    return true;
  });
}

describe('expandDependencies with names that are not valid UTF-8', () => {
  const refusal = /a file name that is not valid UTF-8: stoat records names as UTF-8 text/;

  test('a dep directory holding one is refused, the name escaped', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.txt': 'a', 'data/sub/b.txt': 'b' });
      writeLatin1Name(directory, 'data/sub/caf', '.txt');
      await assertUsageError(expandDependencies(directory, ['data']), /^dep "data" contains sub\/caf\\xe9\.txt, a file name that is not valid UTF-8/);
    });
  });

  test('a glob matching one is refused the same way', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.txt': 'a' });
      writeLatin1Name(directory, 'data/caf', '.txt');
      await assertUsageError(expandDependencies(directory, ['data/*']), /^dep "data\/\*" matches data\/caf\\xe9\.txt, a file name that is not valid UTF-8/);
      await assertUsageError(expandDependencies(directory, ['data/*.txt']), refusal);
      // A pattern that cannot match it leaves it alone.
      assert.deepEqual(await expandedPaths(directory, ['data/a*']), ['data/a.txt']);
    });
  });

  test('a glob that would walk into a folder named so is refused instead of leaving its files out', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.txt': 'a' });
      await mkdir(Buffer.concat([Buffer.from(join(directory, 'data/caf')), Buffer.from([0xe9])]));
      writeFileSync(Buffer.concat([Buffer.from(join(directory, 'data/caf')), Buffer.from([0xe9]), Buffer.from('/inner.txt')]), 'x');
      await assertUsageError(expandDependencies(directory, ['data/**/*.txt']), /^dep "data\/\*\*\/\*\.txt" reaches data\/caf\\xe9, a file name that is not valid UTF-8/);
      await assertUsageError(expandDependencies(directory, ['data']), /^dep "data" contains caf\\xe9, a file name/);
    });
  });

  test('a file named so on the command line is refused with its name escaped', async () => {
    await withTemporaryDirectory(async (directory) => {
      writeLatin1Name(directory, 'caf', '.txt');
      await assertUsageError(expandDependencies(directory, ['caf\ufffd.txt']), /^dep "caf\ufffd\.txt" names caf\\xe9\.txt, a file name that is not valid UTF-8/);
    });
  });

  test('a name that holds U+FFFD itself is valid UTF-8 and is a dep like any other', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/odd\ufffd.txt': 'a' });
      assert.deepEqual(await expandedPaths(directory, ['data']), ['data/odd\ufffd.txt']);
      assert.deepEqual(await expandedPaths(directory, ['data/*']), ['data/odd\ufffd.txt']);
      assert.deepEqual(await expandedPaths(directory, ['data/odd\ufffd.txt']), ['data/odd\ufffd.txt']);
    });
  });
});

describe('expandDependencies with links to devices and paths past the system limit', () => {
  test('a glob matching a link to a device is refused, naming the link and its target', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.txt': 'a' });
      await symlink('/dev/zero', join(directory, 'data/zero'));
      await assertUsageError(expandDependencies(directory, ['data/*']), /^dep "data\/\*" matches data\/zero, a link to \/dev\/zero, which is not a regular file \(a device, socket or pipe\): deps must be regular files/);
      assert.deepEqual(await expandedPaths(directory, ['data/*.txt']), ['data/a.txt']);
    });
  });

  test('a dep directory holding a link to a device is refused, naming it', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'data/a.txt': 'a' });
      await symlink('/dev/null', join(directory, 'data/null'));
      await assertUsageError(expandDependencies(directory, ['data']), /^dep "data" contains null, which is not a regular file/);
    });
  });

  test('a dep directory nested deeper than the system can name is refused, naming the limit', async () => {
    await withTemporaryDirectory(async (directory) => {
      const level = 'd'.repeat(200);
      const script = `const fs = require('node:fs'); for (const name of ['deep', ...Array(22).fill('${level}')]) { fs.mkdirSync(name); process.chdir(name); } fs.writeFileSync('file', 'x');`;
      execFileSync(process.execPath, ['-e', script], { cwd: directory });
      try {
        await assertUsageError(expandDependencies(directory, ['deep']), /^dep "deep" contains d+…d+, whose path is too long: .* this system allows less than 4096 bytes in a path/);
        await assertUsageError(expandDependencies(directory, ['deep/**']), /^dep "deep\/\*\*" reaches deep\/d+…d+, whose path is too long/);
      } finally {
        execFileSync('rm', ['-rf', join(directory, 'deep')]);
      }
    });
  });
});

