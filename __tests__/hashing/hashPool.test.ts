import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FileDigests } from '../../src/core/fileDigests.js';
import { closeHashPool, hashFiles, hashFilesSha256 } from '../../src/hashing/hashPool.js';
import { hashChunkSize } from '../../src/hashing/hashWorkerPool.js';
import { withTemporaryDirectory } from '../core/temporaryDirectory.js';

afterAll(closeHashPool);

function digestsOf(bytes: Uint8Array): FileDigests {
  const hex = (algorithm: string): string => createHash(algorithm).update(bytes).digest('hex');
  return { size: bytes.length, md5: hex('md5'), sha1: hex('sha1'), sha256: hex('sha256') };
}

/** What md5sum, sha1sum and sha256sum print for the files, one call of each tool for all of them. */
function coreutilsDigests(paths: readonly string[]): Omit<FileDigests, 'size'>[] {
  const column = (tool: string): string[] =>
    execFileSync(tool, ['--', ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .trimEnd()
      .split('\n')
      .map((line) => line.split(' ')[0]!);
  const [md5, sha1, sha256] = ['md5sum', 'sha1sum', 'sha256sum'].map(column) as [string[], string[], string[]];
  return paths.map((_, index) => ({ md5: md5[index]!, sha1: sha1[index]!, sha256: sha256[index]! }));
}

/** Writes each content as a file of the directory and returns their paths, in order. */
async function writeAll(directory: string, contents: readonly Uint8Array[], prefix = 'file'): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const paths = contents.map((_, index) => join(directory, `${prefix}-${index}.bin`));
  await Promise.all(paths.map((path, index) => writeFile(path, contents[index]!)));
  return paths;
}

function randomContents(count: number, largest: number): Buffer[] {
  // Some empty files on purpose: they never reach a worker.
  return Array.from({ length: count }, () => randomBytes(randomInt(0, 8) === 0 ? 0 : randomInt(1, largest + 1)));
}

/** Resolves once this process has `path` open, seen through /proc, so a test can change it mid-read. */
async function whenOpened(path: string): Promise<void> {
  for (;;) {
    const links = await Promise.all((await readdir('/proc/self/fd')).map((name) => readlink(`/proc/self/fd/${name}`).catch(() => '')));
    if (links.includes(path)) return;
    await sleep(1);
  }
}

/** These tests watch the hashing open the file through /proc; without it they cannot run. */
const withProc = existsSync('/proc/self/fd') ? test : test.skip;

describe('hashFiles', () => {
  test('sizes around the chunk size match node:crypto and coreutils', async () => {
    await withTemporaryDirectory(async (directory) => {
      const sizes = [0, 1, hashChunkSize - 1, hashChunkSize, hashChunkSize + 1, 20 * 1024 * 1024];
      const contents = sizes.map((size) => randomBytes(size));
      const paths = await writeAll(directory, contents);
      const results = await hashFiles(paths);
      assert.deepEqual(results, contents.map(digestsOf));
      assert.deepEqual(
        results.map(({ md5, sha1, sha256 }) => ({ md5, sha1, sha256 })),
        coreutilsDigests(paths),
      );
    });
  });

  test('2,000 small files of random sizes come back in input order', async () => {
    await withTemporaryDirectory(async (directory) => {
      const contents = randomContents(2000, 70 * 1024);
      const paths = await writeAll(directory, contents);
      // Shuffled, so input order differs from the order the files were written and listed in.
      const order = paths.map((_, index) => index).sort(() => randomInt(0, 3) - 1);
      const results = await hashFiles(order.map((index) => paths[index]!));
      assert.deepEqual(results, order.map((index) => digestsOf(contents[index]!)));
      assert.deepEqual(
        results.map(({ md5, sha1, sha256 }) => ({ md5, sha1, sha256 })),
        coreutilsDigests(order.map((index) => paths[index]!)),
      );
    });
  });

  test('the same file twice, and no files at all', async () => {
    await withTemporaryDirectory(async (directory) => {
      const [path] = await writeAll(directory, [randomBytes(12345)]);
      const [first, second] = await hashFiles([path!, path!]);
      assert.deepEqual(first, second);
      assert.deepEqual(await hashFiles([]), []);
    });
  });
});

describe('hashFilesSha256', () => {
  test('large and small files match node:crypto and sha256sum', async () => {
    await withTemporaryDirectory(async (directory) => {
      const contents = [randomBytes(3 * hashChunkSize + 17), ...randomContents(500, 64 * 1024), randomBytes(hashChunkSize)];
      const paths = await writeAll(directory, contents);
      const results = await hashFilesSha256(paths);
      assert.deepEqual(
        results,
        contents.map((bytes) => ({ size: bytes.length, sha256: digestsOf(bytes).sha256 })),
      );
      assert.deepEqual(
        results.map(({ sha256 }) => sha256),
        coreutilsDigests(paths).map(({ sha256 }) => sha256),
      );
    });
  });
});

describe('hashing errors name the file, and the pool keeps working', () => {
  test('a missing file among others', async () => {
    await withTemporaryDirectory(async (directory) => {
      const contents = randomContents(300, 64 * 1024);
      const paths = await writeAll(directory, contents);
      const missing = join(directory, 'absent.bin');
      await assert.rejects(hashFiles([...paths.slice(0, 150), missing, ...paths.slice(150)]), (error: Error) => {
        assert.match(error.message, /absent\.bin/);
        assert.match(error.message, /ENOENT/);
        return true;
      });
      assert.deepEqual(await hashFiles(paths), contents.map(digestsOf));
    });
  });

  test('a directory', async () => {
    await withTemporaryDirectory(async (directory) => {
      await mkdir(join(directory, 'inner'));
      await assert.rejects(hashFilesSha256([join(directory, 'inner')]), /inner.*EISDIR/);
    });
  });

  test('a named pipe is refused, not waited on', async () => {
    await withTemporaryDirectory(async (directory) => {
      const pipe = join(directory, 'pipe');
      execFileSync('mkfifo', [pipe]);
      await assert.rejects(hashFiles([pipe]), /pipe.*named pipe/);
    });
  });

  test('a file without read permission', async () => {
    await withTemporaryDirectory(async (directory) => {
      // Root reads any file despite its mode, but not a write-only sysctl.
      const asRoot = process.getuid?.() === 0;
      const path = asRoot ? '/proc/sys/vm/compact_memory' : (await writeAll(directory, [randomBytes(10)]))[0]!;
      if (!asRoot) execFileSync('chmod', ['000', path]);
      else if (!existsSync(path)) return;
      await assert.rejects(hashFiles([path]), (error: Error) => error.message.includes(JSON.stringify(path)) && /EACCES/.test(error.message));
    });
  });

  withProc('a file that shrinks while being read', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'shrinking.bin');
      // Sparse, so it costs no disk; several times the ring, so most reads happen after the truncation.
      await writeFile(path, '');
      await truncate(path, 40 * hashChunkSize);
      const hashing = hashFiles([path]);
      await whenOpened(path);
      await truncate(path, hashChunkSize);
      await assert.rejects(hashing, /shrinking\.bin.*changed while being read/);
      assert.equal((await hashFiles([path]))[0]!.size, hashChunkSize);
    });
  });

  withProc('a file that grows while being read is hashed as it was when opened', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'growing.bin');
      const size = 20 * hashChunkSize;
      await writeFile(path, '');
      await truncate(path, size);
      const hashing = hashFiles([path]);
      await whenOpened(path);
      await appendFile(path, randomBytes(1000));
      assert.deepEqual(await hashing, [digestsOf(new Uint8Array(size))]);
    });
  });

  test('closing the pool fails the calls in progress; the next call starts a new pool', async () => {
    await withTemporaryDirectory(async (directory) => {
      const contents = [randomBytes(12 * hashChunkSize)];
      const paths = await writeAll(directory, contents);
      const rejected = assert.rejects(hashFiles(paths), /closed/);
      await closeHashPool();
      await rejected;
      assert.deepEqual(await hashFiles(paths), contents.map(digestsOf));
    });
  });
});

test('overlapping calls of both kinds each get their own results', async () => {
  await withTemporaryDirectory(async (directory) => {
    const contents = [...randomContents(600, 64 * 1024), randomBytes(5 * hashChunkSize + 3), randomBytes(9 * hashChunkSize)];
    const paths = await writeAll(directory, contents);
    const expected = contents.map(digestsOf);
    const subsets = Array.from({ length: 8 }, (_, call) => paths.map((_, index) => index).filter((index) => (index + call) % 3 !== 0 || index >= 600));
    const calls = subsets.map((subset, call) =>
      call % 2 === 0 ? hashFiles(subset.map((index) => paths[index]!)) : hashFilesSha256(subset.map((index) => paths[index]!)),
    );
    const failing = hashFiles([paths[0]!, join(directory, 'missing.bin'), paths[1]!]);
    await assert.rejects(failing, /missing\.bin/);
    const results = await Promise.all(calls);
    subsets.forEach((subset, call) => {
      const wanted = subset.map((index) => (call % 2 === 0 ? expected[index] : { size: expected[index]!.size, sha256: expected[index]!.sha256 }));
      assert.deepEqual(results[call], wanted, `call ${call}`);
    });
  });
});
